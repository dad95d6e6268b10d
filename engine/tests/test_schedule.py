import random
import time
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import pytest

from ..calendar import WorkCalendar
from ..graph import CycleError
from ..schedule import (
    FF,
    FS,
    LINK_TYPES,
    SF,
    SS,
    Activity,
    Conflict,
    Impact,
    Link,
    ScheduleError,
    Timing,
    impact,
    schedule,
)

# A 7-day calendar makes working-day indexes plain day offsets from ORIGIN.
EVERY_DAY = WorkCalendar(range(7))
ORIGIN = date(2026, 1, 5)  # a Monday


def day(index):
    return ORIGIN + timedelta(days=index)


def index(d):
    return (d - ORIGIN).days


def network(table):
    """Activities and FS links from {key: (duration, predecessors)}."""
    activities = [Activity(key, duration=duration) for key, (duration, _) in table.items()]
    links = [Link(p, key) for key, (_, predecessors) in table.items() for p in predecessors]
    return activities, links


def textbook(result):
    """{key: (ES, EF, LS, LF, slack)} in the textbooks' convention: EF = ES + duration."""
    return {
        key: (
            index(t.early_start),
            index(t.early_finish) + 1,
            index(t.late_start),
            index(t.late_finish) + 1,
            t.total_float,
        )
        for key, t in result.timings.items()
    }


# -- published examples ---------------------------------------------------------

# Hillier & Lieberman, "Introduction to Operations Research", chapter "Project
# Management with PERT/CPM": the Reliable Construction Co. project, durations in
# weeks. Activity list with immediate predecessors, and the table "Slack for
# Reliable's activities" (ES, EF, LS, LF, slack): 44 weeks, critical path
# START -> A -> B -> C -> E -> F -> J -> L -> N -> FINISH.
RELIABLE = {
    "A": (2, ""),  # Excavate
    "B": (4, "A"),  # Lay the foundation
    "C": (10, "B"),  # Put up the rough wall
    "D": (6, "C"),  # Put up the roof
    "E": (4, "C"),  # Install the exterior plumbing
    "F": (5, "E"),  # Install the interior plumbing
    "G": (7, "D"),  # Put up the exterior siding
    "H": (9, "EG"),  # Do the exterior painting
    "I": (7, "C"),  # Do the electrical work
    "J": (8, "FI"),  # Put up the wallboard
    "K": (4, "J"),  # Install the flooring
    "L": (5, "J"),  # Do the interior painting
    "M": (2, "H"),  # Install the exterior fixtures
    "N": (6, "KL"),  # Install the interior fixtures
}
RELIABLE_PRINTED = {
    "A": (0, 2, 0, 2, 0),
    "B": (2, 6, 2, 6, 0),
    "C": (6, 16, 6, 16, 0),
    "D": (16, 22, 20, 26, 4),
    "E": (16, 20, 16, 20, 0),
    "F": (20, 25, 20, 25, 0),
    "G": (22, 29, 26, 33, 4),
    "H": (29, 38, 33, 42, 4),
    "I": (16, 23, 18, 25, 2),
    "J": (25, 33, 25, 33, 0),
    "K": (33, 37, 34, 38, 1),
    "L": (33, 38, 33, 38, 0),
    "M": (38, 40, 42, 44, 4),
    "N": (38, 44, 38, 44, 0),
}


def test_reliable_construction_as_printed():
    result = schedule(*network(RELIABLE), EVERY_DAY, ORIGIN)
    assert textbook(result) == RELIABLE_PRINTED
    assert result.critical_path == tuple("ABCEFJLN")
    assert result.start == ORIGIN
    assert index(result.finish) + 1 == 44
    assert [k for k, t in result.timings.items() if t.critical] == list("ABCEFJLN")
    assert result.conflicts == ()
    # Free float: only the last activity of each non-critical branch has any.
    free = {key: t.free_float for key, t in result.timings.items() if t.free_float}
    assert free == {"I": 2, "K": 1, "M": 4}
    # Timings are ordinary frozen Timing objects.
    timing = result.timings["D"]
    assert timing == Timing(day(16), day(21), day(20), day(25), 4, 0, False)
    assert hash(timing) == hash(Timing(day(16), day(21), day(20), day(25), 4, 0, False))
    with pytest.raises(FrozenInstanceError):
        timing.total_float = 0


# Heizer & Render, "Operations Management", chapter "Managing Projects": Milwaukee
# Paper Manufacturing's air-pollution control project, activities A..H in weeks,
# with the printed ES/EF/LS/LF/slack table: 15 weeks, critical path A-C-E-G-H.
MILWAUKEE = {
    "A": (2, ""),  # Build internal components
    "B": (3, ""),  # Modify roof and floor
    "C": (2, "A"),  # Construct collection stack
    "D": (4, "AB"),  # Pour concrete and install frame
    "E": (4, "C"),  # Build high-temperature burner
    "F": (3, "C"),  # Install pollution control system
    "G": (5, "DE"),  # Install air pollution device
    "H": (2, "FG"),  # Inspect and test
}
MILWAUKEE_PRINTED = {
    "A": (0, 2, 0, 2, 0),
    "B": (0, 3, 1, 4, 1),
    "C": (2, 4, 2, 4, 0),
    "D": (3, 7, 4, 8, 1),
    "E": (4, 8, 4, 8, 0),
    "F": (4, 7, 10, 13, 6),
    "G": (8, 13, 8, 13, 0),
    "H": (13, 15, 13, 15, 0),
}


def test_milwaukee_paper_as_printed():
    result = schedule(*network(MILWAUKEE), EVERY_DAY, ORIGIN)
    assert textbook(result) == MILWAUKEE_PRINTED
    assert result.critical_path == ("A", "C", "E", "G", "H")
    assert index(result.finish) + 1 == 15


def test_input_order_does_not_change_the_schedule():
    activities, links = network(RELIABLE)
    rng = random.Random(3)
    rng.shuffle(activities)
    rng.shuffle(links)
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    assert textbook(result) == RELIABLE_PRINTED
    assert list(result.timings) == [a.key for a in activities]
    assert result.critical_path == tuple("ABCEFJLN")


# -- link types -------------------------------------------------------------------


# A: 3 days pinned by "start no earlier than" on index 5, so it occupies 5, 6, 7
# (exclusive end 8); B: 2 days. Expected start of B by the rule of each type.
@pytest.mark.parametrize(
    "kind, lag, b_start",
    [
        (FS, 0, 8),  # B.S >= A.E
        (FS, 2, 10),
        (FS, -2, 6),
        (SS, 0, 5),  # B.S >= A.S
        (SS, 2, 7),
        (SS, -2, 3),
        (FF, 0, 6),  # B.E >= A.E: B finishes on A's finish day
        (FF, 2, 8),
        (FF, -2, 4),
        (SF, 0, 3),  # B.E >= A.S: B finishes the day before A starts
        (SF, 2, 5),
        (SF, -2, 1),
    ],
)
def test_link_types_and_lags(kind, lag, b_start):
    activities = [Activity("A", duration=3, start_no_earlier=day(5)), Activity("B", duration=2)]
    result = schedule(activities, [Link("A", "B", kind, lag)], EVERY_DAY, ORIGIN)
    b = result.timings["B"]
    assert (b.early_start, b.early_finish) == (day(b_start), day(b_start + 1))
    assert result.timings["A"].early_start == day(5)
    # The link drives B, so B is on the critical path when it finishes last.
    assert result.timings["B"].free_float == (0 if b_start + 1 >= 7 else 7 - (b_start + 1))


def test_negative_lag_never_starts_before_the_project():
    activities = [Activity("A", duration=3), Activity("B", duration=2)]
    result = schedule(activities, [Link("A", "B", SS, -4)], EVERY_DAY, ORIGIN)
    assert result.timings["B"].early_start == ORIGIN


def test_link_type_defaults_and_constants():
    assert LINK_TYPES == ("FS", "SS", "FF", "SF")
    assert Link("a", "b") == Link("a", "b", FS, 0)
    assert Activity("a") == Activity("a", "", 0, None, None, None, None)


# -- milestones -----------------------------------------------------------------


def test_milestones():
    activities = [
        Activity("kickoff", duration=0),
        Activity("build", duration=3),
        Activity("done", duration=0),
        Activity("ship", duration=1),
        Activity("review", duration=2),
    ]
    links = [
        Link("kickoff", "build"),  # FS from a milestone: same day
        Link("build", "done"),  # FS from a task: next day
        Link("done", "ship"),
        Link("build", "review", FF),  # finishes with build
    ]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    t = result.timings
    assert t["kickoff"].early_start == t["kickoff"].early_finish == day(0)
    assert (t["build"].early_start, t["build"].early_finish) == (day(0), day(2))
    assert t["done"].early_start == t["done"].early_finish == day(3)
    assert t["ship"].early_start == t["ship"].early_finish == day(3)
    assert (t["review"].early_start, t["review"].early_finish) == (day(1), day(2))
    assert result.critical_path == ("kickoff", "build", "done", "ship")
    assert result.finish == day(3)
    assert t["review"].total_float == 1


# -- calendars ---------------------------------------------------------------------


def test_weekends_and_holidays():
    # Monday to Friday; Wednesday 7 January 2026 is a holiday.
    cal = WorkCalendar(holidays=[date(2026, 1, 7)])
    activities = [
        Activity("A", duration=3),
        Activity("B", duration=2),
        Activity("C", duration=0),
        Activity("D", duration=1),
        Activity("E", duration=2),
    ]
    links = [
        Link("A", "B", FS, 1),
        Link("B", "C"),
        Link("A", "D", SS, -1),
        Link("A", "E", FF, 2),
    ]
    # The project starts on Saturday 3 January: the first working day is Monday 5.
    result = schedule(activities, links, cal, date(2026, 1, 3))
    t = result.timings
    # A: Mon 5, Tue 6, (Wed 7 off), Thu 8.
    assert (t["A"].early_start, t["A"].early_finish) == (date(2026, 1, 5), date(2026, 1, 8))
    # B: the working day after Thu 8 is Fri 9, plus 1 day of lag: Mon 12; 2 days to Tue 13.
    assert (t["B"].early_start, t["B"].early_finish) == (date(2026, 1, 12), date(2026, 1, 13))
    # C: a milestone the working day after B, Wed 14, which ends the project.
    assert t["C"].early_start == t["C"].early_finish == date(2026, 1, 14)
    assert result.start == date(2026, 1, 5)
    assert result.finish == date(2026, 1, 14)
    # D: SS -1 would be Fri 2 January, before the project: Mon 5. Its float runs to Wed 14:
    # Tue 6, Thu 8, Fri 9, Mon 12, Tue 13, Wed 14 = 6 working days.
    assert t["D"].early_start == date(2026, 1, 5)
    assert (t["D"].late_start, t["D"].total_float) == (date(2026, 1, 14), 6)
    # E finishes 2 working days after Thu 8: Mon 12; it started Fri 9.
    assert (t["E"].early_start, t["E"].early_finish) == (date(2026, 1, 9), date(2026, 1, 12))
    assert (t["E"].late_finish, t["E"].total_float) == (date(2026, 1, 14), 2)
    # A is critical through B and C; its late finish is Thu 8.
    assert result.critical_path == ("A", "B", "C")
    assert t["A"].late_finish == date(2026, 1, 8)


def test_six_day_week_across_spring_festival():
    festival = [date(2026, 2, 16) + timedelta(days=i) for i in range(5)]
    cal = WorkCalendar(range(6), festival)
    activities = [Activity("design", duration=5), Activity("trial", duration=2)]
    result = schedule(activities, [Link("design", "trial")], cal, date(2026, 2, 12))
    t = result.timings
    # Thu 12, Fri 13, Sat 14, (Sun 15, festival 16-20), Sat 21, Mon 23.
    assert t["design"].early_finish == date(2026, 2, 23)
    assert (t["trial"].early_start, t["trial"].early_finish) == (
        date(2026, 2, 24),
        date(2026, 2, 25),
    )


# -- constraints -----------------------------------------------------------------


def test_start_no_earlier_on_a_weekend_means_the_next_monday():
    cal = WorkCalendar()
    activities = [Activity("A", duration=2, start_no_earlier=date(2026, 1, 10))]
    result = schedule(activities, [], cal, date(2026, 1, 5))
    assert result.timings["A"].early_start == date(2026, 1, 12)
    assert result.start == date(2026, 1, 5)  # the project still starts on its date


def test_finish_no_later_met_limits_late_dates():
    activities = [
        Activity("A", duration=3),
        Activity("B", duration=2, finish_no_later=day(6)),
        Activity("C", duration=10),
    ]
    result = schedule(activities, [Link("A", "B")], EVERY_DAY, ORIGIN)
    t = result.timings
    assert (t["B"].early_finish, t["B"].late_finish, t["B"].total_float) == (day(4), day(6), 2)
    assert t["A"].late_finish == day(4)
    assert result.conflicts == ()


def test_finish_no_later_missed_gives_negative_float():
    # A weekday calendar: the FNLT on Sunday 11 means Friday 9.
    cal = WorkCalendar()
    activities = [
        Activity("spec", duration=4),
        Activity("build", duration=4, finish_no_later=date(2026, 1, 11)),
        Activity("docs", duration=1),
    ]
    links = [Link("spec", "build"), Link("spec", "docs")]
    result = schedule(activities, links, cal, date(2026, 1, 5))
    t = result.timings
    # spec Mon 5 - Thu 8, build Fri 9 - Wed 14: 3 working days past Fri 9.
    assert t["build"].early_finish == date(2026, 1, 14)
    assert t["build"].late_finish == date(2026, 1, 9)
    assert t["build"].total_float == -3
    assert t["spec"].total_float == -3
    assert t["spec"].critical and t["build"].critical
    assert t["docs"].total_float == 3  # Fri 9 to the project's finish: Mon 12 .. Wed 14
    assert result.conflicts == (
        Conflict("spec", "negative_float", {"total_float": -3}),
        Conflict(
            "build",
            "constraint_violated",
            {
                "constraint": "finish_no_later",
                "date": date(2026, 1, 9),
                "early_finish": date(2026, 1, 14),
                "days": 3,
            },
        ),
        Conflict("build", "negative_float", {"total_float": -3}),
    )


def test_lag_that_makes_a_constraint_impossible_is_a_conflict():
    activities = [
        Activity("A", duration=2, start_no_earlier=day(3)),
        Activity("B", duration=1, finish_no_later=day(4)),
    ]
    result = schedule(activities, [Link("A", "B", FS, 3)], EVERY_DAY, ORIGIN)
    assert result.timings["B"].early_start == day(8)
    codes = [(c.key, c.code) for c in result.conflicts]
    assert codes == [
        ("A", "negative_float"),
        ("B", "constraint_violated"),
        ("B", "negative_float"),
    ]


def test_project_finish():
    activities, links = network(MILWAUKEE)
    later = schedule(activities, links, EVERY_DAY, ORIGIN, project_finish=day(16))
    # Two more days: every late date moves by 2 and nothing is critical.
    assert later.finish == day(14)
    assert all(t.total_float >= 2 for t in later.timings.values())
    assert later.timings["H"].late_finish == day(16)
    assert later.critical_path == ("A", "C", "E", "G", "H")  # still the driving chain
    assert later.conflicts == ()

    earlier = schedule(activities, links, EVERY_DAY, ORIGIN, project_finish=day(12))
    assert earlier.timings["A"].total_float == -2
    assert earlier.timings["B"].total_float == -1
    assert (
        Conflict(
            "H",
            "constraint_violated",
            {"constraint": "project_finish", "date": day(12), "early_finish": day(14), "days": 2},
        )
        in earlier.conflicts
    )
    negative = [c.key for c in earlier.conflicts if c.code == "negative_float"]
    assert negative == ["A", "B", "C", "D", "E", "G", "H"]


# -- pinned activities -------------------------------------------------------------


def test_fixed_start_keeps_its_date_and_reports_the_link_it_breaks():
    activities = [
        Activity("A", duration=4),
        Activity("B", duration=2, fixed_start=day(2)),
        Activity("C", duration=1),
    ]
    links = [Link("A", "B"), Link("B", "C")]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    t = result.timings
    assert (t["B"].early_start, t["B"].late_start) == (day(2), day(2))
    assert t["C"].early_start == day(4)  # successors follow the pinned dates
    # A cannot finish before B starts: it has negative float (conflicts in input order).
    assert t["A"].total_float == -2
    assert result.conflicts == (
        Conflict("A", "negative_float", {"total_float": -2}),
        Conflict(
            "B",
            "fixed_date_violates_link",
            {"fixed_start": day(2), "required_start": day(4), "predecessor": "A", "days": 2},
        ),
    )


def test_fixed_start_later_than_needed_pushes_successors_and_keeps_float_zero():
    activities = [
        Activity("A", duration=2),
        Activity("B", duration=2, fixed_start=day(5)),
        Activity("C", duration=3),
        Activity("D", duration=20),
    ]
    links = [Link("A", "B"), Link("B", "C")]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    t = result.timings
    assert t["C"].early_start == day(7)
    # B's late start is its pin although the project (D) leaves it room; A may
    # slip until B's pinned start.
    assert (t["B"].late_start, t["B"].total_float, t["B"].critical) == (day(5), 0, True)
    assert (t["A"].late_finish, t["A"].total_float, t["A"].free_float) == (day(4), 3, 3)
    assert t["C"].total_float == 10
    assert result.conflicts == ()


def test_fixed_start_before_the_project_start_is_kept():
    activities = [Activity("started", duration=5, fixed_start=day(-3)), Activity("next", 2)]
    result = schedule(activities, [Link("started", "next")], EVERY_DAY, ORIGIN)
    assert result.timings["started"].early_start == day(-3)
    assert result.timings["next"].early_start == day(2)
    assert result.start == day(-3)


def test_fixed_start_before_its_start_no_earlier_is_reported():
    activities = [Activity("A", duration=1, fixed_start=day(1), start_no_earlier=day(3))]
    result = schedule(activities, [], EVERY_DAY, ORIGIN)
    assert result.timings["A"].early_start == day(1)
    assert result.conflicts == (
        Conflict(
            "A",
            "constraint_violated",
            {"constraint": "start_no_earlier", "date": day(3), "early_start": day(1), "days": 2},
        ),
    )


def test_pinning_the_result_changes_nothing():
    activities, links = network(RELIABLE)
    links += [Link("D", "I", SS, 2), Link("K", "M", FF, -1), Link("B", "G", SF, 12)]
    first = schedule(activities, links, EVERY_DAY, ORIGIN)
    pinned = [
        Activity(a.key, duration=a.duration, fixed_start=first.timings[a.key].early_start)
        for a in activities
    ]
    second = schedule(pinned, links, EVERY_DAY, ORIGIN)
    for key, timing in first.timings.items():
        again = second.timings[key]
        assert (again.early_start, again.early_finish) == (timing.early_start, timing.early_finish)
    assert second.conflicts == ()
    assert second.finish == first.finish


def test_dates_may_be_datetimes_and_unset_values_may_be_false():
    activities = [
        Activity("A", duration=2, fixed_start=False, start_no_earlier=datetime(2026, 1, 6, 9)),
        Activity("B", duration=1, parent=False, finish_no_later=False),
    ]
    result = schedule(activities, [Link("A", "B")], EVERY_DAY, datetime(2026, 1, 5, 14, 30))
    assert result.timings["A"].early_start == day(1)
    assert result.timings["B"].early_start == day(3)


# -- summaries ------------------------------------------------------------------


def summary_project():
    activities = [
        Activity("phase1", "Phase 1", duration=99),  # a summary: its duration is ignored
        Activity("a", duration=3, parent="phase1"),
        Activity("b", duration=2, parent="phase1"),
        Activity("phase2", "Phase 2"),
        Activity("c", duration=4, parent="phase2"),
        Activity("sub", parent="phase2"),
        Activity("d", duration=1, parent="sub"),
        Activity("e", duration=2, parent="sub"),
        Activity("gate", duration=0),
    ]
    links = [
        Link("a", "b", SS, 1),
        Link("phase1", "phase2"),  # every leaf of phase 2 after every leaf of phase 1
        Link("c", "d"),
        Link("phase2", "gate"),
    ]
    return activities, links


def test_summaries_roll_up_their_children():
    activities, links = summary_project()
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    t = result.timings
    # a 0..2, b 1..2, so phase 1 is 0..2; phase 2's leaves start at 3.
    assert (t["a"].early_start, t["b"].early_start) == (day(0), day(1))
    assert (t["phase1"].early_start, t["phase1"].early_finish) == (day(0), day(2))
    assert (t["c"].early_start, t["c"].early_finish) == (day(3), day(6))
    assert t["e"].early_start == day(3)  # after phase 1, not after c
    assert (t["d"].early_start, t["d"].early_finish) == (day(7), day(7))
    assert (t["sub"].early_start, t["sub"].early_finish) == (day(3), day(7))
    assert (t["phase2"].early_start, t["phase2"].early_finish) == (day(3), day(7))
    assert t["gate"].early_start == day(8)  # after all of phase 2
    # Late dates and floats: e may slip to finish with d, on day 7.
    assert (t["e"].late_finish, t["e"].total_float) == (day(7), 3)
    assert (t["sub"].late_start, t["sub"].late_finish) == (day(6), day(7))
    assert (t["sub"].total_float, t["sub"].free_float, t["sub"].critical) == (0, 0, True)
    assert (t["phase1"].late_start, t["phase1"].late_finish) == (day(0), day(2))
    assert t["phase1"].critical and t["phase2"].critical
    # a and b both finish phase 1 on day 2: the first in input order drives it.
    assert result.critical_path == ("a", "c", "d", "gate")
    assert result.finish == day(8)
    assert result.conflicts == ()


def test_links_from_a_summary_start_wait_for_each_leaf_start():
    activities = [
        Activity("P"),
        Activity("x", duration=2, parent="P"),
        Activity("y", duration=1, parent="P", start_no_earlier=day(4)),
        Activity("z", duration=3),
        Activity("w", duration=1),
    ]
    links = [Link("P", "z", SS), Link("P", "w", SF, 1)]
    t = schedule(activities, links, EVERY_DAY, ORIGIN).timings
    assert t["P"].early_start == day(0)
    assert t["z"].early_start == day(4)  # the latest leaf start (y)
    assert t["w"].early_finish == day(4)  # SF +1: finishes no earlier than y's start


def test_links_into_a_summary_finish_apply_to_each_leaf_finish():
    activities = [
        Activity("A", duration=5),
        Activity("P"),
        Activity("x", duration=2, parent="P"),
        Activity("y", duration=4, parent="P"),
    ]
    t = schedule(activities, [Link("A", "P", FF)], EVERY_DAY, ORIGIN).timings
    assert t["x"].early_finish == t["y"].early_finish == day(4)
    assert (t["P"].early_start, t["P"].early_finish) == (day(1), day(4))


def test_summary_constraints_flow_down_to_leaves():
    activities = [
        Activity("P", start_no_earlier=day(2), finish_no_later=day(4)),
        Activity("x", duration=2, parent="P"),
        Activity("Q", fixed_start=day(6)),
        Activity("y", duration=3, parent="Q"),
        Activity("z", duration=1, parent="Q", start_no_earlier=day(8)),
    ]
    result = schedule(activities, [], EVERY_DAY, ORIGIN)
    t = result.timings
    assert t["x"].early_start == day(2)
    assert t["x"].late_finish == day(4)
    assert (t["y"].early_start, t["z"].early_start) == (day(6), day(8))
    assert result.conflicts == ()


def test_summary_of_a_summary_and_cross_links_are_linear():
    # 200 leaves under one summary linked to 200 under another: 2 internal milestones,
    # 400 edges, not 40,000.
    activities = [Activity("P"), Activity("Q")]
    activities += [Activity(("p", i), duration=1 + i % 3, parent="P") for i in range(200)]
    activities += [Activity(("q", i), duration=1, parent="Q") for i in range(200)]
    result = schedule(activities, [Link("P", "Q")], EVERY_DAY, ORIGIN)
    assert {result.timings[("q", i)].early_start for i in range(200)} == {day(3)}
    assert result.timings["P"].early_finish == day(2)


def test_a_link_between_a_summary_and_its_descendant_is_a_self_link():
    activities, links = summary_project()
    with pytest.raises(ScheduleError) as info:
        schedule(activities, [*links, Link("d", "phase2")], EVERY_DAY, ORIGIN)
    assert info.value.code == "self_link"
    assert info.value.params == {"key": "phase2", "predecessor": "d", "successor": "phase2"}
    with pytest.raises(ScheduleError) as info:
        schedule(activities, [Link("sub", "e", SS)], EVERY_DAY, ORIGIN)
    assert info.value.params["key"] == "sub"


def test_a_pin_broken_through_a_summary_names_the_linked_activity():
    activities = [
        Activity("X", duration=4),
        Activity("P"),
        Activity("x", duration=1, parent="P", fixed_start=day(1)),
        Activity("Q"),
        Activity("q", duration=6, parent="Q"),
        Activity("y", duration=1, fixed_start=day(2)),
    ]
    links = [Link("X", "P"), Link("Q", "y")]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    broken = {c.key: c.params for c in result.conflicts if c.code == "fixed_date_violates_link"}
    assert broken == {
        "x": {"fixed_start": day(1), "required_start": day(4), "predecessor": "X", "days": 3},
        "y": {"fixed_start": day(2), "required_start": day(6), "predecessor": "Q", "days": 4},
    }


def test_parent_cycle_is_a_cycle_error():
    activities = [Activity("a", parent="b"), Activity("b", parent="c"), Activity("c", parent="a")]
    with pytest.raises(CycleError) as info:
        schedule(activities, [], EVERY_DAY, ORIGIN)
    assert info.value.cycle == ["a", "b", "c"]


# -- several chains, determinism --------------------------------------------------


def test_unconnected_chains():
    activities = [
        Activity("x1", duration=2),
        Activity("y1", duration=4),
        Activity("x2", duration=3),
        Activity("y2", duration=4),
        Activity("alone", duration=1),
    ]
    links = [Link("x1", "x2"), Link("y1", "y2")]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    t = result.timings
    assert result.critical_path == ("y1", "y2")
    assert result.finish == day(7)
    assert (t["x1"].total_float, t["x2"].total_float, t["alone"].total_float) == (3, 3, 7)
    assert (t["x1"].free_float, t["x2"].free_float) == (0, 3)


def test_ties_are_broken_by_input_order():
    activities = [Activity(k, duration=2) for k in ("p", "q", "r", "s", "end")]
    links = [Link("p", "q"), Link("r", "s"), Link("q", "end"), Link("s", "end")]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    assert result.critical_path == ("p", "q", "end")
    assert all(t.critical for t in result.timings.values())
    reordered = schedule(
        activities[2:4] + activities[:2] + activities[4:], links, EVERY_DAY, ORIGIN
    )
    assert reordered.critical_path == ("r", "s", "end")
    assert schedule(activities, links, EVERY_DAY, ORIGIN) == result


def test_empty_project():
    result = schedule([], [], WorkCalendar(), date(2026, 1, 3))
    assert result.timings == {}
    assert result.start == result.finish == date(2026, 1, 5)
    assert result.critical_path == () and result.conflicts == ()


# -- errors -----------------------------------------------------------------------


def test_cycle_reports_the_keys_in_order():
    activities = [Activity(k, duration=1) for k in ("spec", "review", "approve", "launch")]
    links = [
        Link("spec", "review"),
        Link("review", "approve", SS),
        Link("approve", "review", FF, -2),
        Link("approve", "launch"),
    ]
    with pytest.raises(CycleError) as info:
        schedule(activities, links, EVERY_DAY, ORIGIN)
    assert info.value.cycle == ["review", "approve"]


def test_cycle_through_a_summary_names_the_summary():
    activities = [
        Activity("A", duration=1),
        Activity("P"),
        Activity("x", duration=1, parent="P"),
        Activity("y", duration=1, parent="P"),
    ]
    links = [Link("A", "P"), Link("y", "A")]
    with pytest.raises(CycleError) as info:
        schedule(activities, links, EVERY_DAY, ORIGIN)
    assert info.value.cycle == ["A", "P", "y"]


def test_negative_duration():
    with pytest.raises(ScheduleError) as info:
        schedule([Activity(7, "Write specs", duration=-2)], [], EVERY_DAY, ORIGIN)
    assert info.value.code == "negative_duration"
    assert info.value.params == {"key": 7, "name": "Write specs", "duration": -2}
    assert "Write specs" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "link, key",
    [(Link("a", "ghost"), "ghost"), (Link("ghost", "a"), "ghost")],
)
def test_unknown_activity_in_a_link(link, key):
    with pytest.raises(ScheduleError) as info:
        schedule([Activity("a"), Activity("b")], [Link("a", "b"), link], EVERY_DAY, ORIGIN)
    assert (info.value.code, info.value.params) == ("unknown_activity", {"key": key})


def test_unknown_parent():
    with pytest.raises(ScheduleError) as info:
        schedule([Activity("a", parent="ghost")], [], EVERY_DAY, ORIGIN)
    assert (info.value.code, info.value.params) == ("unknown_activity", {"key": "ghost"})


def test_self_link():
    with pytest.raises(ScheduleError) as info:
        schedule(
            [Activity("a"), Activity("b")], [Link("a", "b"), Link("b", "b")], EVERY_DAY, ORIGIN
        )
    assert info.value.code == "self_link"
    assert info.value.params == {"key": "b", "predecessor": "b", "successor": "b"}


@pytest.mark.parametrize("kind", ["fs", "XX", None, ""])
def test_bad_link_type(kind):
    with pytest.raises(ScheduleError) as info:
        schedule([Activity("a"), Activity("b")], [Link("a", "b", kind)], EVERY_DAY, ORIGIN)
    assert info.value.code == "bad_link_type"
    assert info.value.params == {"predecessor": "a", "successor": "b", "type": kind}


def test_duplicate_activity():
    with pytest.raises(ScheduleError) as info:
        schedule([Activity("a"), Activity("a")], [], EVERY_DAY, ORIGIN)
    assert (info.value.code, info.value.params) == ("duplicate_activity", {"key": "a"})


def test_durations_and_lags_must_be_integers():
    with pytest.raises(TypeError):
        schedule([Activity("a", duration=1.5)], [], EVERY_DAY, ORIGIN)
    with pytest.raises(TypeError):
        schedule([Activity("a"), Activity("b")], [Link("a", "b", FS, 0.5)], EVERY_DAY, ORIGIN)


# -- impact -----------------------------------------------------------------------


def test_impact_of_a_slip_within_float():
    activities, links = network(RELIABLE)
    result = impact(activities, links, EVERY_DAY, ORIGIN, "D", 3)
    assert result == Impact(
        project_finish_shift=0, moved={"D": 3, "G": 3, "H": 3, "M": 3}, milestones=()
    )


def test_impact_of_a_slip_beyond_float_moves_the_finish_and_milestones():
    activities, links = network(RELIABLE)
    activities += [Activity("handover", duration=0), Activity("roof done", duration=0)]
    links += [Link("M", "handover"), Link("N", "handover"), Link("D", "roof done")]
    result = impact(activities, links, EVERY_DAY, ORIGIN, "D", 6)
    # D has 4 weeks of float: 6 more moves the end by 2.
    assert result.project_finish_shift == 2
    assert result.moved == {"D": 6, "G": 6, "H": 6, "M": 6, "handover": 2, "roof done": 6}
    assert result.milestones == ("handover", "roof done")


def test_impact_on_the_critical_path_and_of_finishing_early():
    activities, links = network(RELIABLE)
    assert impact(activities, links, EVERY_DAY, ORIGIN, "E", 2).project_finish_shift == 2
    early = impact(activities, links, EVERY_DAY, ORIGIN, "J", -3)
    assert early.project_finish_shift == -3
    assert early.moved == {"J": -3, "K": -3, "L": -3, "N": -3}


def test_impact_with_summaries_reports_them():
    activities, links = summary_project()
    result = impact(activities, links, EVERY_DAY, ORIGIN, "a", 2)
    assert result.project_finish_shift == 2
    assert result.moved["phase1"] == 2 and result.moved["phase2"] == 2
    assert result.milestones == ("gate",)


def test_impact_errors():
    activities, links = summary_project()
    with pytest.raises(ScheduleError) as info:
        impact(activities, links, EVERY_DAY, ORIGIN, "nobody", 1)
    assert info.value.code == "unknown_activity"
    with pytest.raises(ScheduleError) as info:
        impact(activities, links, EVERY_DAY, ORIGIN, "phase1", 1)
    assert info.value.code == "summary_activity"
    with pytest.raises(ScheduleError) as info:
        impact(activities, links, EVERY_DAY, ORIGIN, "a", -4)
    assert info.value.code == "negative_duration"


# -- scale ------------------------------------------------------------------------


def test_ten_thousand_activities_well_under_a_second():
    rng = random.Random(10_000)
    n = 10_000
    activities = [Activity(i, duration=rng.randint(0, 10)) for i in range(n)]
    links, seen = [], set()
    while len(links) < 30_000:
        p = rng.randrange(n - 1)
        s = min(n - 1, p + 1 + rng.randrange(300))
        if (p, s) not in seen:
            seen.add((p, s))
            links.append(Link(p, s, rng.choice(LINK_TYPES), rng.randint(-2, 3)))
    rng.shuffle(activities)
    cal = WorkCalendar(holidays=[date(2026, 5, 1), date(2026, 10, 1), date(2027, 1, 1)])
    began = time.perf_counter()
    result = schedule(activities, links, cal, date(2026, 1, 5))
    elapsed = time.perf_counter() - began
    assert len(result.timings) == n
    assert all(isinstance(t, Timing) for t in result.timings.values())
    assert elapsed < 1.5, f"10,000 activities took {elapsed:.2f} s"


def test_long_chain_is_iterative():
    n = 5_000  # far deeper than the recursion limit
    activities = [Activity(i, duration=1) for i in range(n)]
    links = [Link(i, i + 1) for i in range(n - 1)]
    result = schedule(activities, links, EVERY_DAY, ORIGIN)
    assert result.finish == day(n - 1)
    assert len(result.critical_path) == n
