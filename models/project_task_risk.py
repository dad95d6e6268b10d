import json

from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import forecast as forecast_engine
from .flow_risk_scorer import RiskScorer


def _num(value):
    """A figure of a reason as text: no trailing ".0" on whole numbers."""
    value = float(value or 0)
    return str(int(value)) if value.is_integer() else str(value)


# Forecast and delay risk extend the model in a file of their own, apart from
# the scheduler's and the baselines' extensions of it.
class ProjectTask(models.Model):
    """A task's forecast finish, its delay-risk score with the reasons, and
    the rework counters the project health reads."""

    _inherit = "project.task"  # pylint: disable=consider-merging-classes-inherited

    flow_forecast_finish = fields.Date(
        string="Forecast finish",
        readonly=True,
        copy=False,
        help="When the task should finish at its progress rate so far (working days of the "
        "project's calendar); its planned finish while it has not started.",
    )
    flow_risk_score = fields.Integer(
        string="Delay risk",
        readonly=True,
        copy=False,
        index=True,
        aggregator="max",
        help="Chance, 0 to 100, that this open task finishes late, from the company's "
        "trained model or the rules while history is thin. Updated daily.",
    )
    flow_risk_reasons = fields.Json(string="Risk reasons (codes)", readonly=True, copy=False)
    flow_risk_explanation = fields.Text(
        string="Why this risk",
        compute="_compute_flow_risk_explanation",
        help="The main reasons of the delay risk, in the reader's language.",
    )
    flow_risk_source = fields.Selection(
        [("model", "Trained model"), ("rules", "Rules")],
        string="Risk source",
        readonly=True,
        copy=False,
    )
    flow_risk_date = fields.Date(string="Risk scored on", readonly=True, copy=False)
    flow_reopen_count = fields.Integer(
        string="Reopened",
        readonly=True,
        copy=False,
        help="Times this task went from closed (done or cancelled) back to open.",
    )
    flow_stage_regression_count = fields.Integer(
        string="Stage regressions",
        readonly=True,
        copy=False,
        help="Times this task was moved back to an earlier stage.",
    )
    flow_forecast_whatif = fields.Char(
        string="Forecast impact",
        compute="_compute_flow_forecast_whatif",
        help="How the unsaved planned dates of this task move the project's forecast finish.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("flow_risk_reasons")
    @api.depends_context("lang")
    def _compute_flow_risk_explanation(self):
        for task in self:
            reasons = task.flow_risk_reasons or []
            if isinstance(reasons, str):
                reasons = json.loads(reasons)
            task.flow_risk_explanation = "\n".join(
                task._flow_risk_reason_text(r.get("code"), r.get("params") or {}) for r in reasons
            )

    def _flow_risk_reason_text(self, code, params):
        """One engine ``Reason`` in words, in the reader's language."""
        p = dict(params)
        env = self.env
        texts = {
            "time_vs_progress": lambda: env._(
                "%(used)s %% of the time used, %(done)s %% done",
                used=p.get("used", 0),
                done=p.get("done", 0),
            ),
            "negative_float": lambda: env._(
                "%(days)s working days behind the latest allowed finish",
                days=_num(p.get("days", 0)),
            ),
            "no_float": lambda: env._("No float left: any slip moves the project finish"),
            "low_float": lambda: env._(
                "Only %(days)s working days of float left", days=_num(p.get("days", 0))
            ),
            "assignee_overdue": lambda: env._(
                "Assignee has %(count)s overdue tasks", count=p.get("count", 0)
            ),
            "assignee_slip_rate": lambda: env._(
                "This person's tasks slip %(rate)s %% of the time", rate=p.get("rate", 0)
            ),
            "kind_slip_rate": lambda: env._(
                "This person's tasks of this kind slip %(rate)s %% of the time",
                rate=p.get("rate", 0),
            ),
            "estimate_overrun": lambda: env._(
                "This person's hours usually exceed the estimate by %(percent)s %%",
                percent=p.get("percent", 0),
            ),
            "blocked": lambda: env._(
                "Blocked for %(days)s working days", days=_num(p.get("days", 0))
            ),
            "predecessor_risk": lambda: env._(
                "A predecessor is at risk (%(risk)s %%)", risk=p.get("risk", 0)
            ),
        }
        text = texts.get(code)
        if text:
            return text()
        details = ", ".join(f"{key}={value}" for key, value in sorted(p.items()))
        return env._("%(code)s (%(details)s)", code=code, details=details)

    @api.depends("planned_date_begin", "date_deadline", "flow_duration", "flow_progress")
    def _compute_flow_forecast_whatif(self):
        """Compare the project's forecast finish with and without the unsaved
        planned window of the task (the project finish is the latest of its
        earned-schedule forecast and its open tasks' forecast finishes)."""
        for task in self:
            task.flow_forecast_whatif = False
            project = task.project_id
            origin = task._origin
            if not project or not origin or not project.flow_forecast_finish:
                continue
            if (
                task.planned_date_begin == origin.planned_date_begin
                and task.date_deadline == origin.date_deadline
                and task.flow_duration == origin.flow_duration
            ):
                continue
            before = project.flow_forecast_finish
            others = project._flow_forecast_finish_without(origin)
            mine = (
                task._flow_forecast_finish_dates()[task.id]
                if task.state not in CLOSED_STATES
                else None
            )
            after = max(d for d in (others, mine) if d) if (others or mine) else before
            if after == before:
                task.flow_forecast_whatif = _(
                    "Project forecast finish stays on %(date)s", date=format_date(self.env, before)
                )
            else:
                task.flow_forecast_whatif = _(
                    "Project forecast finish moves from %(before)s to %(after)s",
                    before=format_date(self.env, before),
                    after=format_date(self.env, after),
                )

    # ------------------------------------------------------------------
    # CRUD: rework counters
    # ------------------------------------------------------------------
    def write(self, vals):
        reopened = regressed = self.browse()
        if vals.get("state") and vals["state"] not in CLOSED_STATES:
            reopened = self.filtered(lambda t: t.state in CLOSED_STATES)
        if vals.get("stage_id"):
            stage = self.env["project.task.type"].browse(vals["stage_id"])
            regressed = self.filtered(lambda t: t.stage_id and t.stage_id.sequence > stage.sequence)
        result = super().write(vals)
        for task in reopened | regressed:
            counters = {}
            if task in reopened:
                counters["flow_reopen_count"] = task.flow_reopen_count + 1
            if task in regressed:
                counters["flow_stage_regression_count"] = task.flow_stage_regression_count + 1
            # sudo: the counters are readonly bookkeeping of any allowed write
            super(ProjectTask, task.sudo()).write(counters)
        return result

    # ------------------------------------------------------------------
    # Forecast
    # ------------------------------------------------------------------
    def _flow_forecast_finish_dates(self, today=None):
        """``{task id: forecast finish}`` from each task's progress rate: not
        started yet → its planned finish; started → today plus the remaining
        working days at the rate so far (``task_forecast_finish``)."""
        # flow_today: the what-if and tests compute as of a given day
        today = today or self.env.context.get("flow_today") or fields.Date.context_today(self)
        Project = self.env["project.project"]
        local = Project._flow_task_local_dates(self)
        calendars = {}
        result = {}
        for task in self:
            start, finish = local[task.id]
            if task.state in CLOSED_STATES:
                result[task.id] = None
                continue
            calendar = task.project_id.resource_calendar_id or self.env.company.resource_calendar_id
            if calendar not in calendars:
                calendars[calendar] = calendar._flow_work_calendar(
                    today.replace(year=today.year - 1), today.replace(year=today.year + 3)
                )
            work = calendars[calendar]
            if not start or start > today:
                result[task.id] = finish
                continue
            duration = task.flow_duration or (
                work.working_days_between(start, finish) + 1 if finish else 0
            )
            elapsed = max(0, work.offset(start, today))
            remaining = forecast_engine.task_forecast_finish(
                elapsed, (task.flow_progress or 0.0) / 100.0, duration
            )
            if remaining is None:
                result[task.id] = finish
                continue
            result[task.id] = work.add_working_days(today, max(0, round(remaining)))
        return result

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_flow_score_risks(self, batch_size=1000, today=None):
        """Daily: score every open task of running flow projects (batches of
        ``batch_size``), keep the level-0 alerts in step, then recompute the
        forecasts and health of the running projects."""
        scorer = RiskScorer(self.sudo().env, today=today, batch_size=batch_size)
        stats = scorer.run()
        Project = self.env["project.project"].sudo()
        projects = Project.browse(Project._flow_running_flow_project_ids())
        projects._flow_recompute_forecast_health(today=today)
        return stats
