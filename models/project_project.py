from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, html2plaintext, is_html_empty
from odoo.tools.sql import column_exists, create_column, set_not_null

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import approval as approval_rules
from ..engine import retrospective as retro_rules
from ..engine import tracking
from .flow_guard import allow_transition, transition_allowed
from .flow_schedule_guard import in_scheduler, scheduler
from .flow_scheduler import FlowScheduler

LESSONS_IN_MESSAGE = 5

FLOW_STATES = [
    ("draft", "Draft"),
    ("initiation", "Initiation approval"),
    ("running", "Running"),
    ("closing", "Closing approval"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]


class ProjectProject(models.Model):
    _inherit = "project.project"

    flow_template_id = fields.Many2one(
        "project.flow.template", string="Flow template", tracking=True, index="btree_not_null"
    )
    flow_state = fields.Selection(
        FLOW_STATES,
        string="Lifecycle",
        default=lambda self: self._default_flow_state(),
        required=True,
        tracking=True,
        copy=False,
        index=True,
        help="Draft → initiation approval (立项) → running → closing approval (结项) → closed.",
    )
    flow_phase_ids = fields.One2many("project.flow.phase", "project_id", string="Phases")
    flow_member_ids = fields.One2many(
        "project.flow.member", "project_id", string="Members by role", copy=True
    )
    flow_approval_ids = fields.One2many("project.flow.approval", "project_id", string="Approvals")
    flow_approval_round = fields.Integer(default=0, copy=False, readonly=True)
    flow_current_phase_id = fields.Many2one(
        "project.flow.phase",
        string="Current phase",
        compute="_compute_flow_phase_stats",
        store=True,
    )
    flow_current_phase_name = fields.Char(
        related="flow_current_phase_id.name", string="Current phase name"
    )
    flow_phase_progress = fields.Float(
        string="Phase progress", compute="_compute_flow_phase_stats", store=True
    )
    flow_phase_count = fields.Integer(compute="_compute_flow_phase_stats", store=True)
    flow_is_managed = fields.Boolean(
        string="Follows a lifecycle",
        compute="_compute_flow_is_managed",
        help="The project follows the flow lifecycle: it has a template or the company "
        "asks every project for an initiation approval.",
    )
    flow_pending_approval_count = fields.Integer(compute="_compute_flow_pending_approval_count")
    flow_scheduling_mode = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        string="Scheduling",
        compute="_compute_flow_scheduling_mode",
        store=True,
        readonly=False,
        copy=True,
        help="Automatic: changing a task's dates, duration, constraint or dependencies "
        "reschedules the project at once (critical path on the project's working calendar). "
        "Manual: the plan changes only with Reschedule project.",
    )

    def _auto_init(self):
        """Existing projects keep running as before: fill the new lifecycle
        column in one statement instead of evaluating the default per row
        (which would also read a company column not created yet)."""
        if not column_exists(self.env.cr, "project_project", "flow_state"):
            create_column(self.env.cr, "project_project", "flow_state", "varchar")
            self.env.cr.execute("UPDATE project_project SET flow_state = 'running'")
            set_not_null(self.env.cr, "project_project", "flow_state")
        if not column_exists(self.env.cr, "project_project", "flow_scheduling_mode"):
            # projects made from a template schedule themselves, others
            # keep their dates until someone reschedules them
            create_column(self.env.cr, "project_project", "flow_scheduling_mode", "varchar")
            if column_exists(self.env.cr, "project_project", "flow_template_id"):
                self.env.cr.execute(
                    """
                    UPDATE project_project
                       SET flow_scheduling_mode = CASE WHEN flow_template_id IS NULL
                                                       THEN 'manual' ELSE 'automatic' END
                    """
                )
            else:
                self.env.cr.execute("UPDATE project_project SET flow_scheduling_mode = 'manual'")
        return super()._auto_init()

    def _default_flow_state(self):
        return "draft" if self.env.company.flow_require_initiation else "running"

    @api.depends("flow_phase_ids.state", "flow_phase_ids.sequence")
    def _compute_flow_phase_stats(self):
        for project in self:
            phases = project.flow_phase_ids.sorted(lambda p: (p.sequence, p.id))
            live = phases.filtered(lambda p: p.state != "cancelled")
            done = live.filtered(lambda p: p.state == "done")
            project.flow_phase_count = len(live)
            project.flow_phase_progress = 100.0 * len(done) / len(live) if live else 0.0
            current = live.filtered(lambda p: p.state in ("open", "approval"))[:1]
            project.flow_current_phase_id = (
                current or live.filtered(lambda p: p.state == "draft")[:1]
            )

    @api.depends("flow_template_id", "company_id.flow_require_initiation")
    def _compute_flow_is_managed(self):
        for project in self:
            project.flow_is_managed = bool(
                project.flow_template_id
                or (project.company_id or self.env.company).flow_require_initiation
                or project.flow_state != "running"
            )

    @api.depends("flow_template_id")
    def _compute_flow_scheduling_mode(self):
        for project in self:
            if project.flow_template_id:
                project.flow_scheduling_mode = "automatic"
            elif not project.flow_scheduling_mode:
                project.flow_scheduling_mode = "manual"

    def _compute_flow_pending_approval_count(self):
        counts = dict(
            self.env["project.flow.approval"]._read_group(
                [("project_id", "in", self.ids), ("state", "=", "pending")],
                ["project_id"],
                ["__count"],
            )
        )
        for project in self:
            project.flow_pending_approval_count = counts.get(project, 0)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not transition_allowed(self):
            default = self._default_flow_state()
            for vals in vals_list:
                if vals.get("flow_state", default) != default:
                    raise UserError(
                        _(
                            "Project %(project)s: the field Lifecycle cannot be set at creation; "
                            "a project starts as %(state)s.",
                            project=vals.get("name", ""),
                            state=dict(FLOW_STATES)[default],
                        )
                    )
                # explicit, so a ``default_flow_state`` in the context cannot
                # slip another state in
                vals["flow_state"] = default
        return super().create(vals_list)

    def write(self, vals):
        if "flow_state" in vals and not transition_allowed(self):
            changed = self.filtered(lambda p: p.flow_state != vals["flow_state"])
            if changed:
                raise UserError(
                    _(
                        "Project %(project)s: the field Lifecycle changes only through its "
                        "approval steps (submit, approve, close, cancel).",
                        project=changed[0].display_name,
                    )
                )
        result = super().write(vals)
        if not in_scheduler(self) and (
            "date_start" in vals or vals.get("flow_scheduling_mode") == "automatic"
        ):
            self._flow_reschedule_automatic()
        return result

    def copy(self, default=None):
        """Copy the flow phases too; a copy of a flow project starts over as a
        draft.  The phases are copied in :meth:`map_tasks`, just before Odoo
        copies the tasks, so that every task copy is created directly in the
        copy of its phase and gate milestone."""
        milestone_mapping = self.env.context.get("milestone_mapping", {})
        new_projects = super(
            ProjectProject, self.with_context(milestone_mapping=milestone_mapping)
        ).copy(default)
        for old, new in zip(self, new_projects, strict=True):
            if old.flow_phase_ids and not new.flow_phase_ids:
                # the tasks were not copied (``tasks`` given in ``default``)
                old.with_context(milestone_mapping=milestone_mapping)._flow_copy_phases(new)
            if new.flow_is_managed:
                allow_transition(new).write({"flow_state": "draft"})
        return new_projects

    def map_tasks(self, new_project_id):
        """Copy the phases before Odoo copies the tasks, and have each task
        copy land in the copy of its phase: a task may only belong to a phase
        of its own project.  Copying tasks does not start them, so the gate
        guard is not applied to the copies."""
        phase_mapping = self._flow_copy_phases(self.browse(new_project_id))
        project = allow_transition(self.with_context(flow_phase_mapping=phase_mapping))
        # one reschedule of the copy, once its tasks and links are all there
        result = super(ProjectProject, scheduler(project)).map_tasks(new_project_id)
        self.browse(new_project_id)._flow_reschedule_automatic()
        return result

    def _flow_copy_phases(self, new_project):
        """Copy this project's phases onto ``new_project``, not started and
        linked to the copied gate milestones (``milestone_mapping`` in the
        context, filled by Odoo when it copies the milestones).

        :return: dict old phase id -> new phase id
        """
        self.ensure_one()
        milestone_mapping = self.env.context.get("milestone_mapping", {})
        Phase = allow_transition(self.env["project.flow.phase"])
        mapping = {}
        for phase in self.flow_phase_ids:
            new_phase = Phase.browse(phase.id).copy(
                {
                    "project_id": new_project.id,
                    "milestone_id": milestone_mapping.get(phase.milestone_id.id, False),
                    "state": "draft",
                }
            )
            mapping[phase.id] = new_phase.id
        return mapping

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _flow_members_by_role(self):
        self.ensure_one()
        result = {}
        for member in self.flow_member_ids:
            result.setdefault(member.role_id.id, self.env["res.users"])
            result[member.role_id.id] |= member.user_id
        return result

    def _flow_work_calendar(self, start_date, span_days=366):
        self.ensure_one()
        calendar = self.resource_calendar_id
        return calendar._flow_work_calendar(start_date, start_date + timedelta(days=span_days))

    def _flow_datetime_window(self, date_begin, date_end):
        """UTC datetimes for a planned window of working days: from the first
        working hour of the first day to the last working hour of the last."""
        return self._flow_window_converter()(date_begin, date_end)

    def _flow_window_converter(self):
        """A function ``(first day, last day) -> (begin, end)`` giving the UTC
        planned window of working days (see ``_flow_datetime_window``),
        reading the calendar once for a whole project.  A milestone (``last
        day`` None) begins and ends at the last working hour of its day."""
        calendar = self.resource_calendar_id
        hour_from, hour_to = calendar._flow_day_hours() if calendar else (8.0, 17.0)
        tz = self._flow_schedule_tz()
        cache = {}

        def at(day, hour):
            moment = cache.get((day, hour))
            if moment is None:
                local = datetime.combine(day, time()) + timedelta(hours=hour)
                moment = cache[day, hour] = (
                    tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
                )
            return moment

        def window(date_begin, date_end):
            if date_end is None:
                return at(date_begin, hour_to), at(date_begin, hour_to)
            return at(date_begin, hour_from), at(date_end, hour_to)

        return window

    def _flow_schedule_tz(self):
        """The time zone of the project's working days (planned windows are
        stored in UTC)."""
        calendar = self.resource_calendar_id
        return pytz.timezone(calendar.tz or self.env.user.tz or "UTC")

    def _flow_check_running(self, action):
        for project in self:
            if project.flow_state != "running":
                raise UserError(
                    _(
                        "Project %(project)s is %(state)s: cannot %(action)s until it is running.",
                        project=project.display_name,
                        state=dict(self._fields["flow_state"]._description_selection(self.env))[
                            project.flow_state
                        ],
                        action=action,
                    )
                )

    def _flow_policy(self, kind):
        self.ensure_one()
        company = self.company_id or self.env.company
        if kind == "initiation":
            return self.flow_template_id.initiation_policy_id or company.flow_initiation_policy_id
        return self.flow_template_id.closing_policy_id or company.flow_closing_policy_id

    def _flow_set_state(self, state):
        """Every change of lifecycle goes through here: the retrospective
        guard holds on every path to closing, and reaching *closed* files
        the dossier and archives the project."""
        if state in ("closing", "closed"):
            self._flow_check_retrospective()
        allow_transition(self.sudo()).write({"flow_state": state})
        if state == "closed":
            for project in self:
                project._flow_archive_into_dossier()

    @api.model
    def _flow_running_flow_project_ids(self):
        """Ids of the running flow projects: active, running, and with a flow
        template or in a company that asks every project for the flow
        lifecycle. The others are plain Odoo projects: no delay alerts, no
        risk scores, no health (one query, for the crons)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.id
              FROM project_project p
              JOIN res_company c ON c.id = COALESCE(p.company_id, %s)
             WHERE p.active
               AND p.flow_state = 'running'
               AND (p.flow_template_id IS NOT NULL OR c.flow_require_initiation)
          ORDER BY p.id
            """,
            [self._flow_main_company().id],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _flow_project_domain(self, path=""):
        """Domain of the flow projects — a flow template, or a company that
        asks every project for the flow lifecycle; a project without a
        company follows the main company — on ``project.project``, or on
        another model through ``path`` (``"project_id."`` on tasks). The SQL
        twin is ``_flow_running_flow_project_ids`` (and the KPI views)."""
        domain = [
            "|",
            (f"{path}flow_template_id", "!=", False),
            (f"{path}company_id.flow_require_initiation", "=", True),
        ]
        if self._flow_main_company().flow_require_initiation:
            domain = ["|", (f"{path}company_id", "=", False), *domain]
        if path:
            domain = [(path.rstrip("."), "!=", False), *domain]
        return domain

    @api.model
    def _flow_main_company(self):
        """The company whose settings the projects without a company follow
        (whether they are flow projects): the first company, as the KPI
        views count them (``ORDER BY sequence, id``)."""
        return self.env["res.company"].sudo().search([], order="sequence, id", limit=1)

    def _flow_check_manager(self):
        if not self.env.user.has_group("project_flow.group_flow_manager"):
            raise AccessError(_("Only a flow manager may do this."))

    # ------------------------------------------------------------------
    # Lifecycle actions
    # ------------------------------------------------------------------
    def action_flow_submit(self):
        """Submit a draft project for initiation approval (立项)."""
        for project in self:
            if project.flow_state != "draft":
                raise UserError(
                    _("Project %(project)s is not a draft.", project=project.display_name)
                )
            project._flow_request_step("initiation")
        return True

    def action_flow_request_closing(self):
        """Ask to close a running project (结项): every phase must be done."""
        for project in self:
            if project.flow_state != "running":
                raise UserError(
                    _("Project %(project)s is not running.", project=project.display_name)
                )
            open_phases = project.flow_phase_ids.filtered(
                lambda p: p.state not in ("done", "cancelled")
            )
            if open_phases:
                raise UserError(
                    _(
                        "Project %(project)s cannot be closed: phases %(phases)s are not done.",
                        project=project.display_name,
                        phases=", ".join(open_phases.mapped("name")),
                    )
                )
            project._flow_request_step("closing")
        return True

    def action_flow_cancel(self):
        self._flow_check_manager()
        for project in self:
            if project.flow_state in ("closed", "cancelled"):
                raise UserError(
                    _(
                        "Project %(project)s is already closed or cancelled.",
                        project=project.display_name,
                    )
                )
            project.flow_approval_ids._flow_cancel_pending()
            project.flow_phase_ids.filtered(lambda p: p.state != "done")._flow_set_state(
                "cancelled"
            )
            project._flow_set_state("cancelled")
        return True

    def action_flow_reset_draft(self):
        self._flow_check_manager()
        for project in self:
            if project.flow_state != "cancelled":
                raise UserError(
                    _(
                        "Project %(project)s: only a cancelled project can go back to draft.",
                        project=project.display_name,
                    )
                )
            project.flow_phase_ids.filtered(lambda p: p.state == "cancelled")._flow_set_state(
                "draft"
            )
            project._flow_set_state("draft")
        return True

    def action_flow_view_approvals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_approval"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"search_default_filter_pending": 1}
        return action

    def action_flow_reschedule(self):
        """Reschedule the whole project now (any scheduling mode)."""
        self.ensure_one()
        if not self.env.user.has_group("project_flow.group_flow_user"):
            raise AccessError(_("Only flow users may reschedule a project."))
        self.check_access("read")
        stats = self._flow_reschedule()[self.id]
        if stats["conflicts"]:
            message = _(
                "Project %(project)s rescheduled: %(moved)s tasks moved, %(conflicts)s tasks "
                "have a schedule conflict.",
                project=self.display_name,
                moved=stats["moved"],
                conflicts=stats["conflicts"],
            )
        else:
            message = _(
                "Project %(project)s rescheduled: %(moved)s tasks moved.",
                project=self.display_name,
                moved=stats["moved"],
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if stats["conflicts"] else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_flow_apply_template(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_create_wizard"
        )
        action["context"] = {
            "default_project_id": self.id,
            "default_mode": "apply",
            "default_name": self.name,
        }
        return action

    # ------------------------------------------------------------------
    # Lifecycle business methods
    # ------------------------------------------------------------------
    def _flow_request_step(self, kind):
        """Create the approval requests of a lifecycle step, or pass it at
        once when its policy asks for no approval."""
        self.ensure_one()
        if kind == "closing":
            self._flow_check_retrospective()
        policy = self._flow_policy(kind)
        waiting_state = "initiation" if kind == "initiation" else "closing"
        if not policy or policy.approval_rule == approval_rules.NONE:
            self._flow_set_state(waiting_state)
            self._flow_pass_step(kind)
            return
        users = policy.approver_line_ids._resolve_users(self._flow_members_by_role())
        policy._flow_validate_approval_rule(len(users))
        project = allow_transition(self.sudo())
        project.flow_approval_round += 1
        self._flow_set_state(waiting_state)
        self.env["project.flow.approval"]._flow_request(
            users,
            rule=policy.approval_rule,
            min_approvals=policy.approval_min,
            values={"project_id": self.id, "kind": kind, "round": project.flow_approval_round},
        )

    def _flow_current_approvals(self, kind):
        self.ensure_one()
        return self.flow_approval_ids.filtered(
            lambda a: a.kind == kind and a.round == self.flow_approval_round
        ).sorted(lambda a: (a.sequence, a.id))

    def _flow_on_decision(self):
        """Called after an approval decision on a lifecycle step."""
        self.ensure_one()
        kind = {"initiation": "initiation", "closing": "closing"}.get(self.flow_state)
        if not kind:
            return
        approvals = self._flow_current_approvals(kind)
        if not approvals:
            return
        outcome = approval_rules.evaluate(
            approvals[0].approval_rule,
            approvals.mapped("state_for_rule"),
            approvals[0].approval_min,
        )
        if outcome.state == "approved":
            self._flow_pass_step(kind)
        elif outcome.state == "rejected":
            back = "draft" if kind == "initiation" else "running"
            self._flow_set_state(back)
            reasons = Markup("").join(
                Markup("<li>%s: %s</li>") % (a.user_id.name, a.comment or "")
                for a in approvals.filtered(lambda a: a.state == "rejected")
            )
            self.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (_("Rejected."), reasons))

    def _flow_pass_step(self, kind):
        self.ensure_one()
        if kind == "initiation":
            self._flow_set_state("running")
            self._flow_capture_baseline("initiation")
            self._flow_open_next_phase()
        else:
            self._flow_set_state("closed")

    def _flow_open_next_phase(self):
        """Open the first phase not started yet when nothing is in progress;
        when its entry criteria are not met, say so in the chatter instead."""
        self.ensure_one()
        if self.flow_state != "running":
            return
        phases = self.flow_phase_ids.sorted(lambda p: (p.sequence, p.id))
        if phases.filtered(lambda p: p.state in ("open", "approval")):
            return
        next_phase = phases.filtered(lambda p: p.state == "draft")[:1]
        if not next_phase:
            return
        try:
            with self.env.cr.savepoint():
                next_phase.action_open()
        except UserError as error:
            self.message_post(
                body=_(
                    "Phase %(phase)s could not open automatically: %(reason)s",
                    phase=next_phase.name,
                    reason=error.args[0],
                )
            )

    def _flow_on_phase_done(self, phase):
        self._flow_open_next_phase()

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------
    def _flow_reschedule_automatic(self):
        """Reschedule those of these projects that schedule automatically."""
        projects = self.sudo().filtered(lambda p: p.flow_scheduling_mode == "automatic")
        if projects:
            projects._flow_reschedule()

    def _flow_reschedule(self):
        """Schedule every task of these projects with the critical path
        method (``engine.schedule``) on the project's working calendar and
        its leaves, and write back what changed.

        Rules (the engine's semantics are in ``engine/schedule.py``):

        - A task is placed when it has a duration, a start date, a constraint
          or a dependency, or comes from a flow template
          (``project.task._flow_is_planned``); a parent of placed subtasks
          spans them.  Other tasks are left alone.
        - Its duration is ``flow_duration`` working days; when that is 0, the
          working days of its planned window (Start date to Deadline) if it
          has one, else it is a milestone.
        - A closed task (done or cancelled) or a task with timesheets is
          pinned on its planned start: work has happened, the plan does not
          move it (a link it then breaks is reported as a conflict).
        - Phases run in order: each phase is a bar of its planned duration and
          its tasks, closed by a gate milestone that waits for all of them;
          the next phase's bar and its first tasks (no predecessor in the
          phase) start after that gate.  A phase spans the earliest start and
          the latest finish of its bar and its tasks, so a phase with no task
          keeps its own duration, chained after the previous one.
        - A predecessor in another project is taken where it is planned.

        One read of the tasks, links, phases, timesheets and calendar per
        project; the computed fields of the tasks whose results changed in
        one statement, their planned windows in one write per distinct
        window.  Projects with successors of moved tasks that schedule
        automatically are rescheduled in turn.

        :return: dict project id -> {"result": ScheduleResult, "moved": number
            of tasks whose planned window changed, "conflicts": number of tasks
            with a schedule conflict}
        """
        stats = {}
        todo = scheduler(self.sudo())
        Link = scheduler(self.env["project.task.link"].sudo())
        while todo:
            moved = []
            for project in todo:
                stats[project.id] = project._flow_reschedule_one()
                moved += stats[project.id]["moved_ids"]
            todo = (
                Link.search(
                    [("predecessor_id", "in", moved), ("project_id", "not in", list(stats))]
                ).project_id.filtered(lambda p: p.flow_scheduling_mode == "automatic")
                if moved
                else None
            )
        return stats

    def _flow_reschedule_one(self):
        self.ensure_one()
        return FlowScheduler(self).run()

    def _flow_conflict_message(self, conflict, names):
        """The translated text of an engine ``Conflict``."""
        params = conflict.params

        def day(key):
            return format_date(self.env, params.get(key))

        if conflict.code == "negative_float":
            return _(
                "%(days)s working days behind what its constraints allow (negative float).",
                days=-params["total_float"],
            )
        if conflict.code == "fixed_date_violates_link":
            return _(
                "Pinned on %(start)s (closed or with timesheets), but %(predecessor)s requires "
                "a start on %(required)s or later.",
                start=day("fixed_start"),
                predecessor=names.get(params.get("predecessor"), ""),
                required=day("required_start"),
            )
        constraint = params.get("constraint")
        if constraint == "finish_no_later":
            return _(
                "Cannot finish by %(date)s (Finish no later than): its earliest finish is "
                "%(finish)s, %(days)s working days late.",
                date=day("date"),
                finish=day("early_finish"),
                days=params["days"],
            )
        if constraint == "start_no_earlier":
            return _(
                "Pinned on %(start)s (closed or with timesheets), before its Start no earlier "
                "than date %(date)s.",
                start=day("early_start"),
                date=day("date"),
            )
        return _(
            "Cannot finish by the project's end %(date)s: its earliest finish is %(finish)s.",
            date=day("date"),
            finish=day("early_finish"),
        )

    def _flow_schedule_error_message(self, error, names):
        """The translated text of an engine ``ScheduleError``."""
        params = error.params
        if error.code == "negative_duration":
            return _(
                "Task %(task)s: the field Duration (working days) cannot be negative.",
                task=names.get(params.get("key"), params.get("name")),
            )
        if error.code == "self_link":
            return _(
                "Task %(successor)s cannot depend on %(predecessor)s: a task cannot depend on "
                "itself, its parent task or its subtasks (field Predecessor).",
                successor=names.get(params.get("successor"), ""),
                predecessor=names.get(params.get("predecessor"), ""),
            )
        if error.code == "bad_link_type":
            return _(
                "The dependency %(predecessor)s \u2192 %(successor)s has an unknown type "
                "%(type)s (field Type).",
                predecessor=names.get(params.get("predecessor"), ""),
                successor=names.get(params.get("successor"), ""),
                type=params.get("type"),
            )
        return _(
            "Project %(project)s cannot be scheduled: %(error)s",
            project=self.display_name,
            error=str(error),
        )

    # ------------------------------------------------------------------
    # Tracking: check-ins, milestone achievement, the daily digest
    # ------------------------------------------------------------------
    flow_checkin_ids = fields.One2many("project.flow.checkin", "project_id", string="Check-ins")
    flow_risk_ids = fields.One2many("project.flow.risk", "project_id", string="Risks and issues")
    flow_open_risk_count = fields.Integer(
        string="Open risks", compute="_compute_flow_open_risk_count"
    )
    flow_digest_date = fields.Date(
        string="Last digest",
        readonly=True,
        copy=False,
        help="The last day whose check-in digest was queued for this project.",
    )
    flow_milestone_on_time_count = fields.Integer(
        string="Milestones on time", compute="_compute_flow_milestone_achievement"
    )
    flow_milestone_late_count = fields.Integer(
        string="Milestones late", compute="_compute_flow_milestone_achievement"
    )
    flow_milestone_missed_count = fields.Integer(
        string="Milestones missed", compute="_compute_flow_milestone_achievement"
    )
    flow_milestone_open_count = fields.Integer(
        string="Milestones open", compute="_compute_flow_milestone_achievement"
    )
    flow_milestone_on_time_rate = fields.Float(
        string="Milestones on time (%)",
        compute="_compute_flow_milestone_achievement",
        help="Milestones reached on time among those due (reached, or missed).",
    )

    def _compute_flow_open_risk_count(self):
        groups = self.env["project.flow.risk"]._read_group(
            [("project_id", "in", self.ids), ("state", "=", "open")], ["project_id"], ["__count"]
        )
        counts = {project.id: count for project, count in groups}
        for project in self:
            project.flow_open_risk_count = counts.get(project.id, 0)

    @api.depends("milestone_ids.flow_achievement")
    def _compute_flow_milestone_achievement(self):
        groups = self.env["project.milestone"]._read_group(
            [("project_id", "in", self.ids)], ["project_id", "flow_achievement"], ["__count"]
        )
        counts = defaultdict(dict)
        for project, achievement, count in groups:
            counts[project.id][achievement] = count
        for project in self:
            summary = tracking.achievement_summary(counts[project.id])
            project.flow_milestone_on_time_count = summary[tracking.ON_TIME]
            project.flow_milestone_late_count = summary[tracking.LATE]
            project.flow_milestone_missed_count = summary[tracking.MISSED]
            project.flow_milestone_open_count = summary[tracking.OPEN]
            project.flow_milestone_on_time_rate = summary["on_time_rate"]

    def _flow_task_assignees(self, open_only=False):
        """``{project id: res.users}`` of the people assigned to tasks, in
        one query."""
        result = defaultdict(lambda: self.env["res.users"])
        if not self.ids:
            return result
        self.env["project.task"].flush_model(["project_id", "user_ids", "state", "active"])
        query = SQL(
            """
            SELECT task.project_id, rel.user_id
              FROM project_task task
              JOIN project_task_user_rel rel ON rel.task_id = task.id
             WHERE task.project_id = ANY(%s) AND task.active
            """,
            self.ids,
        )
        if open_only:
            query = SQL("%s AND task.state NOT IN %s", query, tuple(CLOSED_STATES))
        self.env.cr.execute(query)
        for project_id, user_id in self.env.cr.fetchall():
            result[project_id] |= self.env["res.users"].browse(user_id)
        return result

    def _flow_checkin_users(self):
        """``{project id: res.users}`` who may check in on each project: its
        flow members, followers, task assignees and project manager."""
        projects = self.sudo()
        assignees = projects._flow_task_assignees()
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        partner_users = followers.partner_id.with_context(active_test=False).user_ids
        users_by_partner = defaultdict(lambda: self.env["res.users"])
        for user in partner_users:
            users_by_partner[user.partner_id.id] |= user
        following = defaultdict(lambda: self.env["res.users"])
        for follower in followers:
            following[follower.res_id] |= users_by_partner[follower.partner_id.id]
        result = {}
        for project in projects:
            users = (
                project.flow_member_ids.user_id
                | project.user_id
                | assignees[project.id]
                | following[project.id]
            )
            result[project.id] = users.with_env(self.env)
        return result

    def _flow_digest_team(self):
        """``{project id: res.users}`` expected to check in every day: flow
        members and assignees of open tasks, internal active users only."""
        projects = self.sudo()
        assignees = projects._flow_task_assignees(open_only=True)
        result = {}
        for project in projects:
            users = project.flow_member_ids.user_id | assignees[project.id]
            result[project.id] = users.filtered(lambda u: u.active and not u.share).with_env(
                self.env
            )
        return result

    def _flow_today(self):
        """Today in the project's working time zone."""
        self.ensure_one()
        return datetime.now(pytz.utc).astimezone(self._flow_schedule_tz()).date()

    def action_flow_checkin(self):
        """Open my check-in of today on this project (a new one, prefilled,
        when I have none yet)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        checkin = self.env["project.flow.checkin"].search(
            [("project_id", "=", self.id), ("user_id", "=", self.env.uid), ("date", "=", today)],
            limit=1,
        )
        action = {
            "type": "ir.actions.act_window",
            "name": _("Check in"),
            "res_model": "project.flow.checkin",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
        if checkin:
            action["res_id"] = checkin.id
        else:
            action["context"] = {"default_project_id": self.id, "default_date": today}
        return action

    def action_flow_view_checkins(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_checkin"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id, "search_default_filter_today": 1}
        return action

    def action_flow_view_risks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_risk"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id, "search_default_filter_open": 1}
        return action

    def action_flow_send_digest(self):
        """Queue today's digest of this project now (flow managers)."""
        self.ensure_one()
        self._flow_check_manager()
        self.check_access("read")
        if not self._flow_digest_team()[self.id]:
            raise UserError(
                _(
                    "Project %(project)s has no team (flow members or assignees of open tasks): "
                    "there is nobody to summarise.",
                    project=self.display_name,
                )
            )
        queued = self.sudo()._flow_send_digest()
        if queued:
            message = _("The digest of project %(project)s is queued.", project=self.display_name)
        else:
            message = _(
                "The digest of project %(project)s for today was already queued.",
                project=self.display_name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "info", "sticky": False},
        }

    def _flow_send_digest(self):
        """Queue each project's digest of its day's check-ins in the outbox
        (chatter and the project's channels). The outbox key is the project
        and the day, so a second run the same day queues nothing.

        :return: the newly queued notifications
        """
        Notification = self.env["project.flow.notification"]
        queued = Notification.browse()
        if not self:
            return queued
        days = {project.id: project._flow_today() for project in self}
        teams = self._flow_digest_team()
        checkins = (
            self.env["project.flow.checkin"]
            .sudo()
            .search(
                [("project_id", "in", self.ids), ("date", "in", list(set(days.values())))],
                order="date, user_id, id",
            )
        )
        by_project = defaultdict(lambda: self.env["project.flow.checkin"])
        for checkin in checkins:
            if checkin.date == days[checkin.project_id.id]:
                by_project[checkin.project_id.id] |= checkin
        for project in self:
            team = teams[project.id]
            if not team:
                continue
            day = days[project.id]
            entries = by_project[project.id]
            missing = team - entries.user_id
            queued |= Notification._flow_notify(
                project,
                key=f"digest:{project.id}:{day}",
                users=self.env["res.users"],
                render=project._flow_digest_renderer(day, entries, missing),
                chatter=True,
            )
        # the projects without a team are marked too: nothing to send that day
        by_day = defaultdict(list)
        for project_id, day in days.items():
            by_day[day].append(project_id)
        for day, project_ids in by_day.items():
            self.browse(project_ids).write({"flow_digest_date": day})
        return queued

    def _flow_digest_renderer(self, day, checkins, missing):
        """``render(lang) -> (subject, markdown)`` of one project's digest."""
        self.ensure_one()
        entries = [
            {
                "name": checkin.user_id.name,
                "done": checkin.done,
                "next": checkin.next,
                "blockers": checkin.blockers,
                "hours": checkin.hours,
            }
            for checkin in checkins
        ]
        names = missing.mapped("name")

        def render(lang):
            env = self.with_context(lang=lang).env
            labels = {
                "done": env._("Done"),
                "next": env._("Next"),
                "blockers": env._("Blockers"),
                "missing": env._("Not checked in"),
                "nobody_missing": env._("Everyone on the team checked in."),
                "no_checkin": env._("Nobody checked in today."),
                "hours": env._("{hours} h"),
            }
            subject = env._(
                "Daily digest of %(project)s, %(date)s",
                project=self.with_env(env).name,
                date=format_date(env, day, lang_code=lang),
            )
            return subject, tracking.digest_markdown(labels, entries, names)

        return render

    @api.model
    def _cron_flow_daily_digest(self, batch_size=50):
        """Daily: queue the digest of the running flow projects not digested
        yet today (in each project's time zone), one batch per call.

        Several workers each lock their own batch (SKIP LOCKED); Odoo calls
        the cron again at once while ``_notify_progress`` reports projects
        remaining, and commits between calls."""
        where = SQL(
            """
                  p.active AND p.flow_state = 'running' AND p.flow_template_id IS NOT NULL
              AND (p.flow_digest_date IS NULL
                   OR p.flow_digest_date < (%(now)s AT TIME ZONE 'UTC'
                                             AT TIME ZONE COALESCE(rc.tz, 'UTC'))::date)
            """,
            now=fields.Datetime.now(),
        )
        joins = SQL(
            """
              FROM project_project p
              LEFT JOIN res_company c ON c.id = COALESCE(p.company_id, %s)
              LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
            """,
            self.env.company.id,
        )
        self.flush_model(["active", "flow_state", "flow_template_id", "flow_digest_date"])
        self.env.cr.execute(
            SQL(
                "SELECT p.id %s WHERE %s ORDER BY p.id LIMIT %s FOR UPDATE OF p SKIP LOCKED",
                joins,
                where,
                batch_size,
            )
        )
        projects = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        projects._flow_send_digest()
        projects.flush_recordset(["flow_digest_date"])
        self.env.cr.execute(SQL("SELECT count(*) %s WHERE %s", joins, where))
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(projects), remaining=remaining)
        return projects

    # Meetings ------------------------------------------------------------

    flow_meeting_ids = fields.One2many("project.flow.meeting", "project_id", string="Meetings")
    flow_meeting_count = fields.Integer(
        compute="_compute_flow_meeting_count", string="Number of meetings"
    )

    def _compute_flow_meeting_count(self):
        counts = dict(
            self.env["project.flow.meeting"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.flow_meeting_count = counts.get(project, 0)

    def action_flow_view_meetings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_meeting"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action

    # Delay alerts ----------------------------------------------------------

    flow_alert_count = fields.Integer(
        string="Open alerts",
        compute="_compute_flow_alert_count",
        groups="project_flow.group_flow_user",
    )

    def _compute_flow_alert_count(self):
        counts = dict(
            self.env["project.flow.alert"]._read_group(
                [("project_id", "in", self.ids), ("state", "!=", "resolved")],
                ["project_id"],
                ["__count"],
            )
        )
        for project in self:
            project.flow_alert_count = counts.get(project, 0)

    def action_flow_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_alert"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"search_default_filter_unresolved": 1}
        return action

    # Retrospective, dossier and lessons ------------------------------------

    flow_retrospective_ids = fields.One2many("project.flow.retrospective", "project_id")
    flow_dossier_ids = fields.One2many("project.flow.dossier", "project_id")
    flow_retrospective_id = fields.Many2one(
        "project.flow.retrospective",
        string="Retrospective",
        compute="_compute_flow_retrospective_id",
    )
    flow_retrospective_state = fields.Selection(
        [("draft", "Draft"), ("done", "Completed")],
        string="Retrospective status",
        compute="_compute_flow_retrospective_id",
    )
    flow_dossier_id = fields.Many2one(
        "project.flow.dossier", string="Dossier", compute="_compute_flow_dossier_id"
    )
    flow_lesson_ids = fields.Many2many(
        "project.flow.lesson",
        string="Lessons from earlier projects",
        compute="_compute_flow_lesson_ids",
    )
    flow_lesson_count = fields.Integer(compute="_compute_flow_lesson_ids")

    @api.depends("flow_retrospective_ids.state")
    def _compute_flow_retrospective_id(self):
        for project in self:
            retro = project.flow_retrospective_ids[:1]
            project.flow_retrospective_id = retro
            project.flow_retrospective_state = retro.state

    @api.depends("flow_dossier_ids")
    def _compute_flow_dossier_id(self):
        for project in self:
            project.flow_dossier_id = project.flow_dossier_ids[:1]

    @api.depends("flow_template_id")
    def _compute_flow_lesson_ids(self):
        # changes of the library invalidate the value
        # (project.flow.lesson._flow_invalidate_shown)
        templates = self.flow_template_id
        lessons = (
            self.env["project.flow.lesson"].search([("template_id", "in", templates.ids)])
            if templates
            else self.env["project.flow.lesson"]
        )
        for project in self:
            mine = lessons.filtered(
                lambda lesson, p=project: (
                    lesson.template_id == p.flow_template_id and lesson.project_id != p._origin
                )
            )
            project.flow_lesson_ids = mine
            project.flow_lesson_count = len(mine)

    # ------------------------------------------------------------------
    # Lifecycle: the retrospective is required to close
    # ------------------------------------------------------------------
    def _flow_check_retrospective(self):
        """Refuse to close a project made from a flow template whose
        retrospective is not completed."""
        retros = (
            self.env["project.flow.retrospective"]
            .sudo()
            .search([("project_id", "in", self.ids), ("state", "=", "done")])
        )
        done = set(retros.project_id.ids)
        for project in self:
            if project.flow_template_id and project.id not in done:
                raise UserError(
                    _(
                        "Project %(project)s cannot be closed before its retrospective is "
                        "completed: open Retrospective on the project, fill it and complete it.",
                        project=project.display_name,
                    )
                )

    def _flow_archive_into_dossier(self):
        self.ensure_one()
        project = self.sudo()
        dossier = self.env["project.flow.dossier"].sudo()._flow_snapshot(project)
        project.message_post(
            body=_(
                "Project closed and archived; its dossier %(dossier)s keeps its documents, "
                "decisions, risks and retrospective.",
                dossier=dossier.name,
            )
        )
        project.write({"active": False})
        return dossier

    # ------------------------------------------------------------------
    # Key figures
    # ------------------------------------------------------------------
    def _flow_key_figures(self):
        """The key figures of this project now (see
        ``engine.retrospective.build_figures``): one read per kind of record."""
        self.ensure_one()
        project = self.sudo().with_context(active_test=False)
        phases = project.flow_phase_ids.sorted(lambda p: (p.sequence, p.id))
        live_phases = phases.filtered(lambda p: p.state != "cancelled")
        actual_starts = [d for d in live_phases.mapped("date_actual_start") if d]
        actual_ends = [d for d in live_phases.mapped("date_actual_end") if d]
        all_done = bool(live_phases) and all(p.state == "done" for p in live_phases)
        dates = retro_rules.date_figures(
            project.date_start or min(phases.mapped("date_start") or [None], default=None),
            project.date or max([d for d in phases.mapped("date_end") if d], default=None),
            min(actual_starts, default=None),
            max(actual_ends, default=None) if all_done else None,
        )
        phase_lines = retro_rules.phase_figures(
            {
                "name": phase.name,
                "planned_start": phase.date_start,
                "planned_end": phase.date_end,
                "actual_start": phase.date_actual_start,
                "actual_end": phase.date_actual_end,
                "state": phase.state,
                "overridden": phase.is_overridden,
            }
            for phase in phases
        )
        tasks = (
            self.env["project.task"]
            .sudo()
            .with_context(active_test=False)
            .search_read(
                [("project_id", "=", project.id)],
                ["state", "date_deadline", "date_end", "date_last_stage_update", "allocated_hours"],
            )
        )
        task_lines = retro_rules.task_figures(
            {
                "state": "cancelled"
                if task["state"] == "1_canceled"
                else ("done" if task["state"] in CLOSED_STATES else "open"),
                "deadline": task["date_deadline"],
                "finished": task["date_end"] or task["date_last_stage_update"],
            }
            for task in tasks
        )
        allocated = sum(task["allocated_hours"] for task in tasks) or project.allocated_hours
        [(spent, cost)] = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group([("project_id", "=", project.id)], [], ["unit_amount:sum", "amount:sum"])
        )
        approvals = (
            self.env["project.flow.approval"]
            .sudo()
            .search_read([("project_id", "=", project.id)], ["kind", "state"])
        )
        gates = retro_rules.gate_figures(
            [(a["kind"], a["state"]) for a in approvals],
            len(phases.filtered("is_overridden")),
        )
        alerts = None
        if "project.flow.alert" in self.env:
            Alert = self.env["project.flow.alert"].sudo().with_context(active_test=False)
            if "project_id" in Alert._fields:
                alerts = Alert.search_count([("project_id", "=", project.id)])
        risks = {"risks": 0, "open_risks": 0, "issues": 0, "open_issues": 0}
        for kind, state, count in (
            self.env["project.flow.risk"]
            .sudo()
            ._read_group([("project_id", "=", project.id)], ["kind", "state"], ["__count"])
        ):
            key = "risks" if kind == "risk" else "issues"
            risks[key] += count
            if state == "open":
                risks[f"open_{key}"] += count
        snapshots = (
            self.env["project.flow.health.snapshot"]
            .sudo()
            .search_read([("project_id", "=", project.id)], ["date", "color", "score"])
        )
        return retro_rules.build_figures(
            dates=dates,
            phases=phase_lines,
            tasks=task_lines,
            effort=retro_rules.effort_figures(allocated, spent, cost),
            gates=gates,
            alerts=alerts,
            risks=risks,
            currency=project.currency_id.name,
            computed_on=fields.Date.context_today(self),
            budget=retro_rules.budget_figures(project.flow_budget, -(cost or 0.0)),
            health=retro_rules.health_history(snapshots),
        )

    # ------------------------------------------------------------------
    # Dossier
    # ------------------------------------------------------------------
    def _flow_document_ids(self):
        """Ids of the documents of the project: attachments of the project,
        its tasks, phases and deliverables (and the deliverables' documents)."""
        self.ensure_one()
        project = self.sudo().with_context(active_test=False)
        tasks = (
            self.env["project.task"]
            .sudo()
            .with_context(active_test=False)
            .search([("project_id", "=", project.id)])
        )
        phases = project.flow_phase_ids
        deliverables = phases.deliverable_ids
        domain = [
            "|",
            "|",
            "|",
            "&",
            ("res_model", "=", "project.project"),
            ("res_id", "=", project.id),
            "&",
            ("res_model", "=", "project.task"),
            ("res_id", "in", tasks.ids),
            "&",
            ("res_model", "=", "project.flow.phase"),
            ("res_id", "in", phases.ids),
            "&",
            ("res_model", "=", "project.flow.deliverable"),
            ("res_id", "in", deliverables.ids),
        ]
        attachments = self.env["ir.attachment"].sudo().search(domain)
        return (attachments | deliverables.attachment_ids).ids

    def _flow_dossier_sections(self):
        """The sections of the project's dossier, in order: a list of dicts
        ``{"title": str, "html": Markup}``.  Other features extend it with
        ``super()`` (meeting minutes, …)."""
        self.ensure_one()
        project = self.sudo().with_context(active_test=False)
        retro = project.flow_retrospective_id
        figures = retro.figures if retro.state == "done" else project._flow_key_figures()
        return [
            {"title": _("Summary"), "html": project._flow_dossier_summary_html()},
            {
                "title": _("Key figures"),
                "html": self.env["project.flow.retrospective"]._flow_figures_html(figures),
            },
            {"title": _("Phases"), "html": project._flow_dossier_phases_html()},
            {"title": _("Decisions"), "html": project._flow_dossier_decisions_html()},
            {
                "title": _("Meeting minutes"),
                "html": project.env["project.flow.meeting"]
                .with_context(active_test=False)
                ._flow_dossier_html(project)[project.id],
            },
            {"title": _("Issues"), "html": project._flow_dossier_risks_html("issue")},
            {"title": _("Risks"), "html": project._flow_dossier_risks_html("risk")},
            {"title": _("Retrospective"), "html": project._flow_dossier_retro_html()},
            {"title": _("Documents"), "html": project._flow_dossier_documents_html()},
        ]

    @staticmethod
    def _flow_html_list(items, empty):
        if not items:
            return Markup("<p><em>%s</em></p>") % empty
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % item for item in items
        )

    @staticmethod
    def _flow_html_table(head, rows):
        return Markup(
            '<table class="table table-sm"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
        ) % (
            Markup("").join(Markup("<th>%s</th>") % h for h in head),
            Markup("").join(
                Markup("<tr>%s</tr>")
                % Markup("").join(Markup("<td>%s</td>") % (cell or "") for cell in row)
                for row in rows
            ),
        )

    def _flow_dossier_summary_html(self):
        states = dict(self._fields["flow_state"]._description_selection(self.env))
        items = [
            _("Flow template: %(template)s", template=self.flow_template_id.display_name or "—"),
            _("Project manager: %(user)s", user=self.user_id.name or "—"),
            _("Customer: %(partner)s", partner=self.partner_id.display_name or "—"),
            _(
                "Planned: %(start)s → %(end)s",
                start=format_date(self.env, self.date_start) or "—",
                end=format_date(self.env, self.date) or "—",
            ),
            _("Lifecycle: %(state)s", state=states.get(self.flow_state, "")),
        ]
        html = self._flow_html_list(items, "")
        if not is_html_empty(self.description):
            html += Markup("<div>%s</div>") % self.description
        return html

    def _flow_dossier_phases_html(self):
        states = dict(
            self.env["project.flow.phase"]._fields["state"]._description_selection(self.env)
        )

        def span(start, end):
            return f"{format_date(self.env, start)} → {format_date(self.env, end)}"

        rows = []
        for phase in self.flow_phase_ids.sorted(lambda p: (p.sequence, p.id)):
            deliverables = ", ".join(phase.deliverable_ids.filtered("is_satisfied").mapped("name"))
            rows.append(
                (
                    phase.name,
                    states.get(phase.state, ""),
                    span(phase.date_start, phase.date_end),
                    span(phase.date_actual_start, phase.date_actual_end),
                    _("Overridden") if phase.is_overridden else "",
                    deliverables,
                )
            )
        if not rows:
            return self._flow_html_list([], _("No phase."))
        return self._flow_html_table(
            [_("Phase"), _("State"), _("Planned"), _("Actual"), _("Gate"), _("Deliverables")],
            rows,
        )

    def _flow_dossier_decisions_html(self):
        Approval = self.env["project.flow.approval"]
        kinds = dict(Approval._fields["kind"]._description_selection(self.env))
        states = dict(Approval._fields["state"]._description_selection(self.env))
        approvals = self.flow_approval_ids.filtered(
            lambda a: a.state in ("approved", "rejected")
        ).sorted(lambda a: (a.decision_date or a.requested_date, a.id))
        rows = [
            (
                format_date(self.env, approval.decision_date),
                kinds.get(approval.kind, ""),
                approval.phase_id.name or "",
                approval.user_id.name,
                states.get(approval.state, ""),
                approval.comment or "",
            )
            for approval in approvals
        ]
        if not rows:
            return self._flow_html_list([], _("No decision recorded."))
        return self._flow_html_table(
            [_("Date"), _("Step"), _("Phase"), _("Approver"), _("Decision"), _("Comment")], rows
        )

    def _flow_dossier_risks_html(self, kind):
        Risk = self.env["project.flow.risk"]
        states = dict(Risk._fields["state"]._description_selection(self.env))
        risks = Risk.sudo().search([("project_id", "=", self.id), ("kind", "=", kind)])
        rows = [
            (
                risk.name,
                states.get(risk.state, ""),
                risk.user_id.name or "",
                risk.phase_id.name or "",
                risk.description or "",
            )
            for risk in risks
        ]
        if not rows:
            empty = _("No issue recorded.") if kind == "issue" else _("No risk recorded.")
            return self._flow_html_list([], empty)
        return self._flow_html_table(
            [_("Title"), _("State"), _("Owner"), _("Phase"), _("Description")], rows
        )

    def _flow_dossier_retro_html(self):
        retro = self.flow_retrospective_id
        if not retro:
            return self._flow_html_list([], _("No retrospective."))
        html = Markup("")
        for title, value in (
            (_("Goals"), retro.goals),
            (_("Results"), retro.results),
            (_("What went well"), retro.went_well),
            (_("What to improve"), retro.to_improve),
        ):
            if not is_html_empty(value):
                html += Markup("<h4>%s</h4><div>%s</div>") % (title, value)
        lessons = [
            Markup("<strong>%s</strong>%s%s")
            % (
                lesson.name,
                Markup(" — %s") % ", ".join(lesson.tag_ids.mapped("name"))
                if lesson.tag_ids
                else "",
                Markup(" (%s)") % lesson.template_phase_id.name if lesson.template_phase_id else "",
            )
            for lesson in retro.lesson_ids
        ]
        html += Markup("<h4>%s</h4>") % _("Lessons") + self._flow_html_list(
            lessons, _("No lesson.")
        )
        followups = [
            _(
                "%(action)s (%(target)s, %(owner)s, %(deadline)s)",
                action=line.name,
                target=line.project_id.display_name
                if line.kind == "task"
                else _("template improvement"),
                owner=line.user_id.name or "—",
                deadline=format_date(self.env, line.date_deadline) or "—",
            )
            for line in retro.followup_ids
        ]
        html += Markup("<h4>%s</h4>") % _("Follow-up actions") + self._flow_html_list(
            followups, _("No follow-up action.")
        )
        return html

    def _flow_dossier_documents_html(self):
        attachments = self.env["ir.attachment"].sudo().browse(self._flow_document_ids())
        return self._flow_html_list(sorted(attachments.mapped("name")), _("No document."))

    # ------------------------------------------------------------------
    # Lessons shown to the team
    # ------------------------------------------------------------------
    def _flow_lessons_to_show(self, template_phase=None):
        """The best lessons of earlier projects of this project's template
        (``engine.retrospective.pick_lessons``)."""
        self.ensure_one()
        Lesson = self.env["project.flow.lesson"].sudo()
        if not self.flow_template_id:
            return Lesson
        domain = [
            ("template_id", "=", self.flow_template_id.id),
            ("project_id", "!=", self.id),
            ("company_id", "in", [self.company_id.id or self.env.company.id, False]),
        ]
        if template_phase:
            domain.append(("template_phase_id", "=", template_phase.id))
        lessons = Lesson.search(domain)
        ids = retro_rules.pick_lessons(
            (
                {
                    "id": lesson.id,
                    "template_phase_id": lesson.template_phase_id.id or None,
                    "tag_count": len(lesson.tag_ids),
                    "date": lesson.create_date,
                }
                for lesson in lessons
            ),
            template_phase_id=template_phase.id if template_phase else None,
            limit=LESSONS_IN_MESSAGE,
        )
        return Lesson.browse(ids)

    def _flow_team_partner_ids(self):
        self.ensure_one()
        users = self.user_id | self.flow_member_ids.user_id
        return (users.partner_id - self.env.user.partner_id).ids

    def _flow_post_lessons(self, record, lessons, intro):
        """Post a short list of ``lessons`` on ``record``'s chatter for the
        project team; nothing when there are none."""
        if not lessons:
            return
        items = Markup("").join(
            Markup("<li><strong>%s</strong>%s</li>")
            % (
                lesson.name,
                Markup(": %s") % html2plaintext(lesson.description)[:200]
                if not is_html_empty(lesson.description)
                else "",
            )
            for lesson in lessons
        )
        record.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items),
            partner_ids=self._flow_team_partner_ids(),
            subtype_xmlid="mail.mt_note",
        )

    def _flow_announce_lessons(self):
        """Tell the team of a project just made from a template the lessons
        of earlier projects of that template."""
        for project in self:
            project._flow_post_lessons(
                project.sudo(),
                project._flow_lessons_to_show(),
                _(
                    "Lessons from earlier projects of %(template)s:",
                    template=project.flow_template_id.display_name,
                ),
            )

    def action_flow_open_retrospective(self):
        """Open the project's retrospective, starting one when there is none."""
        self.ensure_one()
        retro = self.flow_retrospective_id
        if not retro:
            if not self.flow_template_id:
                raise UserError(
                    _(
                        "Project %(project)s has no flow template: it needs no retrospective.",
                        project=self.display_name,
                    )
                )
            retro = self.env["project.flow.retrospective"].create(
                {
                    "project_id": self.id,
                    "goals": self.description if not is_html_empty(self.description) else False,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Retrospective"),
            "res_model": "project.flow.retrospective",
            "res_id": retro.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_flow_view_lessons(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_lesson"
        )
        action["domain"] = [("id", "in", self.flow_lesson_ids.ids)]
        action["context"] = {"default_template_id": self.flow_template_id.id}
        return action

    def action_flow_view_dossier(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.flow.dossier",
            "res_id": self.flow_dossier_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # Calendar events of milestones -----------------------------------------

    def _flow_calendar_partners(self):
        """``{project id: res.partner}``: who gets the project's milestone
        events (its flow members and its project manager)."""
        result = defaultdict(lambda: self.env["res.partner"])
        members = self.env["project.flow.member"].sudo().search([("project_id", "in", self.ids)])
        for member in members:
            result[member.project_id.id] |= member.user_id.partner_id
        for project in self.sudo():
            result[project.id] |= project.user_id.partner_id
        return result

    def _flow_sync_milestone_events(self):
        """Re-sync the events of these projects' milestones (members changed)."""
        milestones = self.env["project.milestone"].sudo().search([("project_id", "in", self.ids)])
        milestones._flow_sync_calendar()

    # Departments ---------------------------------------------------------

    flow_department_id = fields.Many2one(
        "hr.department",
        string="Main department",
        index="btree_not_null",
        help="The department that owns the project; its manager sees the project.",
    )
    flow_department_ids = fields.Many2many(
        "hr.department",
        "project_project_flow_department_rel",
        "project_id",
        "department_id",
        string="Involved departments",
        help="Every department the project involves; their managers see the project.",
    )
    flow_department_managed = fields.Boolean(
        string="In a department I manage",
        compute="_compute_flow_department_managed",
        search="_search_flow_department_managed",
    )

    flow_department_mine = fields.Boolean(
        string="In my department",
        compute="_compute_flow_department_mine",
        search="_search_flow_department_mine",
    )

    @api.depends("flow_department_id", "flow_department_ids")
    @api.depends_context("uid")
    def _compute_flow_department_mine(self):
        mine = self.env["hr.department"]._flow_of_user(self.env.user)
        for project in self:
            project.flow_department_mine = bool(
                (project.flow_department_id | project.flow_department_ids) & mine
            )

    def _search_flow_department_mine(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on the field In my department."))
        mine = self.env["hr.department"]._flow_of_user(self.env.user)
        positive = (operator == "=") == bool(value)
        domain = [
            "|",
            ("flow_department_id", "in", mine.ids),
            ("flow_department_ids", "in", mine.ids),
        ]
        return domain if positive else ["!", *domain]

    @api.depends("flow_department_id", "flow_department_ids")
    @api.depends_context("uid")
    def _compute_flow_department_managed(self):
        managed = self.env["hr.department"]._flow_managed_by(self.env.user)
        for project in self:
            project.flow_department_managed = bool(
                (project.flow_department_id | project.flow_department_ids) & managed
            )

    def _search_flow_department_managed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on the field In a department I manage."))
        managed = self.env["hr.department"]._flow_managed_by(self.env.user)
        positive = (operator == "=") == bool(value)
        domain = [
            "|",
            ("flow_department_id", "in", managed.ids),
            ("flow_department_ids", "in", managed.ids),
        ]
        return domain if positive else ["!", *domain]

    @api.onchange("flow_department_id")
    def _onchange_flow_department_id(self):
        """Offer the main department among the involved ones (filters and the
        managers' rule look at both fields, so this is a convenience only)."""
        for project in self:
            if project.flow_department_id and project.flow_department_id not in (
                project.flow_department_ids
            ):
                project.flow_department_ids |= project.flow_department_id
