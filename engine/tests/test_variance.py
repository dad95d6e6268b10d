from datetime import date, timedelta

import pytest

from ..calendar import WorkCalendar
from ..variance import working_day_variance

# 2026-01-05 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 1, 5) + timedelta(days=i) for i in range(7))
NEXT_MON, NEXT_TUE, NEXT_WED = (MON + timedelta(days=7 + i) for i in range(3))


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (FRI, FRI, 0),
        (MON, THU, 3),
        (FRI, NEXT_WED, 3),  # across the weekend: Mon, Tue, Wed
        (NEXT_WED, FRI, -3),
        (FRI, SAT, 0),  # onto a non-working day, no working day crossed
        (FRI, SUN, 0),
        (SAT, NEXT_MON, 1),
        (NEXT_MON, SAT, -1),
    ],
)
def test_variance_in_working_days(baseline, current, expected):
    assert working_day_variance(WorkCalendar(), baseline, current) == expected


def test_holidays_are_not_counted():
    calendar = WorkCalendar(holidays=[NEXT_MON])
    assert working_day_variance(calendar, FRI, NEXT_WED) == 2
    assert working_day_variance(calendar, NEXT_WED, FRI) == -2


def test_other_weekly_pattern():
    calendar = WorkCalendar(workdays=(0, 1, 2, 3, 4, 5))  # Saturdays worked
    assert working_day_variance(calendar, FRI, NEXT_MON) == 2


@pytest.mark.parametrize(("baseline", "current"), [(None, MON), (MON, None), (None, None)])
def test_missing_date_has_no_variance(baseline, current):
    assert working_day_variance(WorkCalendar(), baseline, current) is None


def test_antisymmetric():
    calendar = WorkCalendar(holidays=[WED, NEXT_TUE])
    days = [MON + timedelta(days=i) for i in range(21)]
    for a in days:
        for b in days:
            assert working_day_variance(calendar, a, b) == -working_day_variance(calendar, b, a)
