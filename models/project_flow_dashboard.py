from datetime import datetime, time, timedelta

import pytz
from babel.dates import format_skeleton

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import get_lang

from ..engine import kpi

CLOSED_TASK_STATES = ("1_done", "1_canceled")
TOP_LIMIT = 10
BOTTLENECK_LIMIT = 5
PORTFOLIO_LIMIT = 60


class ProjectFlowDashboard(models.AbstractModel):
    """The data of the KPI dashboard, in one call: ``get_data(filters)``.

    Everything is read with a fixed number of grouped queries on the KPI
    views (``project.flow.kpi.task`` / ``project.flow.kpi.phase``) and on the
    milestones, alerts, timesheets and projects, under the user's access
    rules (a user sees the KPIs of the projects they can read). The
    arithmetic (periods, rates, trends, rankings) is in ``engine/kpi.py``.

    Filters narrow the tasks by their department (``flow_department_id``) and
    everything else (projects, phases, milestones, alerts) by the project's
    main department; templates and managers are the project's.
    """

    _name = "project.flow.dashboard"
    _description = "Project Flow KPI dashboard"

    # ------------------------------------------------------------------
    # Filters and periods
    # ------------------------------------------------------------------
    @api.model
    def _kpi_filters(self, filters):
        filters = dict(filters or {})

        def ids(key):
            value = filters.get(key) or []
            if not isinstance(value, list | tuple):
                value = [value]
            try:
                return sorted({int(v) for v in value if v})
            except (TypeError, ValueError) as err:
                raise UserError(
                    _("Dashboard filter %(name)s expects record ids.", name=key)
                ) from err

        day = filters.get("date")
        if day:
            try:
                day = fields.Date.to_date(day)
            except (TypeError, ValueError) as err:
                raise UserError(
                    _(
                        "Dashboard filter date expects a date (YYYY-MM-DD), not %(value)s.",
                        value=day,
                    )
                ) from err
        return {
            "period": kpi.normalise_period(filters.get("period")),
            "date": day or fields.Date.context_today(self),
            "department_ids": ids("department_ids"),
            "template_ids": ids("template_ids"),
            "manager_ids": ids("manager_ids"),
        }

    @api.model
    def _kpi_tz(self):
        """Time zone of the dates of the KPI views: the company calendar's."""
        return self.env.company.resource_calendar_id.tz or "UTC"

    @api.model
    def _kpi_utc(self, day):
        """UTC naive datetime of midnight of ``day`` in the KPI time zone."""
        local = pytz.timezone(self._kpi_tz()).localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _kpi_period_label(self, kind, start, short=False):
        locale = get_lang(self.env).code
        if kind == "week":
            iso = start.isocalendar()
            return _("W%(week)s %(year)s", week=iso[1], year=iso[0])
        if kind == "quarter":
            return format_skeleton("yQQQ", start, locale=locale)
        if kind == "year":
            return format_skeleton("y", start, locale=locale)
        return format_skeleton("yMMM" if short else "yMMMM", start, locale=locale)

    # ------------------------------------------------------------------
    # Domains (the same domains count the numbers and drill down to them)
    # ------------------------------------------------------------------
    @api.model
    def _kpi_project_domain(self, flt):
        domain = [
            "|",
            ("flow_template_id", "!=", False),
            ("company_id.flow_require_initiation", "=", True),
            ("active", "in", [True, False]),
        ]
        if flt["department_ids"]:
            domain.append(("flow_department_id", "in", flt["department_ids"]))
        if flt["template_ids"]:
            domain.append(("flow_template_id", "in", flt["template_ids"]))
        if flt["manager_ids"]:
            domain.append(("user_id", "in", flt["manager_ids"]))
        return domain

    @api.model
    def _kpi_task_domain(self, flt):
        """Domain on ``project.flow.kpi.task`` (task dimensions)."""
        domain = []
        if flt["department_ids"]:
            domain.append(("department_id", "in", flt["department_ids"]))
        if flt["template_ids"]:
            domain.append(("template_id", "in", flt["template_ids"]))
        if flt["manager_ids"]:
            domain.append(("manager_id", "in", flt["manager_ids"]))
        return domain

    @api.model
    def _kpi_phase_domain(self, flt):
        """Domain on ``project.flow.kpi.phase`` (project dimensions)."""
        return self._kpi_task_domain(flt)

    @staticmethod
    def _between(name, start, end):
        return [
            (name, ">=", fields.Date.to_string(start)),
            (name, "<=", fields.Date.to_string(end)),
        ]

    def _between_utc(self, name, start, end):
        return [
            (name, ">=", fields.Datetime.to_string(self._kpi_utc(start))),
            (name, "<", fields.Datetime.to_string(self._kpi_utc(end + timedelta(days=1)))),
        ]

    @staticmethod
    def _action(res_model, domain, name):
        return {"res_model": res_model, "domain": domain, "name": name, "views": "list"}

    def _task_action(self, kpi_domain, name):
        return self._action("project.task", [("flow_kpi_ids", "any", kpi_domain)], name)

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def _kpi_bucket(self, kind, value):
        if isinstance(value, datetime):
            value = value.date()
        return kpi.bucket_of(kind, value) if value else None

    @api.model
    def _kpi_granularity(self, kind):
        # Days for weeks (the week start of read_group follows the language),
        # months otherwise: buckets are made here with engine.kpi.
        return "day" if kind == "week" else "month"

    @api.model
    def get_data(self, filters=None):
        """The dashboard's data (see the KPI contract: period, filters,
        options, kpis, portfolio, charts, top_risks, open_alerts,
        bottlenecks, monthly_review)."""
        flt = self._kpi_filters(filters)
        kind, day = flt["period"], flt["date"]
        start, end = kpi.period_bounds(kind, day)
        prev_start, prev_end = kpi.previous_bounds(kind, day)
        trend = kpi.trend_periods(kind, day)
        first = trend[0][0]
        cur, prev = start, prev_start
        gran = self._kpi_granularity(kind)
        dep_names = {}

        task_domain = self._kpi_task_domain(flt)
        project_domain = self._kpi_project_domain(flt)
        c = {
            "flt": flt,
            "kind": kind,
            "start": start,
            "end": end,
            "prev_start": prev_start,
            "trend": trend,
            "first": first,
            "cur": cur,
            "prev": prev,
            "gran": gran,
            "dep_names": dep_names,
            "task_domain": task_domain,
            "project_domain": project_domain,
        }
        c.update(self._kpi_read_tasks(c))
        c["label"] = self._kpi_period_label(kind, start)
        c["dept_order"] = sorted(
            (d for d in dep_names if d), key=lambda d: (dep_names[d] or "").lower()
        ) + ([False] if False in dep_names else [])
        c.update(self._kpi_read_others(c))
        kpis = self._kpi_cards(c)
        charts = self._kpi_charts(c)
        lists = self._kpi_lists(c)
        monthly_review = self._kpi_review(c)
        label = c["label"]

        return {
            "period": {
                "start": fields.Date.to_string(start),
                "end": fields.Date.to_string(end),
                "label": label,
                "previous_start": fields.Date.to_string(prev_start),
                "previous_end": fields.Date.to_string(prev_end),
            },
            "filters": dict(flt, date=fields.Date.to_string(day)),
            "options": self._kpi_options(),
            "kpis": kpis,
            "portfolio": lists["portfolio"],
            "charts": charts,
            "top_risks": lists["top_risks"],
            "open_alerts": lists["open_alerts"],
            "bottlenecks": lists["bottlenecks"],
            "monthly_review": monthly_review,
        }

    def _kpi_read_tasks(self, c):
        """Tallies of the task KPI view (sums and counts per period and department)."""
        (
            kind,
            end,
            prev_start,
            first,
            gran,
            dep_names,
            task_domain,
        ) = (
            c[k] for k in ("kind", "end", "prev_start", "first", "gran", "dep_names", "task_domain")
        )
        KpiTask = self.env["project.flow.kpi.task"]
        # 1. Tasks closed: on-time, delivery cycle, count (trend window).
        closed = {k: kpi.Tally() for k in ("count", "on_time", "cycle")}
        for done_day, dept, count, ot_sum, ot_count, cy_sum, cy_count in KpiTask._read_group(
            task_domain + self._between("date_done", first, end),
            groupby=[f"date_done:{gran}", "department_id"],
            aggregates=[
                "__count",
                "on_time_rate:sum",
                "on_time_rate:count",
                "cycle_days:sum",
                "cycle_days:count",
            ],
        ):
            bucket = self._kpi_bucket(kind, done_day)
            dep_names[dept.id] = dept.name
            for key in (bucket, (bucket, dept.id)):
                closed["count"].add(key, count, count)
                closed["on_time"].add(key, ot_sum, ot_count)
                closed["cycle"].add(key, cy_sum, cy_count)

        # 2. Tasks due: completion (current and previous period).
        due = kpi.Tally()
        for due_day, dept, dr_sum, dr_count in KpiTask._read_group(
            task_domain + self._between("date_deadline", prev_start, end),
            groupby=[f"date_deadline:{gran}", "department_id"],
            aggregates=["done_rate:sum", "done_rate:count"],
        ):
            bucket = self._kpi_bucket(kind, due_day)
            dep_names[dept.id] = dept.name
            for key in (bucket, (bucket, dept.id)):
                due.add(key, dr_sum, dr_count)

        # 3. Rework and defects of the tasks of the period (by their date).
        rework, defect = kpi.Tally(), kpi.Tally()
        for task_day, dept, rw_sum, df_sum in KpiTask._read_group(
            task_domain + self._between("date", prev_start, end),
            groupby=[f"date:{gran}", "department_id"],
            aggregates=["rework_count:sum", "defect_count:sum"],
        ):
            bucket = self._kpi_bucket(kind, task_day)
            dep_names[dept.id] = dept.name
            for key in (bucket, (bucket, dept.id)):
                rework.add(key, rw_sum, 1)
                defect.add(key, df_sum, 1)

        # 4. People who closed those tasks (assignees), per period and
        #    department: one SQL query on the rows the user may read.
        people = kpi.Tally()
        query = KpiTask._search(task_domain + self._between("date_done", prev_start, end))
        self.env.cr.execute(
            SQL(
                """
                SELECT date_trunc(%s, k.date_done)::date, k.department_id,
                       COUNT(DISTINCT r.user_id), GROUPING(k.department_id)
                  FROM project_flow_kpi_task k
                  JOIN project_task_user_rel r ON r.task_id = k.task_id
                 WHERE k.id IN %s
              GROUP BY GROUPING SETS ((1), (1, 2))
                """,
                gran,
                query.subselect(),
            )
        )
        for bucket_day, dept_id, count, overall in self.env.cr.fetchall():
            bucket = self._kpi_bucket(kind, bucket_day)
            people.add(bucket if overall else (bucket, dept_id or False), count, count)

        return {"closed": closed, "due": due, "rework": rework, "defect": defect, "people": people}

    def _kpi_read_others(self, c):
        """Tallies of timesheets, closed projects, milestones and alerts."""
        (
            flt,
            kind,
            end,
            prev_start,
            first,
            gran,
            project_domain,
        ) = (c[k] for k in ("flt", "kind", "end", "prev_start", "first", "gran", "project_domain"))
        # 5. Hours logged (timesheets the user may read) per person.
        line_domain = [("project_id", "any", project_domain)]
        if flt["department_ids"]:
            line_domain = [
                ("project_id", "any", self._kpi_project_domain(dict(flt, department_ids=[]))),
                ("task_id.flow_department_id", "in", flt["department_ids"]),
            ]
        hours, hour_people = kpi.Tally(), {}
        Line = self.env["account.analytic.line"]
        # users without timesheet access get no hours (null), not an error
        line_rows = (
            Line._read_group(
                line_domain + self._between("date", prev_start, end),
                groupby=[f"date:{gran}", "user_id"],
                aggregates=["unit_amount:sum"],
            )
            if Line.has_access("read")
            else []
        )
        for line_day, user, amount in line_rows:
            bucket = self._kpi_bucket(kind, line_day)
            hours.add(bucket, amount, 1)
            hour_people.setdefault(bucket, set()).add(user.id)

        # 6. Closed projects: first actual start to last actual end of phases.
        project_cycle = kpi.Tally()
        closed_projects = {}
        for project, first_start, last_end in self.env["project.flow.kpi.phase"]._read_group(
            self._kpi_phase_domain(flt) + [("project_flow_state", "=", "closed")],
            groupby=["project_id"],
            aggregates=["date_start:min", "date_end:max"],
        ):
            if not (first_start and last_end) or not first <= last_end <= end:
                continue
            bucket = kpi.bucket_of(kind, last_end)
            project_cycle.add(bucket, (last_end - first_start).days, 1)
            closed_projects.setdefault(bucket, []).append(project.id)

        # 7. Milestones reached (or missed) in the period.
        milestone_domain = [
            ("project_id", "any", project_domain),
            ("flow_achievement", "in", ["on_time", "late", "missed"]),
        ]

        milestones = kpi.Tally()
        for achievement, reached, reached_day, deadline, count in self.env[
            "project.milestone"
        ]._read_group(
            milestone_domain + self._kpi_milestone_period(prev_start, end),
            groupby=["flow_achievement", "is_reached", "reached_date:day", "deadline:day"],
            aggregates=["__count"],
        ):
            bucket = self._kpi_bucket(kind, reached_day if reached else deadline)
            milestones.add(bucket, count if achievement == "on_time" else 0, count)

        # 8. Alerts detected in the period, and how fast they were answered.
        alert_domain = [("project_id", "any", project_domain)]
        alerts, responses = kpi.Tally(), kpi.Tally()
        for detected, responded, count, hours_sum in (
            self.env["project.flow.alert"]
            .with_context(tz=self._kpi_tz())
            ._read_group(
                alert_domain + self._between_utc("detected_date", prev_start, end),
                groupby=["detected_date:day", "responded"],
                aggregates=["__count", "response_hours:sum"],
            )
        ):
            bucket = self._kpi_bucket(kind, detected)
            alerts.add(bucket, count, count)
            if responded:
                responses.add(bucket, hours_sum, count)

        return {
            "line_domain": line_domain,
            "hours": hours,
            "hour_people": hour_people,
            "project_cycle": project_cycle,
            "closed_projects": closed_projects,
            "milestone_domain": milestone_domain,
            "milestones": milestones,
            "alert_domain": alert_domain,
            "alerts": alerts,
            "responses": responses,
        }

    @staticmethod
    def _kpi_milestone_period(start, end):
        """Milestones reached in the period, or unreached with their deadline in it."""
        return [
            "|",
            "&",
            ("is_reached", "=", True),
            "&",
            ("reached_date", ">=", fields.Date.to_string(start)),
            ("reached_date", "<=", fields.Date.to_string(end)),
            "&",
            ("is_reached", "=", False),
            "&",
            ("deadline", ">=", fields.Date.to_string(start)),
            ("deadline", "<=", fields.Date.to_string(end)),
        ]

    def _kpi_cards(self, c):
        """The KPI cards, in the contract's order, each with its drill-down."""
        (
            kind,
            start,
            end,
            cur,
            prev,
            task_domain,
            closed,
            due,
            rework,
            defect,
            people,
            hours,
            hour_people,
            project_cycle,
            closed_projects,
            line_domain,
            milestone_domain,
            milestones,
            alert_domain,
            alerts,
            responses,
        ) = (
            c[k]
            for k in (
                "kind",
                "start",
                "end",
                "cur",
                "prev",
                "task_domain",
                "closed",
                "due",
                "rework",
                "defect",
                "people",
                "hours",
                "hour_people",
                "project_cycle",
                "closed_projects",
                "line_domain",
                "milestone_domain",
                "milestones",
                "alert_domain",
                "alerts",
                "responses",
            )
        )
        label = c["label"]

        def closed_kpi(b):
            return self._between("date_done", *kpi.period_bounds(kind, b))

        cur_bounds = (start, end)
        specs = [
            (
                "completion_rate",
                _("Completion rate"),
                "%",
                "up",
                _(
                    "Tasks whose deadline falls in the period that are done, in percent of "
                    "those not cancelled."
                ),
                lambda b: due.average(b),
                self._task_action(
                    task_domain
                    + self._between("date_deadline", *cur_bounds)
                    + [("state", "!=", "1_canceled")],
                    _("Tasks due in %(period)s", period=label),
                ),
            ),
            (
                "on_time_rate",
                _("On-time rate"),
                "%",
                "up",
                _(
                    "Tasks closed in the period that had a deadline, closed on or before it, "
                    "in percent."
                ),
                lambda b: closed["on_time"].average(b),
                self._task_action(
                    task_domain + closed_kpi(cur) + [("date_deadline", "!=", False)],
                    _("Tasks closed in %(period)s with a deadline", period=label),
                ),
            ),
            (
                "output_tasks",
                _("Tasks per person"),
                "",
                "up",
                _("Tasks closed in the period per person assigned to them."),
                lambda b: kpi.ratio(closed["count"].sum(b), people.count(b), 1),
                self._task_action(
                    task_domain + closed_kpi(cur),
                    _("Tasks closed in %(period)s", period=label),
                ),
            ),
            (
                "output_hours",
                _("Hours per person"),
                "h",
                "up",
                _("Hours logged on timesheets in the period per person who logged them."),
                lambda b: kpi.ratio(hours.sum(b), len(hour_people.get(b, ())), 1),
                self._action(
                    "account.analytic.line",
                    line_domain + self._between("date", *cur_bounds),
                    _("Timesheets of %(period)s", period=label),
                ),
            ),
            (
                "cycle_days_task",
                _("Task delivery cycle"),
                "d",
                "down",
                _(
                    "Average calendar days from creation to closing of the tasks closed in "
                    "the period."
                ),
                lambda b: closed["cycle"].average(b),
                self._task_action(
                    task_domain + closed_kpi(cur),
                    _("Tasks closed in %(period)s", period=label),
                ),
            ),
            (
                "cycle_days_project",
                _("Project delivery cycle"),
                "d",
                "down",
                _(
                    "Average calendar days from the first phase's actual start to the last "
                    "phase's actual end of the projects closed in the period."
                ),
                lambda b: project_cycle.average(b),
                self._action(
                    "project.project",
                    [("id", "in", closed_projects.get(cur, [])), ("active", "in", [True, False])],
                    _("Projects closed in %(period)s", period=label),
                ),
            ),
            (
                "rework_count",
                _("Rework"),
                "",
                "down",
                _(
                    "Reopenings and stage regressions of the tasks of the period (closed in "
                    "it, else due in it, else created in it)."
                ),
                lambda b: int(rework.sum(b)),
                self._task_action(
                    task_domain + self._between("date", *cur_bounds) + [("rework_count", ">", 0)],
                    _("Reworked tasks of %(period)s", period=label),
                ),
            ),
            (
                "defect_count",
                _("Defects"),
                "",
                "down",
                _("Tasks of the period tagged as defects."),
                lambda b: int(defect.sum(b)),
                self._task_action(
                    task_domain + self._between("date", *cur_bounds) + [("defect_count", ">", 0)],
                    _("Defects of %(period)s", period=label),
                ),
            ),
            (
                "milestone_hit_rate",
                _("Milestone hit rate"),
                "%",
                "up",
                _(
                    "Milestones reached on time, in percent of the milestones reached in the "
                    "period or whose deadline passed in it unreached."
                ),
                lambda b: kpi.rate(milestones.sum(b), milestones.count(b)),
                self._action(
                    "project.milestone",
                    milestone_domain + self._kpi_milestone_period(*cur_bounds),
                    _("Milestones of %(period)s", period=label),
                ),
            ),
            (
                "alert_count",
                _("Delay alerts"),
                "",
                "down",
                _("Delay alerts detected in the period."),
                lambda b: alerts.count(b),
                self._action(
                    "project.flow.alert",
                    alert_domain + self._between_utc("detected_date", *cur_bounds),
                    _("Alerts detected in %(period)s", period=label),
                ),
            ),
            (
                "alert_response_hours",
                _("Alert response time"),
                "h",
                "down",
                _(
                    "Average hours from detection to acknowledgement (else resolution) of the "
                    "alerts detected in the period and answered."
                ),
                lambda b: responses.average(b),
                self._action(
                    "project.flow.alert",
                    alert_domain
                    + self._between_utc("detected_date", *cur_bounds)
                    + [("responded", "=", True)],
                    _("Alerts of %(period)s answered", period=label),
                ),
            ),
        ]
        kpis = []
        for key, name, unit, better, help_text, measure, action in specs:
            value, previous = measure(cur), measure(prev)
            delta, direction, good = kpi.trend(value, previous, better)
            kpis.append(
                {
                    "key": key,
                    "label": name,
                    "unit": unit,
                    "value": value,
                    "previous": previous,
                    "better": better,
                    "help": help_text,
                    "action": action,
                    "delta": delta,
                    "trend": direction,
                    "good": good,
                }
            )

        return kpis

    def _kpi_charts(self, c):
        """Delivery cycle trend, on-time rate by department, workload."""
        (
            kind,
            trend,
            cur,
            task_domain,
            dep_names,
            closed,
            project_cycle,
        ) = (
            c[k]
            for k in ("kind", "trend", "cur", "task_domain", "dep_names", "closed", "project_cycle")
        )
        cycle_trend = {
            "labels": [self._kpi_period_label(kind, s, short=True) for s, _e in trend],
            "task": [closed["cycle"].average(s) for s, _e in trend],
            "project": [project_cycle.average(s) for s, _e in trend],
        }
        dept_order = c["dept_order"]
        no_dept = _("No department")
        on_time_depts = [d for d in dept_order if closed["on_time"].count((cur, d))]
        on_time_by_department = {
            "labels": [dep_names[d] or no_dept for d in on_time_depts],
            "ids": on_time_depts,
            "values": [closed["on_time"].average((cur, d)) for d in on_time_depts],
        }

        Task = self.env["project.task"]
        open_task_kpi = task_domain + [("state", "not in", list(CLOSED_TASK_STATES))]
        workload_rows = Task._read_group(
            [("flow_kpi_ids", "any", open_task_kpi), ("user_ids", "!=", False)],
            groupby=["user_ids"],
            aggregates=["__count", "allocated_hours:sum"],
            order="__count desc",
            limit=15,
        )
        workload = {
            "labels": [u.name for u, _c, _h in workload_rows],
            "ids": [u.id for u, _c, _h in workload_rows],
            "open_tasks": [c for _u, c, _h in workload_rows],
            "hours": [round(h or 0.0, 2) for _u, _c, h in workload_rows],
        }

        return {
            "cycle_trend": cycle_trend,
            "on_time_by_department": on_time_by_department,
            "workload": workload,
        }

    def _kpi_lists(self, c):
        """Portfolio, top risks, open alerts and bottleneck phases."""
        (
            flt,
            end,
            first,
            task_domain,
            project_domain,
        ) = (c[k] for k in ("flt", "end", "first", "task_domain", "project_domain"))
        Task = self.env["project.task"]
        KpiPhase = self.env["project.flow.kpi.phase"]
        open_task_kpi = task_domain + [("state", "not in", list(CLOSED_TASK_STATES))]
        Project = self.env["project.project"].with_context(active_test=False)
        live = project_domain + [
            ("active", "=", True),
            ("flow_state", "not in", ["closed", "cancelled"]),
        ]
        projects = Project.search(live, order="flow_health_score, name", limit=PORTFOLIO_LIMIT)
        projects = projects.with_context(active_test=True)
        open_alert_domain = [("project_id", "any", project_domain), ("state", "!=", "resolved")]
        open_counts = dict(
            self.env["project.flow.alert"]._read_group(
                [*open_alert_domain, ("project_id", "in", projects.ids)],
                groupby=["project_id"],
                aggregates=["__count"],
            )
        )
        portfolio = [
            {
                "id": p.id,
                "name": p.name,
                "health": p.flow_health or False,
                "health_score": p.flow_health_score,
                "health_reasons": p.flow_health_reasons or "",
                "progress": round(p.flow_phase_progress or 0.0, 1),
                "manager": p.user_id.name or "",
                "department": p.flow_department_id.name or "",
                "open_alerts": open_counts.get(p, 0),
                "forecast_delay": p.flow_forecast_delay,
                "flow_state": p.flow_state,
            }
            for p in projects
        ]
        risky = Task.search(
            [("flow_kpi_ids", "any", open_task_kpi), ("flow_risk_score", ">", 0)],
            order="flow_risk_score desc, id",
            limit=TOP_LIMIT,
        )
        top_risks = [
            {
                "id": t.id,
                "name": t.name,
                "project": t.project_id.name,
                "score": t.flow_risk_score,
                "reasons": t.flow_risk_explanation or "",
            }
            for t in risky
        ]
        open_alerts = [
            {
                "id": a.id,
                "name": a.name,
                "level": a.level,
                "project": a.project_id.name,
                "delay_days": a.delay_days,
                "detected": fields.Date.to_string(a.detected_date),
            }
            for a in self.env["project.flow.alert"].search(
                open_alert_domain, order="level desc, delay_days desc, id desc", limit=TOP_LIMIT
            )
        ]
        bottleneck_rows = [
            {
                "template_phase_id": tphase.id,
                "name": tphase.name,
                "template": template.name or "",
                "avg_overrun_days": overrun,
                "count": count,
            }
            for template, tphase, overrun, count in KpiPhase._read_group(
                self._kpi_phase_domain(flt)
                + [("finished", "=", 1), ("template_phase_id", "!=", False)]
                + self._between("date", first, end),
                groupby=["template_id", "template_phase_id"],
                aggregates=["overrun_days:avg", "__count"],
            )
        ]
        bottlenecks = kpi.rank_bottlenecks(bottleneck_rows, BOTTLENECK_LIMIT)

        return {
            "portfolio": portfolio,
            "top_risks": top_risks,
            "open_alerts": open_alerts,
            "bottlenecks": bottlenecks,
        }

    def _kpi_review(self, c):
        """The monthly review: the task KPIs of each department, side by side."""
        (
            cur,
            prev,
            dep_names,
            dept_order,
            closed,
            due,
            rework,
            defect,
            people,
        ) = (
            c[k]
            for k in (
                "cur",
                "prev",
                "dep_names",
                "dept_order",
                "closed",
                "due",
                "rework",
                "defect",
                "people",
            )
        )
        no_dept = _("No department")
        review_columns = [(d, dep_names[d] or no_dept) for d in dept_order]

        def by_dept(measure, bucket):
            return {d: measure((bucket, d)) for d in dept_order}

        review_specs = [
            ("completion_rate", _("Completion rate"), "%", due.average),
            ("on_time_rate", _("On-time rate"), "%", closed["on_time"].average),
            ("closed_tasks", _("Tasks closed"), "", lambda k: int(closed["count"].sum(k))),
            (
                "output_tasks",
                _("Tasks per person"),
                "",
                lambda k: kpi.ratio(closed["count"].sum(k), people.count(k), 1),
            ),
            ("cycle_days_task", _("Task delivery cycle"), "d", closed["cycle"].average),
            ("rework_count", _("Rework"), "", lambda k: int(rework.sum(k))),
            ("defect_count", _("Defects"), "", lambda k: int(defect.sum(k))),
        ]
        monthly_review = kpi.review_matrix(
            review_columns,
            [
                (key, name, unit, by_dept(measure, cur), by_dept(measure, prev))
                for key, name, unit, measure in review_specs
            ],
        )

        return monthly_review

    @api.model
    def _kpi_options(self):
        flows = self._kpi_project_domain(
            {"department_ids": [], "template_ids": [], "manager_ids": []}
        )
        departments = self.env["hr.department"].search_read([], ["display_name"], order="name")
        templates = self.env["project.flow.template"].search_read(
            [], ["display_name"], order="name"
        )
        managers = self.env["project.project"]._read_group(
            flows + [("user_id", "!=", False)], groupby=["user_id"]
        )
        managers = sorted((u for (u,) in managers), key=lambda u: (u.name or "").lower())
        return {
            "departments": [[d["id"], d["display_name"]] for d in departments],
            "templates": [[t["id"], t["display_name"]] for t in templates],
            "managers": [[u.id, u.name] for u in managers],
        }
