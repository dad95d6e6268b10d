"""Property-based tests of the scheduler on random networks (hypothesis).

Each network is a random DAG of at most 40 activities: links always go from a
lower to a higher number, and the activities are handed over in a random
order. Expected values come from a plain fixed-point computation of the link
rules (an oracle that shares no code with the scheduler) and from the
invariants of the critical path method. Runs are derandomized and use no
example database, so every run (and CI) checks the same examples.
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..calendar import WorkCalendar
from ..schedule import FF, FS, LINK_TYPES, SF, SS, Activity, Link, impact, schedule

CAL = WorkCalendar(
    holidays=[date(2026, 1, 7), date(2026, 1, 19), date(2026, 2, 2), date(2026, 2, 3)]
)
START = date(2026, 1, 3)  # a Saturday: index 0 is Monday 5 January
ORIGIN = CAL.next_working_day(START)

PROPERTIES = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def idx(d):
    return CAL.offset(ORIGIN, d)


def work_day(i):
    return CAL.shift(ORIGIN, i)


@st.composite
def networks(draw, max_size=40, types=LINK_TYPES, constraints=False):
    n = draw(st.integers(1, max_size))
    durations = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = []
    for a, b in pairs:
        if a != b:
            kind = draw(st.sampled_from(types))
            links.append(Link(min(a, b), max(a, b), kind, draw(st.integers(-3, 3))))
    extra = [{} for _ in range(n)]
    if constraints:
        for i in range(n):
            choice = draw(st.sampled_from(["", "", "", "snet", "fnlt", "fixed"]))
            if choice:
                value = START + timedelta(days=draw(st.integers(0, 40)))
                field = {"snet": "start_no_earlier", "fnlt": "finish_no_later"}.get(
                    choice, "fixed_start"
                )
                extra[i] = {field: value}
    order = draw(st.permutations(range(n)))
    activities = [Activity(i, f"Task {i}", durations[i], **extra[i]) for i in order]
    return activities, links


def end(duration, start):
    return start + duration


def weight(link, duration):
    """``link`` holds when successor start >= predecessor start + this."""
    p, s = link.predecessor, link.successor
    if link.type == FS:  # S_s >= E_p + lag
        return duration[p] + link.lag
    if link.type == SS:  # S_s >= S_p + lag
        return link.lag
    if link.type == FF:  # E_s >= E_p + lag
        return duration[p] + link.lag - duration[s]
    assert link.type == SF  # E_s >= S_p + lag
    return link.lag - duration[s]


def required(link, start, duration):
    """The earliest start of the successor that ``link`` allows."""
    return start[link.predecessor] + weight(link, duration)


def oracle(activities, links):
    """Early and late starts by fixed-point iteration, in working-day indexes."""
    duration = {a.key: a.duration for a in activities}
    start = {key: 0 for key in duration}
    changed = True
    while changed:
        changed = False
        for link in links:
            need = required(link, start, duration)
            if need > start[link.successor]:
                start[link.successor] = need
                changed = True
    tail = {key: max(d - 1, 0) for key, d in duration.items()}
    finish = max(start[key] + tail[key] for key in duration)
    late = {key: finish - tail[key] for key in duration}
    weights = [(link.predecessor, link.successor, weight(link, duration)) for link in links]
    changed = True
    while changed:
        changed = False
        for p, s, w in weights:
            if late[s] - w < late[p]:
                late[p] = late[s] - w
                changed = True
    return start, late


def indexes(result):
    return {
        key: (idx(t.early_start), idx(t.early_finish), idx(t.late_start), idx(t.late_finish))
        for key, t in result.timings.items()
    }


@PROPERTIES
@given(networks())
def test_early_and_late_dates_match_the_oracle(network):
    activities, links = network
    result = schedule(activities, links, CAL, START)
    early, late = oracle(activities, links)
    got = indexes(result)
    for a in activities:
        es, ef, ls, lf = got[a.key]
        assert es == early[a.key]
        assert ls == late[a.key]
        assert ef - es == lf - ls == max(a.duration - 1, 0)
        assert CAL.is_working_day(result.timings[a.key].early_start)
    assert result.conflicts == ()


@PROPERTIES
@given(networks())
def test_every_link_is_satisfied_by_the_early_dates(network):
    activities, links = network
    result = schedule(activities, links, CAL, START)
    duration = {a.key: a.duration for a in activities}
    start = {key: idx(t.early_start) for key, t in result.timings.items()}
    for link in links:
        assert start[link.successor] >= required(link, start, duration)
    # ... and the schedule is the earliest one: each start is the project start or
    # is held by a tight link.
    for a in activities:
        tight = [
            link
            for link in links
            if link.successor == a.key and start[a.key] == required(link, start, duration)
        ]
        assert start[a.key] == 0 or tight


@PROPERTIES
@given(networks())
def test_floats_are_consistent(network):
    activities, links = network
    result = schedule(activities, links, CAL, START)
    for t in result.timings.values():
        assert t.early_start <= t.late_start
        assert 0 <= t.free_float <= t.total_float
        assert t.total_float == idx(t.late_start) - idx(t.early_start)
        assert t.critical == (t.total_float == 0)
    assert any(t.critical for t in result.timings.values())
    assert result.finish == max(t.early_finish for t in result.timings.values())
    assert result.start == ORIGIN


@PROPERTIES
@given(networks())
def test_critical_chain_connects_start_to_finish(network):
    activities, links = network
    result = schedule(activities, links, CAL, START)
    path = result.critical_path
    timings = result.timings
    duration = {a.key: a.duration for a in activities}
    start = {key: idx(t.early_start) for key, t in timings.items()}
    assert path
    assert timings[path[0]].early_start == result.start
    assert timings[path[-1]].early_finish == result.finish
    assert all(timings[key].critical for key in path)
    for p, s in zip(path, path[1:], strict=False):
        assert any(
            link.predecessor == p
            and link.successor == s
            and start[s] == required(link, start, duration)
            for link in links
        )


@PROPERTIES
@given(networks(constraints=True))
def test_scheduling_the_result_again_changes_nothing(network):
    activities, links = network
    first = schedule(activities, links, CAL, START)
    assert schedule(activities, list(reversed(links)), CAL, START).timings == first.timings
    # Every activity pinned on its early start: the same early dates, no broken link.
    pinned = [
        Activity(a.key, a.name, a.duration, fixed_start=first.timings[a.key].early_start)
        for a in activities
    ]
    second = schedule(pinned, links, CAL, START)
    for key, timing in first.timings.items():
        assert second.timings[key].early_start == timing.early_start
        assert second.timings[key].early_finish == timing.early_finish
    # A pin that broke a link still breaks it; no other does.
    broken = {c.key for c in first.conflicts if c.code == "fixed_date_violates_link"}
    assert {c.key for c in second.conflicts if c.code == "fixed_date_violates_link"} == broken
    # Held by "start no earlier than" instead: exactly the same schedule.
    held = [
        Activity(
            a.key,
            a.name,
            a.duration,
            fixed_start=a.fixed_start,
            start_no_earlier=first.timings[a.key].early_start,
            finish_no_later=a.finish_no_later,
        )
        for a in activities
    ]
    assert schedule(held, links, CAL, START) == first


@PROPERTIES
@given(networks(constraints=True))
def test_constraints_and_conflicts(network):
    activities, links = network
    result = schedule(activities, links, CAL, START)
    timings = result.timings
    duration = {a.key: a.duration for a in activities}
    start = {key: idx(t.early_start) for key, t in timings.items()}
    conflicts = {(c.key, c.code) for c in result.conflicts}
    for a in activities:
        t = timings[a.key]
        assert ((a.key, "negative_float") in conflicts) == (t.total_float < 0)
        assert t.critical == (t.total_float <= 0)
        if a.fixed_start:
            assert t.early_start == CAL.next_working_day(a.fixed_start)
            broken = any(
                link.successor == a.key and start[a.key] < required(link, start, duration)
                for link in links
            )
            assert broken == ((a.key, "fixed_date_violates_link") in conflicts)
        else:
            assert t.early_start >= ORIGIN
            if a.start_no_earlier:
                assert t.early_start >= a.start_no_earlier
            for link in links:
                if link.successor == a.key:
                    assert start[a.key] >= required(link, start, duration)
        if a.finish_no_later:
            deadline = CAL.previous_working_day(a.finish_no_later)
            assert t.late_finish <= deadline
            missed = t.early_finish > deadline
            assert missed == ((a.key, "constraint_violated") in conflicts)
            if missed:
                assert t.total_float < 0


@PROPERTIES
@given(networks(types=(FS,)), st.data())
def test_impact_of_a_slip_on_finish_to_start_networks(network, data):
    activities, links = network
    tasks = [a for a in activities if a.duration]
    if not tasks:
        return
    slipped = data.draw(st.sampled_from(tasks))
    days = data.draw(st.integers(0, 8))
    before = schedule(activities, links, CAL, START)
    answer = impact(activities, links, CAL, START, slipped.key, days)
    total_float = before.timings[slipped.key].total_float
    assert answer.project_finish_shift == max(0, days - total_float)
    assert answer.moved.get(slipped.key) == (days or None)
    assert all(0 < shift <= days for shift in answer.moved.values())
    assert answer.milestones == tuple(
        a.key for a in activities if a.duration == 0 and a.key in answer.moved
    )


# -- summaries ------------------------------------------------------------------


@st.composite
def grouped_networks(draw):
    """Leaves 0..n-1 in blocks (summaries), some blocks in a bigger one; links go
    from a lower block, or a leaf, to a higher one, and may name a summary."""
    n = draw(st.integers(2, 30))
    durations = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    cuts = sorted(set(draw(st.lists(st.integers(1, n - 1), max_size=6))))
    blocks = [range(a, b) for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
    parent = {}
    activities = []
    for number, block in enumerate(blocks):
        if len(block) > 1 or draw(st.booleans()):
            name = f"S{number}"
            for leaf in block:
                parent[leaf] = name
            outer = f"T{number // 2}" if draw(st.booleans()) else None
            if outer and outer not in parent.values() and outer not in {a.key for a in activities}:
                activities.append(Activity(outer))
            activities.append(Activity(name, parent=outer))
    activities += [Activity(i, duration=durations[i], parent=parent.get(i)) for i in range(n)]
    # Span of leaves of every key, to keep the links pointing forward.
    leaves = {i: [i] for i in range(n)}
    parent.update((a.key, a.parent) for a in activities)
    for i in range(n):
        key = parent.get(i)
        while key is not None:
            leaves.setdefault(key, []).append(i)
            key = parent[key]
    keys = list(leaves)
    links = []
    for _ in range(draw(st.integers(0, 2 * n))):
        p = draw(st.sampled_from(keys))
        s = draw(st.sampled_from(keys))
        if max(leaves[p]) < min(leaves[s]):
            links.append(Link(p, s, draw(st.sampled_from(LINK_TYPES)), draw(st.integers(-2, 2))))
    order = draw(st.permutations(range(len(activities))))
    return [activities[i] for i in order], links, leaves


@PROPERTIES
@given(grouped_networks())
def test_summaries_are_the_envelope_and_links_hold_for_every_leaf(network):
    activities, links, leaves = network
    result = schedule(activities, links, CAL, START)
    timings = result.timings
    duration = {a.key: a.duration for a in activities}
    start = {key: idx(t.early_start) for key, t in timings.items()}
    # Every link holds between every pair of leaves it covers (MS-Project semantics).
    for link in links:
        for p in leaves[link.predecessor]:
            for s in leaves[link.successor]:
                leaf_link = Link(p, s, link.type, link.lag)
                assert start[s] >= required(leaf_link, start, duration)
    # The same schedule as the oracle on the links expanded to leaves.
    expanded = [
        Link(p, s, link.type, link.lag)
        for link in links
        for p in leaves[link.predecessor]
        for s in leaves[link.successor]
    ]
    leaf_activities = [a for a in activities if isinstance(a.key, int)]
    early, late = oracle(leaf_activities, expanded)
    for a in leaf_activities:
        assert start[a.key] == early[a.key]
        assert idx(timings[a.key].late_start) == late[a.key]
    for key, members in leaves.items():
        if isinstance(key, int):
            continue
        t = timings[key]
        assert t.early_start == min(timings[m].early_start for m in members)
        assert t.early_finish == max(timings[m].early_finish for m in members)
        assert t.late_start == min(timings[m].late_start for m in members)
        assert t.late_finish == max(timings[m].late_finish for m in members)
        assert t.total_float == min(timings[m].total_float for m in members)
        assert 0 <= t.free_float <= t.total_float
    assert set(result.critical_path) <= {a.key for a in leaf_activities}
    assert result.conflicts == ()
