from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import template_change as changes
from .flow_guard import allow_transition, transition_allowed

PROPOSAL_STATES = [
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]

# Written only by the action methods (accept, reject, withdraw).
_DECISION_FIELDS = {"state", "decided_by_id", "decision_date", "decision_reason"}
# The proposal itself: frozen once it is decided or withdrawn.
_CONTENT_FIELDS = {
    "name",
    "description",
    "project_id",
    "user_id",
    "template_id",
    "template_phase_id",
    "kind",
    "deliverable_name",
    "deliverable_type",
    "deliverable_stage",
    "deliverable_required",
    "approver_line_id",
    "rename_target",
    "rename_deliverable_id",
    "rename_task_id",
    "new_name",
    "new_duration",
}


class ProjectFlowProposal(models.Model):
    """A proposal, made by anyone working in a flow project, to improve the
    project's flow template: add a checklist item, drop an approval step,
    rename something confusing, change a phase's planned duration, or any
    other idea in words.

    The template's owner (or a flow administrator) accepts it, which applies
    the change to the template with a trace, or rejects it with a reason.
    """

    _name = "project.flow.proposal"
    _description = "Project Flow Improvement Proposal"
    _inherit = ["mail.thread", "mail.activity.mixin", "project.flow.template.change.mixin"]
    _order = "id desc"

    name = fields.Char(string="Summary", required=True, tracking=True)
    description = fields.Html()
    project_id = fields.Many2one(
        "project.project",
        string="Source project",
        domain="[('flow_template_id', '!=', False)]",
        index="btree_not_null",
        ondelete="set null",
    )
    template_id = fields.Many2one(
        "project.flow.template",
        compute="_compute_template_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
    )
    template_owner_id = fields.Many2one(related="template_id.owner_id", string="Template owner")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Proposed by",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    state = fields.Selection(
        PROPOSAL_STATES,
        required=True,
        default="proposed",
        tracking=True,
        copy=False,
        index=True,
        group_expand="_group_expand_state",
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, copy=False)
    decision_date = fields.Datetime(string="Decided on", readonly=True, copy=False)
    decision_reason = fields.Text(string="Reason", readonly=True, copy=False)
    change_ids = fields.One2many(
        "project.flow.template.change", "proposal_id", string="Template changes", readonly=True
    )
    can_decide = fields.Boolean(compute="_compute_can_decide")
    can_withdraw = fields.Boolean(compute="_compute_can_decide")

    @api.depends("project_id", "template_phase_id")
    def _compute_template_id(self):
        for proposal in self:
            template = (
                proposal.template_phase_id.template_id or proposal.project_id.flow_template_id
            )
            proposal.template_id = template or proposal.template_id

    @api.depends("project_id", "template_id")
    def _compute_company_id(self):
        for proposal in self:
            company = proposal.project_id.company_id or proposal.template_id.company_id
            proposal.company_id = company or proposal.company_id or self.env.company

    @api.depends("state", "template_id.owner_id", "user_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        user = self.env.user
        is_admin = user.has_group("project_flow.group_flow_admin")
        for proposal in self:
            open_ = proposal.state == "proposed"
            proposal.can_decide = open_ and (is_admin or proposal.template_id.owner_id == user)
            proposal.can_withdraw = open_ and (is_admin or proposal.user_id == user)

    def _group_expand_state(self, states, domain):
        return [key for key, _label in PROPOSAL_STATES]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not transition_allowed(self):
            for vals in vals_list:
                if vals.get("state", "proposed") != "proposed":
                    raise UserError(
                        _(
                            "Proposal %(proposal)s: a proposal is created proposed; its "
                            "field State changes only with the Accept, Reject and Withdraw "
                            "buttons.",
                            proposal=vals.get("name", ""),
                        )
                    )
                given = sorted(name for name in _DECISION_FIELDS - {"state"} if vals.get(name))
                if given:
                    raise UserError(
                        _(
                            "Proposal %(proposal)s: the field %(field)s is filled when the "
                            "proposal is decided, not when it is created.",
                            proposal=vals.get("name", ""),
                            field=self._flow_field_label(given[0]),
                        )
                    )
                # explicit, so a ``default_state`` in the context cannot slip in
                vals["state"] = "proposed"
        proposals = super().create(vals_list)
        proposals._check_project_visible()
        proposals._flow_notify_owner()
        return proposals

    def write(self, vals):
        if not transition_allowed(self):
            guarded = _DECISION_FIELDS & set(vals)
            if guarded:
                raise UserError(
                    _(
                        "Proposal %(proposal)s: the field %(field)s cannot be written "
                        "directly; use the Accept, Reject or Withdraw buttons.",
                        proposal=self[:1].display_name,
                        field=self._flow_field_label(sorted(guarded)[0]),
                    )
                )
            closed = self.filtered(lambda p: p.state != "proposed")
            if closed and _CONTENT_FIELDS & set(vals):
                raise UserError(
                    _(
                        "Proposal %(proposal)s is %(state)s and can no longer be edited.",
                        proposal=closed[0].display_name,
                        state=closed[0]._flow_state_label(),
                    )
                )
        result = super().write(vals)
        if "project_id" in vals:
            self._check_project_visible()
        if "template_id" in vals and not transition_allowed(self):
            self._flow_clear_activity()
            self._flow_notify_owner()
        return result

    def unlink(self):
        applied = self.filtered("change_ids")
        if applied:
            raise UserError(
                _(
                    "Proposal %(proposal)s changed its template and stays as the reason of "
                    "that change; it cannot be deleted.",
                    proposal=applied[0].display_name,
                )
            )
        return super().unlink()

    def _check_project_visible(self):
        """A proposal comes from a project its author can see; the source
        project also decides the template."""
        for proposal in self:
            project = proposal.project_id
            if not project:
                continue
            if not project.with_user(proposal.user_id).has_access("read"):
                raise AccessError(
                    _(
                        "Proposal %(proposal)s: %(user)s cannot see the project %(project)s "
                        "given in the field Source project.",
                        proposal=proposal.display_name,
                        user=proposal.user_id.name,
                        project=project.sudo().display_name,
                    )
                )
            if project.flow_template_id and project.flow_template_id != proposal.template_id:
                raise UserError(
                    _(
                        "Proposal %(proposal)s: the field Template must be the template of "
                        "the source project %(project)s (%(template)s).",
                        proposal=proposal.display_name,
                        project=project.display_name,
                        template=project.flow_template_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------
    def _flow_notify_owner(self):
        """Give the template owner an activity to decide the proposal."""
        for proposal in self.sudo():
            owner = proposal.template_id.owner_id
            if proposal.state != "proposed" or not owner.active or owner.share:
                continue
            proposal.activity_schedule(
                "project_flow.mail_activity_flow_proposal",
                user_id=owner.id,
                summary=_("Decide: %(proposal)s", proposal=proposal.name),
            )

    def _flow_clear_activity(self):
        activity_type = self.env.ref("project_flow.mail_activity_flow_proposal")
        self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type).unlink()

    def _flow_tell_proposer(self, body):
        """Post ``body`` in the chatter, addressed to the proposer."""
        self.ensure_one()
        self.sudo().message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _flow_change_label(self):
        self.ensure_one()
        return _("Proposal %(proposal)s", proposal=self.name)

    def _flow_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _flow_check_can_decide(self):
        for proposal in self:
            proposal._flow_check_template_owner(proposal.template_id)
            if proposal.state != "proposed":
                raise UserError(
                    _(
                        "Proposal %(proposal)s is already %(state)s.",
                        proposal=proposal.name,
                        state=proposal._flow_state_label(),
                    )
                )

    def _flow_close(self, state, reason=None):
        allow_transition(self.sudo()).write(
            {
                "state": state,
                "decided_by_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
                "decision_reason": reason or False,
            }
        )
        self._flow_clear_activity()

    def action_accept(self):
        """Accept the proposal: apply its change to the template (validated
        first, in this transaction) with a trace, and tell the proposer."""
        self.ensure_one()
        self._flow_check_can_decide()
        change = self.env["project.flow.template.change"]
        if self.kind in changes.APPLICABLE_KINDS:
            change = self._flow_apply_change({"proposal_id": self.id})
        self._flow_close("accepted")
        if change:
            body = Markup("%s<br/>%s") % (
                _(
                    "%(user)s accepted your proposal; the template %(template)s is changed:",
                    user=self.env.user.name,
                    template=self.template_id.display_name,
                ),
                change.summary,
            )
            self.template_id.sudo().message_post(
                body=_(
                    "Changed by the proposal %(proposal)s of %(user)s: %(change)s",
                    proposal=self.name,
                    user=self.user_id.name,
                    change=change.summary,
                ),
                author_id=self.env.user.partner_id.id,
            )
        else:
            body = _(
                "%(user)s accepted your proposal; the template owner carries it out by hand.",
                user=self.env.user.name,
            )
        self._flow_tell_proposer(body)
        return True

    def action_reject(self, reason=None):
        """Reject the proposal with a reason, which is sent to the proposer."""
        self.ensure_one()
        self._flow_check_can_decide()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                _(
                    "Proposal %(proposal)s: a rejection needs a reason in the field Reason; "
                    "it is sent to %(user)s.",
                    proposal=self.name,
                    user=self.user_id.name,
                )
            )
        self._flow_close("rejected", reason)
        self._flow_tell_proposer(
            _(
                "%(user)s rejected your proposal. Reason: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            )
        )
        return True

    def action_open_reject_wizard(self):
        self.ensure_one()
        self._flow_check_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject proposal"),
            "res_model": "project.flow.proposal.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_proposal_id": self.id},
        }

    def action_withdraw(self):
        """The proposer (or a flow administrator) takes the proposal back."""
        self.ensure_one()
        user = self.env.user
        if not (
            self.env.su or self.user_id == user or user.has_group("project_flow.group_flow_admin")
        ):
            raise AccessError(
                _(
                    "%(user)s cannot withdraw the proposal %(proposal)s: only %(author)s can.",
                    user=user.name,
                    proposal=self.name,
                    author=self.user_id.name,
                )
            )
        if self.state != "proposed":
            raise UserError(
                _(
                    "Proposal %(proposal)s is already %(state)s.",
                    proposal=self.name,
                    state=self._flow_state_label(),
                )
            )
        self._flow_close("withdrawn")
        return True

    def action_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_template_change"
        )
        action["domain"] = [("proposal_id", "=", self.id)]
        action["context"] = {}
        return action
