from odoo import fields, models


class ProjectFlowOverrideWizard(models.TransientModel):
    """A flow manager forces a gate, with a reason logged in the chatter."""

    _name = "project.flow.override.wizard"
    _description = "Override a Phase Gate"

    phase_id = fields.Many2one("project.flow.phase", required=True, readonly=True)
    operation = fields.Selection(
        [("complete", "Complete the phase"), ("open", "Open the phase now")],
        required=True,
        default="complete",
    )
    reason = fields.Text(required=True)
    gate_status = fields.Html(related="phase_id.gate_status")

    def action_confirm(self):
        self.ensure_one()
        self.phase_id._flow_override(self.reason, self.operation)
        return {"type": "ir.actions.act_window_close"}
