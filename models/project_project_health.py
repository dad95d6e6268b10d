import json
import math
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import forecast as forecast_engine
from ..engine import health as health_engine
from ..engine import risk as risk_engine


def _num(value):
    """A figure of a reason as text: no trailing ".0" on whole numbers."""
    value = float(value or 0)
    return str(int(value)) if value.is_integer() else str(value)


HEALTH_COLORS = [("green", "Green"), ("yellow", "Yellow"), ("red", "Red")]
DEFECT_TAG_NAMES = ("defect", "bug", "缺陷")


# Forecasts and health extend the model in a file of their own, apart from
# the lifecycle's and the baselines' extensions of it.
class ProjectProject(models.Model):
    """Earned-schedule forecast, on-time probability and health of a
    project, recomputed in batch (daily cron, button) by
    :meth:`_flow_recompute_forecast_health`; the arithmetic lives in
    ``engine/forecast.py``, ``engine/risk.py`` and ``engine/health.py``."""

    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    # Forecast ---------------------------------------------------------------
    flow_spi_t = fields.Float(
        string="SPI(t)",
        digits=(4, 2),
        readonly=True,
        copy=False,
        help="Schedule performance index in time: earned schedule / actual time (below 1: late).",
    )
    flow_earned_schedule = fields.Float(
        string="Earned schedule (working days)",
        digits=(6, 1),
        readonly=True,
        copy=False,
        help="Working days of the baseline plan that the work done so far was planned to take.",
    )
    flow_forecast_finish = fields.Date(
        string="Forecast finish",
        readonly=True,
        copy=False,
        help="Baseline start plus the forecast duration (planned duration / SPI(t)) in working "
        "days of the project's calendar; without a baseline, the latest forecast finish of the "
        "open tasks.",
    )
    flow_forecast_delay = fields.Integer(
        string="Forecast delay (working days)",
        readonly=True,
        copy=False,
        help="Forecast duration minus planned duration of the baseline (positive: late).",
    )
    flow_forecast_date = fields.Date(string="Forecast on", readonly=True, copy=False)
    flow_on_time_probability = fields.Float(
        string="On-time probability (%)",
        digits=(5, 0),
        readonly=True,
        copy=False,
        help="Chance to finish by the planned end, from the open tasks' risks, the critical "
        "path and the forecast, calibrated against the company's closed projects.",
    )

    flow_on_time_probability_raw = fields.Float(
        string="On-time probability before calibration (%)",
        digits=(5, 0),
        readonly=True,
        copy=False,
        help="The model's probability before the company's calibration: what the weekly "
        "calibration is fitted on.",
    )

    # Health ---------------------------------------------------------------
    flow_currency_id = fields.Many2one(
        "res.currency", string="Flow currency", compute="_compute_flow_currency_id"
    )
    flow_budget = fields.Monetary(
        string="Budget",
        currency_field="flow_currency_id",
        help="The project budget the timesheet cost is measured against (0: no budget check).",
    )
    flow_cost = fields.Monetary(
        string="Cost to date",
        currency_field="flow_currency_id",
        readonly=True,
        copy=False,
        help="Timesheet cost of the project (analytic lines), at the last health check.",
    )
    flow_rework_count = fields.Integer(
        string="Rework",
        readonly=True,
        copy=False,
        help="Reopened tasks, stage regressions and defect-tagged tasks.",
    )
    flow_health = fields.Selection(
        HEALTH_COLORS, string="Health", readonly=True, copy=False, index="btree_not_null"
    )
    flow_health_score = fields.Integer(string="Health score", readonly=True, copy=False)
    flow_health_data = fields.Json(string="Health reasons (codes)", readonly=True, copy=False)
    flow_health_reasons = fields.Text(
        string="Health reasons", compute="_compute_flow_health_reasons"
    )
    flow_health_snapshot_ids = fields.One2many(
        "project.flow.health.snapshot", "project_id", string="Health history"
    )

    @api.depends("company_id.currency_id")
    def _compute_flow_currency_id(self):
        for project in self:
            project.flow_currency_id = (project.company_id or self.env.company).currency_id

    @api.depends("flow_health_data")
    @api.depends_context("lang")
    def _compute_flow_health_reasons(self):
        for project in self:
            data = project.flow_health_data or {}
            project.flow_health_reasons = "\n".join(
                project._flow_health_reason_text(reason.get("code"), reason.get("params") or {})
                for reason in data.get("reasons", [])
            )

    def _flow_health_reason_text(self, code, params):
        p = dict(params)
        env = self.env
        texts = {
            "schedule_late": lambda: env._(
                "Schedule: forecast %(days)s working days late against the baseline "
                "(%(percent)s %% of the planned duration)",
                days=_num(p.get("days", 0)),
                percent=p.get("percent", 0),
            ),
            "budget_overrun": lambda: env._(
                "Budget: timesheet cost %(cost)s is %(percent)s %% over the budget of %(budget)s",
                cost=_num(p.get("cost", 0)),
                budget=_num(p.get("budget", 0)),
                percent=p.get("percent", 0),
            ),
            "rework": lambda: env._(
                "Quality: %(count)s of %(total)s tasks reworked (%(percent)s %%)",
                count=p.get("count", 0),
                total=p.get("total", 0),
                percent=p.get("percent", 0),
            ),
            "no_baseline": lambda: env._("No baseline: the schedule is not scored"),
            "no_budget": lambda: env._("No budget: the cost is not scored"),
            "no_tasks": lambda: env._("No tasks: the quality is not scored"),
        }
        text = texts.get(code)
        if text:
            return text()
        details = ", ".join(f"{key}={value}" for key, value in sorted(p.items()))
        return env._("%(code)s (%(details)s)", code=code, details=details)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_flow_refresh_health(self):
        """Score the project's open tasks and recompute its forecast and health now."""
        self.env["project.flow.risk.model"]._flow_check_can_refresh(self)
        from .flow_risk_scorer import RiskScorer

        scorer = RiskScorer(self.sudo().env)
        scorer.run(scorer.open_task_ids(self.ids))
        self.sudo()._flow_recompute_forecast_health()
        return True

    # ------------------------------------------------------------------
    # Batch recompute
    # ------------------------------------------------------------------
    def _flow_forecast_finish_without(self, task):
        """Latest of the project's earned-schedule forecast and its other open
        tasks' forecast finishes (one grouped read)."""
        self.ensure_one()
        rows = self.env["project.task"]._read_group(
            [
                ("project_id", "=", self.id),
                ("id", "!=", task.id),
                ("state", "not in", list(CLOSED_STATES)),
            ],
            [],
            ["flow_forecast_finish:max"],
        )
        latest = rows[0][0] if rows else None
        candidates = [d for d in (latest, self.flow_forecast_finish) if d]
        return max(candidates) if candidates else None

    def _flow_recompute_forecast_health(self, today=None):
        """Forecasts of the projects, their phases and open tasks, the on-time
        probability and the health, for the whole recordset with a fixed number
        of reads (plus one working calendar per resource calendar, and the
        writes of the changed values)."""
        projects = self.sudo().filtered(lambda p: p.flow_state)
        if not projects:
            return
        env = projects.env
        today = today or fields.Date.context_today(self)
        env.flush_all()
        tasks = env["project.task"].search([("project_id", "in", projects.ids)])
        open_tasks = tasks.filtered(lambda t: t.state not in CLOSED_STATES)
        finishes = self._flow_write_task_forecasts(open_tasks, today)
        task_ids_of = defaultdict(list)
        latest_task = {}
        for task in tasks:
            task_ids_of[task.project_id.id].append(task.id)
            finish = finishes.get(task.id)
            if finish and finish > latest_task.get(task.project_id.id, finish - timedelta(1)):
                latest_task[task.project_id.id] = finish
        lines_of = self._flow_baseline_task_lines_of(projects)
        progress = {task.id: (task.flow_progress or 0.0) / 100.0 for task in tasks}
        cost = {
            project.id: -amount
            for project, amount in env["account.analytic.line"]._read_group(
                [("project_id", "in", projects.ids)], ["project_id"], ["amount:sum"]
            )
        }
        rework = self._flow_rework_counts(projects, tasks)
        calibrations = env["project.flow.risk.model"]._flow_calibrations(
            projects.company_id | env.company
        )
        works = {}
        phase_values = {}
        for project in projects:
            # a project without a company follows the current company
            company = project.company_id or env.company
            calendar = project.resource_calendar_id or company.resource_calendar_id
            if calendar not in works:
                works[calendar] = calendar._flow_work_calendar(
                    today - timedelta(days=5 * 365), today + timedelta(days=5 * 365)
                )
            work = works[calendar]
            vals, forecast, planned_days = self._flow_forecast_values(
                work, lines_of.get(project.id, []), progress, today, phase_values
            )
            if not forecast:
                vals["flow_forecast_finish"] = latest_task.get(project.id)
            ptasks = env["project.task"].browse(task_ids_of[project.id])
            (
                vals["flow_on_time_probability_raw"],
                vals["flow_on_time_probability"],
            ) = self._flow_on_time(project, work, vals, ptasks, calibrations.get(company.id))
            result = health_engine.health(
                schedule_variance_days=vals["flow_forecast_delay"] if forecast else None,
                planned_duration_days=planned_days,
                cost=cost.get(project.id, 0.0),
                budget=project.flow_budget or 0.0,
                rework_count=rework[project.id],
                task_count=len(ptasks),
                weights=company._flow_health_weights(),
                thresholds=company._flow_health_thresholds(),
            )
            vals.update(
                flow_forecast_date=today,
                flow_cost=cost.get(project.id, 0.0),
                flow_rework_count=rework[project.id],
                flow_health=result.color or False,
                flow_health_score=round(result.score or 0),
                flow_health_data={
                    "reasons": [
                        {"code": r.code, "params": dict(r.params or {})} for r in result.reasons
                    ],
                    "components": dict(result.components),
                },
            )
            project.with_context(tracking_disable=True).write(vals)
        for phase_id, pvals in phase_values.items():
            env["project.flow.phase"].browse(phase_id).write(pvals)

    def _flow_write_task_forecasts(self, open_tasks, today):
        """Compute and store the open tasks' forecast finishes (one statement)."""
        finishes = open_tasks._flow_forecast_finish_dates(today=today)
        ids = list(finishes)
        if ids:
            self.env.cr.execute(
                """
                UPDATE project_task t SET flow_forecast_finish = v.finish
                  FROM unnest(%s::int[], %s::date[]) AS v(id, finish) WHERE t.id = v.id
                """,
                [ids, [finishes[i] for i in ids]],
            )
            self.env["project.task"].invalidate_model(["flow_forecast_finish"])
        return finishes

    def _flow_baseline_task_lines_of(self, projects):
        """``{project id: [task line]}`` of the reference baselines (one read)."""
        lines = (
            self.env["project.flow.baseline.line"]
            .sudo()
            .search_read(
                [("baseline_id", "in", projects.flow_baseline_id.ids), ("is_task", "=", True)],
                [
                    "project_id",
                    "task_id",
                    "phase_id",
                    "date_start",
                    "date_finish",
                    "duration",
                    "allocated_hours",
                ],
            )
        )
        result = defaultdict(list)
        for line in lines:
            if line["date_start"] and line["date_finish"]:
                result[line["project_id"][0]].append(line)
        return result

    def _flow_forecast_values(self, work, plines, progress, today, phase_values):
        """Earned-schedule values of a project (and, into ``phase_values``,
        of its phases) from its baseline task lines."""
        vals = {
            "flow_spi_t": 0.0,
            "flow_earned_schedule": 0.0,
            "flow_forecast_delay": 0,
            "flow_forecast_finish": False,
        }
        if not plines:
            return vals, None, 0
        start = min(line["date_start"] for line in plines)
        finish = max(line["date_finish"] for line in plines)
        forecast, planned_days = self._flow_earned_schedule(
            work, plines, progress, start, finish, today
        )
        if not forecast:
            return vals, None, planned_days
        vals.update(
            flow_spi_t=forecast.spi_t or 0.0,
            flow_earned_schedule=forecast.es or 0.0,
            flow_forecast_delay=round(forecast.forecast_delay or 0),
            flow_forecast_finish=work.add_working_days(
                start, max(1, math.ceil(forecast.forecast_duration or planned_days))
            ),
        )
        for phase_id, phase_lines in self._group_by_phase(plines).items():
            pstart = min(line["date_start"] for line in phase_lines)
            pfinish = max(line["date_finish"] for line in phase_lines)
            pforecast, pplanned = self._flow_earned_schedule(
                work, phase_lines, progress, pstart, pfinish, today
            )
            if pforecast:
                phase_values[phase_id] = {
                    "flow_spi_t": pforecast.spi_t or 0.0,
                    "flow_forecast_delay": round(pforecast.forecast_delay or 0),
                    "flow_forecast_finish": work.add_working_days(
                        pstart, max(1, math.ceil(pforecast.forecast_duration or pplanned))
                    ),
                }
        return vals, forecast, planned_days

    @staticmethod
    def _flow_on_time(project, work, vals, tasks, calibration):
        """On-time probability in percent, raw and calibrated: open tasks'
        risks, critical flags, forecast delay and the slack to the project's
        planned end."""
        open_tasks = tasks.filtered(lambda t: t.state not in CLOSED_STATES)
        slack = 0
        if project.date and vals.get("flow_forecast_finish"):
            slack = max(0, work.offset(vals["flow_forecast_finish"], project.date))
        probability = risk_engine.project_on_time_probability(
            [t.flow_risk_score / 100.0 for t in open_tasks],
            [bool(t.flow_critical) for t in open_tasks],
            max(0, vals.get("flow_forecast_delay") or 0),
            slack,
        )
        calibrated = calibration.apply(probability) if calibration is not None else probability
        return round(probability * 100.0, 1), round(calibrated * 100.0, 1)

    @staticmethod
    def _group_by_phase(lines):
        result = defaultdict(list)
        for line in lines:
            if line["phase_id"]:
                result[line["phase_id"][0]].append(line)
        return result

    @staticmethod
    def _flow_earned_schedule(work, lines, progress, start, finish, today):
        """Earned-schedule forecast of baseline ``lines``: planned value from
        their baseline windows (weight: allocated hours, else duration), earned
        value from the tasks' progress."""
        planned = work.working_days_between(start, finish)
        if planned <= 0:
            return None, planned
        items = []
        earned = 0.0
        for line in lines:
            duration = line["duration"] or work.working_days_between(
                line["date_start"], line["date_finish"]
            )
            weight = line["allocated_hours"] or duration or 1
            items.append((work.offset(start, line["date_start"]), duration, weight))
            task_id = line["task_id"] and line["task_id"][0]
            earned += weight * progress.get(task_id, 0.0)
        curve = forecast_engine.planned_value_curve(items, planned)
        actual = max(0, work.offset(start, today)) if today >= start else 0
        return forecast_engine.schedule_forecast(curve, earned, actual, planned), planned

    def _flow_defect_tags(self, projects):
        """The tags that mark a task of ``projects`` as a defect: the
        companies' defect tag and any tag named like defect / bug / 缺陷."""
        return (
            self.env["project.tags"].search(
                [
                    "|",
                    "|",
                    ("name", "=ilike", "%defect%"),
                    ("name", "=ilike", "%bug%"),
                    ("name", "=ilike", "%缺陷%"),
                ]
            )
            | projects.company_id.flow_health_defect_tag_id
        )

    def _flow_rework_counts(self, projects, tasks):
        """Reopened tasks + stage regressions + defect-tagged tasks per project."""
        defect_tags = self._flow_defect_tags(projects)
        counts = defaultdict(int)
        for task in tasks:
            counts[task.project_id.id] += (
                task.flow_reopen_count
                + task.flow_stage_regression_count
                + (1 if task.tag_ids & defect_tags else 0)
            )
        return counts

    # ------------------------------------------------------------------
    # Misc
    # ------------------------------------------------------------------
    def _flow_health_json(self):
        self.ensure_one()
        return json.dumps(self.flow_health_data or {})
