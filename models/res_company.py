from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    flow_require_initiation = fields.Boolean(
        string="Every project needs initiation approval",
        help="When set, projects without a flow template also start as drafts and must be "
        "approved (立项) before time can be logged on them.",
    )
    flow_initiation_policy_id = fields.Many2one(
        "project.flow.approval.policy", string="Default initiation approval"
    )
    flow_closing_policy_id = fields.Many2one(
        "project.flow.approval.policy", string="Default closing approval"
    )
