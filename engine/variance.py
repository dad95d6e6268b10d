"""Schedule variance against a baseline, in working days.

A variance is signed: positive when the current date is later than the
baseline's, negative when it is earlier. It counts the working days crossed
by the move, so a finish moved from a Friday to the next Wednesday slipped
by 3 (Monday, Tuesday, Wednesday), not by 5 calendar days.
"""

import datetime

_ONE_DAY = datetime.timedelta(days=1)


def working_day_variance(calendar, baseline, current):
    """Working days from ``baseline`` to ``current`` on ``calendar``.

    Counts the working days in ``(baseline, current]`` (negated when
    ``current`` is earlier: the days in ``(current, baseline]``). A move onto
    a non-working day that crosses no working day is 0.

    :param calendar: a :class:`~.calendar.WorkCalendar`
    :return: an int, or ``None`` when either date is missing
    """
    if baseline is None or current is None:
        return None
    if current > baseline:
        return calendar.working_days_between(baseline + _ONE_DAY, current)
    if current < baseline:
        return -calendar.working_days_between(current + _ONE_DAY, baseline)
    return 0
