from odoo import fields, models


class ProjectFlowAlertAcknowledgeWizard(models.TransientModel):
    """Acknowledge delay alerts with a comment saying what is being done."""

    _name = "project.flow.alert.acknowledge.wizard"
    _description = "Acknowledge Delay Alerts"

    alert_ids = fields.Many2many("project.flow.alert", string="Alerts", required=True)
    comment = fields.Text(required=True, help="What is being done about the delay.")

    def action_confirm(self):
        self.ensure_one()
        self.alert_ids._flow_acknowledge(self.comment)
        return {"type": "ir.actions.act_window_close"}
