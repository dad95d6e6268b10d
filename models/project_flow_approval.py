from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import approval as approval_rules
from .flow_guard import allow_transition, transition_allowed
from .project_flow_approval_mixin import APPROVAL_RULES

APPROVAL_KINDS = [
    ("initiation", "Initiation (立项)"),
    ("gate", "Phase gate"),
    ("closing", "Closing (结项)"),
]
APPROVAL_STATES = [
    ("waiting", "Waiting for earlier approvers"),
    ("pending", "To approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class ProjectFlowApproval(models.Model):
    """One approval request: one approver, one round of one gate or lifecycle
    step.  Decisions go through :meth:`action_approve` / :meth:`action_reject`,
    which check that the current user is the approver and that it is their
    turn; the counting rules live in ``engine/approval.py``."""

    _name = "project.flow.approval"
    _description = "Project Flow Approval"
    _order = "requested_date desc, round desc, sequence, id"
    _rec_name = "user_id"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    phase_id = fields.Many2one("project.flow.phase", ondelete="cascade", index="btree_not_null")
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    kind = fields.Selection(APPROVAL_KINDS, required=True, default="gate")
    user_id = fields.Many2one("res.users", string="Approver", required=True, index=True)
    sequence = fields.Integer(default=10)
    round = fields.Integer(default=1, required=True)
    approval_rule = fields.Selection(APPROVAL_RULES, string="Approval rule", required=True)
    approval_min = fields.Integer(string="Minimum approvals", default=1)
    state = fields.Selection(APPROVAL_STATES, required=True, default="pending", index=True)
    state_for_rule = fields.Char(compute="_compute_state_for_rule")
    comment = fields.Text()
    requested_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    decision_date = fields.Datetime(readonly=True)
    subject = fields.Char(compute="_compute_subject")
    is_mine = fields.Boolean(compute="_compute_is_mine", search="_search_is_mine")

    @api.depends("state")
    def _compute_state_for_rule(self):
        for approval in self:
            approval.state_for_rule = (
                approval.state if approval.state in ("approved", "rejected") else "pending"
            )

    @api.depends("kind", "project_id.name", "phase_id.name")
    def _compute_subject(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for approval in self:
            target = approval.phase_id.name if approval.kind == "gate" else kinds[approval.kind]
            approval.subject = f"{approval.project_id.name} — {target}"

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_is_mine(self):
        for approval in self:
            approval.is_mine = approval.user_id == self.env.user

    def _search_is_mine(self, operator, value):
        positive = (operator == "=") == bool(value)
        return [("user_id", "=" if positive else "!=", self.env.uid)]

    @api.model_create_multi
    def create(self, vals_list):
        if not transition_allowed(self):
            raise UserError(
                _(
                    "Approval requests are created by submitting a phase gate or a "
                    "lifecycle step, not directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not transition_allowed(self):
            raise UserError(
                _(
                    "Approval of %(approver)s: approvals are decided with the Approve and "
                    "Reject buttons, not edited.",
                    approver=self[:1].user_id.name,
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------
    @api.model
    def _flow_request(self, users, rule, min_approvals, values):
        """Create one request per user (in order), activate those who may act
        now and give them an activity on the record to approve."""
        approvals = (
            allow_transition(self.sudo())
            .with_context(tracking_disable=True)
            .create(
                [
                    dict(
                        values,
                        user_id=user.id,
                        sequence=index,
                        approval_rule=rule,
                        approval_min=min_approvals,
                        state="waiting" if rule == approval_rules.SEQUENTIAL else "pending",
                    )
                    for index, user in enumerate(users)
                ]
            )
        )
        # drop the transition context from the records handed back
        approvals = self.sudo().browse(approvals.ids)
        approvals._flow_activate()
        return approvals

    def _flow_activate(self):
        """Turn the requests whose turn has come into ``pending`` and schedule
        their activities."""
        if not self:
            return
        rule, minimum = self[0].approval_rule, self[0].approval_min
        outcome = approval_rules.evaluate(rule, self.mapped("state_for_rule"), minimum)
        for index in outcome.active_indexes:
            approval = self[index]
            if approval.state == "cancelled":
                continue
            if approval.state == "waiting":
                allow_transition(approval).write({"state": "pending"})
            approval._flow_schedule_activity()

    def _flow_target(self):
        self.ensure_one()
        return self.phase_id if self.kind == "gate" else self.project_id

    def _flow_schedule_activity(self):
        activity_type = self.env.ref("project_flow.mail_activity_flow_approval")
        for approval in self:
            target = approval._flow_target().sudo()
            existing = target.activity_ids.filtered(
                lambda a, user=approval.user_id: (
                    a.activity_type_id == activity_type and a.user_id == user
                )
            )
            if existing:
                continue
            target.activity_schedule(
                "project_flow.mail_activity_flow_approval",
                user_id=approval.user_id.id,
                summary=_("Approve: %(subject)s", subject=approval.subject),
            )

    def _flow_clear_activity(self):
        activity_type = self.env.ref("project_flow.mail_activity_flow_approval")
        for approval in self:
            target = approval._flow_target().sudo()
            target.activity_ids.filtered(
                lambda a, user=approval.user_id: (
                    a.activity_type_id == activity_type and a.user_id == user
                )
            ).unlink()

    def _flow_cancel_pending(self):
        pending = self.filtered(lambda a: a.state in ("waiting", "pending"))
        pending._flow_clear_activity()
        allow_transition(pending.sudo()).write({"state": "cancelled"})

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _flow_check_can_decide(self):
        for approval in self:
            if approval.user_id != self.env.user:
                raise AccessError(
                    _(
                        "%(user)s is not the approver of this request (%(subject)s); only "
                        "%(approver)s can decide it.",
                        user=self.env.user.name,
                        subject=approval.subject,
                        approver=approval.user_id.name,
                    )
                )
            if approval.state == "waiting":
                raise UserError(
                    _(
                        "%(subject)s: it is not your turn yet; earlier approvers decide first.",
                        subject=approval.subject,
                    )
                )
            if approval.state != "pending":
                raise UserError(
                    _("%(subject)s: this request is already decided.", subject=approval.subject)
                )

    def action_approve(self, comment=None):
        return self._flow_decide("approved", comment)

    def action_reject(self, comment=None):
        if not (comment or "").strip():
            raise UserError(
                _("A rejection needs a reason in the field Comment: it is sent back to the team.")
            )
        return self._flow_decide("rejected", comment)

    def action_open_decision_wizard(self):
        self.ensure_one()
        self._flow_check_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": _("Decide"),
            "res_model": "project.flow.decision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_approval_id": self.id},
        }

    def _flow_decide(self, decision, comment):
        self._flow_check_can_decide()
        now = fields.Datetime.now()
        for approval in self:
            allow_transition(approval.sudo()).write(
                {"state": decision, "comment": comment, "decision_date": now}
            )
            approval._flow_clear_activity()
            target = approval._flow_target()
            verdict = _("approved") if decision == "approved" else _("rejected")
            body = _(
                "%(user)s %(verdict)s %(subject)s.",
                user=approval.user_id.name,
                verdict=verdict,
                subject=approval.subject,
            )
            if comment:
                body = f"{body} {comment}"
            target.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
            siblings = approval._flow_round()
            outcome = approval_rules.evaluate(
                approval.approval_rule, siblings.mapped("state_for_rule"), approval.approval_min
            )
            if outcome.state == "pending":
                siblings._flow_activate()
            else:
                siblings._flow_cancel_pending()
            target.sudo()._flow_on_decision()
        return True

    def _flow_round(self):
        """All requests of the same round as this one, in order.  Requests
        cancelled once the round was decided still count as undecided, so the
        outcome of a round never changes afterwards."""
        self.ensure_one()
        domain = [
            ("project_id", "=", self.project_id.id),
            ("kind", "=", self.kind),
            ("round", "=", self.round),
        ]
        if self.phase_id:
            domain.append(("phase_id", "=", self.phase_id.id))
        return self.sudo().search(domain, order="sequence, id")
