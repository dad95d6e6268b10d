"""Reschedule one project: read it, ask ``engine.schedule``, write what changed.

``project.project._flow_reschedule`` delegates here; the rules it applies are
in its docstring, the scheduling semantics in ``engine/schedule.py``.  The
class only adapts: it reads the project in a handful of queries, builds the
engine's activities and links, and writes the results back in batches.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools import SQL, split_every

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import graph, schedule
from .project_task import SCHEDULE_RESULT_FIELDS, local_date

# What the scheduler reads of each task of the project.
TASK_FIELDS = [
    "name",
    "flow_duration",
    "planned_date_begin",
    "date_deadline",
    "state",
    "parent_id",
    "flow_phase_id",
    "flow_template_task_id",
    "flow_constraint_type",
    "flow_constraint_date",
    *SCHEDULE_RESULT_FIELDS,
]

_RESULT_ROW = (
    "(%s, %s::date, %s::date, %s::date, %s::date, %s::int, %s::int, %s::bool, %s::varchar)"
)

# The computed fields of a task the scheduler does not place.
_UNPLANNED = (None, None, None, None, 0, 0, False, None)


class FlowScheduler:
    """The schedule of one project (in the scheduler's context, as superuser:
    whoever moves one task moves the tasks that depend on it)."""

    def __init__(self, project):
        project.ensure_one()
        self.project = project
        self.env = project.env
        self.tz = project._flow_schedule_tz()
        self.names = {}
        self.durations = {}
        self.pinned = set()
        self.activities = []
        self.links = []
        self.phase_tasks = defaultdict(list)

    def run(self):
        """Schedule the project and write the changes.

        :return: {"result": ScheduleResult, "moved": int, "moved_ids": list,
            "conflicts": int}
        """
        self._read()
        self._select_planned()
        self._load_calendar()
        self._add_tasks()
        self._add_phases()
        result = self._schedule()
        return self._write(result)

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _read(self):
        """The project's tasks and links (plain queries: the ORM's per-field
        formatting is most of the cost of reading thousands of rows), the
        predecessors in other projects, the phases and the timesheeted tasks."""
        Task = self.env["project.task"]
        project = self.project
        Task.flush_model([*TASK_FIELDS, "project_id", "active"])
        self.rows = self._query(
            SQL(
                """
                SELECT id, name, COALESCE(flow_duration, 0) AS flow_duration,
                       planned_date_begin, date_deadline, state, parent_id, flow_phase_id,
                       flow_template_task_id, flow_constraint_type, flow_constraint_date,
                       flow_early_start, flow_early_finish, flow_late_start, flow_late_finish,
                       COALESCE(flow_total_float, 0) AS flow_total_float,
                       COALESCE(flow_free_float, 0) AS flow_free_float,
                       COALESCE(flow_critical, FALSE) AS flow_critical,
                       flow_schedule_conflict
                  FROM project_task
                 WHERE project_id = %s AND active
                 ORDER BY id
                """,
                project.id,
            )
        )
        self.by_id = {row["id"]: row for row in self.rows}
        self.env["project.task.link"].flush_model(
            ["predecessor_id", "successor_id", "link_type", "lag", "project_id"]
        )
        links = self._query(
            SQL(
                """
                SELECT predecessor_id, successor_id, link_type, lag
                  FROM project_task_link
                 WHERE project_id = %s
                 ORDER BY id
                """,
                project.id,
            )
        )
        # a predecessor in another project is taken where it is planned
        external_ids = {link["predecessor_id"] for link in links} - self.by_id.keys()
        self.external = {}
        if external_ids:
            self.external = {
                row["id"]: row
                for row in self._query(
                    SQL(
                        """
                        SELECT id, name, COALESCE(flow_duration, 0) AS flow_duration,
                               planned_date_begin, date_deadline
                          FROM project_task
                         WHERE id = ANY(%s) AND active AND planned_date_begin IS NOT NULL
                         ORDER BY id
                        """,
                        sorted(external_ids),
                    )
                )
            }
        self.link_rows = [
            link
            for link in links
            if link["successor_id"] in self.by_id
            and (link["predecessor_id"] in self.by_id or link["predecessor_id"] in self.external)
        ]
        self.phases = self.env["project.flow.phase"].search_read(
            [("project_id", "=", project.id), ("state", "!=", "cancelled")],
            ["name", "duration", "date_start", "date_end", "milestone_id"],
            order="sequence, id",
            load=None,
        )
        self.timesheeted = {
            task.id
            for task, _count in self.env["account.analytic.line"]._read_group(
                [("task_id", "in", list(self.by_id))], ["task_id"], ["__count"]
            )
        }

    def _query(self, query):
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _select_planned(self):
        """The tasks the scheduler places (``project.task._flow_is_planned``)
        and the parents spanning them."""
        linked = {link["predecessor_id"] for link in self.link_rows} | {
            link["successor_id"] for link in self.link_rows
        }
        planned = {
            row["id"]
            for row in self.rows
            if row["flow_duration"] > 0
            or row["planned_date_begin"]
            or row["flow_template_task_id"]
            or row["id"] in linked
            or (row["flow_constraint_type"] != "asap" and row["flow_constraint_date"])
        }
        for task_id in list(planned):
            parent = self.by_id[task_id]["parent_id"]
            while parent in self.by_id and parent not in planned:
                planned.add(parent)
                parent = self.by_id[parent]["parent_id"]
        self.planned = planned
        self.parents = {self.by_id[task_id]["parent_id"] for task_id in planned} & planned

    def _load_calendar(self):
        """The project's working calendar over every date the plan can reach
        (one query for the leaves), and the project's start."""
        tz = self.tz
        rows = [self.by_id[task_id] for task_id in self.planned] + list(self.external.values())
        starts = [
            local_date(self.by_id[task_id]["planned_date_begin"], tz)
            for task_id in self.planned
            if self.by_id[task_id]["planned_date_begin"]
        ]
        self.start = self.project.date_start or min(
            starts, default=fields.Date.context_today(self.project)
        )
        known = [self.start]
        span = sum(phase["duration"] for phase in self.phases)
        span += sum(abs(link["lag"]) for link in self.link_rows)
        for row in rows:
            begin = local_date(row["planned_date_begin"], tz)
            end = local_date(row["date_deadline"], tz)
            known += [day for day in (begin, end, row.get("flow_constraint_date")) if day]
            span += row["flow_duration"] + ((end - begin).days if begin and end else 0)
        self.calendar = self.project.resource_calendar_id._flow_work_calendar(
            min(known) - timedelta(days=31), max(known) + timedelta(days=2 * span + 366)
        )

    def _duration(self, row):
        """``flow_duration``; when 0, the working days of the planned window,
        else a milestone."""
        if row["flow_duration"] > 0:
            return row["flow_duration"]
        begin, end = row["planned_date_begin"], row["date_deadline"]
        if begin and end and end > begin:
            days = self.calendar.working_days_between(
                local_date(begin, self.tz), local_date(end, self.tz)
            )
            return max(1, days)
        return 0

    # ------------------------------------------------------------------
    # The network
    # ------------------------------------------------------------------
    def _add_tasks(self):
        for row in self.rows:
            task_id = row["id"]
            if task_id not in self.planned:
                continue
            self.names[task_id] = row["name"]
            self.durations[task_id] = self._duration(row)
            fixed = None
            if row["planned_date_begin"] and (
                row["state"] in CLOSED_STATES or task_id in self.timesheeted
            ):
                # work happened: the plan does not move it
                fixed = local_date(row["planned_date_begin"], self.tz)
                self.pinned.add(task_id)
            kind, day = row["flow_constraint_type"], row["flow_constraint_date"] or None
            self.activities.append(
                schedule.Activity(
                    task_id,
                    name=row["name"],
                    duration=self.durations[task_id],
                    parent=row["parent_id"] if row["parent_id"] in self.planned else None,
                    fixed_start=fixed,
                    start_no_earlier=day if kind == "start_no_earlier" else None,
                    finish_no_later=day if kind == "finish_no_later" else None,
                )
            )
        used = {link["predecessor_id"] for link in self.link_rows} & self.external.keys()
        for task_id in sorted(used):
            row = self.external[task_id]
            self.names[task_id] = row["name"]
            self.activities.append(
                schedule.Activity(
                    task_id,
                    name=row["name"],
                    duration=self._duration(row),
                    fixed_start=local_date(row["planned_date_begin"], self.tz),
                )
            )
        self.links = [
            schedule.Link(
                link["predecessor_id"], link["successor_id"], link["link_type"], link["lag"]
            )
            for link in self.link_rows
        ]

    def _add_phases(self):
        """Each phase: a bar of its planned duration and a gate milestone
        after the bar and every task of the phase; the next phase's bar and
        first tasks (no predecessor in the phase) start after that gate.
        Virtual activities and links, never records."""
        by_id = self.by_id
        for task_id in sorted(self.planned):
            if by_id[task_id]["flow_phase_id"]:
                self.phase_tasks[by_id[task_id]["flow_phase_id"]].append(task_id)
        follows_inside = {
            link["successor_id"]
            for link in self.link_rows
            if link["predecessor_id"] in by_id
            and by_id[link["predecessor_id"]]["flow_phase_id"]
            == by_id[link["successor_id"]]["flow_phase_id"]
        }
        previous_gate = None
        for phase in self.phases:
            bar, gate = ("phase", phase["id"]), ("gate", phase["id"])
            self.names[bar] = phase["name"]
            self.names[gate] = self.env._("Gate: %(phase)s", phase=phase["name"])
            self.activities += [
                schedule.Activity(bar, name=phase["name"], duration=phase["duration"]),
                schedule.Activity(gate, name=self.names[gate]),
            ]
            members = self.phase_tasks[phase["id"]]
            if previous_gate:
                self.links.append(schedule.Link(previous_gate, bar))
                self.links += [
                    schedule.Link(previous_gate, task_id)
                    for task_id in members
                    if task_id not in follows_inside
                ]
            self.links += [schedule.Link(key, gate) for key in (bar, *members)]
            previous_gate = gate

    def _schedule(self):
        project, names = self.project, self.names
        try:
            return schedule.schedule(self.activities, self.links, self.calendar, self.start)
        except graph.CycleError as error:
            cycle = error.cycle + error.cycle[:1]
            raise ValidationError(
                self.env._(
                    "Project %(project)s: the task dependencies form a cycle: %(cycle)s "
                    "(field Predecessor).",
                    project=project.display_name,
                    cycle=" \u2192 ".join(names.get(key, str(key)) for key in cycle),
                )
            ) from error
        except schedule.ScheduleError as error:
            raise ValidationError(project._flow_schedule_error_message(error, names)) from error

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    def _write(self, result):
        conflicts = defaultdict(list)
        for conflict in result.conflicts:
            conflicts[conflict.key].append(
                self.project._flow_conflict_message(conflict, self.names)
            )
        window = self.project._flow_window_converter()
        values = []
        windows = defaultdict(list)
        for row in self.rows:
            task_id = row["id"]
            new = _UNPLANNED
            if task_id in self.planned:
                timing = result.timings[task_id]
                new = (
                    timing.early_start,
                    timing.early_finish,
                    timing.late_start,
                    timing.late_finish,
                    timing.total_float,
                    timing.free_float,
                    timing.critical,
                    " ".join(conflicts.get(task_id, ())) or None,
                )
                if task_id not in self.pinned:
                    milestone = not self.durations[task_id] and task_id not in self.parents
                    planned = window(timing.early_start, None if milestone else timing.early_finish)
                    if planned != (row["planned_date_begin"], row["date_deadline"]):
                        windows[planned].append(task_id)
            old = (
                *(row[name] or None for name in SCHEDULE_RESULT_FIELDS[:4]),
                row["flow_total_float"],
                row["flow_free_float"],
                bool(row["flow_critical"]),
                row["flow_schedule_conflict"] or None,
            )
            if new != old:
                values.append((task_id, *new))
        self._store_results(values)
        moved = [task_id for task_ids in windows.values() for task_id in task_ids]
        # one write per distinct window, reading what a write reads (the
        # assignees, for Odoo's notifications) for all of them at once
        prefetch = self.env["project.task"].browse(moved)._prefetch_ids
        for (begin, end), task_ids in windows.items():
            self.env["project.task"].browse(task_ids).with_prefetch(prefetch).write(
                {"planned_date_begin": begin, "date_deadline": end}
            )
        self._write_phases(result)
        return {
            "result": result,
            "moved": len(moved),
            "moved_ids": moved,
            "conflicts": len([key for key in conflicts if key in self.planned]),
        }

    def _store_results(self, values):
        """The computed schedule fields of the tasks whose results changed, in
        one statement per 1,000 tasks; ``values`` are tuples (task id, early
        start, early finish, late start, late finish, total float, free float,
        critical, conflict)."""
        if not values:
            return
        Task = self.env["project.task"]
        Task.flush_model(SCHEDULE_RESULT_FIELDS)
        for chunk in split_every(1000, values):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE project_task AS task
                       SET flow_early_start = v.early_start,
                           flow_early_finish = v.early_finish,
                           flow_late_start = v.late_start,
                           flow_late_finish = v.late_finish,
                           flow_total_float = v.total_float,
                           flow_free_float = v.free_float,
                           flow_critical = v.critical,
                           flow_schedule_conflict = v.conflict
                      FROM (VALUES %s) AS v(id, early_start, early_finish, late_start,
                                            late_finish, total_float, free_float,
                                            critical, conflict)
                     WHERE task.id = v.id
                    """,
                    SQL(", ").join(SQL(_RESULT_ROW, *line) for line in chunk),
                )
            )
        tasks = Task.browse([line[0] for line in values])
        tasks.invalidate_recordset(SCHEDULE_RESULT_FIELDS)
        tasks.modified(SCHEDULE_RESULT_FIELDS)

    def _write_phases(self, result):
        """Phase dates, gate milestone deadlines and the project's dates from
        the schedule, written only where they changed."""
        if not self.phases:
            return
        timings = result.timings
        spans = {}
        Phase = self.env["project.flow.phase"]
        for phase in self.phases:
            keys = [("phase", phase["id"]), *self.phase_tasks[phase["id"]]]
            span = (
                min(timings[key].early_start for key in keys),
                max(timings[key].early_finish for key in keys),
            )
            spans[phase["id"]] = span
            if span != (phase["date_start"], phase["date_end"]):
                Phase.browse(phase["id"]).write({"date_start": span[0], "date_end": span[1]})
        deadlines = {
            phase["milestone_id"]: spans[phase["id"]][1]
            for phase in self.phases
            if phase["milestone_id"]
        }
        Milestone = self.env["project.milestone"]
        for row in Milestone.search_read([("id", "in", list(deadlines))], ["deadline"], load=None):
            if row["deadline"] != deadlines[row["id"]]:
                Milestone.browse(row["id"]).write({"deadline": deadlines[row["id"]]})
        dates = (min(s[0] for s in spans.values()), max(s[1] for s in spans.values()))
        if dates != (self.project.date_start, self.project.date):
            self.project.write({"date_start": dates[0], "date": dates[1]})
