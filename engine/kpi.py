"""Dashboard KPI arithmetic: periods, rates, trends, bottlenecks, review matrix.

Pure functions, no database. ``models/project_flow_dashboard.py`` reads the
aggregates (sums and counts per period bucket and department) and builds the
dashboard dict with these helpers.

Periods are calendar periods: ISO weeks (Monday to Sunday), months, quarters
and years. A period is a ``(start, end)`` pair of dates, both included.
"""

from datetime import date, timedelta

PERIODS = ("week", "month", "quarter", "year")
DEFAULT_PERIOD = "month"
TREND_LENGTH = 6


def normalise_period(kind):
    """The period kind, ``month`` when unknown or empty."""
    return kind if kind in PERIODS else DEFAULT_PERIOD


def period_start(kind, day):
    """First day of the period of ``kind`` that contains ``day``."""
    kind = normalise_period(kind)
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def shift_period(kind, start, count):
    """Start of the period ``count`` periods after (negative: before) the
    period starting on ``start``."""
    kind = normalise_period(kind)
    if kind == "week":
        return start + timedelta(weeks=count)
    months = {"month": 1, "quarter": 3, "year": 12}[kind] * count
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_bounds(kind, day):
    """``(start, end)`` of the period of ``kind`` containing ``day``, both included."""
    start = period_start(kind, day)
    return start, shift_period(kind, start, 1) - timedelta(days=1)


def previous_bounds(kind, day):
    """``(start, end)`` of the period before the one containing ``day``."""
    start = shift_period(kind, period_start(kind, day), -1)
    return start, shift_period(kind, start, 1) - timedelta(days=1)


def trend_periods(kind, day, count=TREND_LENGTH):
    """The ``count`` periods ending with the one containing ``day``, oldest
    first, as ``(start, end)`` pairs."""
    last = period_start(kind, day)
    periods = []
    for offset in range(count - 1, -1, -1):
        start = shift_period(kind, last, -offset)
        periods.append((start, shift_period(kind, start, 1) - timedelta(days=1)))
    return periods


def bucket_of(kind, day):
    """The start of the period containing ``day`` (the key of a bucket), or
    None for no day."""
    return period_start(kind, day) if day else None


def rate(part, total, digits=1):
    """``part / total`` in percent, rounded; None when there is nothing to measure."""
    if not total:
        return None
    return round(100.0 * (part or 0) / total, digits)


def ratio(part, total, digits=2):
    """``part / total`` rounded; None when ``total`` is 0 or missing."""
    if not total:
        return None
    return round(part / total, digits)


def trend(value, previous, better="up", tolerance=1e-9):
    """Direction of ``value`` against ``previous`` and whether it is good.

    Returns ``(delta, direction, good)``: ``delta`` is ``value - previous``
    (None when either is missing), ``direction`` is ``"up"``, ``"down"`` or
    ``"flat"`` (None when unknown), ``good`` is True when the change goes the
    ``better`` way, False when it goes the other way, None when flat/unknown.
    """
    if value is None or previous is None:
        return None, None, None
    delta = round(value - previous, 2)
    if abs(delta) <= tolerance:
        return 0.0, "flat", None
    direction = "up" if delta > 0 else "down"
    return delta, direction, direction == better


class Tally:
    """Sums and counts per key (a period bucket, a department, a pair)."""

    def __init__(self):
        self.sums = {}
        self.counts = {}

    def add(self, key, total, count):
        self.sums[key] = self.sums.get(key, 0.0) + (total or 0.0)
        self.counts[key] = self.counts.get(key, 0) + (count or 0)

    def sum(self, key):
        return self.sums.get(key, 0.0)

    def count(self, key):
        return self.counts.get(key, 0)

    def average(self, key, digits=1):
        """Average of the values of ``key``: None without any value."""
        count = self.counts.get(key, 0)
        return round(self.sums.get(key, 0.0) / count, digits) if count else None


def rank_bottlenecks(rows, limit=5):
    """The slowest template phases, worst first.

    ``rows``: dicts with ``template_phase_id``, ``name``, ``template``,
    ``avg_overrun_days`` and ``count`` (finished phases measured). Only phases
    that overran on average are bottlenecks; ties go to the one measured more
    often, then to the lower id (stable).
    """
    late = [r for r in rows if r.get("avg_overrun_days") and r["avg_overrun_days"] > 0]
    late.sort(key=lambda r: (-r["avg_overrun_days"], -r["count"], r["template_phase_id"]))
    return [dict(r, avg_overrun_days=round(r["avg_overrun_days"], 1)) for r in late[:limit]]


def review_matrix(columns, rows):
    """The monthly review: one row per KPI, one value per column (team).

    ``columns``: ``[(key, name)]``; ``rows``: ``[(kpi_key, label, unit,
    current, previous)]`` where ``current`` and ``previous`` map a column
    key to a value (missing: None). Returns the contract's dict.
    """
    return {
        "columns": [{"id": key, "name": name} for key, name in columns],
        "rows": [
            {
                "key": kpi_key,
                "label": label,
                "unit": unit,
                "values": [current.get(key) for key, _name in columns],
                "previous": [previous.get(key) for key, _name in columns],
            }
            for kpi_key, label, unit, current, previous in rows
        ],
    }
