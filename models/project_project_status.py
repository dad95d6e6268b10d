# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import format_date

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import status as status_engine
from ..engine import tracking

ALERT_OPEN_STATES = ("open", "acknowledged")


class ProjectProject(models.Model):
    """The project status report (PDF): the KPIs of one project and the
    values the QWeb template ``project_flow.report_project_flow_status``
    lays out, read for all the printed projects at once."""

    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_flow_print_status(self):
        """Print the project status report (PDF)."""
        self.ensure_one()
        return self.env.ref("project_flow.action_report_project_flow_status").report_action(self)

    # ------------------------------------------------------------------
    # KPIs of one project
    # ------------------------------------------------------------------
    def _flow_status_kpis(self):
        """The KPIs of each project of ``self``, measured over its whole life
        with the portfolio's definitions (``engine/status.py``): one query on
        the tasks, one grouped read of the defect-tagged tasks and one of
        the milestones, whatever the number of projects.

        :return: ``{project id: {kpi: value}}`` (see ``engine.status.project_kpis``)
        """
        counts = {project.id: {} for project in self}
        if not self:
            return {}
        Task = self.env["project.task"]
        Task.flush_model(
            [
                "project_id",
                "state",
                "active",
                "date_end",
                "date_deadline",
                "create_date",
                "flow_reopen_count",
                "flow_stage_regression_count",
                "allocated_hours",
                "effective_hours",
            ]
        )
        # Aggregates of the project as a whole: the caller may read the
        # project (checked by the report), its figures count every task.
        self.env.cr.execute(
            """
            SELECT t.project_id,
                   COUNT(*) FILTER (WHERE t.state != '1_canceled'),
                   COUNT(*) FILTER (WHERE t.state = '1_done'),
                   COUNT(*) FILTER (WHERE t.state = '1_done' AND t.date_deadline IS NOT NULL),
                   -- on time: closed on or before the deadline's day, in the
                   -- company calendar's time zone (as the KPI dashboard counts)
                   COUNT(*) FILTER (WHERE t.state = '1_done' AND t.date_deadline IS NOT NULL
                                      AND (t.date_end AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date
                                          <= (t.date_deadline AT TIME ZONE 'UTC'
                                              AT TIME ZONE tz.tz)::date),
                   COUNT(*) FILTER (WHERE t.state = '1_done' AND t.date_end IS NOT NULL),
                   COALESCE(SUM(EXTRACT(EPOCH FROM t.date_end - t.create_date))
                            FILTER (WHERE t.state = '1_done' AND t.date_end IS NOT NULL), 0),
                   COALESCE(SUM(t.flow_reopen_count), 0),
                   COALESCE(SUM(t.flow_stage_regression_count), 0),
                   COALESCE(SUM(t.allocated_hours) FILTER (WHERE t.state != '1_canceled'), 0),
                   COALESCE(SUM(t.effective_hours) FILTER (WHERE t.state != '1_canceled'), 0)
              FROM project_task t
              JOIN project_project p ON p.id = t.project_id
         LEFT JOIN res_company c ON c.id = p.company_id
         LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
        CROSS JOIN LATERAL (SELECT COALESCE(rc.tz, 'UTC') AS tz) tz
             WHERE t.project_id = ANY(%s) AND t.active
          GROUP BY t.project_id
            """,
            [self.ids],
        )
        keys = (
            "tasks",
            "done",
            "done_with_deadline",
            "done_on_time",
            "closed_with_date",
            "cycle_seconds",
            "reopen",
            "regression",
            "allocated_hours",
            "effective_hours",
        )
        for row in self.env.cr.fetchall():
            counts[row[0]].update(zip(keys, (float(v or 0) for v in row[1:]), strict=True))
        defect_tags = self._flow_defect_tags(self)
        if defect_tags:
            for project, count in Task.sudo()._read_group(
                [("project_id", "in", self.ids), ("tag_ids", "in", defect_tags.ids)],
                ["project_id"],
                ["__count"],
            ):
                counts[project.id]["defects"] = count
        achievement_keys = {
            tracking.ON_TIME: "milestones_on_time",
            tracking.LATE: "milestones_late",
            tracking.MISSED: "milestones_missed",
        }
        for project, achievement, count in (
            self.env["project.milestone"]
            .sudo()
            ._read_group(
                [("project_id", "in", self.ids)],
                ["project_id", "flow_achievement"],
                ["__count"],
            )
        ):
            if achievement in achievement_keys:
                counts[project.id][achievement_keys[achievement]] = count
        return {
            project_id: status_engine.project_kpis(values) for project_id, values in counts.items()
        }

    # ------------------------------------------------------------------
    # Values of the status report
    # ------------------------------------------------------------------
    def _flow_status_report_values(self, today=None):
        """What the status report shows of each project of ``self``, read
        with the current user's rights in a fixed number of queries.

        :return: ``{project id: {"phases", "milestones", "risks", "alerts"
            (recordsets), "kpis" (dict), "gantt" (dict of bars in percent),
            "health_reasons" (list of str)}}``
        """
        today = today or fields.Date.context_today(self)
        env = self.env
        kpis = self._flow_status_kpis()
        by_project = {
            project.id: {
                "phases": env["project.flow.phase"],
                "milestones": env["project.milestone"],
                "risks": env["project.flow.risk"],
                "alerts": env["project.flow.alert"],
                "tasks": env["project.task"],
            }
            for project in self
        }
        sources = [
            ("phases", "project.flow.phase", [], "sequence, id"),
            ("milestones", "project.milestone", [], "deadline, id"),
            ("risks", "project.flow.risk", [("state", "=", "open")], "id"),
            (
                "alerts",
                "project.flow.alert",
                [("state", "in", ALERT_OPEN_STATES)],
                "level desc, id",
            ),
            (
                "tasks",
                "project.task",
                [("state", "not in", list(CLOSED_STATES))],
                "id",
            ),
        ]
        for key, model, domain, order in sources:
            Model = env[model]
            if not Model.has_access("read"):
                continue
            records = Model.search([("project_id", "in", self.ids), *domain], order=order)
            if key == "tasks":
                # critical tasks, closed or not, also make the Gantt summary
                records |= Model.search(
                    [("project_id", "in", self.ids), ("flow_critical", "=", True)]
                )
            ids_of = {project.id: [] for project in self}
            for record in records:
                ids_of[record.project_id.id].append(record.id)
            for project_id, ids in ids_of.items():
                # one prefetch set across the projects: the template reads
                # e.g. the approvals of every phase in one query
                by_project[project_id][key] = Model.browse(ids).with_prefetch(records._prefetch_ids)
        result = {}
        for project in self:
            values = by_project[project.id]
            values["kpis"] = kpis.get(project.id, status_engine.project_kpis({}))
            values["gantt"] = project._flow_status_gantt(values, today)
            values["health_reasons"] = [
                line for line in (project.flow_health_reasons or "").splitlines() if line
            ]
            result[project.id] = values
        return result

    def _flow_status_gantt(self, values, today):
        """The bars of the Gantt summary: phases (planned window, actual
        dates when they differ), key tasks and milestones, in percent of the
        project window (``engine.status.gantt_summary``)."""
        self.ensure_one()

        def day(value):
            if not value:
                return None
            return fields.Datetime.context_timestamp(self, value).date()

        rows = []
        for phase in values["phases"]:
            start = phase.date_actual_start or phase.date_start
            finish = phase.date_actual_end or phase.date_end
            if phase.date_actual_start and not phase.date_actual_end:
                # a running phase lasts at least until today
                finish = max(finish or today, today)
            rows.append(
                {
                    "kind": "phase",
                    "name": phase.name,
                    "start": start,
                    "finish": finish,
                    "state": phase.state,
                    "critical": False,
                }
            )
        tasks = [
            {
                "id": task.id,
                "name": task.name,
                "start": day(task.planned_date_begin),
                "finish": day(task.date_deadline),
                "critical": task.flow_critical,
                "closed": task.state in CLOSED_STATES,
                "kind": "task",
            }
            for task in values["tasks"]
        ]
        rows += status_engine.key_tasks(tasks)
        for milestone in values["milestones"].filtered("deadline"):
            rows.append(
                {
                    "kind": "milestone",
                    "name": milestone.name,
                    "start": milestone.deadline,
                    "finish": milestone.deadline,
                    "state": milestone.flow_achievement,
                    "critical": False,
                }
            )
        summary = status_engine.gantt_summary(
            rows, today, window_start=self.date_start, window_end=self.date
        )
        summary["first"] = format_date(self.env, summary["first"])
        summary["last"] = format_date(self.env, summary["last"])
        return summary

    @api.model
    def _flow_status_format(self, value, unit=""):
        """A KPI as text: "—" when there is nothing to measure."""
        if value is None:
            return "—"
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{text}{unit}"
