"""Benchmark: the delay cron over every task of a large database.

Meant for the generator's database (``tools/dev generate --tasks 100000``);
works on any project_flow database (the demo's has a few dozen tasks).
Everything happens in one transaction that is rolled back at the end.

Set-up (SQL, rolled back): every task is made open (In progress) and every
project running, and the check runs on the day after the last planned
finish, so that *every* task is late and is a candidate: the cron reads,
computes and checks all of them.  The company's threshold is set to
``--threshold`` working days (default 700; templates and phases inherit
it), so that only the oldest work
reaches level 1 and a realistic number of alerts (a few thousand, as a
backlog would give) is created and notified.

Timed, with a cold ORM cache:

1. the cron (``DelayDetector.run``) over the first 10 % of the tasks only
   (at least one batch), then rolled back to a savepoint: the queries per
   batch must not depend on the number of tasks;
2. the cron over all tasks, phases and milestones: time, queries, alerts
   created, queries per batch (detection and writing apart from the
   notifications, which cost a few queries per new alert in the outbox);
3. the same run again: nothing is created, nothing is notified;
4. the baseline: what a module without batching would do, a per-task ORM
   loop (read the task, its project's calendar and leaves, its thresholds,
   its baseline line, search its alerts, create them one by one), on a
   sample of ``--sample`` tasks, extrapolated to all of them.

Run it through ``tools/dev bench`` or directly with Odoo's Python::

    python benchmarks/bench_delay_cron.py --odoo-home ODOO -c odoo.conf -d DB \\
        [--batch 1000] [--threshold 700] [--sample 500]

Prints the figures and exits 1 when a re-run creates alerts or the
queries per batch grow with the number of tasks, 2 when the module has no
delay cron.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_data import common_arguments, open_registry  # noqa: E402


def prepare(env, threshold):
    """Every task open, every project running, the company threshold set;
    returns the moment of the check (the day after the last planned finish)."""
    cr = env.cr
    cr.execute("UPDATE project_project SET flow_state = 'running', active = true")
    cr.execute(
        "UPDATE project_task SET state = '01_in_progress', active = true "
        "WHERE state IN ('1_done', '1_canceled') OR NOT active"
    )
    cr.execute("UPDATE project_flow_phase SET state = 'open' WHERE state IN ('done', 'cancelled')")
    cr.execute("UPDATE project_milestone SET is_reached = false")
    cr.execute("DELETE FROM project_flow_alert")
    # every threshold inherits the company's (0), so that --threshold applies
    cr.execute("UPDATE project_flow_phase SET delay_threshold = 0")
    cr.execute("UPDATE project_flow_template_phase SET delay_threshold = 0")
    cr.execute("UPDATE project_flow_template SET delay_threshold = 0")
    cr.execute("SELECT max(date_deadline) FROM project_task")
    last = cr.fetchone()[0] or datetime.datetime.now()
    env.invalidate_all()
    env["res.company"].search([]).write(
        {
            "flow_delay_threshold": threshold,
            "flow_delay_level2_factor": 2.0,
            "flow_delay_level3_factor": 3.0,
        }
    )
    env.flush_all()
    cr.execute("ANALYZE project_task")
    return last + datetime.timedelta(days=1)


def detector_class(env):
    from odoo.addons.project_flow.models.flow_delay_detector import DelayDetector

    class LimitedDetector(DelayDetector):
        """The cron's run on the first ``task_limit`` tasks only (and no
        phases or milestones), to compare the cost per batch."""

        task_limit = None

        def _task_candidates(self):
            ids = super()._task_candidates()
            return ids if self.task_limit is None else ids[: self.task_limit]

        def _phase_candidates(self):
            return [] if self.task_limit is not None else super()._phase_candidates()

        def _milestone_candidates(self):
            return [] if self.task_limit is not None else super()._milestone_candidates()

    return LimitedDetector


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


def batch_figures(detector, kind="task"):
    """(batches, median queries per full task batch, max, median notify queries per alert)."""
    full = [b for b in detector.batches if b["kind"] == kind and b["size"] == detector.batch_size]
    rows = full or [b for b in detector.batches if b["kind"] == kind]
    if not rows:
        return 0, 0, 0, 0.0
    per_alert = [b["notify_queries"] / b["created"] for b in rows if b["created"]]
    return (
        len(rows),
        statistics.median(b["queries"] for b in rows),
        max(b["queries"] for b in rows),
        statistics.median(per_alert) if per_alert else 0.0,
    )


def naive_detect(env, task_ids, now):
    """The delay check written as a per-task ORM loop (same rules, same
    engine arithmetic): what batching and one calendar per run avoid."""
    from odoo.addons.project_flow.engine.delay import (
        Ladder,
        effective_threshold,
        working_days_late,
    )

    Alert = env["project.flow.alert"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )
    sponsor = env.ref("project_flow.role_sponsor")
    created = 0
    for task_id in task_ids:
        task = env["project.task"].browse(task_id)
        project = task.project_id
        company = project.company_id or env.company
        calendar = project.resource_calendar_id or company.resource_calendar_id
        tz = project._flow_calendar_tz(calendar)
        today = now.date()
        planned = project._flow_task_local_dates(task)[task.id][1]
        work = calendar._flow_work_calendar(planned, today)
        line = env["project.flow.baseline.line"].search(
            [("baseline_id", "=", project.flow_baseline_id.id), ("task_id", "=", task.id)],
            limit=1,
        )
        threshold = effective_threshold(
            task.flow_phase_id.delay_threshold,
            project.flow_template_id.delay_threshold,
            company.flow_delay_threshold,
        )
        delay = working_days_late(work, planned, today)
        levels = Ladder(
            threshold, company.flow_delay_level2_factor, company.flow_delay_level3_factor
        ).levels(delay)
        for level in levels:
            ref = f"project.task,{task.id}"
            if Alert.search_count([("object_ref", "=", ref), ("level", "=", str(level))]):
                continue
            sponsors = env["project.flow.member"].search(
                [("project_id", "=", project.id), ("role_id", "=", sponsor.id)]
            )
            recipients = task.user_ids | project.user_id | sponsors.user_id
            alert = Alert.create(
                {
                    "name": task.name,
                    "object_ref": ref,
                    "kind": "task",
                    "level": str(level),
                    "project_id": project.id,
                    "task_id": task.id,
                    "planned_date": planned,
                    "baseline_date": line.date_finish,
                    "delay_days": delay,
                    "threshold": threshold,
                    "recipient_user_ids": [(6, 0, recipients.ids)],
                }
            )
            alert._flow_queue_notifications()
            created += 1
        del tz
    return created


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--batch", type=int, default=1000, help="tasks per batch")
    parser.add_argument("--threshold", type=int, default=700, help="working days (level 1)")
    parser.add_argument("--sample", type=int, default=500, help="tasks of the naive loop")
    args = parser.parse_args()
    registry = open_registry(args)

    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "project.flow.alert" not in env:
            print("bench_delay_cron: NOT RUN - this project_flow has no project.flow.alert yet")
            return 2
        Alert = env["project.flow.alert"].sudo()
        Detector = detector_class(env)
        now = prepare(env, args.threshold)
        total_tasks = env["project.task"].search_count([])
        print(
            f"project_flow benchmark: the delay cron over {total_tasks} open tasks "
            f"(check on {now.date()}, threshold {args.threshold} working days, "
            f"batches of {args.batch})"
        )

        # 1. a tenth of the tasks (at least one batch)
        small = max(args.batch, total_tasks // 10)
        cr.execute("SAVEPOINT bench_small")
        small_detector = Detector(Alert, now, args.batch)
        small_detector.task_limit = small
        _r, t_small, q_small = measure(
            env, f"cron on the first {small} tasks only", small_detector.run
        )
        small_batches = batch_figures(small_detector)
        cr.execute("ROLLBACK TO SAVEPOINT bench_small")
        env.invalidate_all()

        # 4. the naive loop on a sample (before the full run: no alert exists yet)
        cr.execute("SAVEPOINT bench_naive")
        cr.execute("SELECT id FROM project_task WHERE date_deadline < %s ORDER BY id", [now])
        every = [row[0] for row in cr.fetchall()]
        step = max(1, len(every) // max(1, args.sample))
        sample = every[::step][: args.sample]
        naive_created, t_naive, q_naive = measure(
            env,
            f"baseline: per-task ORM loop, {len(sample)} tasks",
            lambda: naive_detect(env, sample, now),
        )
        cr.execute("ROLLBACK TO SAVEPOINT bench_naive")
        env.invalidate_all()

        # 2. the full run
        detector = Detector(Alert, now, args.batch)
        stats, t_full, q_full = measure(env, "cron on every task, phase, milestone", detector.run)
        full_batches = batch_figures(detector)
        # 3. again
        again = Detector(Alert, now, args.batch)
        stats2, t_again, q_again = measure(env, "the same run again", again.run)
        cr.rollback()

    checked = stats.get("checked", 0)
    print()
    print(f"first run:  checked {checked}, created {stats.get('created', 0)} alerts")
    print(
        f"second run: created {stats2.get('created', 0)} alerts, updated {stats2.get('updated', 0)}"
    )
    n_small, med_small, max_small, _ = small_batches
    n_full, med_full, max_full, per_alert = full_batches
    print(
        f"queries per task batch of {args.batch} (detection and writing): "
        f"{small} tasks: median {med_small}, max {max_small} over {n_small} batches; "
        f"{total_tasks} tasks: median {med_full}, max {max_full} over {n_full} batches"
    )
    print(f"notifications: {per_alert:.1f} queries per new alert (outbox, per alert)")
    again_batches = batch_figures(again)
    print(f"second run: median {again_batches[1]} queries per batch, max {again_batches[2]}")
    per_task_naive = t_naive / len(sample) if sample else 0.0
    extrapolated = per_task_naive * total_tasks
    print(
        f"naive loop: {naive_created} alerts for {len(sample)} tasks in {t_naive:.2f} s, "
        f"{q_naive} queries ({q_naive / max(1, len(sample)):.1f} per task); "
        f"extrapolated to {total_tasks} tasks: {extrapolated:.0f} s "
        f"(a sample spread over all tasks: every {step}th)"
    )
    print(
        f"cron: {t_full:.1f} s for {checked} objects ({1000 * t_full / max(1, checked):.2f} ms "
        f"each), re-run {t_again:.1f} s, {q_again} queries"
    )
    ok = stats2.get("created", 0) == 0 and med_full <= med_small * 1.25 + 5
    print("RESULT:", "target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
