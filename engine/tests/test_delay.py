from datetime import date, timedelta

import pytest

from ..calendar import WorkCalendar
from ..delay import (
    Ladder,
    effective_threshold,
    escalation_recipients,
    overrun_days,
    working_days_late,
)

# 2026-01-05 is a Monday; Wednesday 2026-01-14 is a holiday.
MON = date(2026, 1, 5)
FRI = MON + timedelta(days=4)
NEXT_MON = MON + timedelta(days=7)
HOLIDAY = date(2026, 1, 14)
CAL = WorkCalendar(holidays=[HOLIDAY])


def day(offset):
    return MON + timedelta(days=offset)


def test_not_late_on_or_before_the_planned_day():
    assert working_days_late(CAL, FRI, FRI) == 0
    assert working_days_late(CAL, FRI, MON) == 0


def test_no_plan_no_delay():
    assert working_days_late(CAL, None, FRI) is None


def test_weekend_does_not_count():
    # due Friday: Saturday and Sunday are not late days, Monday is the first
    assert working_days_late(CAL, FRI, day(5)) == 0
    assert working_days_late(CAL, FRI, day(6)) == 0
    assert working_days_late(CAL, FRI, NEXT_MON) == 1


def test_holiday_does_not_count():
    # due Monday 12th; Tue 13 late 1, Wed 14 holiday, Thu 15 late 2
    due = day(7)
    assert working_days_late(CAL, due, day(8)) == 1
    assert working_days_late(CAL, due, HOLIDAY) == 1
    assert working_days_late(CAL, due, day(10)) == 2


def test_long_delay_counts_whole_weeks():
    # four weeks later, minus the holiday
    assert working_days_late(CAL, FRI, FRI + timedelta(days=28)) == 19


def test_baseline_delay_is_measured_the_same_way():
    planned, baseline, today = day(10), day(3), day(11)
    assert working_days_late(CAL, planned, today) == 1
    # baseline Thursday 8th: Fri 9, Mon 12, Tue 13, Thu 15, Fri 16 (Wed 14 off)
    assert working_days_late(CAL, baseline, today) == 5


def test_phase_overrun_counts_days_beyond_the_duration():
    # started Monday, 3 working days planned: Mon-Wed used, Thu is day 1 over
    assert overrun_days(CAL, MON, 3, day(2)) == 0
    assert overrun_days(CAL, MON, 3, day(3)) == 1
    # the weekend adds nothing, the holiday neither
    assert overrun_days(CAL, MON, 3, day(6)) == 2
    assert overrun_days(CAL, MON, 3, HOLIDAY) == 4
    assert overrun_days(CAL, None, 3, FRI) is None
    with pytest.raises(ValueError):
        overrun_days(CAL, MON, -1, FRI)


def test_threshold_chain_most_specific_set_value_wins():
    assert effective_threshold(0, 0, 0) == 2
    assert effective_threshold(0, 0, 4) == 4
    assert effective_threshold(0, 3, 4) == 3
    assert effective_threshold(1, 3, 4) == 1
    assert effective_threshold(None, None, None, default=5) == 5
    with pytest.raises(ValueError):
        effective_threshold(-1, 2)


def test_default_ladder():
    ladder = Ladder()
    assert ladder.starts() == (2, 4, 6)
    assert [ladder.level(d) for d in range(8)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert ladder.levels(5) == (1, 2)
    assert ladder.levels(1) == ()
    assert ladder.level(None) == 0


def test_ladder_multipliers_round_up_and_stay_increasing():
    assert Ladder(3, 1.5, 2.5).starts() == (3, 5, 8)
    # a factor of 1 would merge levels: each level starts a day later at least
    assert Ladder(1, 1.0, 1.0).starts() == (1, 2, 3)
    assert Ladder(5, 2, 3).starts() == (5, 10, 15)


@pytest.mark.parametrize(
    "args", [(0, 2, 3), (2, 0.5, 3), (2, 3, 2)], ids=["threshold", "level2", "order"]
)
def test_invalid_ladders(args):
    with pytest.raises(ValueError):
        Ladder(*args)


def test_escalation_recipients_by_level():
    kw = {
        "doers": [11, 12],
        "project_manager": 2,
        "department_managers": [30],
        "sponsors": [40],
        "management": [50],
    }
    assert escalation_recipients(1, **kw) == [2, 11, 12]
    assert escalation_recipients(2, **kw) == [2, 30, 40]
    assert escalation_recipients(3, **kw) == [40, 50]


def test_escalation_recipients_fall_back_to_the_project_manager():
    assert escalation_recipients(3, project_manager=2) == [2]
    assert escalation_recipients(2, project_manager=2) == [2]
    assert escalation_recipients(1) == []
    with pytest.raises(ValueError):
        escalation_recipients(4)
