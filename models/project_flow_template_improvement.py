from odoo import api, fields, models


class ProjectFlowTemplate(models.Model):
    """Improvement figures of a flow template: the proposals made against it
    and the changes applied to it, for the process maturity figures."""

    _inherit = "project.flow.template"

    proposal_ids = fields.One2many(
        "project.flow.proposal", "template_id", string="Improvement proposals"
    )
    change_ids = fields.One2many(
        "project.flow.template.change", "template_id", string="Template changes", readonly=True
    )
    proposal_count = fields.Integer(string="Proposals", compute="_compute_improvement_counts")
    proposal_accepted_count = fields.Integer(
        string="Accepted proposals", compute="_compute_improvement_counts"
    )
    proposal_rejected_count = fields.Integer(
        string="Rejected proposals", compute="_compute_improvement_counts"
    )
    change_count = fields.Integer(string="Changes", compute="_compute_improvement_counts")

    @api.depends("proposal_ids.state", "change_ids")
    def _compute_improvement_counts(self):
        # Counted as superuser: these are process figures of the template,
        # not a list of proposals (which each user sees per record rules).
        Proposal = self.env["project.flow.proposal"].sudo()
        by_state = {}
        for template, state, count in Proposal._read_group(
            [("template_id", "in", self.ids)], ["template_id", "state"], ["__count"]
        ):
            by_state.setdefault(template.id, {})[state] = count
        changes = {
            template.id: count
            for template, count in self.env["project.flow.template.change"]
            .sudo()
            ._read_group([("template_id", "in", self.ids)], ["template_id"], ["__count"])
        }
        for template in self:
            states = by_state.get(template.id, {})
            template.proposal_count = sum(states.values())
            template.proposal_accepted_count = states.get("accepted", 0)
            template.proposal_rejected_count = states.get("rejected", 0)
            template.change_count = changes.get(template.id, 0)

    def action_view_proposals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_proposal"
        )
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {"default_template_id": self.id}
        return action

    def action_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_template_change"
        )
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {}
        return action
