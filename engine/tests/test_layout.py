from datetime import date

import pytest

from ..calendar import WorkCalendar
from ..graph import CycleError
from ..layout import PhaseSpec, TaskSpec, layout_sequential

# Monday to Friday, Wednesday 2026-01-14 is a holiday.
CAL = WorkCalendar(holidays=[date(2026, 1, 14)])


def worked_example():
    return [
        PhaseSpec(
            "A",
            3,
            (
                TaskSpec("a1", 2),
                TaskSpec("a2", 4, ("a1",)),
                TaskSpec("a0", 0),
            ),
        ),
        PhaseSpec(
            "B",
            5,
            (
                TaskSpec("b1", 3, ("a2",)),
                TaskSpec("b2", 0, ("b1",)),
            ),
        ),
        PhaseSpec("C", 0),
        PhaseSpec(
            "D",
            2,
            (
                TaskSpec("d1", 2, ("d0",)),  # listed before its predecessor
                TaskSpec("d0", 1),
            ),
        ),
    ]


# Dates computed by hand from Monday 2026-01-05:
EXPECTED = {
    # A begins Mon 5. a1: Mon 5 - Tue 6. a2: Wed 7, Thu 8, Fri 9, Mon 12.
    # a0 is a milestone on Mon 5. A's own 3 days end Wed 7; its tasks end Mon 12.
    "a1": (date(2026, 1, 5), date(2026, 1, 6)),
    "a2": (date(2026, 1, 7), date(2026, 1, 12)),
    "a0": (date(2026, 1, 5), date(2026, 1, 5)),
    "A": (date(2026, 1, 5), date(2026, 1, 12)),
    # B begins Tue 13. b1: Tue 13, (Wed 14 holiday), Thu 15, Fri 16.
    # b2 milestone on the working day after b1: Mon 19.
    # B's own 5 days: 13, 15, 16, 19, 20 -> Tue 20.
    "b1": (date(2026, 1, 13), date(2026, 1, 16)),
    "b2": (date(2026, 1, 19), date(2026, 1, 19)),
    "B": (date(2026, 1, 13), date(2026, 1, 20)),
    # C: no duration, no task: Wed 21 only.
    "C": (date(2026, 1, 21), date(2026, 1, 21)),
    # D begins Thu 22. d0: Thu 22. d1: Fri 23, Mon 26. D's own 2 days end Fri 23.
    "d0": (date(2026, 1, 22), date(2026, 1, 22)),
    "d1": (date(2026, 1, 23), date(2026, 1, 26)),
    "D": (date(2026, 1, 22), date(2026, 1, 26)),
}


def test_worked_example():
    assert layout_sequential(worked_example(), CAL, date(2026, 1, 5)) == EXPECTED


def test_start_on_a_weekend_moves_to_monday():
    assert layout_sequential(worked_example(), CAL, date(2026, 1, 3)) == EXPECTED


def test_phase_duration_longer_than_tasks():
    phases = [PhaseSpec("P", 10, (TaskSpec("t", 1),)), PhaseSpec("Q", 1)]
    result = layout_sequential(phases, CAL, date(2026, 1, 5))
    # 10 working days from Mon 5 with Wed 14 off: ends Mon 19.
    assert result["P"] == (date(2026, 1, 5), date(2026, 1, 19))
    assert result["t"] == (date(2026, 1, 5), date(2026, 1, 5))
    assert result["Q"] == (date(2026, 1, 20), date(2026, 1, 20))


def test_empty_layout():
    assert layout_sequential([], CAL, date(2026, 1, 5)) == {}


def test_in_phase_cycle():
    phases = [PhaseSpec("P", 1, (TaskSpec("x", 1, ("y",)), TaskSpec("y", 1, ("x",))))]
    with pytest.raises(CycleError) as info:
        layout_sequential(phases, CAL, date(2026, 1, 5))
    assert info.value.cycle == ["x", "y"]


def test_negative_durations_name_the_key():
    with pytest.raises(ValueError, match="'write spec'"):
        TaskSpec("write spec", -1)
    with pytest.raises(ValueError, match="'Phase 1'"):
        PhaseSpec("Phase 1", -2)


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([PhaseSpec("P", 1, (TaskSpec("t", 1, ("ghost",)),))], "unknown predecessor"),
        ([PhaseSpec("P", 1, (TaskSpec("t", 1, ("P",)),))], "which is a phase"),
        (
            [
                PhaseSpec("P", 1, (TaskSpec("t", 1, ("u",)),)),
                PhaseSpec("Q", 1, (TaskSpec("u", 1),)),
            ],
            "later phase",
        ),
        ([PhaseSpec("P", 1, (TaskSpec("P", 1),))], "Duplicate key"),
        ([PhaseSpec("P", 1), PhaseSpec("P", 1)], "Duplicate key"),
    ],
)
def test_invalid_layouts(phases, message):
    with pytest.raises(ValueError, match=message):
        layout_sequential(phases, CAL, date(2026, 1, 5))


def test_specs_normalise_to_tuples():
    task = TaskSpec("t", 1, ["a"])
    phase = PhaseSpec("P", 1, [task])
    assert task.predecessors == ("a",)
    assert phase.tasks == (task,)
