from collections import defaultdict
from datetime import date, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_date
from odoo.tools.sql import column_exists, create_column

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import gate, tracking
from ..engine.gantt import (
    bar_position,
    group_rows,
    is_milestone,
    task_health,
    timeline_window,
    today_position,
)
from ..engine.gantt_xlsx import build_gantt_xlsx
from .flow_guard import transition_allowed
from .flow_schedule_guard import in_scheduler, links_syncing, scheduler, syncing_links

CONSTRAINT_TYPES = [
    ("asap", "As soon as possible"),
    ("start_no_earlier", "Start no earlier than"),
    ("finish_no_later", "Finish no later than"),
]

# The scheduler's results, written in one statement per reschedule.
SCHEDULE_RESULT_FIELDS = [
    "flow_early_start",
    "flow_early_finish",
    "flow_late_start",
    "flow_late_finish",
    "flow_total_float",
    "flow_free_float",
    "flow_critical",
    "flow_schedule_conflict",
]

# Writing one of these on a task of an automatically scheduled project
# reschedules the project.  A change of state does not: a closed task is
# pinned where it is planned, which is where the scheduler put it.
SCHEDULE_TRIGGERS = frozenset(
    {
        "planned_date_begin",
        "date_deadline",
        "flow_duration",
        "flow_constraint_type",
        "flow_constraint_date",
        "project_id",
        "flow_phase_id",
        "parent_id",
        "active",
        "depend_on_ids",
        "dependent_ids",
        "flow_predecessor_link_ids",
        "flow_successor_link_ids",
    }
)


# Holidays are sent for this many days around the planned span.
_CALENDAR_MARGIN = 400

# Task fields the Gantt reads (with plain SQL, after flushing them).
GANTT_TASK_FIELDS = [
    "name",
    "project_id",
    "parent_id",
    "flow_phase_id",
    "user_ids",
    "planned_date_begin",
    "date_deadline",
    "state",
    "flow_duration",
    "flow_critical",
    "flow_total_float",
    "flow_schedule_conflict",
    "progress",
]

# At most this many tasks in one Gantt (the rest is announced, not drawn):
# the payload of 5,000 tasks is a few MB and draws in about a second.
GANTT_TASK_LIMIT = 5000

# What the Gantt's undo restores of a task it moved.
GANTT_SNAPSHOT_FIELDS = [
    "planned_date_begin",
    "date_deadline",
    "flow_duration",
    "flow_constraint_type",
    "flow_constraint_date",
]


def _iso(value):
    return value.isoformat() if value else False


def local_date(value, tz):
    """The date, in time zone ``tz``, of a naive UTC datetime (or None)."""
    if not value:
        return None
    return pytz.utc.localize(value).astimezone(tz).date()


class ProjectTask(models.Model):
    _inherit = "project.task"

    flow_phase_id = fields.Many2one(
        "project.flow.phase",
        string="Phase",
        index="btree_not_null",
        domain="[('project_id', '=', project_id)]",
        tracking=True,
    )
    flow_phase_state = fields.Selection(related="flow_phase_id.state", string="Phase state")
    flow_template_id = fields.Many2one(
        related="project_id.flow_template_id", string="Flow template"
    )
    flow_template_task_id = fields.Many2one(
        "project.flow.template.task", string="Task template", copy=True, readonly=True
    )
    # Same name and type as Enterprise's project_enterprise, so the planned
    # window also shows in Enterprise's own Gantt when it is installed.
    planned_date_begin = fields.Datetime(string="Start date", tracking=True)
    flow_duration = fields.Integer(
        string="Duration (working days)",
        help="Planned duration in working days of the project's calendar. 0 means: the "
        "number of working days of the planned window (Start date to Deadline) when the "
        "task has one, else a milestone.",
    )
    flow_predecessor_link_ids = fields.One2many(
        "project.task.link", "successor_id", string="Predecessors", copy=False
    )
    flow_successor_link_ids = fields.One2many(
        "project.task.link", "predecessor_id", string="Successors", copy=False
    )
    flow_constraint_type = fields.Selection(
        CONSTRAINT_TYPES,
        string="Constraint",
        required=True,
        default="asap",
        help="As soon as possible: the task starts when its dependencies and its phase allow. "
        "Start no earlier than: not before the constraint date (set when a start date is "
        "typed or dragged). Finish no later than: a task that cannot finish by the "
        "constraint date is flagged as a conflict.",
    )
    flow_constraint_date = fields.Date(string="Constraint date")
    flow_early_start = fields.Date(string="Early start", readonly=True, copy=False)
    flow_early_finish = fields.Date(string="Early finish", readonly=True, copy=False)
    flow_late_start = fields.Date(string="Late start", readonly=True, copy=False)
    flow_late_finish = fields.Date(string="Late finish", readonly=True, copy=False)
    flow_total_float = fields.Integer(
        string="Total float",
        readonly=True,
        copy=False,
        help="Working days the task can slip without moving the end of the project; "
        "negative when a constraint cannot be met.",
    )
    flow_free_float = fields.Integer(
        string="Free float",
        readonly=True,
        copy=False,
        help="Working days the task can slip without moving any of its successors.",
    )
    flow_critical = fields.Boolean(
        string="Critical",
        readonly=True,
        copy=False,
        index=True,
        help="On the critical path: any slip moves the end of the project.",
    )
    flow_schedule_conflict = fields.Char(
        string="Schedule conflict",
        readonly=True,
        copy=False,
        help="What the schedule cannot honour for this task (a constraint, a pinned date).",
    )

    _sql_constraints = [
        (
            "flow_duration_positive",
            "CHECK(flow_duration >= 0)",
            "The duration of a task cannot be negative.",
        ),
    ]

    def _auto_init(self):
        """Existing planned tasks (Enterprise's planned dates) keep their
        start when their project is first rescheduled: fill the new constraint
        columns in one statement, "start no earlier than" the planned start
        (its UTC date), instead of evaluating the default per row."""
        cr = self.env.cr
        if not column_exists(cr, "project_task", "flow_constraint_type"):
            create_column(cr, "project_task", "flow_constraint_type", "varchar")
            create_column(cr, "project_task", "flow_constraint_date", "date")
            if column_exists(cr, "project_task", "planned_date_begin"):
                cr.execute(
                    """
                    UPDATE project_task
                       SET flow_constraint_type = CASE WHEN planned_date_begin IS NULL
                                                       THEN 'asap' ELSE 'start_no_earlier' END,
                           flow_constraint_date = planned_date_begin::date
                    """
                )
            else:
                cr.execute("UPDATE project_task SET flow_constraint_type = 'asap'")
        if not column_exists(cr, "project_task", "flow_progress"):
            # the progress from timesheets of existing tasks, in one
            # statement (engine.tracking.timesheet_progress in SQL) instead
            # of a recompute of every task at installation
            create_column(cr, "project_task", "flow_progress_mode", "varchar")
            create_column(cr, "project_task", "flow_progress", "float8")
            cr.execute(
                SQL(
                    """
                    UPDATE project_task
                       SET flow_progress_mode = 'timesheet',
                           flow_progress = CASE
                               WHEN state IN %s THEN 100.0
                               WHEN COALESCE(allocated_hours, 0) <= 0 THEN 0.0
                               ELSE LEAST(99.0, ROUND((GREATEST(COALESCE(effective_hours, 0)
                                          + COALESCE(subtask_effective_hours, 0), 0)
                                          * 100.0 / allocated_hours)::numeric, 2))
                           END
                    """,
                    tuple(CLOSED_STATES),
                )
            )
        return super()._auto_init()

    @api.constrains("flow_phase_id", "project_id")
    def _check_flow_phase_project(self):
        for task in self.filtered("flow_phase_id"):
            if task.flow_phase_id.project_id != task.project_id:
                raise ValidationError(
                    _(
                        "Task %(task)s: the field Phase must be a phase of its project "
                        "(%(phase)s is not).",
                        task=task.display_name,
                        phase=task.flow_phase_id.display_name,
                    )
                )

    @api.constrains("planned_date_begin", "date_deadline")
    def _check_flow_planned_window(self):
        for task in self:
            if (
                task.planned_date_begin
                and task.date_deadline
                and task.date_deadline < task.planned_date_begin
            ):
                raise ValidationError(
                    _(
                        "Task %(task)s: the field Deadline is before the field Start date.",
                        task=task.display_name,
                    )
                )

    @api.constrains("flow_duration")
    def _check_flow_duration(self):
        for task in self:
            if task.flow_duration < 0:
                raise ValidationError(
                    _(
                        "Task %(task)s: the field Duration (working days) cannot be negative.",
                        task=task.display_name,
                    )
                )

    @api.constrains("flow_constraint_type", "flow_constraint_date")
    def _check_flow_constraint(self):
        labels = dict(self._fields["flow_constraint_type"]._description_selection(self.env))
        for task in self:
            if task.flow_constraint_type != "asap" and not task.flow_constraint_date:
                raise ValidationError(
                    _(
                        "Task %(task)s: the constraint %(constraint)s needs the field "
                        "Constraint date.",
                        task=task.display_name,
                        constraint=labels[task.flow_constraint_type],
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (vals.get("flow_duration") or 0) < 0:
                raise ValidationError(
                    _(
                        "Task %(task)s: the field Duration (working days) cannot be negative.",
                        task=vals.get("name") or "",
                    )
                )
        scheduling = not in_scheduler(self)
        # the scheduler runs once at the end, not for each write the
        # creation makes on the way
        tasks = (
            super(ProjectTask, scheduler(self) if scheduling else self)
            .create(vals_list)
            .with_env(self.env)
        )
        if not transition_allowed(self):
            # sudo: portal users (project sharing) may not read the phase fields
            tasks.sudo()._flow_check_created()
        if not links_syncing(self) and self._flow_dependencies_given(vals_list):
            tasks._flow_sync_links()
        if scheduling:
            typed_starts = tasks.browse(
                task.id
                for task, vals in zip(tasks, vals_list, strict=True)
                if vals.get("planned_date_begin") and "flow_constraint_type" not in vals
            )
            typed_starts._flow_pin_typed_starts()
            tasks.sudo().filtered(
                lambda t: t._flow_is_planned()
            ).project_id._flow_reschedule_automatic()
        return tasks

    def _flow_dependencies_given(self, vals_list):
        context = self.env.context
        return (
            "default_depend_on_ids" in context
            or "default_dependent_ids" in context
            or any("depend_on_ids" in vals or "dependent_ids" in vals for vals in vals_list)
        )

    def copy_data(self, default=None):
        """When a whole project is copied, put each task copy in the copy of
        its phase (``flow_phase_mapping``, see ``project.project.map_tasks``)."""
        vals_list = super().copy_data(default=default)
        phase_mapping = self.env.context.get("flow_phase_mapping")
        if phase_mapping:
            for vals in vals_list:
                if vals.get("flow_phase_id") in phase_mapping:
                    vals["flow_phase_id"] = phase_mapping[vals["flow_phase_id"]]
        return vals_list

    def _flow_check_created(self):
        """A task created in a phase that has not opened is neither started
        (in a later stage than the project's first, e.g. a kanban quick
        create in that column) nor closed, whatever its values came from
        (given, defaults from the context, computed)."""
        for task in self.filtered(lambda t: t.flow_phase_id.state == "draft"):
            first_stage = task.project_id.type_ids.sorted(lambda s: (s.sequence, s.id))[:1]
            starting = bool(task.stage_id) and task.stage_id != first_stage
            closing = task.state in CLOSED_STATES
            if starting or closing:
                self._flow_check_phase(task.flow_phase_id, starting, closing, task.display_name)

    def write(self, vals):
        if not transition_allowed(self) and (
            "state" in vals or "stage_id" in vals or "flow_phase_id" in vals
        ):
            if self.env.user._is_portal() and not self.env.su:
                # project sharing: refuse the fields a portal user may not
                # write first, as Odoo's own write would
                self._ensure_fields_are_accessible(
                    vals.keys(), operation="write", check_group_user=False
                )
            # sudo: portal users may not read the phase fields
            self.sudo()._flow_check_gate(vals)
        scheduling = not in_scheduler(self)
        dependencies = "depend_on_ids" in vals or "dependent_ids" in vals
        reschedule = scheduling and bool(SCHEDULE_TRIGGERS & vals.keys())
        projects = self.sudo().project_id if reschedule else None
        # the project is rescheduled once, after the write, not for each
        # write this one makes on the way (links, subtasks, the scheduler's own)
        result = super(ProjectTask, scheduler(self) if reschedule else self).write(vals)
        if dependencies and not links_syncing(self):
            self._flow_sync_links()
        if reschedule:
            if vals.get("planned_date_begin") and "flow_constraint_type" not in vals:
                self._flow_pin_typed_starts()
            if "date_deadline" in vals and "flow_duration" not in vals:
                self._flow_duration_from_window()
            (projects | self.sudo().project_id)._flow_reschedule_automatic()
        return result

    def unlink(self):
        projects = None
        if not in_scheduler(self):
            projects = self.sudo().filtered(lambda t: t._flow_is_planned()).project_id
        result = super().unlink()
        if projects:
            projects.exists()._flow_reschedule_automatic()
        return result

    def copy(self, default=None):
        """Copies keep the type and lag of the links Odoo re-creates between
        them (Odoo copies the dependencies as plain ``depend_on_ids``)."""
        copies = super(ProjectTask, scheduler(self)).copy(default=default).with_env(self.env)
        self._flow_copy_link_types(copies)
        if not in_scheduler(self):
            copies.sudo().project_id._flow_reschedule_automatic()
        return copies

    def _flow_check_gate(self, vals):
        """Refuse to start or close a task whose phase has not opened, whatever
        the path (form, kanban drag, import, RPC, another module).

        Starting means leaving the project's first stage; closing means moving
        into a closed state (done or cancelled)."""
        new_phase = (
            self.env["project.flow.phase"].browse(vals["flow_phase_id"])
            if vals.get("flow_phase_id")
            else None
        )
        new_stage = vals.get("stage_id")
        new_state = vals.get("state")
        for task in self:
            phase = new_phase if "flow_phase_id" in vals else task.flow_phase_id
            if not phase:
                continue
            first_stage = task.project_id.type_ids.sorted(lambda s: (s.sequence, s.id))[:1]
            starting = (
                bool(new_stage) and new_stage != first_stage.id and (new_stage != task.stage_id.id)
            )
            if new_phase and task.stage_id and task.stage_id != first_stage:
                starting = True
            closing = bool(new_state in CLOSED_STATES and task.state not in CLOSED_STATES) or (
                new_phase is not None and task.state in CLOSED_STATES
            )
            self._flow_check_phase(phase, starting, closing, task.display_name)

    def _flow_add_dependencies(self, pairs):
        """Link ``(predecessor id, successor id)`` pairs (finish to start, no
        lag) with ONE create of ``project.task.link`` records.

        Used when a template is laid out: writing ``depend_on_ids`` task by
        task costs a write, a cycle check and a recompute per task.  The links
        mirror themselves into ``depend_on_ids`` in one statement and tell the
        ORM, so Odoo's own computed fields (the waiting state, dependency
        counts) are recomputed as after a normal write.  The caller
        reschedules the project once afterwards.
        """
        Link = scheduler(self.env["project.task.link"])
        if not pairs:
            return Link
        return Link.create(
            [{"predecessor_id": pred, "successor_id": succ} for pred, succ in pairs]
        ).with_env(self.env)

    # ------------------------------------------------------------------
    # Dependencies and scheduling
    # ------------------------------------------------------------------
    def _flow_sync_links(self):
        """Make the links of these tasks match Odoo's ``depend_on_ids``
        (``task_dependencies_rel``) after it was written: a finish-to-start
        link without lag for each new pair, no link for a pair that is gone.
        Two queries and at most one create and one unlink, whatever the
        number of tasks."""
        ids = [task_id for task_id in self.ids if task_id]
        if not ids:
            return
        self.flush_model(["depend_on_ids", "dependent_ids"])
        self.env.cr.execute(
            SQL(
                """
                SELECT depends_on_id, task_id FROM task_dependencies_rel
                 WHERE task_id = ANY(%s) OR depends_on_id = ANY(%s)
                """,
                ids,
                ids,
            )
        )
        pairs = set(self.env.cr.fetchall())
        # sudo: who may write the dependencies may keep their links in step
        Link = scheduler(syncing_links(self.env["project.task.link"].sudo()))
        Link.flush_model(["predecessor_id", "successor_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, predecessor_id, successor_id FROM project_task_link
                 WHERE successor_id = ANY(%s) OR predecessor_id = ANY(%s)
                """,
                ids,
                ids,
            )
        )
        links = {(pred, succ): link_id for link_id, pred, succ in self.env.cr.fetchall()}
        stale = [link_id for pair, link_id in links.items() if pair not in pairs]
        if stale:
            Link.browse(stale).unlink()
        missing = sorted(pairs - links.keys())
        if missing:
            Link.create([{"predecessor_id": pred, "successor_id": succ} for pred, succ in missing])

    def _flow_copy_link_types(self, copies):
        """Give the links between ``copies`` (and to the tasks they were
        linked to) the type and lag of the links of the originals."""
        Link = self.env["project.task.link"].sudo()
        typed = Link.search(
            [
                "|",
                ("predecessor_id", "in", self.ids),
                ("successor_id", "in", self.ids),
                "|",
                ("link_type", "!=", "FS"),
                ("lag", "!=", 0),
            ]
        )
        if not typed:
            return
        mapping = {old: new.id for old, new in self._create_task_mapping(copies)[0].items()}
        wanted = {}
        for link in typed:
            pred, succ = link.predecessor_id.id, link.successor_id.id
            pair = (mapping.get(pred, pred), mapping.get(succ, succ))
            if pair != (pred, succ):
                wanted[pair] = (link.link_type, link.lag)
        new_ids = list(mapping.values())
        groups = defaultdict(list)
        for link in Link.search(
            ["|", ("predecessor_id", "in", new_ids), ("successor_id", "in", new_ids)]
        ):
            values = wanted.get((link.predecessor_id.id, link.successor_id.id))
            if values:
                groups[values].append(link.id)
        for (link_type, lag), link_ids in groups.items():
            scheduler(Link.browse(link_ids)).write({"link_type": link_type, "lag": lag})

    def _flow_is_planned(self):
        """Whether the scheduler places this task: it has a duration, a start
        date, a constraint or a dependency, or comes from a flow template.
        Any other task (no date, or only a deadline, and nothing linking it)
        is left alone."""
        self.ensure_one()
        return bool(
            self.flow_duration > 0
            or self.planned_date_begin
            or self.flow_template_task_id
            or self.flow_constraint_type != "asap"
            or self.depend_on_ids
            or self.dependent_ids
        )

    def _flow_pin_typed_starts(self):
        """A start date typed or dragged by someone is kept: as in MS Project,
        it becomes a "start no earlier than" constraint on that date (a task
        constrained to finish no later than a date keeps that constraint)."""
        by_date = defaultdict(list)
        for task in self.sudo():
            if (
                task.planned_date_begin
                and task.project_id
                and task.flow_constraint_type != "finish_no_later"
            ):
                day = local_date(task.planned_date_begin, task.project_id._flow_schedule_tz())
                if (task.flow_constraint_type, task.flow_constraint_date) != (
                    "start_no_earlier",
                    day,
                ):
                    by_date[day].append(task.id)
        for day, task_ids in by_date.items():
            scheduler(self.sudo().browse(task_ids)).write(
                {"flow_constraint_type": "start_no_earlier", "flow_constraint_date": day}
            )

    def _flow_duration_from_window(self):
        """A deadline typed or dragged by someone sets the duration: the
        working days of the new planned window (when the task has a duration
        of its own; 0 keeps meaning "the window")."""
        by_duration = defaultdict(list)
        tasks = self.sudo().filtered(
            lambda t: (
                t.flow_duration > 0
                and t.project_id
                and t.planned_date_begin
                and t.date_deadline
                and t.date_deadline > t.planned_date_begin
            )
        )
        for project, project_tasks in tasks.grouped("project_id").items():
            tz = project._flow_schedule_tz()
            windows = {
                task: (local_date(task.planned_date_begin, tz), local_date(task.date_deadline, tz))
                for task in project_tasks
            }
            first = min(begin for begin, _end in windows.values())
            last = max(end for _begin, end in windows.values())
            calendar = project.resource_calendar_id._flow_work_calendar(first, last)
            for task, (begin, end) in windows.items():
                days = max(1, calendar.working_days_between(begin, end))
                if days != task.flow_duration:
                    by_duration[days].append(task.id)
        for days, task_ids in by_duration.items():
            scheduler(self.sudo().browse(task_ids)).write({"flow_duration": days})

    @api.model
    def _flow_check_phase(self, phase, starting, closing, task_name):
        reason = gate.task_change_blocker(phase.state, starting=starting, closing=closing)
        if reason:
            if closing:
                msg = _(
                    "Task %(task)s cannot be closed: its phase %(phase)s has not started "
                    "(field Phase).",
                    task=task_name,
                    phase=phase.display_name,
                )
            else:
                msg = _(
                    "Task %(task)s cannot be started: its phase %(phase)s has not started "
                    "(field Phase).",
                    task=task_name,
                    phase=phase.display_name,
                )
            raise UserError(msg)

    # ------------------------------------------------------------------
    # Progress (tracking)
    # ------------------------------------------------------------------
    flow_progress_mode = fields.Selection(
        [("timesheet", "From timesheets"), ("manual", "Set by hand")],
        string="Progress mode",
        default="timesheet",
        required=True,
        help="From timesheets: confirmed hours spent against allocated hours (100% once the "
        "task is closed). Set by hand: the person in charge keeps the percentage up to date.",
    )
    flow_progress = fields.Float(
        string="Progress (%)",
        compute="_compute_flow_progress",
        store=True,
        readonly=False,
        aggregator="avg",
        help="Share of the task completed, in percent.",
    )

    @api.depends(
        "flow_progress_mode",
        "effective_hours",
        "subtask_effective_hours",
        "allocated_hours",
        "state",
    )
    def _compute_flow_progress(self):
        for task in self:
            if task.flow_progress_mode == "manual":
                # kept as the person set it (or as it was when switching)
                task.flow_progress = task.flow_progress or 0.0
                continue
            task.flow_progress = tracking.timesheet_progress(
                task.effective_hours + task.subtask_effective_hours,
                task.allocated_hours,
                closed=task.state in CLOSED_STATES,
            )

    @api.constrains("flow_progress")
    def _check_flow_progress(self):
        for task in self:
            if not 0.0 <= task.flow_progress <= 100.0:
                raise ValidationError(
                    _(
                        "Task %(task)s: progress must be between 0 and 100%% (field Progress).",
                        task=task.display_name,
                    )
                )

    # Delay alerts ----------------------------------------------------------

    # groups: portal users (project sharing) have no access to alerts
    flow_alert_ids = fields.One2many(
        "project.flow.alert",
        "task_id",
        string="Delay alerts",
        groups="project_flow.group_flow_user",
    )
    flow_alert_count = fields.Integer(
        string="Open alerts",
        compute="_compute_flow_alert_count",
        compute_sudo=False,
        groups="project_flow.group_flow_user",
    )

    @api.depends("flow_alert_ids.state")
    def _compute_flow_alert_count(self):
        counts = dict(
            self.env["project.flow.alert"]._read_group(
                [("task_id", "in", self._origin.ids), ("state", "!=", "resolved")],
                ["task_id"],
                ["__count"],
            )
        )
        for task in self:
            task.flow_alert_count = counts.get(task._origin, 0)

    def action_flow_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_alert"
        )
        action["domain"] = [("task_id", "=", self.id)]
        action["context"] = {"search_default_filter_unresolved": 1}
        return action

    # Gantt view server API -------------------------------------------------

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def flow_gantt_data(self, domain=None, limit=GANTT_TASK_LIMIT):
        """Everything the Gantt draws for the tasks of ``domain``, in one go:
        tasks (planned window as local dates of the project's calendar,
        progress, state, health, critical flag, baseline), the links between
        them, the phases and Odoo milestones of their projects, the working
        days and holidays, and what the user may change.

        A constant number of queries whatever the number of tasks: the
        search (which applies the access rules) and then plain queries on the
        tasks found, their assignees and their baseline lines (the ORM's
        per-field formatting is most of the cost of reading thousands of
        rows), one search per related model.
        """
        tasks = self.search(domain or [], limit=limit + 1 if limit else None, order="id")
        truncated = bool(limit) and len(tasks) > limit
        if truncated:
            tasks = tasks[:limit]
        ids = tasks.ids
        self.flush_model(GANTT_TASK_FIELDS)
        rows = []
        assignees = defaultdict(list)
        if ids:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id, name, project_id, parent_id, flow_phase_id,
                           planned_date_begin, date_deadline, state,
                           COALESCE(flow_duration, 0) AS flow_duration,
                           COALESCE(flow_critical, FALSE) AS flow_critical,
                           COALESCE(flow_total_float, 0) AS flow_total_float,
                           flow_schedule_conflict, COALESCE(progress, 0) AS progress
                      FROM project_task
                     WHERE id = ANY(%s)
                     ORDER BY id
                    """,
                    ids,
                )
            )
            rows = self.env.cr.dictfetchall()
            self.env.cr.execute(
                SQL(
                    "SELECT task_id, user_id FROM project_task_user_rel "
                    "WHERE task_id = ANY(%s) ORDER BY task_id, user_id",
                    ids,
                )
            )
            for task_id, user_id in self.env.cr.fetchall():
                assignees[task_id].append(user_id)
        all_users = (
            self.env["res.users"]
            .sudo()
            .browse({user_id for user_ids in assignees.values() for user_id in user_ids})
        )
        users = {user["id"]: user["name"] for user in all_users.read(["name"])}
        project_records = self.env["project.project"].browse(
            {row["project_id"] for row in rows if row["project_id"]}
        )
        projects = {project.id: project.display_name for project in project_records}
        tz_of = {project.id: project._flow_schedule_tz() for project in project_records}
        baselines = self._flow_gantt_baselines(project_records, ids)
        writable = tasks._flow_gantt_writable()
        today = fields.Date.context_today(self)
        utc = pytz.utc
        task_values = []
        for row in rows:
            tz = tz_of.get(row["project_id"], utc)
            start = local_date(row["planned_date_begin"], tz)
            finish = local_date(row["date_deadline"], tz)
            if start and not finish:
                finish = start
            if finish and not start:
                start = finish
            closed = row["state"] in CLOSED_STATES
            conflict = row["flow_schedule_conflict"] or False
            baseline_start, baseline_finish = baselines.get(row["id"], (None, None))
            task_values.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "project_id": row["project_id"] or False,
                    "parent_id": row["parent_id"] or False,
                    "phase_id": row["flow_phase_id"] or False,
                    "user_ids": assignees.get(row["id"], []),
                    "start": _iso(start),
                    "finish": _iso(finish),
                    "milestone": is_milestone(
                        row["flow_duration"], row["planned_date_begin"], row["date_deadline"]
                    ),
                    "progress": 100
                    if row["state"] == "1_done"
                    else round(min(max(row["progress"], 0.0), 1.0) * 100),
                    "state": row["state"],
                    "closed": closed,
                    "critical": row["flow_critical"],
                    "total_float": row["flow_total_float"],
                    "conflict": conflict,
                    "health": task_health(
                        closed=closed,
                        finish=finish,
                        today=today,
                        total_float=row["flow_total_float"],
                        conflict=conflict,
                        critical=row["flow_critical"],
                    ),
                    "baseline_start": _iso(baseline_start),
                    "baseline_finish": _iso(baseline_finish),
                    "can_write": row["id"] in writable,
                }
            )
        # the links between tasks the user sees (both ends found by the
        # search above, which applied the access rules)
        links = []
        if ids:
            self.env["project.task.link"].flush_model(
                ["predecessor_id", "successor_id", "link_type", "lag"]
            )
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id, predecessor_id, successor_id, link_type, lag
                      FROM project_task_link
                     WHERE successor_id = ANY(%s) AND predecessor_id = ANY(%s)
                     ORDER BY id
                    """,
                    ids,
                    ids,
                )
            )
            links = self.env.cr.dictfetchall()
        critical = {task["id"] for task in task_values if task["critical"]}
        link_values = [
            {
                "id": link["id"],
                "from": link["predecessor_id"],
                "to": link["successor_id"],
                "type": link["link_type"],
                "lag": link["lag"],
                "critical": link["predecessor_id"] in critical and link["successor_id"] in critical,
            }
            for link in links
        ]
        phase_values = []
        for phase in self.env["project.flow.phase"].search(
            [("project_id", "in", project_records.ids)]
        ):
            phase_values.append(
                {
                    "id": phase.id,
                    "name": phase.name,
                    "project_id": phase.project_id.id,
                    "sequence": phase.sequence,
                    "start": _iso(phase.date_start),
                    "finish": _iso(phase.date_end),
                    "state": phase.state,
                    "gate_milestone_id": phase.milestone_id.id,
                }
            )
        gate_ids = {phase["gate_milestone_id"] for phase in phase_values}
        milestone_values = [
            {
                "id": milestone.id,
                "name": milestone.name,
                "project_id": milestone.project_id.id,
                "date": _iso(milestone.deadline),
                "reached": milestone.is_reached,
                "gate": milestone.id in gate_ids,
            }
            for milestone in self.env["project.milestone"].search(
                [("project_id", "in", project_records.ids), ("deadline", "!=", False)]
            )
        ]
        calendar = self._flow_gantt_calendar(project_records, task_values, today)
        link_access = self.env["project.task.link"].has_access("create")
        return {
            "tasks": task_values,
            "links": link_values,
            "phases": phase_values,
            "milestones": milestone_values,
            "users": users,
            "projects": projects,
            "calendar": calendar,
            "today": _iso(today),
            "can_link": link_access,
            "can_write": bool(writable),
            "truncated": truncated,
            "limit": limit,
        }

    def _flow_gantt_writable(self):
        """Ids of these tasks the user may write, by ONE search with the
        write rules' domain (``_filtered_access`` evaluates the rules in
        Python, record by record: seconds for thousands of tasks)."""
        if not self:
            return set()
        if self.env.su:
            return set(self.ids)
        if not self.env["ir.model.access"].check(self._name, "write", raise_exception=False):
            return set()
        rules = self.env["ir.rule"]._compute_domain(self._name, "write")
        domain = expression.AND([[("id", "in", self.ids)], rules or []])
        return set(self.with_context(active_test=False).search(domain).ids)

    @api.model
    def _flow_gantt_baselines(self, projects, task_ids):
        """``{task id: (start, finish)}`` in the reference baseline of its
        project (one query; whoever sees the task may see where it was
        planned, as ``flow_baseline_start`` says)."""
        references = projects.sudo().flow_baseline_id
        if not references or not task_ids:
            return {}
        Line = self.env["project.flow.baseline.line"]
        Line.flush_model(["baseline_id", "task_id", "date_start", "date_finish"])
        self.env.cr.execute(
            SQL(
                """
                SELECT task_id, date_start, date_finish
                  FROM project_flow_baseline_line
                 WHERE baseline_id = ANY(%s) AND task_id = ANY(%s)
                """,
                references.ids,
                task_ids,
            )
        )
        return {task_id: (start, finish) for task_id, start, finish in self.env.cr.fetchall()}

    @api.model
    def _flow_gantt_calendar(self, projects, task_values, today):
        """Working weekdays (0 = Monday) and holidays of the calendar the view
        shades: the projects' calendar when they share one, else the
        company's."""
        calendars = projects.resource_calendar_id
        calendar = calendars if len(calendars) == 1 else self.env.company.resource_calendar_id
        days = [date.fromisoformat(t["start"]) for t in task_values if t["start"]]
        days += [date.fromisoformat(t["finish"]) for t in task_values if t["finish"]]
        first = min(days, default=today) - timedelta(days=_CALENDAR_MARGIN)
        last = max(days, default=today) + timedelta(days=_CALENDAR_MARGIN)
        work = calendar._flow_work_calendar(first, last)
        return {
            "workdays": sorted(work.workdays),
            "holidays": sorted(day.isoformat() for day in work.holidays),
        }

    # ------------------------------------------------------------------
    # Editing
    # ------------------------------------------------------------------
    @api.model
    def flow_gantt_move(self, task_id, start, finish=None):
        """Move or resize one task to the local dates ``start`` .. ``finish``
        (ISO strings; no finish for a milestone).  The write is an ordinary
        one: the typed start becomes a "start no earlier than" constraint, the
        duration follows the window and an automatic project is rescheduled.

        :return: the task's values before the move, for ``flow_gantt_restore``
        """
        task = self.browse(task_id).exists()
        if not task:
            raise UserError(_("The task to move no longer exists."))
        task.check_access("write")
        if not task.project_id:
            raise UserError(
                _("Task %(task)s has no project: it cannot be planned.", task=task.display_name)
            )
        try:
            day_from = date.fromisoformat(start)
            day_to = date.fromisoformat(finish) if finish else None
        except (TypeError, ValueError) as error:
            raise UserError(
                _("Task %(task)s: invalid dates for the field Start date.", task=task.display_name)
            ) from error
        if day_to and day_to < day_from:
            raise UserError(
                _(
                    "Task %(task)s: the field Deadline (%(finish)s) is before the field "
                    "Start date (%(start)s).",
                    task=task.display_name,
                    start=format_date(self.env, day_from),
                    finish=format_date(self.env, day_to),
                )
            )
        snapshot = task._flow_gantt_snapshot()
        begin, end = task.project_id._flow_datetime_window(day_from, day_to)
        task.write({"planned_date_begin": begin, "date_deadline": end})
        return snapshot

    @api.model
    def flow_gantt_restore(self, task_id, snapshot):
        """Undo of the Gantt: put back the values ``flow_gantt_move``
        returned (an ordinary write, so the project is rescheduled again)."""
        task = self.browse(task_id).exists()
        if not task:
            raise UserError(_("The task to restore no longer exists."))
        values = {key: snapshot.get(key) or False for key in GANTT_SNAPSHOT_FIELDS}
        values["flow_duration"] = values["flow_duration"] or 0
        values["flow_constraint_type"] = values["flow_constraint_type"] or "asap"
        task.write(values)
        return True

    @api.model
    def flow_gantt_link(self, predecessor_id, successor_id, link_type="FS"):
        """Create a link drawn from one bar to another.  The link's own
        checks (same task, duplicates, cycles naming the tasks, access) apply.

        :return: the id of the new ``project.task.link``
        """
        link = self.env["project.task.link"].create(
            {
                "predecessor_id": predecessor_id,
                "successor_id": successor_id,
                "link_type": link_type,
            }
        )
        return link.id

    def _flow_gantt_snapshot(self):
        self.ensure_one()
        values = self.read(GANTT_SNAPSHOT_FIELDS)[0]
        return {
            key: (
                fields.Datetime.to_string(values[key])
                if key in ("planned_date_begin", "date_deadline") and values[key]
                else fields.Date.to_string(values[key])
                if key == "flow_constraint_date" and values[key]
                else values[key]
            )
            for key in GANTT_SNAPSHOT_FIELDS
        }

    # ------------------------------------------------------------------
    # Export (XLSX and PDF, from the same payload as the screen)
    # ------------------------------------------------------------------
    @api.model
    def _flow_gantt_export_rows(self, domain, group_by="phase"):
        """The payload of ``domain`` and its rows in the order of the screen
        (``engine.gantt.group_rows``), with dates as ``date`` objects and the
        names of phases and assignees."""
        data = self.flow_gantt_data(domain)
        phases = {phase["id"]: phase for phase in data["phases"]}
        users = data["users"]
        tasks = []
        for task in data["tasks"]:
            tasks.append(
                {
                    **task,
                    "start": date.fromisoformat(task["start"]) if task["start"] else None,
                    "finish": date.fromisoformat(task["finish"]) if task["finish"] else None,
                    "phase": phases.get(task["phase_id"], {}).get("name", ""),
                    "assignees": ", ".join(users[user_id] for user_id in task["user_ids"]),
                }
            )
        if group_by == "phase":
            groups = [
                (phase["id"], phase["name"])
                for phase in sorted(
                    data["phases"], key=lambda p: (p["project_id"], p["sequence"], p["id"])
                )
            ]
            rows = group_rows(tasks, groups, lambda t: t["phase_id"], _("No phase"))
        elif group_by == "user":
            groups = sorted(users.items(), key=lambda item: item[1])
            rows = group_rows(
                tasks,
                groups,
                lambda t: t["user_ids"][0] if t["user_ids"] else False,
                _("Unassigned"),
            )
        elif group_by == "project":
            groups = sorted(data["projects"].items(), key=lambda item: item[1])
            rows = group_rows(tasks, groups, lambda t: t["project_id"], _("No project"))
        else:
            rows = group_rows(tasks, [], None, "")
        return data, rows

    @api.model
    def _flow_gantt_title(self, data):
        names = sorted(data["projects"].values())
        if len(names) == 1:
            return _("%(project)s: Gantt", project=names[0])
        return _("Gantt: %(count)s projects", count=len(names)) if names else _("Gantt")

    @api.model
    def flow_gantt_export_xlsx(self, domain, scale="week", group_by="phase"):
        """The Gantt of ``domain`` as an XLSX file (bytes): day columns in the
        day zoom, week columns otherwise."""
        data, rows = self._flow_gantt_export_rows(domain, group_by)
        labels = {
            "task": _("Task"),
            "phase": _("Phase"),
            "assignees": _("Assignees"),
            "start": _("Start"),
            "finish": _("Finish"),
            "float": _("Total float"),
            "critical": _("Critical"),
            "progress": _("Progress (%)"),
            "yes": _("Yes"),
            "sheet": _("Gantt"),
            "legend": _(
                "Red bars: critical path. \u25c6: milestone. Bar colours: blue on track, "
                "orange at risk, red late or in conflict, green closed."
            ),
        }
        return build_gantt_xlsx(
            self._flow_gantt_title(data),
            rows,
            labels,
            unit="day" if scale == "day" else "week",
            today=date.fromisoformat(data["today"]),
        )

    @api.model
    def flow_gantt_export_pdf(self, domain, scale="week", group_by="phase"):
        """The Gantt of ``domain`` as a PDF (QWeb report
        ``project_flow.report_flow_gantt``): bars placed in percent of the
        planned span."""
        data, rows = self._flow_gantt_export_rows(domain, group_by)
        today = date.fromisoformat(data["today"])
        first, last, span = timeline_window(
            [d for row in rows for d in (row.get("start"), row.get("finish"))], today
        )
        lines = []
        for row in rows:
            if "group" in row:
                lines.append({"group": row["group"]})
                continue
            line = {
                "name": row["name"],
                "phase": row["phase"],
                "assignees": row["assignees"],
                "start": format_date(self.env, row["start"]) if row["start"] else "",
                "finish": format_date(self.env, row["finish"]) if row["finish"] else "",
                "critical": row["critical"],
                "milestone": row["milestone"],
                "health": row["health"],
                "progress": row["progress"],
            }
            if row["start"]:
                line["left"], line["width"] = bar_position(row["start"], row["finish"], first, span)
            lines.append(line)
        values = {
            "title": self._flow_gantt_title(data),
            "first": format_date(self.env, first),
            "last": format_date(self.env, last),
            "today": today_position(today, first, last, span),
            "lines": lines,
        }
        report = self.env["ir.actions.report"].sudo()
        pdf, _type = report._render_qweb_pdf(
            "project_flow.action_report_flow_gantt", res_ids=[], data={"gantt": values}
        )
        return pdf

    # Departments ---------------------------------------------------------

    flow_department_id = fields.Many2one(
        "hr.department",
        string="Department",
        compute="_compute_flow_department_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="By default the department of the first assignee's employee, else the project's "
        "main department.",
    )

    @api.depends("user_ids", "project_id.flow_department_id")
    def _compute_flow_department_id(self):
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", self.user_ids.ids), ("department_id", "!=", False)])
        )
        department_by_user = {}
        for employee in employees:
            # one employee per user and company; prefer the task's company below
            department_by_user.setdefault(employee.user_id.id, []).append(employee)
        for task in self:
            department = self.env["hr.department"]
            for user in task.user_ids:
                candidates = department_by_user.get(user.id, [])
                match = [e for e in candidates if e.company_id == task.company_id] or candidates
                if match:
                    department = match[0].department_id
                    break
            task.flow_department_id = department or task.project_id.flow_department_id

    flow_department_mine = fields.Boolean(
        string="In my department",
        compute="_compute_flow_department_mine",
        search="_search_flow_department_mine",
    )

    @api.depends("flow_department_id")
    @api.depends_context("uid")
    def _compute_flow_department_mine(self):
        mine = self.env["hr.department"]._flow_of_user(self.env.user)
        for task in self:
            task.flow_department_mine = task.flow_department_id in mine

    def _search_flow_department_mine(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on the field In my department."))
        mine = self.env["hr.department"]._flow_of_user(self.env.user)
        positive = (operator == "=") == bool(value)
        return [("flow_department_id", "in" if positive else "not in", mine.ids)]
