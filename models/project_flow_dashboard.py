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
            *self.env["project.project"]._flow_project_domain(),
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

    @api.model
    def _kpi_open_task_domain(self, flt):
        """Open tasks (not done or cancelled) of the flow projects matching
        the filters, the department being the task's."""
        domain = [
            ("state", "not in", list(CLOSED_TASK_STATES)),
            ("project_id", "any", self._kpi_project_domain(dict(flt, department_ids=[]))),
        ]
        if flt["department_ids"]:
            domain.append(("flow_department_id", "in", flt["department_ids"]))
        return domain

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
        # a handful of small grouped queries: no JIT (PostgreSQL's compiler would
        # spend seconds compiling plans that run in milliseconds), and enough
        # memory to group by hashing rather than sorting
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '32MB'")
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

    # Local day of a task's datetime column in the time zone of its company's
    # calendar: the same expressions as the KPI task view, so the numbers
    # equal what its drill-downs list.
    _KPI_LOCAL = "((%s AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(kpi_rc.tz, 'UTC'))::date"

    def _kpi_task_query(self, c, windows):
        """The user's readable active tasks of flow projects matching the
        filters whose column ``name`` lies in one of ``windows`` (name,
        first day, last day) — a superset by a day each side, the exact local
        day is tested in SQL. Index range scans, no pass over every task."""
        flt = c["flt"]
        Task = self.env["project.task"].with_context(active_test=False)
        domain = [("active", "=", True)]
        if flt["department_ids"]:
            domain.append(("flow_department_id", "in", flt["department_ids"]))
        if flt["template_ids"]:
            domain.append(("project_id.flow_template_id", "in", flt["template_ids"]))
        if flt["manager_ids"]:
            domain.append(("project_id.user_id", "in", flt["manager_ids"]))
        ranges = [
            [
                (name, ">=", fields.Datetime.to_string(self._kpi_utc(lo) - timedelta(days=1))),
                (name, "<", fields.Datetime.to_string(self._kpi_utc(hi) + timedelta(days=2))),
                *extra,
            ]
            for name, lo, hi, *extra in windows
        ]
        domain += ["|"] * (len(ranges) - 1) + [
            leaf for r in ranges for leaf in ["&"] * (len(r) - 1) + r
        ]
        query = Task._search(domain)
        query.add_join(
            "JOIN", "kpi_p", "project_project", SQL("kpi_p.id = project_task.project_id")
        )
        query.add_join(
            "LEFT JOIN",
            "kpi_c",
            "res_company",
            SQL(
                "kpi_c.id = COALESCE(kpi_p.company_id, project_task.company_id, %s)",
                self.env["project.project"]._flow_main_company().id,
            ),
        )
        query.add_join(
            "LEFT JOIN",
            "kpi_rc",
            "resource_calendar",
            SQL("kpi_rc.id = kpi_c.resource_calendar_id"),
        )
        query.add_where(
            SQL(
                "(kpi_p.flow_template_id IS NOT NULL"
                " OR COALESCE(kpi_c.flow_require_initiation, FALSE))"
            )
        )
        return query

    def _kpi_read_tasks(self, c):
        """Tallies of the tasks (sums and counts per period and department):
        two queries on the tasks of the periods only."""
        (kind, end, prev_start, first, gran, dep_names) = (
            c[k] for k in ("kind", "end", "prev_start", "first", "gran", "dep_names")
        )
        local = self._KPI_LOCAL
        done_sql = SQL(
            "CASE WHEN project_task.state = '1_done' THEN " + local + " END",
            SQL("project_task.date_end"),
        )
        deadline_sql = SQL(local, SQL("project_task.date_deadline"))
        # the creation date counts only for tasks without a deadline
        created_sql = SQL(
            "CASE WHEN project_task.date_deadline IS NULL THEN " + local + " END",
            SQL("project_task.create_date"),
        )
        query = self._kpi_task_query(
            c,
            [
                ("date_end", first, end),
                ("date_deadline", prev_start, end),
                # the creation date is a task's date only without deadline
                # and closing date (the closing date has its own window)
                ("create_date", prev_start, end, ("date_deadline", "=", False)),
            ],
        )
        self.env.cr.execute(
            SQL(
                """
                WITH defect_tag AS (
                    SELECT tg.id FROM project_tags tg
                     WHERE EXISTS (SELECT 1 FROM jsonb_each_text(tg.name) v
                                    WHERE v.value ILIKE %(defect)s OR v.value ILIKE %(bug)s
                                       OR v.value ILIKE %(defect_zh)s)
                ), defect_task AS (
                    -- tasks with a tag named like a defect: one hashed lookup per task
                    SELECT r.project_task_id FROM project_tags_project_task_rel r
                     WHERE r.project_tags_id IN (SELECT id FROM defect_tag)
                ), t AS MATERIALIZED (
                    SELECT project_task.flow_department_id AS dept,
                           project_task.state,
                           %(done)s AS done,
                           %(deadline)s AS deadline,
                           %(created)s AS created,
                           EXTRACT(EPOCH FROM (project_task.date_end - project_task.create_date))
                               / 86400.0 AS cycle,
                           COALESCE(project_task.flow_reopen_count, 0)
                               + COALESCE(project_task.flow_stage_regression_count, 0) AS rework,
                           CASE WHEN %(tagged)s AND (
                                project_task.id IN (SELECT project_task_id FROM defect_task)
                                OR (kpi_c.flow_health_defect_tag_id IS NOT NULL AND EXISTS (
                                    SELECT 1 FROM project_tags_project_task_rel r
                                     WHERE r.project_task_id = project_task.id
                                       AND r.project_tags_id = kpi_c.flow_health_defect_tag_id)))
                                THEN 1 ELSE 0 END AS defect
                      FROM %(from)s
                     WHERE %(where)s
                )
                SELECT dept,
                       -- date -> timestamp (not timestamptz): no time zone work per row
                       date_trunc(%(gran)s, done::timestamp)::date,
                       date_trunc(%(gran)s, deadline::timestamp)::date,
                       date_trunc(%(gran)s, COALESCE(done, deadline, created)::timestamp)::date,
                       COUNT(done),
                       COUNT(*) FILTER (WHERE done IS NOT NULL AND deadline IS NOT NULL),
                       COUNT(*) FILTER (WHERE done <= deadline),
                       COALESCE(SUM(cycle) FILTER (WHERE done IS NOT NULL), 0),
                       COUNT(*) FILTER (WHERE state != '1_canceled' AND deadline IS NOT NULL),
                       COUNT(*) FILTER (WHERE state = '1_done' AND deadline IS NOT NULL),
                       SUM(rework),
                       SUM(defect)
                  FROM t
              GROUP BY 1, 2, 3, 4
                """,
                done=done_sql,
                deadline=deadline_sql,
                created=created_sql,
                tagged=SQL(
                    "COALESCE(%s, %s, %s) BETWEEN %s AND %s",
                    done_sql,
                    deadline_sql,
                    created_sql,
                    prev_start,
                    end,
                ),
                defect="%defect%",
                bug="%bug%",
                defect_zh="%缺陷%",
                gran=gran,
                **{"from": query.from_clause, "where": query.where_clause},
            )
        )
        rows = self.env.cr.fetchall()
        closed = {k: kpi.Tally() for k in ("count", "on_time", "cycle")}
        due, rework, defect = kpi.Tally(), kpi.Tally(), kpi.Tally()
        trend_buckets = {kpi.bucket_of(kind, s) for s, _e in c["trend"]}
        recent = {c["cur"], c["prev"]}
        dept_ids = set()
        for row in rows:
            dept, done_b, due_b, date_b = row[0] or False, *row[1:4]
            closed_n, ot_n, ot_ok, cy_sum, due_n, due_done, rw_sum, df_sum = row[4:]
            done_b, due_b, date_b = (self._kpi_bucket(kind, d) for d in (done_b, due_b, date_b))
            if done_b in trend_buckets and closed_n:
                dept_ids.add(dept)
                for key in (done_b, (done_b, dept)):
                    closed["count"].add(key, closed_n, closed_n)
                    closed["on_time"].add(key, 100.0 * ot_ok, ot_n)
                    closed["cycle"].add(key, cy_sum, closed_n)
            if due_b in recent and due_n:
                dept_ids.add(dept)
                for key in (due_b, (due_b, dept)):
                    due.add(key, 100.0 * due_done, due_n)
            if date_b in recent:
                dept_ids.add(dept)
                for key in (date_b, (date_b, dept)):
                    rework.add(key, rw_sum, 1)
                    defect.add(key, df_sum, 1)
        for dept in self.env["hr.department"].browse(d for d in dept_ids if d):
            dep_names[dept.id] = dept.name
        if False in dept_ids:
            dep_names[False] = False

        # People who closed tasks (assignees), per period and department.
        people = kpi.Tally()
        query = self._kpi_task_query(c, [("date_end", prev_start, end)])
        query.add_join(
            "JOIN", "kpi_r", "project_task_user_rel", SQL("kpi_r.task_id = project_task.id")
        )
        done_day = SQL(local, SQL("project_task.date_end"))
        self.env.cr.execute(
            SQL(
                """
                SELECT date_trunc(%s, %s)::date, project_task.flow_department_id,
                       COUNT(DISTINCT kpi_r.user_id), GROUPING(project_task.flow_department_id)
                  FROM %s
                 WHERE %s AND project_task.state = '1_done' AND %s BETWEEN %s AND %s
              GROUP BY GROUPING SETS ((1), (1, 2))
                """,
                gran,
                done_day,
                query.from_clause,
                query.where_clause,
                done_day,
                prev_start,
                end,
            )
        )
        for bucket_day, dept_id, count, overall in self.env.cr.fetchall():
            bucket = self._kpi_bucket(kind, bucket_day)
            people.add(bucket if overall else (bucket, dept_id or False), count, count)
        return {
            "closed": closed,
            "due": due,
            "rework": rework,
            "defect": defect,
            "people": people,
        }

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
        open_tasks = self._kpi_open_task_domain(c["flt"])
        # no "has assignees" condition: it costs a lookup per task; the
        # group of unassigned tasks is dropped instead
        workload_rows = [
            row
            for row in Task._read_group(
                open_tasks,
                groupby=["user_ids"],
                aggregates=["__count", "allocated_hours:sum"],
                order="__count desc",
                limit=16,
            )
            if row[0]
        ][:15]
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
        open_tasks = self._kpi_open_task_domain(flt)
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
            [*open_tasks, ("flow_risk_score", ">", 0)],
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

    @api.model
    def _kpi_demo_spread(self):
        """Demo data: spread the closing dates of the done tasks of flow
        projects over the last six months (creation a few days before,
        deadlines around the closing date, some late), and mark a few as
        reworked, so the KPIs, trends and monthly review show real numbers.
        One statement, deterministic (the n-th done task by id)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH done AS (
                SELECT t.id, (ROW_NUMBER() OVER (ORDER BY t.id))::int AS n
                  FROM project_task t
                  JOIN project_project p ON p.id = t.project_id
             LEFT JOIN res_company c ON c.id = COALESCE(p.company_id, t.company_id)
                 WHERE t.state = '1_done'
                   AND (p.flow_template_id IS NOT NULL
                        OR COALESCE(c.flow_require_initiation, FALSE))
            ), spread AS (
                SELECT id, n,
                       date_trunc('day', now() AT TIME ZONE 'UTC')
                           - make_interval(days => MOD(n * 11, 175))
                           + make_interval(hours => 9 + MOD(n, 8)) AS closed
                  FROM done
            )
            UPDATE project_task t
               SET date_end = s.closed,
                   create_date = s.closed - make_interval(days => 2 + MOD(s.n * 5, 13)),
                   date_deadline = date_trunc('day', s.closed)
                       + make_interval(days => MOD(s.n, 6) - 2, hours => 18),
                   flow_reopen_count = CASE WHEN MOD(s.n, 9) = 0 THEN 1
                                            ELSE t.flow_reopen_count END
              FROM spread s
             WHERE t.id = s.id
            """
        )
        self.env.invalidate_all()
        return True
