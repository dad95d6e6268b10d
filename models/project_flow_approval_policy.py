from odoo import fields, models


class ProjectFlowApprovalPolicy(models.Model):
    """A named approval rule for a project lifecycle step (initiation 立项,
    closing 结项), referenced by templates and by the company default."""

    _name = "project.flow.approval.policy"
    _description = "Project Flow Approval Policy"
    _inherit = ["project.flow.approval.mixin"]
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    approver_line_ids = fields.One2many(
        "project.flow.approver", "policy_id", string="Approvers", copy=True
    )
