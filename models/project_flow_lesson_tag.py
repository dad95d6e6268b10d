from odoo import fields, models


class ProjectFlowLessonTag(models.Model):
    """A topic a lesson is about (scope, estimates, suppliers, testing, …)."""

    _name = "project.flow.lesson.tag"
    _description = "Project Flow Lesson Topic"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()

    _sql_constraints = [("name_uniq", "unique(name)", "A topic name must be unique.")]
