"""Working-day arithmetic on a weekly pattern plus a list of holidays.

All functions work on ``datetime.date`` values. Long spans are computed with
whole-week arithmetic and a binary search over the sorted holidays, so the
cost does not grow with the length of the span.
"""

import datetime
from bisect import bisect_left, bisect_right

_ONE_DAY = datetime.timedelta(days=1)


class WorkCalendar:
    """A calendar of working days: a set of weekdays minus holidays.

    ``workdays`` are Python weekday numbers (Monday is 0, Sunday is 6);
    ``holidays`` are ``datetime.date`` values (``datetime`` values are
    truncated to their date). Holidays that fall on a non-working weekday
    change nothing and are dropped.
    """

    __slots__ = ("_holiday_set", "_holidays", "_mask", "_per_week", "_workdays")

    def __init__(self, workdays=(0, 1, 2, 3, 4), holidays=()):
        days = set()
        for day in workdays:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"Invalid weekday {day!r}: expected an integer from 0 to 6")
            days.add(day)
        if not days:
            raise ValueError("A work calendar needs at least one working weekday")
        self._workdays = tuple(sorted(days))
        self._mask = tuple(weekday in days for weekday in range(7))
        self._per_week = len(days)
        kept = set()
        for holiday in holidays:
            holiday = _as_date(holiday)
            if self._mask[holiday.weekday()]:
                kept.add(holiday)
        self._holidays = tuple(sorted(kept))
        self._holiday_set = frozenset(kept)

    def __repr__(self):
        return f"WorkCalendar(workdays={self._workdays!r}, holidays={len(self._holidays)} days)"

    def __eq__(self, other):
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._workdays == other._workdays and self._holidays == other._holidays

    def __hash__(self):
        return hash((self._workdays, self._holidays))

    @property
    def workdays(self):
        """Sorted tuple of the working weekday numbers."""
        return self._workdays

    @property
    def holidays(self):
        """Sorted tuple of the holidays that fall on a working weekday."""
        return self._holidays

    # -- queries ---------------------------------------------------------

    def is_working_day(self, d):
        return self._mask[d.weekday()] and d not in self._holiday_set

    def next_working_day(self, d, include=True):
        """Return ``d`` if it is a working day and ``include``, else the next one after it."""
        if include and self.is_working_day(d):
            return d
        return self._nth_after(d, 1)

    def previous_working_day(self, d, include=True):
        """Return ``d`` if it is a working day and ``include``, else the last one before it."""
        if include and self.is_working_day(d):
            return d
        return self._nth_before(d, 1)

    def add_working_days(self, start, n):
        """Return the finish date of ``n`` working days of work starting on ``start``.

        ``start`` is first moved to the next working day (if it is not one);
        ``n == 1`` finishes on that day, ``n == 0`` is a milestone on that day.
        """
        if n < 0:
            raise ValueError(f"Cannot add a negative number of working days ({n})")
        if n == 0:
            return self.next_working_day(start)
        return self.shift(start, n - 1)

    def shift(self, d, n):
        """Move ``d`` by ``n`` working days (``n`` may be negative).

        ``d`` is first anchored on ``next_working_day(d)``, so ``shift(d, 0)``
        is that day and ``shift(shift(d, n), -n) == shift(d, 0)`` for any
        ``d`` and ``n``.
        """
        anchor = self.next_working_day(d)
        if n > 0:
            return self._nth_after(anchor, n)
        if n < 0:
            return self._nth_before(anchor, -n)
        return anchor

    def working_days_between(self, a, b):
        """Return the number of working days in ``[a, b]``, both ends included (0 if b < a)."""
        if b < a:
            return 0
        return self._weekday_count(a, b) - self._holidays_in(a, b)

    def offset(self, origin, d):
        """Return the signed number of working days from ``origin`` to ``d``.

        Both dates are first anchored on their ``next_working_day``; this is
        the inverse of ``shift``: ``shift(origin, offset(origin, d)) ==
        next_working_day(d)`` and ``offset(origin, shift(origin, n)) == n``.
        It turns dates into working-day indexes (``origin`` is index 0).
        """
        a = self.next_working_day(origin)
        b = self.next_working_day(d)
        if b >= a:
            return self.working_days_between(a, b) - 1
        return 1 - self.working_days_between(b, a)

    # -- internals -------------------------------------------------------

    def _weekday_count(self, a, b):
        """Working weekdays in ``[a, b]`` ignoring holidays (``a <= b``)."""
        total = (b - a).days + 1
        weeks, rest = divmod(total, 7)
        count = weeks * self._per_week
        weekday = (a.weekday() + weeks * 7) % 7
        for offset in range(rest):
            count += self._mask[(weekday + offset) % 7]
        return count

    def _holidays_in(self, a, b):
        """Number of (working-weekday) holidays in ``[a, b]``."""
        return bisect_right(self._holidays, b) - bisect_left(self._holidays, a)

    def _weekday_after(self, d, n):
        """The n-th working weekday strictly after ``d`` ignoring holidays (``n >= 1``).

        Any 7 consecutive days hold exactly ``per_week`` working weekdays, so
        whole weeks are skipped at once and at most 7 single days are walked.
        """
        weeks = (n - 1) // self._per_week
        remaining = n - weeks * self._per_week
        current = d + datetime.timedelta(days=weeks * 7)
        while True:
            current += _ONE_DAY
            if self._mask[current.weekday()]:
                remaining -= 1
                if not remaining:
                    return current

    def _weekday_before(self, d, n):
        """The n-th working weekday strictly before ``d`` ignoring holidays (``n >= 1``)."""
        weeks = (n - 1) // self._per_week
        remaining = n - weeks * self._per_week
        current = d - datetime.timedelta(days=weeks * 7)
        while True:
            current -= _ONE_DAY
            if self._mask[current.weekday()]:
                remaining -= 1
                if not remaining:
                    return current

    def _nth_after(self, d, n):
        """The n-th working day strictly after ``d`` (``n >= 1``).

        Jump ``n`` weekdays ahead, then jump again by the number of holidays
        met on the way, until a jump meets no holiday. Each round moves
        forward, and the holidays are finite, so this terminates.
        """
        target = self._weekday_after(d, n)
        missing = self._holidays_in(d + _ONE_DAY, target)
        while missing:
            previous = target
            target = self._weekday_after(previous, missing)
            missing = self._holidays_in(previous + _ONE_DAY, target)
        return target

    def _nth_before(self, d, n):
        """The n-th working day strictly before ``d`` (``n >= 1``)."""
        target = self._weekday_before(d, n)
        missing = self._holidays_in(target, d - _ONE_DAY)
        while missing:
            previous = target
            target = self._weekday_before(previous, missing)
            missing = self._holidays_in(target, previous - _ONE_DAY)
        return target


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"Expected a date, got {value!r}")
