import random
from datetime import date, timedelta

import pytest

from ..calendar import WorkCalendar

ONE = timedelta(days=1)
# 2026-01-05 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 1, 5) + timedelta(days=i) for i in range(7))


def test_default_is_monday_to_friday():
    cal = WorkCalendar()
    assert cal.workdays == (0, 1, 2, 3, 4)
    week = [cal.is_working_day(d) for d in (MON, TUE, WED, THU, FRI, SAT, SUN)]
    assert week == [True] * 5 + [False] * 2


@pytest.mark.parametrize("workdays", [(), [], (7,), (-1,), ("1",), (True,)])
def test_invalid_workdays(workdays):
    with pytest.raises(ValueError, match="weekday"):
        WorkCalendar(workdays)


def test_holidays_on_weekends_are_dropped_and_datetimes_truncated():
    from datetime import datetime

    cal = WorkCalendar(holidays=[SAT, datetime(2026, 1, 7, 9, 30), WED])
    assert cal.holidays == (WED,)
    assert not cal.is_working_day(WED)
    with pytest.raises(TypeError):
        WorkCalendar(holidays=["2026-01-07"])


def test_next_and_previous_working_day():
    cal = WorkCalendar(holidays=[date(2026, 1, 12)])  # Monday after the first week
    assert cal.next_working_day(MON) == MON
    assert cal.next_working_day(MON, include=False) == TUE
    assert cal.next_working_day(FRI, include=False) == date(2026, 1, 13)
    assert cal.next_working_day(SAT) == date(2026, 1, 13)
    assert cal.previous_working_day(date(2026, 1, 13), include=False) == FRI
    assert cal.previous_working_day(SUN) == FRI
    assert cal.previous_working_day(MON, include=False) == date(2026, 1, 2)


def test_add_working_days():
    cal = WorkCalendar(holidays=[WED])
    assert cal.add_working_days(MON, 1) == MON
    assert cal.add_working_days(MON, 0) == MON  # milestone
    assert cal.add_working_days(SAT, 0) == date(2026, 1, 12)  # moved to Monday
    assert cal.add_working_days(SAT, 1) == date(2026, 1, 12)
    assert cal.add_working_days(MON, 3) == THU  # Mon, Tue, (Wed off), Thu
    assert cal.add_working_days(MON, 5) == date(2026, 1, 12)
    assert cal.add_working_days(WED, 1) == THU
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(MON, -1)


def test_shift():
    cal = WorkCalendar(holidays=[WED])
    assert cal.shift(MON, 0) == MON
    assert cal.shift(SAT, 0) == date(2026, 1, 12)
    assert cal.shift(TUE, 1) == THU
    assert cal.shift(THU, -1) == TUE
    assert cal.shift(FRI, 1) == date(2026, 1, 12)
    assert cal.shift(date(2026, 1, 12), -3) == TUE
    # Non-working days are anchored on the next working day first.
    assert cal.shift(SUN, -1) == FRI
    assert cal.shift(WED, -1) == TUE


def test_working_days_between():
    cal = WorkCalendar(holidays=[WED])
    assert cal.working_days_between(MON, SUN) == 4
    assert cal.working_days_between(MON, MON) == 1
    assert cal.working_days_between(WED, WED) == 0
    assert cal.working_days_between(SAT, SUN) == 0
    assert cal.working_days_between(FRI, MON) == 0  # b < a
    assert cal.working_days_between(MON, date(2026, 1, 30)) == 19  # 4 weeks, 1 holiday


def test_six_day_week_with_spring_festival():
    # Chinese-style calendar: Monday to Saturday, Spring Festival Mon 16 - Fri 20 Feb 2026.
    festival = [date(2026, 2, 16) + timedelta(days=i) for i in range(5)]
    cal = WorkCalendar(workdays=range(6), holidays=festival)
    thu = date(2026, 2, 12)
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday works
    assert not cal.is_working_day(date(2026, 2, 15))  # Sunday
    # Thu 12, Fri 13, Sat 14, (Sun 15, festival 16-20 off), Sat 21, Mon 23.
    assert cal.add_working_days(thu, 5) == date(2026, 2, 23)
    assert cal.shift(date(2026, 2, 23), -2) == date(2026, 2, 14)
    assert cal.next_working_day(date(2026, 2, 15)) == date(2026, 2, 21)
    assert cal.previous_working_day(date(2026, 2, 20)) == date(2026, 2, 14)
    assert cal.working_days_between(date(2026, 2, 9), date(2026, 2, 22)) == 7


def test_offset_is_the_inverse_of_shift():
    cal = WorkCalendar(holidays=[WED])
    assert cal.offset(MON, MON) == 0
    assert cal.offset(MON, THU) == 2  # Tue, (Wed off), Thu
    assert cal.offset(MON, WED) == 2  # a holiday counts as the next working day
    assert cal.offset(MON, SAT) == 4  # next Monday
    assert cal.offset(THU, MON) == -2
    assert cal.offset(SAT, date(2026, 1, 12)) == 0  # both anchored on Monday 12
    assert cal.offset(MON, date(2025, 12, 29)) == -5
    for n in range(-12, 13):
        assert cal.offset(TUE, cal.shift(TUE, n)) == n
        assert cal.offset(SUN, cal.shift(SUN, n)) == n


def test_long_spans_are_consistent_and_fast():
    start = date(2000, 1, 3)  # a Monday
    holidays = [start + timedelta(days=i) for i in range(1, 365 * 200, 11)]
    cal = WorkCalendar(holidays=holidays)
    end = cal.add_working_days(start, 40_000)
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == 40_000
    assert cal.shift(end, -39_999) == start
    # 2000-01-03 .. 2399-12-31 is 400 Gregorian years minus 2 days: 20870 weeks and 5 days
    # starting on a Monday, so 20870 * 5 + 5 weekdays; every holiday is in the range.
    total = cal.working_days_between(start, date(2399, 12, 31))
    assert total == 20870 * 5 + 5 - len(cal.holidays)


# -- brute-force cross-check ----------------------------------------------


def _brute_is_working(workdays, holidays, d):
    return d.weekday() in workdays and d not in holidays


def _brute_between(workdays, holidays, a, b):
    count, d = 0, a
    while d <= b:
        count += _brute_is_working(workdays, holidays, d)
        d += ONE
    return count


def _brute_shift(workdays, holidays, d, n):
    while not _brute_is_working(workdays, holidays, d):
        d += ONE
    step = ONE if n > 0 else -ONE
    for _ in range(abs(n)):
        d += step
        while not _brute_is_working(workdays, holidays, d):
            d += step
    return d


def test_brute_force_cross_check():
    rng = random.Random(20260105)
    origin = date(2025, 1, 1)
    for _ in range(150):
        workdays = set(rng.sample(range(7), rng.randint(1, 7)))
        holidays = {
            origin + timedelta(days=rng.randrange(1200)) for _ in range(rng.randint(0, 120))
        }
        # A block of consecutive holidays makes the jump loop run several rounds.
        block = origin + timedelta(days=rng.randrange(1000))
        holidays.update(block + timedelta(days=i) for i in range(rng.randint(0, 30)))
        cal = WorkCalendar(workdays, holidays)
        a = origin + timedelta(days=rng.randrange(1000))
        b = a + timedelta(days=rng.randrange(-5, 400))
        assert cal.working_days_between(a, b) == _brute_between(workdays, holidays, a, b)
        n = rng.randint(-150, 150)
        expected = _brute_shift(workdays, holidays, a, n)
        assert cal.shift(a, n) == expected
        assert cal.offset(a, expected) == n
        assert cal.shift(a, cal.offset(a, b)) == cal.next_working_day(b)
        if n >= 1:
            assert cal.add_working_days(a, n) == _brute_shift(workdays, holidays, a, n - 1)
        assert cal.next_working_day(a) == _brute_shift(workdays, holidays, a, 0)
        assert cal.next_working_day(a, include=False) == _brute_shift(
            workdays, holidays, a + ONE, 0
        )
        previous = a - ONE if not cal.is_working_day(a) else a
        while not _brute_is_working(workdays, holidays, previous):
            previous -= ONE
        assert cal.previous_working_day(a) == previous
