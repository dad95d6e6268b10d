from odoo import fields, models


class ProjectFlowRole(models.Model):
    """A role people play in a flow project (project manager, tech lead, QA...)."""

    _name = "project.flow.role"
    _description = "Project Flow Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Technical code, used by integrations and data files.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    _sql_constraints = [
        ("code_uniq", "unique(code, company_id)", "A role code must be unique per company."),
    ]
