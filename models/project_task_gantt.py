from datetime import date, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine.gantt import group_rows, is_milestone, task_health
from ..engine.gantt_xlsx import build_gantt_xlsx

# Holidays are sent for this many days around the planned span.
_CALENDAR_MARGIN = 400

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
    def flow_gantt_data(self, domain=None):
        """Everything the Gantt draws for the tasks of ``domain``, in one go:
        tasks (planned window as local dates of the project's calendar,
        progress, state, health, critical flag, baseline), the links between
        them, the phases and Odoo milestones of their projects, the working
        days and holidays, and what the user may change.

        A constant number of queries whatever the number of tasks: one
        search, batched reads (prefetch), one search per related model.
        """
        tasks = self.search(domain or [])
        Project = self.env["project.project"]
        fetch_fields = [
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
        tasks.fetch(fetch_fields)
        local = Project._flow_task_local_dates(tasks)
        writable = set(tasks._filtered_access("write").ids) if tasks else set()
        today = fields.Date.context_today(self)
        users = {}
        projects = {}
        task_values = []
        for task in tasks:
            start, finish = local[task.id]
            if start and not finish:
                finish = start
            if finish and not start:
                start = finish
            closed = task.state in CLOSED_STATES
            milestone = is_milestone(
                task.flow_duration, task.planned_date_begin, task.date_deadline
            )
            for user in task.user_ids:
                users[user.id] = user.name
            if task.project_id:
                projects[task.project_id.id] = task.project_id.display_name
            task_values.append(
                {
                    "id": task.id,
                    "name": task.name,
                    "project_id": task.project_id.id,
                    "parent_id": task.parent_id.id,
                    "phase_id": task.flow_phase_id.id,
                    "user_ids": task.user_ids.ids,
                    "start": _iso(start),
                    "finish": _iso(finish),
                    "milestone": milestone,
                    "progress": 100
                    if task.state == "1_done"
                    else round(min(max(task.progress or 0.0, 0.0), 1.0) * 100),
                    "state": task.state,
                    "closed": closed,
                    "critical": task.flow_critical,
                    "total_float": task.flow_total_float,
                    "conflict": task.flow_schedule_conflict or False,
                    "health": task_health(
                        closed=closed,
                        finish=finish,
                        today=today,
                        total_float=task.flow_total_float,
                        conflict=task.flow_schedule_conflict,
                        critical=task.flow_critical,
                    ),
                    "baseline_start": _iso(task.flow_baseline_start),
                    "baseline_finish": _iso(task.flow_baseline_finish),
                    "can_write": task.id in writable,
                }
            )
        links = (
            self.env["project.task.link"].search_read(
                [("successor_id", "in", tasks.ids), ("predecessor_id", "in", tasks.ids)],
                ["predecessor_id", "successor_id", "link_type", "lag"],
                load=None,
            )
            if tasks
            else []
        )
        critical = {task.id for task in tasks if task.flow_critical}
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
        project_records = tasks.project_id
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
        }

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
