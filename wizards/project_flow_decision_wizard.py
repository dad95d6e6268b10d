from odoo import fields, models


class ProjectFlowDecisionWizard(models.TransientModel):
    """Approve or reject an approval request with a comment."""

    _name = "project.flow.decision.wizard"
    _description = "Decide an Approval Request"

    approval_id = fields.Many2one("project.flow.approval", required=True, readonly=True)
    subject = fields.Char(related="approval_id.subject")
    comment = fields.Text()

    def action_approve(self):
        self.ensure_one()
        self.approval_id.action_approve(self.comment)
        return {"type": "ir.actions.act_window_close"}

    def action_reject(self):
        self.ensure_one()
        self.approval_id.action_reject(self.comment)
        return {"type": "ir.actions.act_window_close"}
