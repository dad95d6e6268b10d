"""Benchmark: create a project from a 200-task flow template.

Compares ``project.flow.template._flow_apply`` (batched, wave-by-wave
creation) with a baseline that creates the same phases and tasks one record at
a time through the ORM, in the same run and the same database transaction
(rolled back at the end, so the database is left as it was).

Run it through ``tools/dev bench`` or directly with an Odoo 18.0 on the path::

    python benchmarks/bench_instantiate.py --odoo-home ODOO -c odoo.conf -d DB [--tasks 200]

Prints the figures and exits non-zero when the target (under 2 s and faster
than the baseline) is missed.
"""

import argparse
import datetime
import os
import sys
import time

TARGET_SECONDS = 2.0


def build_template(env, n_tasks, n_phases=10):
    """A template of ``n_phases`` phases and ``n_tasks`` task templates: a
    chain inside each phase plus a link from each phase's first task to the
    previous phase's last one."""
    Template = env["project.flow.template"]
    template = Template.create({"name": f"Benchmark template ({n_tasks} tasks)"})
    per_phase = n_tasks // n_phases
    phases = env["project.flow.template.phase"].create(
        [
            {
                "template_id": template.id,
                "name": f"Phase {p + 1}",
                "sequence": p,
                "duration": 5,
                "deliverable_ids": [
                    (0, 0, {"name": f"Report {p + 1}", "deliverable_type": "checklist"})
                ],
            }
            for p in range(n_phases)
        ]
    )
    TaskT = env["project.flow.template.task"]
    previous = None
    for p, phase in enumerate(phases):
        count = per_phase if p < n_phases - 1 else n_tasks - per_phase * (n_phases - 1)
        tasks = TaskT.create(
            [
                {
                    "phase_id": phase.id,
                    "name": f"Task {p + 1}.{i + 1}",
                    "sequence": i,
                    "duration": 2,
                }
                for i in range(count)
            ]
        )
        for before, after in zip(tasks[:-1], tasks[1:], strict=True):
            after.depend_on_ids = [(4, before.id)]
        if previous:
            tasks[0].depend_on_ids = [(4, previous.id)]
        previous = tasks[-1]
    return template


def baseline(env, template, start):
    """The same result, one record at a time: what a script calling the ORM
    naively (or a user clicking) does."""
    project = env["project.project"].create(
        {"name": "Baseline project", "allow_task_dependencies": True}
    )
    task_map = {}
    for phase in template.phase_ids:
        flow_phase = env["project.flow.phase"].create(
            {"project_id": project.id, "name": phase.name, "sequence": phase.sequence}
        )
        for task in phase.task_template_ids:
            new = env["project.task"].create(
                {
                    "name": task.name,
                    "project_id": project.id,
                    "flow_phase_id": flow_phase.id,
                    "planned_date_begin": datetime.datetime.combine(start, datetime.time(8)),
                    "date_deadline": datetime.datetime.combine(start, datetime.time(17)),
                }
            )
            for dep in task.depend_on_ids:
                new.depend_on_ids = [(4, task_map[dep.id])]
            task_map[task.id] = new.id
    env.flush_all()
    return project


def measure(env, label, func):
    cr = env.cr
    queries_before = cr.sql_log_count
    started = time.perf_counter()
    result = func()
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = cr.sql_log_count - queries_before
    print(f"{label:<44} {elapsed:8.3f} s  {queries:7d} queries")
    return result, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument(
        "--odoo-home", default=os.environ.get("ODOO_HOME"), help="Odoo 18.0 source tree"
    )
    args = parser.parse_args()
    if args.odoo_home:
        sys.path.insert(0, args.odoo_home)

    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})
        template = build_template(env, args.tasks)
        env.flush_all()
        start = datetime.date.today()
        print(f"project_flow benchmark: project from a {args.tasks}-task template")
        # warm the ORM caches and the registry once, outside the figures
        warm = env["project.project"].create({"name": "Warm-up"})
        template._flow_apply(warm, start)
        env.flush_all()
        env.invalidate_all()

        def flow_apply():
            project = env["project.project"].create({"name": "Template project"})
            template._flow_apply(project, start)
            return project

        project, t_flow = measure(env, "project_flow: _flow_apply (batched)", flow_apply)
        assert len(project.task_ids) == args.tasks, len(project.task_ids)
        env.invalidate_all()
        _base, t_base = measure(
            env, "baseline: one ORM create per record", lambda: baseline(env, template, start)
        )
        cr.rollback()
    ratio = t_base / t_flow if t_flow else float("inf")
    print(f"speed-up over baseline: {ratio:.1f}x; target: under {TARGET_SECONDS:.1f} s and faster")
    ok = t_flow < TARGET_SECONDS and t_flow < t_base
    print("RESULT:", "target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
