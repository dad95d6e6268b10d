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

    # Delay alerts ----------------------------------------------------------

    flow_delay_threshold = fields.Integer(related="company_id.flow_delay_threshold", readonly=False)
    flow_delay_level2_factor = fields.Float(
        related="company_id.flow_delay_level2_factor", readonly=False
    )
    flow_delay_level3_factor = fields.Float(
        related="company_id.flow_delay_level3_factor", readonly=False
    )
    flow_alert_management_user_ids = fields.Many2many(
        related="company_id.flow_alert_management_user_ids", readonly=False
    )

    # My work workspace -----------------------------------------------------

    flow_workspace_home = fields.Boolean(related="company_id.flow_workspace_home", readonly=False)
