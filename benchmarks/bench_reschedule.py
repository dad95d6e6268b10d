"""Benchmark: reschedule a 2,000-task project in Odoo, end to end.

Builds, inside one transaction that is rolled back at the end, two identical
flow projects of 2,000 tasks and about 3,000 links of the four types with
lags (``benchmarks/generate_data.py``: a flow template applied with
``_flow_apply``, extra tasks in every phase, ``project.task.link`` records,
one first schedule).  Then the project's first critical task is moved three
working days later (a "start no earlier than" constraint, as when a user
drags it), so that most of the project moves, and this is timed:

- ``project._flow_reschedule()`` on the first project: read the project,
  run the engine (forward and backward pass, floats, critical path), write
  back the planned windows and the computed fields that changed.  Three
  rounds, the task moving three more days each time (every round moves most
  tasks), with a cold ORM cache; the best round counts.
- The baseline, once, on the second project with the task moved as far:
  what a module without the engine would do, a per-task ORM loop over the
  tasks in topological order that, for each task, reads it and its incoming
  links (with the predecessors' current dates) and writes its new early
  dates, with the same rules (link types and lags, phases one after the
  other, working days of the project's calendar).  It computes early dates
  only (no late dates, floats or critical path).

Both plans are then compared task by task.  Run it through ``tools/dev
bench`` or directly with Odoo's Python::

    python benchmarks/bench_reschedule.py --odoo-home ODOO -c odoo.conf -d DB \\
        [--tasks 2000] [--links 3000] [--seed 7]

Prints the times, query counts and the ratio; exits 1 when the target
(under 1.5 s and faster than the baseline) is missed, 2 when the module has
no ``project.project._flow_reschedule`` (or no ``project.task.link``) yet.
"""

import argparse
import datetime
import os
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_data import (  # noqa: E402
    Generator,
    ProjectPlan,
    common_arguments,
    open_registry,
)

TARGET_SECONDS = 1.5
SLIP_DAYS = 3
ROUNDS = 3
TEMPLATE_CODE = "PFGEN-ONB"


def build_project(env, seed, n_tasks, n_links, today, name):
    """One draft project of ``n_tasks`` tasks and about ``n_links`` links,
    planned once; the same ``seed`` gives the same project."""
    gen = Generator(env, seed=seed, today=today, verbose=False)
    gen.setup(people=60)
    template = next(t for t in gen.templates if t.code == TEMPLATE_CODE)
    template_links = sum(len(t.depend_on_ids) for t in template.task_template_ids)
    extra = n_tasks - len(template.task_template_ids)
    plan = ProjectPlan(
        name=name,
        template=template,
        size=n_tasks,
        state="draft",
        start=today,
        # an extra task has no predecessor 6 % of the time
        links_per_task=(n_links - template_links) / (0.94 * extra),
        subtask_share=0.0,
        constraint_share=0.0,
        slips=False,
        timesheets=False,
    )
    [info] = gen.build([plan])
    env.flush_all()
    return info.record.with_env(env)


def first_critical_task(env, project):
    """The critical task that starts first (the one whose slip moves the
    rest of the project); its position among the project's tasks."""
    tasks = env["project.task"].search([("project_id", "=", project.id)], order="id")
    critical = tasks.filtered("flow_critical") or tasks
    first = min(critical, key=lambda t: (t.flow_early_start or datetime.date.max, t.id))
    return list(tasks).index(first)


def move_task(env, project, position, day):
    """Make the task at ``position`` start no earlier than ``day``, as a
    typed start date does (a "start no earlier than" constraint), without
    rescheduling yet; returns the task."""
    from odoo.addons.project_flow.models.flow_schedule_guard import scheduler

    task = env["project.task"].search([("project_id", "=", project.id)], order="id")[position]
    scheduler(task).write({"flow_constraint_type": "start_no_earlier", "flow_constraint_date": day})
    env.flush_all()
    return task


class NaiveScheduler:
    """The baseline: early dates task by task through the ORM.

    Same rules as ``project.project._flow_reschedule`` for a project without
    subtasks, pinned tasks or links to other projects: every task starts at
    the latest of the project start, its "start no earlier than" date and
    what each incoming link requires (FS/SS/FF/SF with lag, in working days);
    phases run one after the other: a phase's gate waits for its bar (its
    planned duration) and its tasks, and the next phase's bar and its tasks
    without a predecessor in their own phase start after that gate.
    """

    def __init__(self, env, project, calendar, tz):
        from odoo.addons.project_flow.models.flow_schedule_guard import scheduler

        self.env = env
        self.project = project
        self.calendar = calendar
        self.tz = tz
        self.origin = calendar.next_working_day(project.date_start)
        self.Task = scheduler(env["project.task"])
        self.Link = env["project.task.link"]
        self.window = project._flow_window_converter()

    def index(self, moment):
        return self.calendar.offset(self.origin, self._local(moment))

    def _local(self, moment):
        import pytz

        return pytz.utc.localize(moment).astimezone(self.tz).date()

    def order(self):
        """Phases in sequence and, in each, the tasks in topological order
        (one query for the tasks, one for the links)."""
        tasks = self.Task.search_read(
            [("project_id", "=", self.project.id)], ["flow_phase_id"], order="id", load=None
        )
        phase_of = {row["id"]: row["flow_phase_id"] for row in tasks}
        links = self.Link.search_read(
            [("project_id", "=", self.project.id)], ["predecessor_id", "successor_id"], load=None
        )
        phases = self.env["project.flow.phase"].search_read(
            [("project_id", "=", self.project.id), ("state", "!=", "cancelled")],
            ["duration"],
            order="sequence, id",
            load=None,
        )
        successors = defaultdict(list)
        indegree = dict.fromkeys(phase_of, 0)
        for link in links:
            successors[link["predecessor_id"]].append(link["successor_id"])
            indegree[link["successor_id"]] += 1
        ready = [task_id for task_id in phase_of if not indegree[task_id]]
        order = []
        while ready:
            task_id = ready.pop(0)
            order.append(task_id)
            for succ in successors[task_id]:
                indegree[succ] -= 1
                if not indegree[succ]:
                    ready.append(succ)
        rank = {row["id"]: n for n, row in enumerate(phases)}
        position = {task_id: n for n, task_id in enumerate(order)}
        order.sort(key=lambda task_id: (rank.get(phase_of[task_id], -1), position[task_id]))
        return phases, phase_of, order

    def run(self):
        phases, phase_of, order = self.order()
        duration_of = {row["id"]: row["duration"] for row in phases}
        gate = {}
        previous_gate, current_phase = 0, None
        for task_id in order:
            phase_id = phase_of[task_id]
            if phase_id != current_phase:
                if current_phase in duration_of:
                    previous_gate = gate[current_phase]
                current_phase = phase_id
                if phase_id in duration_of:
                    gate[phase_id] = previous_gate + duration_of[phase_id]
            end = self.reschedule_task(task_id, phase_of, previous_gate)
            if phase_id in gate:
                gate[phase_id] = max(gate[phase_id], end)
        return len(order)

    def reschedule_task(self, task_id, phase_of, previous_gate):
        """One read (the task and its incoming links), one write."""
        task = self.Task.browse(task_id)
        [row] = task.read(
            [
                "flow_duration",
                "planned_date_begin",
                "date_deadline",
                "flow_constraint_type",
                "flow_constraint_date",
            ],
            load=None,
        )
        links = self.Link.search_read(
            [("successor_id", "=", task_id)],
            [
                "predecessor_id",
                "link_type",
                "lag",
                "predecessor_date_begin",
                "predecessor_date_deadline",
            ],
            load=None,
        )
        duration = self.duration(row)
        start = 0
        if not any(phase_of.get(link["predecessor_id"]) == phase_of[task_id] for link in links):
            start = previous_gate
        if row["flow_constraint_type"] == "start_no_earlier" and row["flow_constraint_date"]:
            start = max(start, self.calendar.offset(self.origin, row["flow_constraint_date"]))
        for link in links:
            pred_start = self.index(link["predecessor_date_begin"])
            pred_end = self.index(link["predecessor_date_deadline"]) + 1
            if link["predecessor_date_deadline"] == link["predecessor_date_begin"]:
                pred_end = pred_start  # a milestone
            start = max(start, required_start(link, pred_start, pred_end, duration))
        first = self.calendar.shift(self.origin, start)
        last = self.calendar.shift(self.origin, start + duration - 1) if duration else first
        begin, end = self.window(first, last if duration else None)
        task.write(
            {
                "planned_date_begin": begin,
                "date_deadline": end,
                "flow_early_start": first,
                "flow_early_finish": last,
            }
        )
        self.env.flush_all()
        return start + duration

    def duration(self, row):
        """``flow_duration``; when 0, the working days of the planned window,
        else a milestone (as the scheduler does)."""
        if row["flow_duration"] > 0:
            return row["flow_duration"]
        begin, end = row["planned_date_begin"], row["date_deadline"]
        if begin and end and end > begin:
            return max(1, self.calendar.working_days_between(self._local(begin), self._local(end)))
        return 0


def required_start(link, pred_start, pred_end, duration):
    """Earliest start a link allows (``engine/schedule.py``'s rules)."""
    lag = link["lag"]
    kind = link["link_type"]
    if kind == "FS":
        return pred_end + lag
    if kind == "SS":
        return pred_start + lag
    if kind == "FF":
        return pred_end + lag - duration
    return pred_start + lag - duration


def measure(env, label, func):
    """Run ``func`` with a cold ORM cache; print and return (result, seconds)."""
    env.invalidate_all()
    cr = env.cr
    queries_before = cr.sql_log_count
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = func()
    env.flush_all()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    queries = cr.sql_log_count - queries_before
    print(f"{label:<46} {elapsed:8.3f} s  {queries:7d} queries  ({cpu:.3f} s CPU in Python)")
    return result, elapsed


def plan_of(env, project):
    """(planned window, early dates) of every task of ``project``, by id order."""
    return [
        (row["planned_date_begin"], row["date_deadline"], row["flow_early_start"])
        for row in env["project.task"].search_read(
            [("project_id", "=", project.id)],
            ["planned_date_begin", "date_deadline", "flow_early_start"],
            order="id",
            load=None,
        )
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--links", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    registry = open_registry(args)

    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Project = env["project.project"]
        if not hasattr(Project, "_flow_reschedule") or "project.task.link" not in env:
            print(
                "bench_reschedule: NOT RUN - this project_flow has no "
                "project.project._flow_reschedule (or no project.task.link) yet"
            )
            return 2
        print(
            f"project_flow benchmark: reschedule a {args.tasks}-task project "
            f"(~{args.links} links) end to end"
        )
        today = datetime.date.today()
        started = time.perf_counter()
        # warm the registry, the ORM and the scheduler's code paths once
        warm = build_project(env, args.seed + 1, 120, 150, today, "Warm-up")
        warm._flow_reschedule()
        engine_project = build_project(env, args.seed, args.tasks, args.links, today, "Engine")
        naive_project = build_project(env, args.seed, args.tasks, args.links, today, "Baseline")
        links = env["project.task.link"].search_count([("project_id", "=", engine_project.id)])
        print(
            f"built 2 projects of {len(engine_project.task_ids)} tasks and {links} links "
            f"each in {time.perf_counter() - started:.1f} s"
        )
        calendar = engine_project.resource_calendar_id._flow_work_calendar(
            today - datetime.timedelta(days=60), today + datetime.timedelta(days=3 * 366)
        )
        position = first_critical_task(env, engine_project)
        first = env["project.task"].search([("project_id", "=", engine_project.id)], order="id")[
            position
        ]
        start = first.flow_early_start
        print(f"first critical task: {first.name!r}, starting {start}")
        # Each round moves it SLIP_DAYS working days further, so that each
        # reschedule moves most of the project; the best round counts.
        times = []
        for round_number in range(1, ROUNDS + 1):
            day = calendar.shift(start, SLIP_DAYS * round_number)
            move_task(env, engine_project, position, day)
            stats, elapsed = measure(
                env,
                f"project_flow: _flow_reschedule(), round {round_number}",
                engine_project._flow_reschedule,
            )
            times.append(elapsed)
        stats = stats[engine_project.id]
        t_engine = min(times)
        move_task(env, naive_project, position, day)
        tz = engine_project._flow_schedule_tz()
        naive = NaiveScheduler(env, naive_project, calendar, tz)
        _count, t_naive = measure(
            env, f"baseline: per-task ORM loop (moved {SLIP_DAYS * ROUNDS} days)", naive.run
        )

        engine_plan, naive_plan = plan_of(env, engine_project), plan_of(env, naive_project)
        differ = sum(1 for a, b in zip(engine_plan, naive_plan, strict=True) if a != b)
        conflicts = env["project.task"].search_count(
            [("project_id", "=", engine_project.id), ("flow_schedule_conflict", "!=", False)]
        )
        print(
            f"tasks moved: {stats['moved']} of {len(engine_plan)}; tasks with a schedule "
            f"conflict: {conflicts}; tasks planned differently by the two: {differ}"
        )
        cr.rollback()

    ratio = t_naive / t_engine if t_engine else float("inf")
    print(
        f"_flow_reschedule(): {t_engine:.3f} s (best of {ROUNDS}); baseline {t_naive:.3f} s; "
        f"speed-up {ratio:.1f}x; target: under {TARGET_SECONDS:.1f} s and faster than the "
        "baseline"
    )
    ok = t_engine < TARGET_SECONDS and t_engine < t_naive
    if differ:
        print(f"WARNING: {differ} tasks planned differently by the engine and the baseline")
    print("RESULT:", "target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
