from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import approval as approval_rules
from ..engine import gate
from .flow_guard import allow_transition, transition_allowed
from .flow_schedule_guard import in_scheduler

PHASE_STATES = [
    ("draft", "Not started"),
    ("open", "In progress"),
    ("approval", "Waiting for approval"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


class ProjectFlowPhase(models.Model):
    """A phase of one project: planned and actual dates, deliverables, the
    gate that closes it and the approvals of that gate.

    The gate rules themselves live in ``engine/gate.py``; this model reads the
    records, asks the engine, and writes the outcome.
    """

    _name = "project.flow.phase"
    _description = "Project Flow Phase"
    _inherit = ["mail.thread", "mail.activity.mixin", "project.flow.approval.mixin"]
    _order = "project_id, sequence, id"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    template_phase_id = fields.Many2one("project.flow.template.phase", ondelete="set null")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text()
    state = fields.Selection(
        PHASE_STATES, required=True, default="draft", tracking=True, copy=False, index=True
    )
    gate_mode = fields.Selection(
        [(gate.HARD, "Hard gate"), (gate.SOFT, "Soft gate")],
        string="Gate mode",
        required=True,
        default=gate.HARD,
    )
    duration = fields.Integer(string="Planned duration (working days)", default=5)
    delay_threshold = fields.Integer(
        string="Delay threshold (working days)",
        default=0,
        help="Work of this phase this many working days late raises a delay alert. "
        "0: the template's threshold, else the company's.",
    )
    role_id = fields.Many2one("project.flow.role", string="Responsible role")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
    )
    date_start = fields.Date(string="Planned start")
    date_end = fields.Date(string="Planned end")
    date_actual_start = fields.Date(string="Actual start", readonly=True, copy=False)
    date_actual_end = fields.Date(string="Actual end", readonly=True, copy=False)
    milestone_id = fields.Many2one("project.milestone", string="Gate milestone", copy=False)
    deliverable_ids = fields.One2many(
        "project.flow.deliverable", "phase_id", string="Deliverables", copy=True
    )
    task_ids = fields.One2many("project.task", "flow_phase_id", string="Tasks")
    task_count = fields.Integer(compute="_compute_task_stats")
    task_closed_count = fields.Integer(compute="_compute_task_stats")
    progress = fields.Float(compute="_compute_task_stats", help="Closed tasks, in percent.")
    approver_line_ids = fields.One2many(
        "project.flow.approver", "phase_id", string="Approvers", copy=True
    )
    approval_ids = fields.One2many("project.flow.approval", "phase_id", string="Approvals")
    approval_round = fields.Integer(default=0, copy=False, readonly=True)
    gate_status = fields.Html(compute="_compute_gate_status", sanitize=False)
    is_overridden = fields.Boolean(string="Gate overridden", readonly=True, copy=False)
    color = fields.Integer(compute="_compute_color")

    _sql_constraints = [
        ("duration_positive", "CHECK(duration >= 0)", "A phase duration cannot be negative."),
        (
            "dates_ordered",
            "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
            "A phase cannot end before it starts.",
        ),
    ]

    @api.depends("project_id.name", "name")
    def _compute_display_name(self):
        for phase in self:
            phase.display_name = (
                f"{phase.project_id.name} / {phase.name}" if phase.project_id else phase.name
            )

    @api.depends(
        "role_id", "project_id.flow_member_ids.role_id", "project_id.flow_member_ids.user_id"
    )
    def _compute_user_id(self):
        for phase in self:
            members = phase.project_id.flow_member_ids.filtered(
                lambda m, role=phase.role_id: m.role_id == role
            )
            phase.user_id = members[:1].user_id or phase.user_id or phase.project_id.user_id

    @api.depends("task_ids.state")
    def _compute_task_stats(self):
        # group by state: is_closed is not stored, it cannot be grouped by
        data = self.env["project.task"]._read_group(
            [("flow_phase_id", "in", self.ids)], ["flow_phase_id", "state"], ["__count"]
        )
        stats = {}
        for phase, state, count in data:
            total, closed = stats.get(phase.id, (0, 0))
            stats[phase.id] = (total + count, closed + (count if state in CLOSED_STATES else 0))
        for phase in self:
            total, closed = stats.get(phase.id, (0, 0))
            phase.task_count = total
            phase.task_closed_count = closed
            phase.progress = (
                100.0 * closed / total if total else (100.0 if phase.state == "done" else 0.0)
            )

    @api.depends("state")
    def _compute_color(self):
        colors = {"draft": 0, "open": 4, "approval": 3, "done": 10, "cancelled": 1}
        for phase in self:
            phase.color = colors.get(phase.state, 0)

    @api.depends(
        "state",
        "gate_mode",
        "deliverable_ids.is_satisfied",
        "task_ids.state",
        "approval_ids.state",
    )
    def _compute_gate_status(self):
        for phase in self:
            if phase.state in ("done", "cancelled") or not phase.id:
                phase.gate_status = False
                continue
            result = gate.evaluate_completion(phase._flow_gate_input())
            items = [
                Markup('<li class="text-danger">%s</li>') % msg
                for msg in phase._flow_reason_messages(result.blockers)
            ] + [
                Markup('<li class="text-warning">%s</li>') % msg
                for msg in phase._flow_reason_messages(result.warnings)
            ]
            if not items:
                phase.gate_status = Markup('<p class="text-success mb-0">%s</p>') % _(
                    "The gate can be passed."
                )
            else:
                phase.gate_status = Markup('<ul class="mb-0">%s</ul>') % Markup("").join(items)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not transition_allowed(self):
            for vals in vals_list:
                if vals.get("state", "draft") != "draft":
                    raise UserError(
                        _(
                            "Phase %(phase)s: a phase is created not started; its field State "
                            "changes only through the phase's gate.",
                            phase=vals.get("name", ""),
                        )
                    )
                # explicit, so a ``default_state`` in the context cannot slip in
                vals["state"] = "draft"
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not transition_allowed(self):
            changed = self.filtered(lambda p: p.state != vals["state"])
            if changed:
                raise UserError(
                    _(
                        "Phase %(phase)s: the field State cannot be written directly; "
                        "open, complete or approve the phase instead.",
                        phase=changed[0].display_name,
                    )
                )
        if "project_id" in vals and not transition_allowed(self):
            moved = self.filtered(lambda p: p.project_id.id != vals["project_id"])
            if moved:
                raise UserError(
                    _(
                        "Phase %(phase)s: the field Project cannot change.",
                        phase=moved[0].display_name,
                    )
                )
        result = super().write(vals)
        if not in_scheduler(self) and ("duration" in vals or "sequence" in vals):
            # the phase's bar and its place in the chain of gates changed
            self.project_id._flow_reschedule_automatic()
        return result

    def unlink(self):
        started = self.filtered(lambda p: p.state != "draft")
        if started and not transition_allowed(self):
            raise UserError(
                _(
                    "Phase %(phase)s has started and cannot be deleted; cancel the project "
                    "instead.",
                    phase=started[0].display_name,
                )
            )
        return super().unlink()

    # ------------------------------------------------------------------
    # Gate evaluation
    # ------------------------------------------------------------------
    def _flow_previous_done(self):
        """Whether every earlier phase of the same project is done or cancelled."""
        self.ensure_one()
        earlier = self.project_id.flow_phase_ids.filtered(
            lambda p: (p.sequence, p.id) < (self.sequence, self.id)
        )
        return all(p.state in ("done", "cancelled") for p in earlier)

    def _flow_current_approvals(self):
        self.ensure_one()
        return self.approval_ids.filtered(lambda a: a.round == self.approval_round).sorted(
            lambda a: (a.sequence, a.id)
        )

    def _flow_approval_state(self):
        """The engine's view of the current approval round: ``none`` when the
        rule asks for no approval, else approved / pending / rejected (a phase
        that has not been submitted yet is pending)."""
        self.ensure_one()
        if self.approval_rule == approval_rules.NONE:
            return "none"
        approvals = self._flow_current_approvals()
        if not approvals:
            return "pending"
        return approval_rules.evaluate(
            approvals[0].approval_rule,
            approvals.mapped("state_for_rule"),
            approvals[0].approval_min,
        ).state

    def _flow_gate_input(self, stage="exit"):
        self.ensure_one()
        deliverables = self.deliverable_ids.filtered(lambda d: d.stage == stage)
        missing = deliverables.filtered(lambda d: not d.is_satisfied)
        open_tasks = self.task_ids.filtered(lambda t: not t.is_closed)
        return gate.GateInput(
            gate_mode=self.gate_mode,
            phase_state=self.state,
            previous_done=self._flow_previous_done(),
            missing_required_deliverables=tuple(missing.filtered("required").mapped("name")),
            missing_optional_deliverables=tuple(
                missing.filtered(lambda d: not d.required).mapped("name")
            ),
            open_tasks=tuple(open_tasks.mapped("name")) if stage == "exit" else (),
            approval_state=self._flow_approval_state() if stage == "exit" else "none",
        )

    def _flow_reason_messages(self, reasons):
        """Translate engine reasons into sentences naming this phase."""
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        messages = []
        for reason in reasons:
            params = dict(reason.params)
            code = reason.code
            if code == "phase_not_open":
                msg = _(
                    "Phase %(phase)s is not in progress (it is %(state)s).",
                    phase=self.display_name,
                    state=states.get(params.get("state"), params.get("state")),
                )
            elif code == "phase_not_draft":
                msg = _("Phase %(phase)s has already been opened.", phase=self.display_name)
            elif code == "previous_not_done":
                msg = _(
                    "Phase %(phase)s: the previous phases are not done yet.",
                    phase=self.display_name,
                )
            elif code == "missing_deliverables":
                msg = _(
                    "Phase %(phase)s: required deliverables are missing: %(names)s.",
                    phase=self.display_name,
                    names=params.get("names"),
                )
            elif code == "missing_optional_deliverables":
                msg = _(
                    "Phase %(phase)s: optional deliverables are missing: %(names)s.",
                    phase=self.display_name,
                    names=params.get("names"),
                )
            elif code == "open_tasks":
                msg = _(
                    "Phase %(phase)s: %(count)s tasks are not closed: %(names)s.",
                    phase=self.display_name,
                    count=params.get("count"),
                    names=params.get("names"),
                )
            elif code == "approval_pending":
                msg = _(
                    "Phase %(phase)s: the gate approval is still pending.",
                    phase=self.display_name,
                )
            elif code == "approval_rejected":
                msg = _("Phase %(phase)s: the gate approval was rejected.", phase=self.display_name)
            elif code == "phase_not_started":
                msg = _("Phase %(phase)s has not started yet.", phase=self.display_name)
            else:
                msg = code
            messages.append(msg)
        return messages

    def _flow_raise(self, reasons):
        raise UserError("\n".join(self._flow_reason_messages(reasons)))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open(self):
        """Open the phase: the project must be running, earlier phases done and
        (hard gate) the required entry criteria met."""
        for phase in self:
            phase.project_id._flow_check_running(_("open phase %(phase)s", phase=phase.name))
            blocker = gate.can_open(phase._flow_previous_done(), phase.state)
            if blocker:
                phase._flow_raise([blocker])
            entry = gate.evaluate_readiness(phase._flow_gate_input(stage="entry"))
            if entry.blockers:
                # the entry check runs on a phase that is not open yet
                blockers = [r for r in entry.blockers if r.code != "phase_not_open"]
                if blockers:
                    phase._flow_raise(blockers)
            phase._flow_set_state("open")
            if entry.warnings:
                phase._flow_post_warnings(entry.warnings, _("Phase opened with warnings"))
        return True

    def action_submit_gate(self):
        """Ask to pass the gate: check everything but the approvals, then
        either complete the phase (no approval rule) or request approvals."""
        self.ensure_one()
        if self.state == "approval":
            raise UserError(
                _(
                    "Phase %(phase)s is already waiting for approval.",
                    phase=self.display_name,
                )
            )
        result = gate.evaluate_readiness(self._flow_gate_input())
        if result.blockers:
            self._flow_raise(result.blockers)
        if result.warnings:
            self._flow_post_warnings(result.warnings, _("Gate submitted with warnings"))
        if self.approval_rule == approval_rules.NONE:
            self._flow_complete()
            return True
        users = self.approver_line_ids._resolve_users(self.project_id._flow_members_by_role())
        self._flow_validate_approval_rule(len(users))
        sudo_self = allow_transition(self.sudo())
        sudo_self.approval_round += 1
        self.env["project.flow.approval"]._flow_request(
            users,
            rule=self.approval_rule,
            min_approvals=self.approval_min,
            values={
                "project_id": self.project_id.id,
                "phase_id": self.id,
                "kind": "gate",
                "round": sudo_self.approval_round,
            },
        )
        self._flow_set_state("approval")
        return True

    def action_override(self):
        """Open the override wizard (flow managers only)."""
        self.ensure_one()
        self._flow_check_override_rights()
        return {
            "type": "ir.actions.act_window",
            "name": _("Override gate"),
            "res_model": "project.flow.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_phase_id": self.id,
                "default_operation": "open" if self.state == "draft" else "complete",
            },
        }

    def action_view_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("project.action_view_all_task")
        action.update(
            domain=[("flow_phase_id", "=", self.id)],
            context={
                "default_project_id": self.project_id.id,
                "default_flow_phase_id": self.id,
            },
        )
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _flow_set_state(self, state):
        opening = self.filtered(lambda p: p.state == "draft") if state == "open" else self.browse()
        today = fields.Date.context_today(self)
        for phase in self:
            vals = {"state": state}
            if state == "open" and not phase.date_actual_start:
                vals["date_actual_start"] = today
            if state == "done":
                vals["date_actual_end"] = today
            allow_transition(phase.sudo()).write(vals)
        for phase in opening.filtered("template_phase_id"):
            project = phase.project_id
            project._flow_post_lessons(
                phase.sudo(),
                project._flow_lessons_to_show(template_phase=phase.template_phase_id),
                _(
                    "Phase %(phase)s opened. Lessons from earlier projects for this phase:",
                    phase=phase.name,
                ),
            )

    def _flow_post_warnings(self, reasons, title):
        for phase in self:
            phase.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    title,
                    Markup("").join(
                        Markup("<li>%s</li>") % msg for msg in phase._flow_reason_messages(reasons)
                    ),
                )
            )

    def _flow_complete(self, override_reason=None):
        """Mark the phase done, reach its gate milestone and open the next phase."""
        self.ensure_one()
        if override_reason is None:
            result = gate.evaluate_completion(self._flow_gate_input())
            if result.blockers:
                self._flow_raise(result.blockers)
        self._flow_set_state("done")
        self._flow_capture_gate_baseline(overridden=override_reason is not None)
        if self.milestone_id:
            self.milestone_id.sudo().is_reached = True
        self.activity_unlink(["project_flow.mail_activity_flow_approval"])
        self.project_id._flow_on_phase_done(self)

    def _flow_on_decision(self):
        """Called after an approval decision: complete the phase or send it back."""
        self.ensure_one()
        if self.state != "approval":
            return
        state = self._flow_approval_state()
        if state == "approved":
            self._flow_complete()
        elif state == "rejected":
            rejections = self._flow_current_approvals().filtered(lambda a: a.state == "rejected")
            self._flow_current_approvals()._flow_cancel_pending()
            self._flow_set_state("open")
            reasons = Markup("").join(
                Markup("<li>%s: %s</li>") % (a.user_id.name, a.comment or "") for a in rejections
            )
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (_("The gate was rejected; the phase is back in progress."), reasons)
            )

    def _flow_check_override_rights(self):
        if not self.env.user.has_group("project_flow.group_flow_manager"):
            raise AccessError(_("Only a flow manager may override a phase gate."))

    def _flow_override(self, reason, operation="complete"):
        """Force the gate (``complete``) or open the phase early (``open``),
        logging the reason and what was bypassed in both chatters."""
        self.ensure_one()
        self._flow_check_override_rights()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                _(
                    "Phase %(phase)s: the field Reason is required to override a gate.",
                    phase=self.display_name,
                )
            )
        if operation == "open":
            if self.state != "draft":
                raise UserError(
                    _("Phase %(phase)s has already been opened.", phase=self.display_name)
                )
            bypassed = []
            if not self._flow_previous_done():
                bypassed.append(gate.Reason("previous_not_done", {}))
            self._flow_set_state("open")
            title = _("Phase opened by override")
        else:
            if self.state not in ("open", "approval"):
                raise UserError(
                    _(
                        "Phase %(phase)s cannot be completed from its current state.",
                        phase=self.display_name,
                    )
                )
            bypassed = list(gate.evaluate_completion(self._flow_gate_input()).blockers)
            self._flow_current_approvals()._flow_cancel_pending()
            allow_transition(self.sudo()).is_overridden = True
            self._flow_complete(override_reason=reason)
            title = _("Gate passed by override")
        body = Markup("<p><b>%s</b> — %s</p><p>%s %s</p>") % (
            title,
            escape(self.env.user.name),
            _("Reason:"),
            reason,
        )
        if bypassed:
            body += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % msg for msg in self._flow_reason_messages(bypassed)
            )
        self.message_post(body=body)
        self.project_id.message_post(body=body)
        return True

    # Lessons from earlier projects -----------------------------------------

    lesson_ids = fields.Many2many(
        "project.flow.lesson",
        string="Lessons from earlier projects",
        compute="_compute_lesson_ids",
    )
    lesson_count = fields.Integer(compute="_compute_lesson_ids")

    # the dependencies also keep Odoo from caching an empty value for the
    # phases it creates; changes of the library invalidate the value
    # (project.flow.lesson._flow_invalidate_shown)
    @api.depends("template_phase_id", "project_id")
    def _compute_lesson_ids(self):
        Lesson = self.env["project.flow.lesson"]
        template_phases = self.template_phase_id
        lessons = (
            Lesson.search([("template_phase_id", "in", template_phases.ids)])
            if template_phases
            else Lesson
        )
        for phase in self:
            mine = lessons.filtered(
                lambda lesson, p=phase: (
                    lesson.template_phase_id == p.template_phase_id
                    and lesson.project_id != p.project_id
                )
            )
            phase.lesson_ids = mine
            phase.lesson_count = len(mine)

    def action_view_lessons(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_lesson"
        )
        action["domain"] = [("id", "in", self.lesson_ids.ids)]
        return action
