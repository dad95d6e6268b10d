"""The delay cron's run: candidates, batches, alerts (see
``project.flow.alert._cron_detect_delays``)."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

import psycopg2
import pytz

from odoo import fields

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine.delay import (
    DEFAULT_LEVEL2_FACTOR,
    DEFAULT_LEVEL3_FACTOR,
    DEFAULT_THRESHOLD,
    Ladder,
    effective_threshold,
    escalation_recipients,
    overrun_days,
    working_days_late,
)

_logger = logging.getLogger(__name__)

# Projects whose late work is looked for.


class DelayDetector:
    """One run of the delay cron.  Holds what the batches share: the run's
    moment, the companies' settings and the working calendars built so far."""

    def __init__(self, Alert, now, batch_size):
        self.Alert = Alert
        self.env = Alert.env
        self.cr = self.env.cr
        self.now = now
        self.batch_size = batch_size
        self.calendars = {}  # calendar id -> (first day, WorkCalendar)
        self.tz_of = {}
        self.companies = {}
        self.sponsor_role = self.env.ref("project_flow.role_sponsor", raise_if_not_found=False)
        self.stats = defaultdict(int)
        self.watched_project_ids = []
        # per batch: kind, size, queries to detect and write, queries to
        # queue the notifications, alerts created (benchmarks read it)
        self.batches = []
        # commit each batch only inside a cron job (never in tests, nor when
        # called from demo data or a button: the caller owns the transaction)
        self.commit = bool(self.env.context.get("ir_cron_progress_id")) and not (
            self.env.registry.in_test_mode()
        )

    # -- driving ---------------------------------------------------------

    def run(self):
        # the candidates are read in SQL: pending ORM writes must be in the database
        self.env.flush_all()
        self.watched_project_ids = self._watched_project_ids()
        sources = [
            ("task", self._task_candidates(), self._task_items),
            ("phase", self._phase_candidates(), self._phase_items),
            ("milestone", self._milestone_candidates(), self._milestone_items),
        ]
        total = sum(len(ids) for _kind, ids, _reader in sources)
        done = 0
        for kind, ids, reader in sources:
            for start in range(0, len(ids), self.batch_size):
                batch = ids[start : start + self.batch_size]
                queries = self.cr.sql_log_count
                items, checked_refs = reader(batch)
                created = self._sync(items, checked_refs)
                self.env.flush_all()
                detect_queries = self.cr.sql_log_count - queries
                created._flow_queue_notifications()
                self.env.flush_all()
                self.batches.append(
                    {
                        "kind": kind,
                        "size": len(batch),
                        "queries": detect_queries,
                        "notify_queries": self.cr.sql_log_count - queries - detect_queries,
                        "created": len(created),
                    }
                )
                done += len(batch)
                self.stats["checked"] += len(batch)
                self._progress(done, total - done)
                # keep the memory of a long run flat: the next batch reads
                # its own records (everything is flushed)
                self.env.invalidate_all()
        self._resolve_stale()
        self._progress(done, 0)
        _logger.info("Delay cron: %s", dict(self.stats))
        return dict(self.stats)

    def _progress(self, done, remaining):
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if self.commit:
            self.cr.commit()  # pylint: disable=invalid-commit

    # -- candidates: one query each, on indexed columns ---------------------

    def _watched_project_ids(self):
        """The running flow projects (plain Odoo projects raise no alert)."""
        return self.env["project.project"]._flow_running_flow_project_ids()

    def _task_candidates(self):
        self.cr.execute(
            """
            SELECT t.id
              FROM project_task t
              JOIN project_project p ON p.id = t.project_id
             WHERE t.active
               AND t.state NOT IN %s
               AND t.date_deadline < %s
               AND p.id = ANY(%s)
          ORDER BY t.id
            """,
            [tuple(CLOSED_STATES), self.now, self.watched_project_ids],
        )
        return [row[0] for row in self.cr.fetchall()]

    def _phase_candidates(self):
        # late against the planned end, or open (SLA) whatever the end
        self.cr.execute(
            """
            SELECT ph.id
              FROM project_flow_phase ph
              JOIN project_project p ON p.id = ph.project_id
             WHERE p.id = ANY(%s)
               AND ((ph.state IN ('draft', 'open', 'approval') AND ph.date_end < %s)
                    OR (ph.state IN ('open', 'approval') AND ph.date_actual_start IS NOT NULL))
          ORDER BY ph.id
            """,
            [self.watched_project_ids, self.now.date() + timedelta(days=1)],
        )
        return [row[0] for row in self.cr.fetchall()]

    def _milestone_candidates(self):
        self.cr.execute(
            """
            SELECT m.id
              FROM project_milestone m
              JOIN project_project p ON p.id = m.project_id
             WHERE NOT m.is_reached
               AND m.deadline < %s
               AND p.id = ANY(%s)
          ORDER BY m.id
            """,
            [self.now.date() + timedelta(days=1), self.watched_project_ids],
        )
        return [row[0] for row in self.cr.fetchall()]

    # -- project context of a batch -------------------------------------------

    def _projects(self, project_ids):
        """Per project: calendar, template threshold, PM, sponsors, company
        settings, today in the calendar's time zone (a few queries)."""
        projects = self.env["project.project"].browse(project_ids)
        projects.fetch(
            [
                "resource_calendar_id",
                "flow_template_id",
                "flow_baseline_id",
                "user_id",
                "company_id",
                "name",
            ]
        )
        projects.flow_template_id.fetch(["delay_threshold"])
        sponsors = defaultdict(lambda: self.env["res.users"])
        if self.sponsor_role:
            for project, user in self.env["project.flow.member"]._read_group(
                [("project_id", "in", projects.ids), ("role_id", "=", self.sponsor_role.id)],
                ["project_id", "user_id"],
            ):
                sponsors[project.id] |= user
        result = {}
        for project in projects:
            # a project may have no company (shared between companies): the
            # settings of the company running the check apply then
            company = project.company_id or self.env.company
            settings = self._company(company)
            calendar = project.resource_calendar_id or company.resource_calendar_id
            result[project.id] = {
                "project": project,
                "calendar": calendar,
                "today": self._today(calendar),
                "template_threshold": project.flow_template_id.delay_threshold,
                "pm": project.user_id,
                "sponsors": sponsors[project.id],
                **settings,
            }
        return result

    def _company(self, company):
        if company.id not in self.companies:
            self.companies[company.id] = {
                "company_threshold": company.flow_delay_threshold or DEFAULT_THRESHOLD,
                "level2_factor": company.flow_delay_level2_factor or DEFAULT_LEVEL2_FACTOR,
                "level3_factor": company.flow_delay_level3_factor or DEFAULT_LEVEL3_FACTOR,
                "management": company.flow_alert_management_user_ids,
            }
        return self.companies[company.id]

    def _tz(self, calendar):
        if calendar.id not in self.tz_of:
            self.tz_of[calendar.id] = pytz.timezone(calendar.tz or "UTC")
        return self.tz_of[calendar.id]

    def _today(self, calendar):
        return pytz.utc.localize(self.now).astimezone(self._tz(calendar)).date()

    def _local_date(self, value, calendar):
        if not value:
            return None
        if isinstance(value, datetime):
            return pytz.utc.localize(value).astimezone(self._tz(calendar)).date()
        return value

    def _work_calendar(self, calendar, first_day, today):
        """The engine calendar of ``calendar`` from ``first_day`` to ``today``,
        built once per run (rebuilt only when an earlier day is needed)."""
        cached = self.calendars.get(calendar.id)
        if cached is None or cached[0] > first_day or cached[1] < today:
            start = min(first_day, cached[0]) if cached else first_day
            stop = max(today, cached[1]) if cached else today
            work = calendar._flow_work_calendar(start, stop)
            cached = self.calendars[calendar.id] = (start, stop, work)
        return cached[2]

    def _ladder(self, ctx, threshold):
        return Ladder(threshold, ctx["level2_factor"], ctx["level3_factor"])

    def _department_managers(self, users):
        """``{user id: department manager users}`` of the employees of ``users``."""
        if not users:
            return {}
        self.cr.execute(
            """
            SELECT e.user_id, m.user_id
              FROM hr_employee e
              JOIN hr_department d ON d.id = e.department_id
              JOIN hr_employee m ON m.id = d.manager_id
             WHERE e.user_id IN %s AND e.active AND m.user_id IS NOT NULL
            """,
            [tuple(users.ids)],
        )
        result = defaultdict(set)
        for user_id, manager_id in self.cr.fetchall():
            result[user_id].add(manager_id)
        return result

    def _recipients(self, ctx, level, doers, dept_managers):
        """Users asked to act at ``level`` (the rule: ``escalation_recipients``)."""
        doers = doers.filtered("active")
        managers = set()
        for user in doers:
            managers |= dept_managers.get(user.id, set())
        pm = ctx["pm"].filtered("active")
        return self.env["res.users"].browse(
            escalation_recipients(
                level,
                doers=doers.ids,
                project_manager=pm.id,
                department_managers=self.env["res.users"].browse(managers).filtered("active").ids,
                sponsors=ctx["sponsors"].filtered("active").ids,
                management=ctx["management"].filtered("active").ids,
            )
        )

    def _baseline_finishes(self, field, ids, projects):
        """``{object id: baseline finish}`` from the reference baselines."""
        references = [ctx["project"].flow_baseline_id.id for ctx in projects.values()]
        references = [ref for ref in references if ref]
        if not references or not ids:
            return {}
        domain = [("baseline_id", "in", references), (field, "in", ids)]
        if field == "phase_id":
            domain.append(("is_task", "=", False))
        return {
            line[field][0]: line["date_finish"]
            for line in self.env["project.flow.baseline.line"].search_read(
                domain, [field, "date_finish"]
            )
        }

    def _item(self, ctx, ref, kind, record_field, record, name, planned, baseline, delay):
        """One late object at the levels it reached, with its recipients."""
        calendar = ctx["calendar"]
        work = ctx["work"]
        threshold = ctx["threshold"]
        return {
            "ref": ref,
            "kind": kind,
            "field": record_field,
            "record_id": record.id,
            "project_id": ctx["project"].id,
            "name": name,
            "planned": planned,
            "baseline": baseline,
            "delay": delay or 0,
            "baseline_delay": (working_days_late(work, baseline, ctx["today"]) or 0)
            if baseline
            else 0,
            "threshold": threshold,
            "levels": self._ladder(ctx, threshold).levels(delay),
            "calendar": calendar,
        }

    # -- readers: a batch of ids -> late items --------------------------------

    def _task_items(self, ids):
        tasks = self.env["project.task"].browse(ids)
        tasks.fetch(["name", "project_id", "flow_phase_id", "user_ids", "date_deadline"])
        projects = self._projects(tasks.project_id.ids)
        tasks.flow_phase_id.fetch(["delay_threshold"])
        baselines = self._baseline_finishes("task_id", ids, projects)
        dept_managers = self._department_managers(tasks.user_ids)
        items = []
        for task in tasks:
            ctx = dict(projects[task.project_id.id])
            planned = self._local_date(task.date_deadline, ctx["calendar"])
            baseline = baselines.get(task.id)
            ctx["work"] = self._work_calendar(
                ctx["calendar"], min(d for d in (planned, baseline) if d), ctx["today"]
            )
            ctx["threshold"] = effective_threshold(
                task.flow_phase_id.delay_threshold,
                ctx["template_threshold"],
                ctx["company_threshold"],
            )
            delay = working_days_late(ctx["work"], planned, ctx["today"])
            item = self._item(
                ctx,
                f"project.task,{task.id}",
                "task",
                "task_id",
                task,
                task.name,
                planned,
                baseline,
                delay,
            )
            item["recipients"] = {
                level: self._recipients(ctx, level, task.user_ids, dept_managers)
                for level in item["levels"]
            }
            items.append(item)
        return items, [item["ref"] for item in items]

    def _phase_items(self, ids):
        phases = self.env["project.flow.phase"].browse(ids)
        phases.fetch(
            [
                "name",
                "project_id",
                "state",
                "user_id",
                "date_end",
                "date_actual_start",
                "duration",
                "delay_threshold",
            ]
        )
        projects = self._projects(phases.project_id.ids)
        baselines = self._baseline_finishes("phase_id", ids, projects)
        dept_managers = self._department_managers(phases.user_id)
        items = []
        refs = []
        for phase in phases:
            ctx = dict(projects[phase.project_id.id])
            today = ctx["today"]
            baseline = baselines.get(phase.id)
            days = [d for d in (phase.date_end, baseline, phase.date_actual_start) if d]
            ctx["work"] = self._work_calendar(ctx["calendar"], min(days + [today]), today)
            ctx["threshold"] = effective_threshold(
                phase.delay_threshold, ctx["template_threshold"], ctx["company_threshold"]
            )
            name = f"{ctx['project'].name} / {phase.name}"
            ref = f"project.flow.phase,{phase.id}"
            sla_ref = f"{ref},sla"
            refs += [ref, sla_ref]
            delay = working_days_late(ctx["work"], phase.date_end or None, today)
            late = self._item(
                ctx, ref, "phase", "phase_id", phase, name, phase.date_end, baseline, delay
            )
            sla = None
            if phase.state in ("open", "approval") and phase.date_actual_start:
                overrun = overrun_days(ctx["work"], phase.date_actual_start, phase.duration, today)
                sla = self._item(
                    ctx,
                    sla_ref,
                    "phase_sla",
                    "phase_id",
                    phase,
                    name,
                    phase.date_actual_start,
                    None,
                    overrun,
                )
            for item in (late, sla):
                if item is None:
                    continue
                item["recipients"] = {
                    level: self._recipients(ctx, level, phase.user_id, dept_managers)
                    for level in item["levels"]
                }
                items.append(item)
        return items, refs

    def _milestone_items(self, ids):
        milestones = self.env["project.milestone"].browse(ids)
        milestones.fetch(["name", "project_id", "deadline"])
        projects = self._projects(milestones.project_id.ids)
        # the doers of a milestone: the assignees of its open tasks
        doers = defaultdict(lambda: self.env["res.users"])
        for milestone, user in self.env["project.task"]._read_group(
            [("milestone_id", "in", ids), ("state", "not in", list(CLOSED_STATES))],
            ["milestone_id", "user_ids"],
        ):
            doers[milestone.id] |= user
        all_doers = self.env["res.users"].union(*doers.values())
        dept_managers = self._department_managers(all_doers)
        items = []
        for milestone in milestones:
            ctx = dict(projects[milestone.project_id.id])
            today = ctx["today"]
            ctx["work"] = self._work_calendar(ctx["calendar"], milestone.deadline, today)
            ctx["threshold"] = effective_threshold(
                ctx["template_threshold"], ctx["company_threshold"]
            )
            delay = working_days_late(ctx["work"], milestone.deadline, today)
            item = self._item(
                ctx,
                f"project.milestone,{milestone.id}",
                "milestone",
                "milestone_id",
                milestone,
                f"{ctx['project'].name} / {milestone.name}",
                milestone.deadline,
                None,
                delay,
            )
            item["recipients"] = {
                level: self._recipients(ctx, level, doers[milestone.id], dept_managers)
                for level in item["levels"]
            }
            items.append(item)
        return items, [item["ref"] for item in items]

    # -- writing: one batch ----------------------------------------------------

    def _existing(self, refs):
        """``{(ref, level): (id, state, (delay, baseline delay, threshold))}``
        of the escalation alerts of ``refs`` (one query)."""
        if not refs:
            return {}
        self.cr.execute(
            """
            SELECT object_ref, level, id, state,
                   delay_days, delay_baseline_days, threshold
              FROM project_flow_alert
             WHERE object_ref IN %s AND level != '0'
            """,
            [tuple(refs)],
        )
        return {
            (ref, level): (alert_id, state, tuple(figures))
            for ref, level, alert_id, state, *figures in self.cr.fetchall()
        }

    def _sync(self, items, checked_refs):
        """Create the missing alerts of the batch, reopen, update and resolve
        the existing ones.

        :return: the new alerts (their notifications are queued by the caller)
        """
        existing = self._existing(checked_refs)
        to_create = []
        reached = set()
        updates = []  # (id, delay, baseline delay, threshold) of changed figures
        reopen = []
        for item in items:
            for level in item["levels"]:
                key = (item["ref"], str(level))
                reached.add(key)
                found = existing.get(key)
                if found is None:
                    to_create.append(self._create_vals(item, level))
                    continue
                alert_id, state, figures = found
                if state == "resolved":
                    reopen.append(alert_id)
                fresh = (item["delay"], item["baseline_delay"], item["threshold"])
                if fresh != figures:
                    updates.append((alert_id, *fresh))
        # alerts of a checked object above the level its delay reaches now
        stale = [
            alert_id
            for key, (alert_id, state, _figures) in existing.items()
            if key not in reached and state != "resolved"
        ]
        Alert = self.Alert.with_context(tracking_disable=True)
        if reopen:
            Alert.browse(reopen).write(
                {"state": "open", "resolution": False, "resolved_date": False}
            )
            self.stats["reopened"] += len(reopen)
        self._update_figures(updates)
        if stale:
            self._resolve(Alert.browse(stale), "replanned")
        return self._create(to_create)

    def _update_figures(self, updates):
        """Write the day's delays of existing alerts in one statement: these
        columns feed no computed field, so the ORM's per-value writes would
        only add queries."""
        if not updates:
            return
        columns = [list(column) for column in zip(*updates, strict=True)]
        ids, delays, baseline_delays, thresholds = columns
        self.cr.execute(
            """
            UPDATE project_flow_alert a
               SET delay_days = v.delay, delay_baseline_days = v.baseline_delay,
                   threshold = v.threshold, last_check_date = %s, write_date = %s,
                   write_uid = %s
              FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
                   AS v(id, delay, baseline_delay, threshold)
             WHERE a.id = v.id
            """,
            [self.now, self.now, self.env.uid, ids, delays, baseline_delays, thresholds],
        )
        self.Alert.invalidate_model(
            ["delay_days", "delay_baseline_days", "threshold", "last_check_date"]
        )
        self.stats["updated"] += len(updates)

    def _create_vals(self, item, level):
        return {
            "name": item["name"],
            "object_ref": item["ref"],
            "kind": item["kind"],
            "level": str(level),
            "project_id": item["project_id"],
            item["field"]: item["record_id"],
            "planned_date": item["planned"],
            "baseline_date": item["baseline"],
            "delay_days": item["delay"],
            "delay_baseline_days": item["baseline_delay"],
            "threshold": item["threshold"],
            "recipient_user_ids": [fields.Command.set(item["recipients"][level].ids)],
            "detected_date": self.now,
            "last_check_date": self.now,
        }

    def _create(self, vals_list):
        """Create the alerts; when another worker created some of them
        meanwhile (unique constraint), create only those still missing."""
        Alert = self.Alert.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        if not vals_list:
            return Alert
        for attempt in (1, 2):
            try:
                with self.cr.savepoint():
                    alerts = Alert.create(vals_list)
                    self.env.flush_all()
                self.stats["created"] += len(alerts)
                return alerts
            except psycopg2.errors.UniqueViolation:
                if attempt == 2:
                    raise
                self.env.invalidate_all()
                existing = self._existing([vals["object_ref"] for vals in vals_list])
                vals_list = [
                    vals
                    for vals in vals_list
                    if (vals["object_ref"], vals["level"]) not in existing
                ]
                self.stats["raced"] += 1
                if not vals_list:
                    break
        return Alert

    def _resolve(self, alerts, reason):
        if not alerts:
            return
        alerts.write({"state": "resolved", "resolution": reason, "resolved_date": self.now})
        self.stats["resolved"] += len(alerts)

    # -- stale alerts: objects that are no longer candidates ---------------------

    def _resolve_stale(self):
        """Resolve the open alerts whose object is done, cancelled, moved
        out of a running project or no longer past its plan (one query per
        kind, then one write per reason)."""
        self.env.flush_all()
        open_states = ("open", "acknowledged")
        self.cr.execute(
            """
            SELECT a.id,
                   CASE WHEN t.state IN %(closed)s AND t.state != '1_canceled' THEN 'done'
                        WHEN t.state = '1_canceled' OR NOT t.active OR NOT p.active
                             OR NOT p.id = ANY(%(watched)s) THEN 'cancelled'
                        ELSE 'replanned' END
              FROM project_flow_alert a
              JOIN project_task t ON t.id = a.task_id
              JOIN project_project p ON p.id = t.project_id
             WHERE a.state IN %(open)s AND a.level != '0'
               AND NOT (t.active AND t.state NOT IN %(closed)s AND t.date_deadline < %(now)s
                        AND p.id = ANY(%(watched)s))
            UNION ALL
            SELECT a.id,
                   CASE WHEN ph.state = 'done' THEN 'done'
                        WHEN ph.state = 'cancelled' OR NOT p.active
                             OR NOT p.id = ANY(%(watched)s) THEN 'cancelled'
                        ELSE 'replanned' END
              FROM project_flow_alert a
              JOIN project_flow_phase ph ON ph.id = a.phase_id
              JOIN project_project p ON p.id = ph.project_id
             WHERE a.state IN %(open)s AND a.level != '0'
               AND NOT (p.id = ANY(%(watched)s)
                        AND ((a.kind = 'phase' AND ph.state IN ('draft', 'open', 'approval')
                              AND ph.date_end < %(tomorrow)s)
                          OR (a.kind = 'phase_sla' AND ph.state IN ('open', 'approval')
                              AND ph.date_actual_start IS NOT NULL)))
            UNION ALL
            SELECT a.id,
                   CASE WHEN m.is_reached THEN 'done'
                        WHEN NOT p.active OR NOT p.id = ANY(%(watched)s) THEN 'cancelled'
                        ELSE 'replanned' END
              FROM project_flow_alert a
              JOIN project_milestone m ON m.id = a.milestone_id
              JOIN project_project p ON p.id = m.project_id
             WHERE a.state IN %(open)s AND a.level != '0'
               AND NOT (NOT m.is_reached AND m.deadline < %(tomorrow)s
                        AND p.id = ANY(%(watched)s))
            """,
            {
                "closed": tuple(CLOSED_STATES),
                "watched": self.watched_project_ids,
                "open": open_states,
                "now": self.now,
                "tomorrow": self.now.date() + timedelta(days=1),
            },
        )
        by_reason = defaultdict(list)
        for alert_id, reason in self.cr.fetchall():
            by_reason[reason].append(alert_id)
        Alert = self.Alert.with_context(tracking_disable=True)
        for reason, alert_ids in by_reason.items():
            self._resolve(Alert.browse(alert_ids), reason)
