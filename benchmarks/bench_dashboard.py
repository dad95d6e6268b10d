"""Benchmark: the KPI dashboard's data (``project.flow.dashboard.get_data``)
on a large database, against a naive record loop computing the same KPIs.

Meant for the generator's database (``tools/dev generate --tasks 100000``;
a copy such as ``createdb -T pf_health_scale pf_kpi_scale`` of a generated
database will do); works on any project_flow database. Nothing is written:
the transaction is rolled back at the end.

Timed, each with a cold ORM cache:

1. ``get_data`` for the period (default: the month of the latest closing
   date), ``--runs`` times: median and best server time, queries per call;
   then the same with a department filter;
2. the naive loop: every task of the flow projects browsed and its KPIs
   added up in Python (completion, on-time, tasks and people, delivery
   cycle, rework, defects), then the milestones and the alerts, as a
   straightforward implementation would. Its figures are checked against
   ``get_data``'s.

Run it with Odoo's Python::

    python benchmarks/bench_dashboard.py --odoo-home ODOO -c odoo.conf -d DB \\
        [--runs 7] [--date YYYY-MM-DD] [--period month]

Exits 1 when the naive loop and ``get_data`` disagree, 2 when the module has
no dashboard. Prints ``PASS``/``OVER`` against the 300 ms target.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_data import common_arguments, open_registry  # noqa: E402

TARGET_MS = 300.0


def timed(env, func):
    env.invalidate_all()
    cr = env.cr
    before = cr.sql_log_count
    started = time.perf_counter()
    result = func()
    elapsed = (time.perf_counter() - started) * 1000.0
    return result, elapsed, cr.sql_log_count - before


def naive(env, kind, day):
    """The task, milestone and alert KPIs of the period and the previous
    one, record by record (ORM reads, Python sums)."""
    import pytz

    from odoo.addons.project_flow.engine import kpi

    start, end = kpi.period_bounds(kind, day)
    pstart, pend = kpi.previous_bounds(kind, day)
    tz = pytz.timezone(env.company.resource_calendar_id.tz or "UTC")

    def local(value):
        return value and pytz.utc.localize(value).astimezone(tz).date()

    def period(d):
        if not d:
            return None
        if start <= d <= end:
            return "cur"
        if pstart <= d <= pend:
            return "prev"
        return None

    defect_tags = env["project.tags"].search(
        [
            "|",
            "|",
            ("name", "=ilike", "%defect%"),
            ("name", "=ilike", "%bug%"),
            ("name", "=ilike", "%缺陷%"),
        ]
    )
    projects = (
        env["project.project"]
        .with_context(active_test=False)
        .search(
            [
                "|",
                ("flow_template_id", "!=", False),
                ("company_id.flow_require_initiation", "=", True),
            ]
        )
    )
    acc = {
        p: {
            "due": 0,
            "due_done": 0,
            "ot": 0,
            "ot_ok": 0,
            "closed": 0,
            "people": set(),
            "cycle": 0.0,
            "rework": 0,
            "defect": 0,
        }
        for p in ("cur", "prev")
    }
    for task in env["project.task"].search([("project_id", "in", projects.ids)]):
        deadline, done = local(task.date_deadline), None
        if task.state == "1_done":
            done = local(task.date_end)
        if task.state != "1_canceled" and (p := period(deadline)):
            acc[p]["due"] += 1
            acc[p]["due_done"] += task.state == "1_done"
        if p := period(done):
            a = acc[p]
            a["closed"] += 1
            a["people"].update(task.user_ids.ids)
            a["cycle"] += (task.date_end - task.create_date).total_seconds() / 86400.0
            if deadline:
                a["ot"] += 1
                a["ot_ok"] += done <= deadline
        if p := period(done or deadline or local(task.create_date)):
            acc[p]["rework"] += task.flow_reopen_count + task.flow_stage_regression_count
            acc[p]["defect"] += bool(
                task.tag_ids & (defect_tags | task.project_id.company_id.flow_health_defect_tag_id)
            )
    result = {}
    for p, a in acc.items():
        result[p] = {
            "completion_rate": kpi.rate(a["due_done"], a["due"]),
            "on_time_rate": kpi.rate(a["ot_ok"], a["ot"]),
            "output_tasks": kpi.ratio(a["closed"], len(a["people"]), 1),
            "cycle_days_task": round(a["cycle"] / a["closed"], 1) if a["closed"] else None,
            "rework_count": a["rework"],
            "defect_count": a["defect"],
        }
    milestones, alerts = naive_milestones_alerts(env, projects, period, local)
    for p in ("cur", "prev"):
        result[p]["milestone_hit_rate"] = kpi.rate(*milestones[p])
        result[p]["alert_count"] = alerts[p][0]
        result[p]["alert_response_hours"] = (
            round(alerts[p][1] / alerts[p][2], 1) if alerts[p][2] else None
        )
    return result


def naive_milestones_alerts(env, projects, period, local):
    """Milestones hit / measured and alerts (count, response hours, answered) per period."""
    milestones = {"cur": [0, 0], "prev": [0, 0]}
    for m in env["project.milestone"].search([("project_id", "in", projects.ids)]):
        if m.flow_achievement not in ("on_time", "late", "missed"):
            continue
        if p := period(m.reached_date if m.is_reached else m.deadline):
            milestones[p][0] += m.flow_achievement == "on_time"
            milestones[p][1] += 1
    alerts = {"cur": [0, 0.0, 0], "prev": [0, 0.0, 0]}
    for alert in env["project.flow.alert"].search([("project_id", "in", projects.ids)]):
        if p := period(local(alert.detected_date)):
            alerts[p][0] += 1
            answered = alert.acknowledged_date or alert.resolved_date
            if answered:
                alerts[p][1] += (answered - alert.detected_date).total_seconds() / 3600.0
                alerts[p][2] += 1
    return milestones, alerts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--runs", type=int, default=7, help="get_data calls timed")
    parser.add_argument("--period", default="month")
    parser.add_argument("--date", type=datetime.date.fromisoformat, default=None)
    args = parser.parse_args()
    registry = open_registry(args)

    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "project.flow.dashboard" not in env:
            print("bench_dashboard: NOT RUN - this project_flow has no KPI dashboard yet")
            return 2
        Dashboard = env["project.flow.dashboard"]
        day = args.date
        if not day:
            cr.execute("SELECT max(date_end)::date FROM project_task WHERE state = '1_done'")
            day = cr.fetchone()[0] or datetime.date.today()
        cr.execute("SELECT count(*) FROM project_flow_kpi_task")
        rows = cr.fetchone()[0]
        filters = {"period": args.period, "date": str(day)}
        print(
            f"project_flow benchmark: dashboard data of {rows} tasks of flow projects "
            f"({args.period} of {day}, {args.runs} runs, target {TARGET_MS:.0f} ms)"
        )
        data, first_ms, _q = timed(env, lambda: Dashboard.get_data(filters))
        times, queries = [], 0
        for _i in range(args.runs):
            _d, ms, queries = timed(env, lambda: Dashboard.get_data(filters))
            times.append(ms)
        median = statistics.median(times)
        print(f"{'get_data, first call (warm-up)':<52} {first_ms:9.1f} ms")
        print(
            f"{'get_data, median / best of ' + str(args.runs):<52} {median:9.1f} ms"
            f" / {min(times):.1f} ms  {queries} queries"
        )
        dept = (data["options"]["departments"] or [[None]])[0][0]
        if dept:
            dtimes = []
            for _i in range(max(3, args.runs // 2)):
                _d, ms, _q = timed(
                    env, lambda: Dashboard.get_data(dict(filters, department_ids=[dept]))
                )
                dtimes.append(ms)
            print(f"{'get_data, one department, median':<52} {statistics.median(dtimes):9.1f} ms")

        result, naive_ms, naive_q = timed(env, lambda: naive(env, args.period, day))
        print(f"{'naive record loop (same KPIs)':<52} {naive_ms:9.1f} ms  {naive_q} queries")
        print(f"{'speed-up (naive / get_data median)':<52} {naive_ms / median:9.1f} x")
        status = 0
        by_key = {k["key"]: k for k in data["kpis"]}
        for key in result["cur"]:
            ours = (by_key[key]["value"], by_key[key]["previous"])
            theirs = (result["cur"][key], result["prev"][key])
            same = all(
                (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 0.11)
                for a, b in zip(ours, theirs, strict=True)
            )
            print(
                f"  {key:<24} get_data {ours!s:<22} naive {theirs!s:<22} {'ok' if same else 'DIFF'}"
            )
            status = status if same else 1
        verdict = "PASS" if median < TARGET_MS else "OVER"
        print(f"target {TARGET_MS:.0f} ms server time: {verdict} (median {median:.1f} ms)")
        cr.rollback()
        return status


if __name__ == "__main__":
    sys.exit(main())
