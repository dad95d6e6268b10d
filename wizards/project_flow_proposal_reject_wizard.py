from odoo import fields, models


class ProjectFlowProposalRejectWizard(models.TransientModel):
    """Reject an improvement proposal with the reason sent to the proposer."""

    _name = "project.flow.proposal.reject.wizard"
    _description = "Reject an Improvement Proposal"

    proposal_id = fields.Many2one("project.flow.proposal", required=True, readonly=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.proposal_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
