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

    # Delay risk and health -------------------------------------------------

    flow_risk_alert_level = fields.Integer(
        related="company_id.flow_risk_alert_level", readonly=False
    )
    flow_health_weight_schedule = fields.Float(
        related="company_id.flow_health_weight_schedule", readonly=False
    )
    flow_health_weight_budget = fields.Float(
        related="company_id.flow_health_weight_budget", readonly=False
    )
    flow_health_weight_quality = fields.Float(
        related="company_id.flow_health_weight_quality", readonly=False
    )
    flow_health_schedule_yellow = fields.Float(
        related="company_id.flow_health_schedule_yellow", readonly=False
    )
    flow_health_schedule_red = fields.Float(
        related="company_id.flow_health_schedule_red", readonly=False
    )
    flow_health_budget_yellow = fields.Float(
        related="company_id.flow_health_budget_yellow", readonly=False
    )
    flow_health_budget_red = fields.Float(
        related="company_id.flow_health_budget_red", readonly=False
    )
    flow_health_rework_yellow = fields.Float(
        related="company_id.flow_health_rework_yellow", readonly=False
    )
    flow_health_rework_red = fields.Float(
        related="company_id.flow_health_rework_red", readonly=False
    )
    flow_health_green_score = fields.Integer(
        related="company_id.flow_health_green_score", readonly=False
    )
    flow_health_yellow_score = fields.Integer(
        related="company_id.flow_health_yellow_score", readonly=False
    )
    flow_health_defect_tag_id = fields.Many2one(
        related="company_id.flow_health_defect_tag_id", readonly=False
    )
