from collections import defaultdict
from datetime import date, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine.gantt import group_rows, is_milestone, task_health
from ..engine.gantt_xlsx import build_gantt_xlsx
from .project_task import local_date

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


# The Gantt view's server API extends the model in a file of its own.
class ProjectTask(models.Model):
    """The server side of the Gantt view (``flow_gantt``): one call returns
    all it draws, and the edits it makes go through the ordinary ``write`` and
    ``create`` so every rule (access, gates, cycles, rescheduling) applies."""

    _inherit = "project.task"  # pylint: disable=consider-merging-classes-inherited

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
        days = [d for row in rows for d in (row.get("start"), row.get("finish")) if d]
        first = min(days, default=today)
        last = max(days, default=today)
        span = (last - first).days + 1
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
                offset = (row["start"] - first).days
                length = ((row["finish"] or row["start"]) - row["start"]).days + 1
                line["left"] = round(100.0 * offset / span, 2)
                line["width"] = max(0.4, round(100.0 * length / span, 2))
            lines.append(line)
        values = {
            "title": self._flow_gantt_title(data),
            "first": format_date(self.env, first),
            "last": format_date(self.env, last),
            "today": round(100.0 * (today - first).days / span, 2)
            if first <= today <= last
            else None,
            "lines": lines,
        }
        report = self.env["ir.actions.report"].sudo()
        pdf, _type = report._render_qweb_pdf(
            "project_flow.action_report_flow_gantt", res_ids=[], data={"gantt": values}
        )
        return pdf
