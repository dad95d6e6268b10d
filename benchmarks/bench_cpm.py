"""Benchmark: the critical-path scheduler against a networkx forward/backward pass.

Generates a deterministic random project (10,000 activities, 30,000 links of
every type with positive and negative lags, milestones, a few "start no
earlier than" and "finish no later than" constraints) on a Monday-to-Friday
calendar with ten holidays a year, then times, best of 5 (CPU time, garbage
collector off as in ``timeit``, the two taking turns, after one untimed round):

- ``engine.schedule.schedule()`` (validation, both passes, floats, critical
  path, conflicts, ``Timing`` objects);
- a baseline built on networkx: ``DiGraph`` + ``topological_sort`` + the same
  four link rules, bounds and calendar conversions, computing early and late
  dates only.

Both must give the same early and late dates. Plain Python, no Odoo; run it
from the repository root with a Python that has networkx
(``pip install -r tools/requirements-bench.txt``)::

    python benchmarks/bench_cpm.py [--activities 10000] [--links 30000] [--seed 18]

Prints both times and the ratio; exits 1 when the engine is not at least
``TARGET_RATIO`` times faster than the baseline (or the dates differ).
"""

import argparse
import gc
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Import the engine from this checkout as the top-level package ``engine``:
# the repository root's __init__.py (which imports odoo) is never loaded.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.calendar import WorkCalendar  # noqa: E402
from engine.schedule import FF, FS, SF, SS, Activity, Link, schedule  # noqa: E402

TARGET_RATIO = 2.0
PROJECT_START = date(2026, 1, 5)
TYPES = (FS,) * 14 + (SS,) * 3 + (FF,) * 2 + (SF,)


def make_calendar(rng, years=10):
    """Monday to Friday with ten holidays (on weekdays) a year."""
    holidays = set()
    for year in range(PROJECT_START.year, PROJECT_START.year + years):
        first = date(year, 1, 1)
        chosen = set()
        while len(chosen) < 10:
            day = first + timedelta(days=rng.randrange(365))
            if day.weekday() < 5:
                chosen.add(day)
        holidays |= chosen
    return WorkCalendar(holidays=sorted(holidays))


def make_project(n_activities, n_links, seed, width=100):
    """Activities in ``n_activities / width`` waves of ``width``; each link goes from one
    wave to one of the next three (so the project is a DAG, three and a half years long
    by default), and activities and links are shuffled so the input is in no useful
    order. Asking for more links than fit gives fewer."""
    rng = random.Random(seed)
    width = max(1, min(width, n_activities // 10))
    calendar = make_calendar(rng)
    activities = []
    for i in range(n_activities):
        wave = i // width
        duration = 0 if rng.random() < 0.05 else rng.randint(1, 10)
        snet = fnlt = None
        if rng.random() < 0.02:
            snet = PROJECT_START + timedelta(days=int(wave * 12 * rng.uniform(0.5, 0.95)))
        if rng.random() < 0.01:
            fnlt = PROJECT_START + timedelta(days=int((wave + 1) * 13 * rng.uniform(0.9, 1.6)))
        activities.append(
            Activity(i, f"Task {i}", duration, start_no_earlier=snet, finish_no_later=fnlt)
        )
    links, seen = [], set()
    last_wave = (n_activities - 1) // width
    for _attempt in range(20 * n_links):
        if len(links) == n_links:
            break
        p = rng.randrange(n_activities)
        wave = p // width + (1 if rng.random() < 0.8 else rng.randint(2, 3))
        if wave > last_wave:
            continue
        s = min(n_activities - 1, wave * width + rng.randrange(width))
        if (p, s) in seen:
            continue
        seen.add((p, s))
        lag = 0 if rng.random() < 0.6 else rng.randint(-3, 5)
        links.append(Link(p, s, rng.choice(TYPES), lag))
    rng.shuffle(activities)
    rng.shuffle(links)
    return activities, links, calendar


class _Days:
    """Date <-> working-day index conversions, cached per distinct value (as the engine)."""

    def __init__(self, calendar, project_start):
        self.calendar = calendar
        self.origin = calendar.next_working_day(project_start)
        self.starts, self.finishes, self.dates = {}, {}, {}

    def start(self, day):
        if day not in self.starts:
            self.starts[day] = self.calendar.offset(self.origin, day)
        return self.starts[day]

    def finish(self, day):
        if day not in self.finishes:
            previous = self.calendar.previous_working_day(day)
            self.finishes[day] = self.calendar.offset(self.origin, previous)
        return self.finishes[day]

    def date(self, index):
        if index not in self.dates:
            self.dates[index] = self.calendar.shift(self.origin, index)
        return self.dates[index]


def _weight(kind, lag, pred_duration, succ_duration):
    """The four link rules as ``succ.start >= pred.start + weight``."""
    if kind == FS:
        return pred_duration + lag
    if kind == SS:
        return lag
    if kind == FF:
        return pred_duration + lag - succ_duration
    return lag - succ_duration


def networkx_schedule(nx, activities, links, calendar, project_start):
    """Early/late start and finish dates, with the engine's semantics, on networkx."""
    graph = nx.DiGraph()
    graph.add_nodes_from((a.key, {"activity": a}) for a in activities)
    graph.add_edges_from(
        (link.predecessor, link.successor, {"type": link.type, "lag": link.lag}) for link in links
    )
    days = _Days(calendar, project_start)
    nodes = graph.nodes
    duration = {key: data["activity"].duration for key, data in nodes.items()}
    tail = {key: d - 1 if d else 0 for key, d in duration.items()}
    order = list(nx.topological_sort(graph))

    early = {}
    for key in order:
        activity = nodes[key]["activity"]
        es = 0
        if activity.start_no_earlier:
            es = max(es, days.start(activity.start_no_earlier))
        for pred, data in graph.pred[key].items():
            weight = _weight(data["type"], data["lag"], duration[pred], duration[key])
            es = max(es, early[pred] + weight)
        early[key] = es

    project_finish = max(early[key] + tail[key] for key in order)
    late = {}
    for key in reversed(order):
        activity = nodes[key]["activity"]
        ls = project_finish - tail[key]
        if activity.finish_no_later:
            ls = min(ls, days.finish(activity.finish_no_later) - tail[key])
        for succ, data in graph.succ[key].items():
            weight = _weight(data["type"], data["lag"], duration[key], duration[succ])
            ls = min(ls, late[succ] - weight)
        late[key] = ls

    return {
        key: (
            days.date(early[key]),
            days.date(early[key] + tail[key]),
            days.date(late[key]),
            days.date(late[key] + tail[key]),
        )
        for key in order
    }


def best_of_interleaved(runs, *functions):
    """Best time and last result of each function, running them in turn ``runs`` times
    (so a change in machine load hits both sides alike).

    Each call is timed as ``timeit`` does: after a full ``gc.collect()`` and with
    the cyclic garbage collector off, so that a full collection (50 ms and more
    with both projects' objects alive) does not land on one side by chance. CPU
    time of this process (``time.process_time``): on an idle machine the same as
    wall time for this single-threaded work, and less disturbed by other
    processes.
    """
    best = [None] * len(functions)
    results = [None] * len(functions)
    for _ in range(runs):
        for i, function in enumerate(functions):
            results[i] = None
            gc.collect()
            gc.disable()
            try:
                began = time.process_time()
                results[i] = function()
                elapsed = time.process_time() - began
            finally:
                gc.enable()
            best[i] = elapsed if best[i] is None else min(best[i], elapsed)
    return best, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--runs", type=int, default=5)
    # `tools/dev bench` passes every benchmark the Odoo options (--odoo-home, -c, -d):
    # this one needs no database and ignores them.
    args, _odoo_options = parser.parse_known_args(argv)
    try:
        import networkx as nx
    except ImportError:
        print(
            "networkx is missing: it is a benchmark-only dependency, install it with\n"
            "    python -m pip install -r tools/requirements-bench.txt",
            file=sys.stderr,
        )
        return 2

    activities, links, calendar = make_project(args.activities, args.links, args.seed)
    print(
        f"project: {len(activities)} activities, {len(links)} links, "
        f"calendar Mon-Fri with {len(calendar.holidays)} holidays; networkx {nx.__version__}"
    )

    def run_engine():
        return schedule(activities, links, calendar, PROJECT_START)

    def run_baseline():
        return networkx_schedule(nx, activities, links, calendar, PROJECT_START)

    best_of_interleaved(1, run_engine, run_baseline)  # warm-up, not timed
    (engine_time, baseline_time), (result, expected) = best_of_interleaved(
        args.runs, run_engine, run_baseline
    )
    mismatches = [
        key
        for key, timing in result.timings.items()
        if (timing.early_start, timing.early_finish, timing.late_start, timing.late_finish)
        != expected[key]
    ]
    critical = sum(timing.critical for timing in result.timings.values())
    print(
        f"schedule: {result.start} .. {result.finish}, {critical} critical activities, "
        f"critical path of {len(result.critical_path)}, {len(result.conflicts)} conflicts"
    )
    print(f"engine.schedule.schedule(): {engine_time * 1000:8.1f} ms CPU (best of {args.runs})")
    print(f"networkx baseline:          {baseline_time * 1000:8.1f} ms CPU (best of {args.runs})")
    ratio = baseline_time / engine_time
    print(f"ratio: {ratio:.2f}x faster (target: at least {TARGET_RATIO:g}x faster)")
    if mismatches:
        print(f"FAILED: {len(mismatches)} activities have different dates, e.g. {mismatches[:5]}")
        return 1
    if ratio < TARGET_RATIO:
        print("FAILED: target missed")
        return 1
    print("OK: same early/late dates, target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
