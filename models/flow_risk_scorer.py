"""Delay-risk scoring of open tasks in batches (see
``project.task._cron_flow_score_risks``) and the training samples of the
weekly model (``project.flow.risk.model._cron_train``).

The features of a batch of tasks are read with a fixed number of queries
(one per feature family), whatever the batch size; the per-person history
(slip rates, estimate accuracy, overdue counts) is read once per run.  The
arithmetic (rules, logistic model, reasons) lives in ``engine/risk.py``.
"""

import json
import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.tools import SQL

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import risk as risk_engine

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# check-ins with blockers older than this do not count as "blocked" any more
BLOCKER_WINDOW_DAYS = 30
DEFAULT_RISK_LEVEL = 70
# The "kind" of a task for the per-person slip rate: the template task it
# came from, else its first tag, else its project.
KIND_SQL = SQL(
    """COALESCE('t' || t.flow_template_task_id,
                'g' || (SELECT min(project_tags_id) FROM project_tags_project_task_rel
                         WHERE project_task_id = t.id),
                'p' || t.project_id)"""
)


def _local_date(value, tz):
    if not value:
        return None
    return pytz.utc.localize(value).astimezone(tz).date()


class RiskScorer:
    """One scoring run: builds features for batches of open tasks, scores
    them with the company's model (or the rules), writes the scores and keeps
    the level-0 "at risk" alerts in step."""

    def __init__(self, env, today=None, batch_size=BATCH_SIZE):
        self.env = env
        self.cr = env.cr
        self.today = today or fields.Date.context_today(env["project.task"])
        self.batch_size = batch_size
        self.now = datetime.combine(self.today, time(12, 0))
        self._people = None
        self._project_ids = None
        self._calendars = {}
        self._tzs = {}
        # projects without a company count as the current company's
        self.default_company_id = env.company.id
        self._models = {}
        self.stats = defaultdict(int)
        self.batches = []
        self.commit = bool(env.context.get("ir_cron_progress_id")) and not (
            env.registry.in_test_mode()
        )

    # -- driving ---------------------------------------------------------

    def project_ids(self):
        """The running flow projects, read once per run."""
        if self._project_ids is None:
            self._project_ids = self.env["project.project"]._flow_running_flow_project_ids()
        return self._project_ids

    def open_task_ids(self, project_ids=None):
        """Open tasks of running flow projects (one query, indexed columns)."""
        self.env.flush_all()
        query = """
            SELECT t.id
              FROM project_task t
              JOIN project_project p ON p.id = t.project_id
             WHERE t.active AND t.state NOT IN %s
               AND p.id = ANY(%s)
        """
        params = [tuple(CLOSED_STATES), self.project_ids()]
        if project_ids is not None:
            query += " AND p.id IN %s"
            params.append(tuple(project_ids) or (0,))
        self.cr.execute(query + " ORDER BY t.id", params)
        return [row[0] for row in self.cr.fetchall()]

    def run(self, task_ids=None, alerts=True):
        ids = self.open_task_ids() if task_ids is None else list(task_ids)
        total = len(ids)
        for start in range(0, total, self.batch_size):
            batch = ids[start : start + self.batch_size]
            queries = self.cr.sql_log_count
            self.score_batch(batch)
            self.batches.append({"size": len(batch), "queries": self.cr.sql_log_count - queries})
            done = start + len(batch)
            self.stats["scored"] += len(batch)
            self._progress(done, total - done)
            self.env.invalidate_all()
        if alerts:
            self.sync_alerts()
        return dict(self.stats)

    def _progress(self, done, remaining):
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if self.commit:
            self.cr.commit()  # pylint: disable=invalid-commit

    def score_batch(self, task_ids):
        rows = self.features(task_ids)
        by_company = defaultdict(list)
        for task_id, company_id, feats in rows:
            by_company[company_id].append((task_id, feats))
        ids, scores, reasons, sources = [], [], [], []
        for company_id, items in by_company.items():
            model = self._model(company_id)
            results = risk_engine.score_many([feats for _id, feats in items], model=model)
            for (task_id, _feats), result in zip(items, results, strict=True):
                ids.append(task_id)
                scores.append(int(result.score))
                reasons.append(
                    json.dumps(
                        [{"code": r.code, "params": dict(r.params or {})} for r in result.reasons]
                    )
                )
                sources.append(result.source)
        self.write_scores(ids, scores, reasons, sources)

    def write_scores(self, ids, scores, reasons, sources):
        """One statement for the batch: these columns feed no stored compute."""
        if not ids:
            return
        self.cr.execute(
            """
            UPDATE project_task t
               SET flow_risk_score = v.score, flow_risk_reasons = v.reasons::jsonb,
                   flow_risk_source = v.source, flow_risk_date = %s
              FROM unnest(%s::int[], %s::int[], %s::text[], %s::text[])
                   AS v(id, score, reasons, source)
             WHERE t.id = v.id
            """,
            [self.today, ids, scores, reasons, sources],
        )
        self.env["project.task"].invalidate_model(
            ["flow_risk_score", "flow_risk_reasons", "flow_risk_source", "flow_risk_date"]
        )

    def _model(self, company_id):
        if company_id not in self._models:
            record = self.env["project.flow.risk.model"].sudo()._flow_current(company_id)
            self._models[company_id] = record._flow_logistic_model() if record else None
        return self._models[company_id]

    # -- features ----------------------------------------------------------

    def _work_calendar(self, calendar_id, first_day):
        """One working calendar per resource calendar, widened on demand."""
        first_day = min(first_day, self.today - timedelta(days=400))
        cached = self._calendars.get(calendar_id)
        if cached and cached[0] <= first_day:
            return cached[1]
        calendar = self.env["resource.calendar"].browse(calendar_id)
        work = calendar._flow_work_calendar(first_day, self.today + timedelta(days=800))
        self._calendars[calendar_id] = (first_day, work)
        return work

    def people(self):
        """Per person history, read once per run (2 queries): overdue open
        tasks; smoothed slip rate of closed tasks (late = finished after the
        deadline), overall and per kind (template task, else first tag, else
        project); estimate accuracy (effective / allocated hours)."""
        if self._people is not None:
            return self._people
        cr = self.cr
        cr.execute(
            """
            SELECT r.user_id, count(*)
              FROM project_task t
              JOIN project_task_user_rel r ON r.task_id = t.id
             WHERE t.active AND t.state NOT IN %s AND t.date_deadline < %s
          GROUP BY r.user_id
            """,
            [tuple(CLOSED_STATES), self.now],
        )
        overdue = dict(cr.fetchall())
        cr.execute(
            SQL(
                """
            SELECT r.user_id, %s,
                   count(*), count(*) FILTER (WHERE t.date_end > t.date_deadline),
                   sum(t.effective_hours) FILTER (WHERE t.allocated_hours > 0),
                   sum(t.allocated_hours) FILTER (WHERE t.allocated_hours > 0)
              FROM project_task t
              JOIN project_task_user_rel r ON r.task_id = t.id
             WHERE t.state = '1_done' AND t.date_deadline IS NOT NULL AND t.date_end IS NOT NULL
          GROUP BY 1, 2
            """,
                KIND_SQL,
            )
        )
        person = defaultdict(lambda: [0, 0, 0.0, 0.0])
        kind = {}
        for user_id, kind_key, closed, late, effective, allocated in cr.fetchall():
            kind[(user_id, kind_key)] = risk_engine.slip_rate(late, closed)
            agg = person[user_id]
            agg[0] += closed
            agg[1] += late
            agg[2] += effective or 0.0
            agg[3] += allocated or 0.0
        self._people = {
            "overdue": overdue,
            "slip": {u: risk_engine.slip_rate(a[1], a[0]) for u, a in person.items()},
            "accuracy": {u: (a[2] / a[3]) for u, a in person.items() if a[3]},
            "kind": kind,
        }
        return self._people

    def features(self, task_ids):
        """``[(task id, company id, features dict)]`` for a batch (3 queries,
        plus the per-run history and one working calendar per calendar)."""
        if not task_ids:
            return []
        cr = self.cr
        cr.execute(
            SQL(
                """
            SELECT t.id, c.id, t.state, t.planned_date_begin, t.date_deadline,
                   t.create_date, t.flow_duration, t.flow_progress, t.flow_total_float,
                   c.resource_calendar_id,
                   rc.tz,
                   (SELECT array_agg(user_id) FROM project_task_user_rel WHERE task_id = t.id),
                   %s
              FROM project_task t
              JOIN project_project p ON p.id = t.project_id
              JOIN res_company c ON c.id = COALESCE(p.company_id, %s)
         LEFT JOIN resource_calendar rc
                ON rc.id = c.resource_calendar_id
             WHERE t.id IN %s
            """,
                KIND_SQL,
                self.default_company_id,
                tuple(task_ids),
            )
        )
        rows = cr.fetchall()
        cr.execute(
            """
            SELECT task_id, count(DISTINCT date)
              FROM project_flow_checkin
             WHERE task_id IN %s AND has_blockers AND date >= %s
          GROUP BY task_id
            """,
            [tuple(task_ids), self.today - timedelta(days=BLOCKER_WINDOW_DAYS)],
        )
        blocked = dict(cr.fetchall())
        cr.execute(
            """
            SELECT l.successor_id, max(COALESCE(pt.flow_risk_score, 0))
              FROM project_task_link l
              JOIN project_task pt ON pt.id = l.predecessor_id
             WHERE l.successor_id IN %s AND pt.state NOT IN %s
          GROUP BY l.successor_id
            """,
            [tuple(task_ids), tuple(CLOSED_STATES)],
        )
        predecessor = dict(cr.fetchall())
        people = self.people()
        result = []
        for (
            task_id,
            company_id,
            state,
            begin,
            deadline,
            created,
            duration,
            progress,
            total_float,
            calendar_id,
            tz_name,
            user_ids,
            kind_key,
        ) in rows:
            tz = self._tz(tz_name)
            start = _local_date(begin, tz) or _local_date(created, tz) or self.today
            finish = _local_date(deadline, tz)
            work = self._work_calendar(calendar_id, min(start, finish or start))
            if not duration and finish:
                duration = work.working_days_between(start, finish)
            elapsed = max(0, work.offset(start, self.today)) if start <= self.today else 0
            blocked_days = blocked.get(task_id, 0)
            if not blocked_days and state == "04_waiting_normal":
                blocked_days = 1
            result.append(
                (
                    task_id,
                    company_id,
                    self.build(
                        elapsed=elapsed,
                        duration=duration or 0,
                        progress=(progress or 0.0) / 100.0,
                        float_days=total_float,
                        users=user_ids or [],
                        kind_key=kind_key,
                        blocked_days=blocked_days,
                        predecessor_risk=(predecessor.get(task_id) or 0) / 100.0,
                        people=people,
                    ),
                )
            )
        return result

    def _tz(self, name):
        if name not in self._tzs:
            self._tzs[name] = pytz.timezone(name or "UTC")
        return self._tzs[name]

    @staticmethod
    def build(
        elapsed,
        duration,
        progress,
        float_days,
        users,
        kind_key,
        blocked_days,
        predecessor_risk,
        people,
    ):
        """The engine's feature dict of one task; with several assignees the
        worst one counts.  Unknown history is ``None`` (the engine's neutral
        default)."""
        overdue = max((people["overdue"].get(u, 0) for u in users), default=0)
        slips = [people["slip"][u] for u in users if u in people["slip"]]
        kinds = [people["kind"][(u, kind_key)] for u in users if (u, kind_key) in people["kind"]]
        accuracies = [people["accuracy"][u] for u in users if u in people["accuracy"]]
        return risk_engine.make_features(
            elapsed_days=elapsed,
            duration_days=duration,
            progress=progress,
            float_days=float_days,
            assignee_overdue=overdue,
            assignee_slip_rate=max(slips) if slips else None,
            kind_slip_rate=max(kinds) if kinds else None,
            estimate_accuracy=max(accuracies) if accuracies else None,
            blocked_days=blocked_days,
            predecessor_risk=predecessor_risk,
        )

    # -- training samples ----------------------------------------------------

    def training_samples(self, company_id, limit=20000):
        """``[(features, late)]`` of the company's closed tasks, as they stood
        at the middle of their planned window: half the time used, progress
        from the hours logged until then against the allocated hours (one
        query), the person's history.  A closed task is late when it
        finished after its deadline."""
        people = self.people()  # before the query below: same cursor
        cr = self.cr
        cr.execute(
            SQL(
                """
            SELECT t.date_deadline, t.date_end, t.allocated_hours, t.flow_total_float,
                   (SELECT array_agg(user_id) FROM project_task_user_rel WHERE task_id = t.id),
                   %s,
                   (SELECT COALESCE(sum(a.unit_amount), 0) FROM account_analytic_line a
                     WHERE a.task_id = t.id
                       AND a.date <= (t.planned_date_begin
                                      + (t.date_deadline - t.planned_date_begin) / 2)::date),
                   t.flow_duration
              FROM project_task t
              JOIN project_project p ON p.id = t.project_id
             WHERE COALESCE(p.company_id, %s) = %s AND t.state = '1_done'
               AND t.date_deadline IS NOT NULL AND t.date_end IS NOT NULL
               AND t.planned_date_begin IS NOT NULL AND t.planned_date_begin < t.date_deadline
          ORDER BY t.id DESC
             LIMIT %s
            """,
                KIND_SQL,
                self.default_company_id,
                company_id,
                limit,
            )
        )
        samples = []
        for (
            deadline,
            date_end,
            allocated,
            total_float,
            user_ids,
            kind_key,
            hours,
            duration,
        ) in cr.fetchall():
            duration = duration or 2
            progress = min(1.0, (hours or 0.0) / allocated) if allocated else 0.5
            features = self.build(
                elapsed=duration / 2.0,
                duration=duration,
                progress=progress,
                float_days=total_float,
                users=user_ids or [],
                kind_key=kind_key,
                blocked_days=0,
                predecessor_risk=0.0,
                people=people,
            )
            samples.append((features, date_end > deadline))
        return samples

    # -- level-0 alerts ----------------------------------------------------------

    def sync_alerts(self):
        """One open level-0 alert per task scored above its company's risk
        level; resolved when the score drops, the task closes or its project
        stops running.  Reopened (not duplicated) when the risk comes back."""
        Alert = (
            self.env["project.flow.alert"]
            .sudo()
            .with_context(
                tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
            )
        )
        self.env.flush_all()
        cr = self.cr
        cr.execute(
            """
            SELECT t.id, t.flow_risk_score, a.id, a.state
              FROM project_task t
              JOIN project_project p ON p.id = t.project_id
              JOIN res_company c ON c.id = COALESCE(p.company_id, %s)
         LEFT JOIN project_flow_alert a ON a.task_id = t.id AND a.level = '0'
             WHERE t.active AND t.state NOT IN %s AND p.id = ANY(%s)
               AND t.flow_risk_score >= COALESCE(NULLIF(c.flow_risk_alert_level, 0), %s)
            """,
            [
                self.default_company_id,
                tuple(CLOSED_STATES),
                self.project_ids(),
                DEFAULT_RISK_LEVEL,
            ],
        )
        to_create, reopen, update = [], [], []
        for task_id, score, alert_id, state in cr.fetchall():
            if not alert_id:
                to_create.append(task_id)
            else:
                update.append((alert_id, score))
                if state == "resolved":
                    reopen.append(alert_id)
        if reopen:
            Alert.browse(reopen).write(
                {"state": "open", "resolution": False, "resolved_date": False}
            )
            self.stats["alerts_reopened"] += len(reopen)
        if update:
            ids, scores = zip(*update, strict=True)
            cr.execute(
                """
                UPDATE project_flow_alert a SET risk_score = v.score, last_check_date = %s
                  FROM unnest(%s::int[], %s::int[]) AS v(id, score) WHERE a.id = v.id
                """,
                [self.now, list(ids), list(scores)],
            )
            Alert.invalidate_model(["risk_score", "last_check_date"])
        created = Alert
        if to_create:
            tasks = self.env["project.task"].sudo().browse(to_create)
            vals_list = [
                {
                    "name": task.name,
                    "object_ref": f"project.task,{task.id}",
                    "kind": "task",
                    "level": "0",
                    "project_id": task.project_id.id,
                    "task_id": task.id,
                    "planned_date": _local_date(task.date_deadline, pytz.utc),
                    "risk_score": task.flow_risk_score,
                    "recipient_user_ids": [
                        fields.Command.set((task.user_ids | task.project_id.user_id).ids)
                    ],
                    "detected_date": self.now,
                    "last_check_date": self.now,
                }
                for task in tasks
            ]
            with cr.savepoint():
                created = Alert.create(vals_list)
            self.stats["alerts_created"] += len(created)
            created._flow_queue_notifications()
        # resolve: task closed / project stopped / score below the level
        cr.execute(
            """
            SELECT a.id,
                   CASE WHEN t.state IN %(closed)s AND t.state != '1_canceled' THEN 'done'
                        WHEN t.state = '1_canceled' OR NOT t.active OR NOT p.active
                             OR NOT p.id = ANY(%(watched)s) THEN 'cancelled'
                        ELSE 'replanned' END
              FROM project_flow_alert a
              JOIN project_task t ON t.id = a.task_id
              JOIN project_project p ON p.id = t.project_id
              JOIN res_company c ON c.id = COALESCE(p.company_id, %(company)s)
             WHERE a.level = '0' AND a.state IN ('open', 'acknowledged')
               AND NOT (t.active AND t.state NOT IN %(closed)s
                        AND p.id = ANY(%(watched)s)
                        AND t.flow_risk_score >= COALESCE(NULLIF(c.flow_risk_alert_level, 0),
                                                          %(level)s))
            """,
            {
                "closed": tuple(CLOSED_STATES),
                "watched": self.project_ids(),
                "level": DEFAULT_RISK_LEVEL,
                "company": self.default_company_id,
            },
        )
        by_reason = defaultdict(list)
        for alert_id, reason in cr.fetchall():
            by_reason[reason].append(alert_id)
        for reason, alert_ids in by_reason.items():
            Alert.browse(alert_ids).write(
                {"state": "resolved", "resolution": reason, "resolved_date": self.now}
            )
            self.stats["alerts_resolved"] += len(alert_ids)
        return created
