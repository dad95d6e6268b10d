"""Benchmark: delay-risk scoring of every open task of a large database.

Meant for the generator's database (``tools/dev generate --tasks 100000``);
works on any project_flow database (the demo's has a few dozen tasks).
Everything happens in one transaction that is rolled back at the end.

Set-up (SQL, rolled back): the per-person history (slip rates, estimate
accuracy, overdue counts) is read first from the database as generated, so
the scores use the real closed tasks; then every task is made open (In
progress) and every project running, so that *every* task is scored.

Timed, with a cold ORM cache:

1. the scoring (``RiskScorer.run``, with the level-0 alerts) over the first
   10 % of the tasks only (at least one batch), rolled back to a savepoint:
   the queries per batch must not depend on the number of tasks;
2. the scoring over all tasks: time, queries, queries per batch of 1,000,
   level-0 alerts created;
3. the same run again: no task gets a second alert;
4. the baseline: the same features written as a per-task ORM loop (search
   the assignees' overdue and closed tasks, the check-ins, the links, score,
   write), on a sample of ``--sample`` tasks, extrapolated to all of them.

Run it through ``tools/dev bench`` or directly with Odoo's Python::

    python benchmarks/bench_risk_scoring.py --odoo-home ODOO -c odoo.conf -d DB \\
        [--batch 1000] [--sample 300] [--level 90]

Exits 1 when a task has two level-0 alerts or the queries per batch grow with the
number of tasks, 2 when the module has no risk scoring.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_data import common_arguments, open_registry  # noqa: E402


def prepare(env, level):
    """Every task open, every project running, the company's risk level set."""
    cr = env.cr
    cr.execute("UPDATE project_project SET flow_state = 'running', active = true")
    cr.execute(
        "UPDATE project_task SET state = '01_in_progress', active = true "
        "WHERE state IN ('1_done', '1_canceled') OR NOT active"
    )
    cr.execute("DELETE FROM project_flow_alert WHERE level = '0'")
    env.invalidate_all()
    env["res.company"].search([]).write({"flow_risk_alert_level": level})
    env.flush_all()
    cr.execute("ANALYZE project_task")


def measure(env, label, func):
    """Run ``func`` with a cold ORM cache; print and return (result, seconds, queries)."""
    env.invalidate_all()
    cr = env.cr
    queries_before = cr.sql_log_count
    started = time.perf_counter()
    result = func()
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = cr.sql_log_count - queries_before
    print(f"{label:<52} {elapsed:8.2f} s  {queries:8d} queries")
    return result, elapsed, queries


def batch_figures(scorer):
    full = [b for b in scorer.batches if b["size"] == scorer.batch_size] or scorer.batches
    if not full:
        return 0, 0, 0
    return len(full), statistics.median(b["queries"] for b in full), max(b["queries"] for b in full)


def naive_score(env, task_ids, today):
    """The scoring written as a per-task ORM loop (same features, same
    engine): what batching and the per-run history avoid."""
    from odoo.addons.project.models.project_task import CLOSED_STATES
    from odoo.addons.project_flow.engine import risk

    Task = env["project.task"]
    now = datetime.datetime.combine(today, datetime.time(12))
    for task_id in task_ids:
        task = Task.browse(task_id)
        project = task.project_id
        calendar = project.resource_calendar_id or env.company.resource_calendar_id
        start, finish = project._flow_task_local_dates(task)[task.id]
        start = start or today
        work = calendar._flow_work_calendar(min(start, today), max(finish or today, today))
        overdue = slip = accuracy = None
        for user in task.user_ids:
            overdue = max(
                overdue or 0,
                Task.search_count(
                    [
                        ("user_ids", "in", user.ids),
                        ("state", "not in", list(CLOSED_STATES)),
                        ("date_deadline", "<", now),
                    ]
                ),
            )
            closed = Task.search_read(
                [("user_ids", "in", user.ids), ("state", "=", "1_done")],
                ["date_end", "date_deadline", "effective_hours", "allocated_hours"],
            )
            late = sum(
                1
                for t in closed
                if t["date_end"] and t["date_deadline"] and t["date_end"] > t["date_deadline"]
            )
            slip = max(slip or 0.0, risk.slip_rate(late, len(closed)))
            allocated = sum(t["allocated_hours"] for t in closed)
            if allocated:
                accuracy = sum(t["effective_hours"] for t in closed) / allocated
        blocked = env["project.flow.checkin"].search_count(
            [("task_id", "=", task.id), ("has_blockers", "=", True)]
        )
        links = env["project.task.link"].search([("successor_id", "=", task.id)])
        predecessor = max(links.predecessor_id.mapped("flow_risk_score") or [0]) / 100.0
        features = risk.make_features(
            elapsed_days=max(0, work.offset(start, today)) if start <= today else 0,
            duration_days=task.flow_duration,
            progress=task.flow_progress / 100.0,
            float_days=task.flow_total_float,
            assignee_overdue=overdue or 0,
            assignee_slip_rate=slip,
            kind_slip_rate=None,
            estimate_accuracy=accuracy,
            blocked_days=blocked,
            predecessor_risk=predecessor,
        )
        result = risk.score(features)
        task.write(
            {
                "flow_risk_score": result.score,
                "flow_risk_reasons": [{"code": r.code, "params": r.params} for r in result.reasons],
                "flow_risk_source": result.source,
            }
        )
        env.flush_all()
    return len(task_ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--batch", type=int, default=1000, help="tasks per batch")
    parser.add_argument("--sample", type=int, default=300, help="tasks of the naive loop")
    parser.add_argument("--level", type=int, default=90, help="at-risk alert level")
    args = parser.parse_args()
    registry = open_registry(args)

    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "flow_risk_score" not in env["project.task"]._fields:
            print("bench_risk_scoring: NOT RUN - this project_flow has no risk scoring yet")
            return 2
        from odoo.addons.project_flow.models.flow_risk_scorer import RiskScorer

        cr.execute("SELECT max(date_deadline)::date FROM project_task")
        today = cr.fetchone()[0] or datetime.date.today()
        # the history as generated (closed tasks), read before everything is reopened
        history = RiskScorer(env, today=today, batch_size=args.batch)
        _people, t_people, q_people = measure(
            env, "per-person history (once per run)", history.people
        )
        people = history._people
        prepare(env, args.level)

        def scorer():
            new = RiskScorer(env, today=today, batch_size=args.batch)
            new._people = people
            return new

        ids = scorer().open_task_ids()
        total = len(ids)
        print(
            f"project_flow benchmark: delay-risk scoring of {total} open tasks "
            f"(as of {today}, batches of {args.batch}, alert level {args.level})"
        )
        # 1. a tenth of the tasks
        small = max(args.batch, total // 10)
        cr.execute("SAVEPOINT bench_small")
        small_scorer = scorer()
        measure(
            env,
            f"scoring (with alerts) of the first {small} tasks only",
            lambda: small_scorer.run(ids[:small]),
        )
        small_batches = batch_figures(small_scorer)
        cr.execute("ROLLBACK TO SAVEPOINT bench_small")
        env.invalidate_all()

        # 4. the naive loop on a sample
        cr.execute("SAVEPOINT bench_naive")
        step = max(1, total // max(1, args.sample))
        sample = ids[::step][: args.sample]
        _n, t_naive, q_naive = measure(
            env,
            f"baseline: per-task ORM loop, {len(sample)} tasks",
            lambda: naive_score(env, sample, today),
        )
        cr.execute("ROLLBACK TO SAVEPOINT bench_naive")
        env.invalidate_all()

        # 2. the full run: scoring, then the level-0 alerts; 3. again
        full = scorer()
        stats, t_full, q_full = measure(
            env, "scoring of every open task (no alerts)", lambda: full.run(ids, alerts=False)
        )
        full_batches = batch_figures(full)
        _c, t_alerts, q_alerts = measure(env, "level-0 alerts (create + outbox)", full.sync_alerts)
        stats.update(full.stats)
        again = scorer()
        stats2, t_again, q_again = measure(env, "the same run again", lambda: again.run(ids))
        cr.execute(
            "SELECT count(*), count(DISTINCT task_id) FROM project_flow_alert WHERE level = '0'"
        )
        n_alerts, n_alert_tasks = cr.fetchone()
        cr.execute(
            "SELECT width_bucket(flow_risk_score, 0, 101, 5), count(*) "
            "FROM project_task GROUP BY 1 ORDER BY 1"
        )
        buckets = cr.fetchall()
        cr.rollback()

    print()
    print(f"history: {t_people:.2f} s, {q_people} queries (once per run)")
    print(
        f"first run: scored {stats.get('scored', 0)}, level-0 alerts created "
        f"{stats.get('alerts_created', 0)}; second run: created {stats2.get('alerts_created', 0)}"
    )
    n_small, med_small, max_small = small_batches
    n_full, med_full, max_full = full_batches
    print(
        f"queries per batch of {args.batch}: {small} tasks: median {med_small}, max {max_small} "
        f"over {n_small} batches; {total} tasks: median {med_full}, max {max_full} over "
        f"{n_full} batches"
    )
    labels = {1: "0-19", 2: "20-39", 3: "40-59", 4: "60-79", 5: "80-100"}
    print("score distribution:", ", ".join(f"{labels.get(b, b)}: {c}" for b, c in buckets))
    print(
        f"level-0 alerts: {t_alerts:.1f} s, {q_alerts} queries for "
        f"{stats.get('alerts_created', 0)} alerts; after the re-run {n_alerts} alerts on "
        f"{n_alert_tasks} tasks (the re-run creates only those of tasks newly above the level: "
        f"predecessor risk comes from the previous run)"
    )
    per_task = t_naive / len(sample) if sample else 0.0
    print(
        f"naive loop: {len(sample)} tasks in {t_naive:.2f} s, {q_naive} queries "
        f"({q_naive / max(1, len(sample)):.1f} per task); extrapolated to {total} tasks: "
        f"{per_task * total:.0f} s, {q_naive / max(1, len(sample)) * total:.0f} queries"
    )
    print(
        f"batch scoring: {t_full:.1f} s for {total} tasks ({1000 * t_full / max(1, total):.2f} ms "
        f"each), {q_full} queries; re-run with alerts {t_again:.1f} s, {q_again} queries"
    )
    ok = n_alerts == n_alert_tasks and med_full <= med_small * 1.25 + 5
    print("RESULT:", "target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
