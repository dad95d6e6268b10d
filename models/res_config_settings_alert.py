from odoo import fields, models


# The delay alert settings extend the settings in a file of their own.
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

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
