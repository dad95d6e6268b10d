"""Person effectiveness profile: periods and figures from summed KPI rows.

The figures are computed from sums, so they stay right whatever the grouping
(a day, a month, a team):

* ``on_time_rate``   = on_time / with_deadline × 100 (``None`` without deadlines);
* ``effort_ratio``   = Σ spent / Σ estimated × 100 on closed tasks that had an
  estimate (100: as estimated; above: underestimated) (``None`` without estimates);
* ``estimate_accuracy`` = max(0, 100 − Σ|spent − estimated| / Σ estimated × 100):
  a weighted absolute percentage error turned into a score, so a 2 h overrun on
  one task is not cancelled by a 2 h underrun on another.

Periods: ``month``, ``quarter`` or ``year`` containing a day, and the period
just before it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from . import kpi

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive


def period_bounds(period, day):
    """The ``period`` ("month", "quarter", "year") that contains ``day``
    (the dashboard's calendar periods, ``kpi.period_bounds``)."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    return Period(*kpi.period_bounds(period, day))


def previous_period(period, day):
    """The period just before the one that contains ``day``."""
    current = period_bounds(period, day)
    return period_bounds(period, current.start - timedelta(days=1))


def ratio(numerator, denominator, scale=100.0):
    """``numerator / denominator × scale``, ``None`` when nothing to measure."""
    if not denominator:
        return None
    return numerator / denominator * scale


def estimate_accuracy(gap_hours, estimated_hours):
    """100 − weighted absolute percentage error, floored at 0."""
    error = ratio(gap_hours, estimated_hours)
    if error is None:
        return None
    return max(0.0, 100.0 - error)


def profile_figures(sums):
    """Figures of a profile from the sums of its rows (a dict of column sums).

    Returns counts and hours as given plus the three ratios; every value is a
    number or ``None`` when there is nothing to measure.
    """
    get = lambda key: sums.get(key) or 0  # noqa: E731
    return {
        "tasks_closed": get("tasks_closed"),
        "on_time_rate": ratio(get("on_time_count"), get("deadline_count")),
        "effort_ratio": ratio(get("effective_hours"), get("allocated_hours")),
        "estimate_accuracy": estimate_accuracy(get("estimate_gap_hours"), get("allocated_hours")),
        "rework_count": get("rework_count"),
        "checkin_count": get("checkin_count"),
        "comment_count": get("comment_count"),
        "approval_count": get("approval_count"),
        "hours_logged": get("hours_logged"),
    }


def trend(current, previous):
    """Change from the previous period: ``current − previous``, ``None`` when
    either side has nothing to measure."""
    if current is None or previous is None:
        return None
    return current - previous
