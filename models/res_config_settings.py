from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    flow_require_initiation = fields.Boolean(
        related="company_id.flow_require_initiation", readonly=False
    )
    flow_initiation_policy_id = fields.Many2one(
        related="company_id.flow_initiation_policy_id", readonly=False
    )
    flow_closing_policy_id = fields.Many2one(
        related="company_id.flow_closing_policy_id", readonly=False
    )

    # Notification outbox
    flow_quiet_hours = fields.Boolean(related="company_id.flow_quiet_hours", readonly=False)
    flow_quiet_start = fields.Float(related="company_id.flow_quiet_start", readonly=False)
    flow_quiet_end = fields.Float(related="company_id.flow_quiet_end", readonly=False)
