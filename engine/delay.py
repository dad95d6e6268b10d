"""Delay detection: how late a piece of work is, in working days, and which
escalation levels that delay reaches.

Everything here works on plain values (``datetime.date`` and numbers) and a
:class:`~.calendar.WorkCalendar`; the delay cron reads the records, asks
these functions and writes the alerts.

Counting rule: work planned to finish on day ``D`` is late by the number of
working days in ``(D, today]``: due on a Friday and still open on Monday, it
is 1 working day late; a weekend or a holiday in between adds nothing.
"""

import datetime
import math
from dataclasses import dataclass

_ONE_DAY = datetime.timedelta(days=1)
DEFAULT_THRESHOLD = 2
DEFAULT_LEVEL2_FACTOR = 2.0
DEFAULT_LEVEL3_FACTOR = 3.0
LEVELS = (1, 2, 3)


def working_days_late(calendar, planned, today):
    """Working days from the planned finish ``planned`` to ``today``.

    :param calendar: a :class:`~.calendar.WorkCalendar`
    :param planned: the planned finish (a date) or ``None``
    :param today: the day of the check
    :return: the number of working days in ``(planned, today]`` (0 when
        ``planned`` is not before ``today``), or ``None`` without a plan
    """
    if planned is None:
        return None
    if planned >= today:
        return 0
    return calendar.working_days_between(planned + _ONE_DAY, today)


def overrun_days(calendar, started, duration, today):
    """Working days a phase has been open beyond its planned duration (SLA).

    A phase of ``duration`` working days started on ``started`` uses its
    ``duration`` working days from ``started`` on (``started`` included);
    every working day after those, up to ``today``, is an overrun day.

    :return: the overrun in working days (0 when within the duration), or
        ``None`` when the phase has not started
    """
    if started is None:
        return None
    if duration < 0:
        raise ValueError(f"A planned duration cannot be negative ({duration})")
    used = calendar.working_days_between(started, today)
    return max(0, used - duration)


def effective_threshold(*thresholds, default=DEFAULT_THRESHOLD):
    """The delay threshold that applies: the most specific value that is set.

    Pass the thresholds from the most specific to the most general (phase,
    template, company); 0 or ``None`` means "inherit from the next one".

    >>> effective_threshold(0, 5, 2)
    5
    """
    for value in thresholds:
        if value is not None and value < 0:
            raise ValueError(f"A delay threshold cannot be negative ({value})")
        if value:
            return value
    return default


@dataclass(frozen=True)
class Ladder:
    """The escalation ladder: the delay (in working days) at which each level starts.

    Level 1 starts at ``threshold`` working days late, level 2 at
    ``threshold × level2_factor`` and level 3 at ``threshold × level3_factor``
    (rounded up to whole days, and each level at least one day after the
    previous one).
    """

    threshold: int = DEFAULT_THRESHOLD
    level2_factor: float = DEFAULT_LEVEL2_FACTOR
    level3_factor: float = DEFAULT_LEVEL3_FACTOR

    def __post_init__(self):
        if self.threshold < 1:
            raise ValueError(f"A delay threshold must be at least 1 day ({self.threshold})")
        if self.level2_factor < 1 or self.level3_factor < self.level2_factor:
            raise ValueError(
                "Escalation factors must satisfy 1 <= level 2 <= level 3 "
                f"({self.level2_factor}, {self.level3_factor})"
            )

    def starts(self):
        """``(level 1 start, level 2 start, level 3 start)`` in working days."""
        first = self.threshold
        second = max(first + 1, math.ceil(self.threshold * self.level2_factor - 1e-9))
        third = max(second + 1, math.ceil(self.threshold * self.level3_factor - 1e-9))
        return first, second, third

    def level(self, delay):
        """The highest level ``delay`` reaches (0: not late enough for an alert)."""
        if not delay:
            return 0
        reached = 0
        for level, start in zip(LEVELS, self.starts(), strict=True):
            if delay >= start:
                reached = level
        return reached

    def levels(self, delay):
        """Every level ``delay`` reaches, lowest first (empty when none)."""
        return tuple(range(1, self.level(delay) + 1))


def escalation_recipients(
    level, doers=(), project_manager=None, department_managers=(), sponsors=(), management=()
):
    """Who is asked to act at ``level`` (user ids, sorted).

    Level 1: the doers (assignees, the phase's responsible) and the project
    manager; level 2: the project manager, the doers' department managers
    and the sponsors; level 3: the sponsors and management.  A level that
    names nobody falls back to the project manager.
    """
    pm = {project_manager} if project_manager else set()
    if level == 1:
        users = set(doers) | pm
    elif level == 2:
        users = pm | set(department_managers) | set(sponsors)
    elif level == 3:
        users = set(sponsors) | set(management)
    else:
        raise ValueError(f"Unknown escalation level {level!r}")
    return sorted(users or pm)
