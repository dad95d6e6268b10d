from odoo import fields, models


class ProjectFlowLesson(models.Model):
    """A lesson learned in a project, kept in the lessons library and shown to
    later projects of the same template."""

    _name = "project.flow.lesson"
    _description = "Project Flow Lesson"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="Lesson", required=True, tracking=True)
    description = fields.Html()
    project_id = fields.Many2one(
        "project.project", string="Source project", ondelete="set null", index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    template_id = fields.Many2one(
        "project.flow.template", ondelete="set null", index="btree_not_null"
    )
    template_phase_id = fields.Many2one(
        "project.flow.template.phase",
        string="Template phase",
        domain="[('template_id', '=', template_id)]",
        ondelete="set null",
    )
    tag_ids = fields.Many2many("project.flow.lesson.tag", string="Topics")
    active = fields.Boolean(default=True)
