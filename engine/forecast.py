"""Earned-schedule forecasts of projects, phases and tasks.

Time is counted in working days from the baseline start ("periods"); the
model side converts dates to offsets with :class:`~.calendar.WorkCalendar`.

Earned schedule (Lipke, PMI *Practice Standard for Earned Value Management*):

* ``PV(t)``: cumulative planned value at time ``t``; ``PV(0) = 0`` and
  ``pv[i]`` is ``PV`` at the end of period ``i`` (0-based), i.e. ``PV(i + 1)``.
* ``EV``: earned value, the planned value of the work done
  (:func:`earned_value`: sum of ``weight × progress``).
* ``ES = C + (EV - PV(C)) / (PV(C+1) - PV(C))`` where ``C`` is the number of
  periods whose cumulative ``PV`` does not exceed ``EV``.
* ``AT``: actual time, periods elapsed since the baseline start.
* ``SPI(t) = ES / AT``, ``SV(t) = ES - AT`` (negative: behind plan).
* forecast duration ``IEAC(t) = PD / SPI(t)`` (``PD``: planned duration).
"""

import bisect
import math
from dataclasses import dataclass

#: A forecast never exceeds this multiple of the planned duration (or the
#: time already spent plus the planned work left, when that is more): with
#: nearly no progress ``PD / SPI(t)`` explodes and says nothing useful.
FORECAST_CAP_FACTOR = 3.0


@dataclass(frozen=True)
class Forecast:
    """Earned-schedule figures of a project or phase, all in working days."""

    es: float
    spi_t: float | None
    sv_t: float
    forecast_duration: float
    forecast_delay: float
    capped: bool = False


def earned_value(items):
    """``EV = Σ weight × progress`` over ``(weight, progress)`` pairs.

    Progress is clipped to ``0..1`` so a task over-reported at 120 % earns its
    planned value, not more.
    """
    return sum(w * min(max(p, 0.0), 1.0) for w, p in items)


def planned_duration(pv):
    """Periods until the curve first reaches its total (``BAC``); 0 when empty."""
    if not pv or pv[-1] <= 0:
        return 0
    return bisect.bisect_left(pv, pv[-1]) + 1


def earned_schedule(pv, ev):
    """Earned schedule ``ES`` in periods (fractional) for earned value ``ev``.

    ``pv`` is non-decreasing; ``pv[i]`` is the cumulative planned value at the
    end of period ``i`` (so ``PV(0) = 0`` before the first period). ``EV = 0``
    gives the periods planned to earn nothing (0 unless the plan starts with
    idle periods); ``EV >= BAC`` (``pv[-1]``) gives the planned duration, the period
    where the curve first reaches ``BAC`` (a flat tail after the last planned
    work does not count).
    """
    if not pv or pv[-1] <= 0:
        return 0.0
    ev = max(float(ev), 0.0)
    if ev >= pv[-1]:
        return float(planned_duration(pv))
    c = bisect.bisect_right(pv, ev)  # periods with PV <= EV; pv[c] > ev
    pv_c = pv[c - 1] if c else 0.0
    return c + (ev - pv_c) / (pv[c] - pv_c)


def _pv_at(pv, t):
    """``PV(t)`` for a time ``t`` in periods (linear within a period)."""
    if t <= 0 or not pv:
        return 0.0
    whole = int(t)
    if whole >= len(pv):
        return pv[-1]
    before = pv[whole - 1] if whole else 0.0
    return before + (pv[whole] - before) * (t - whole)


def schedule_forecast(pv, ev, actual_time, planned_duration):
    """:class:`Forecast` from the planned-value curve, EV and actual time.

    * ``AT <= 0`` (not started), or no EV while the plan had no PV by ``AT``
      either: ``spi_t`` is ``None`` and the forecast is the planned duration.
    * ``EV == 0`` after the start: ``spi_t`` is 0 and the forecast is capped.
    * ``EV == BAC``: ``ES = PD``, so the forecast duration is ``AT`` (a late
      finished project forecasts exactly its actual duration).

    The cap is ``max(FORECAST_CAP_FACTOR × PD, AT + PD - ES)``; ``capped``
    says it was applied.
    """
    es = earned_schedule(pv, ev)
    pd = max(float(planned_duration), 0.0)
    at = max(float(actual_time), 0.0)
    # Nothing earned while nothing was planned yet either: not started, as planned.
    idle = ev <= 0 and _pv_at(pv, at) <= 0
    spi_t = es / at if at > 0 and not idle else None
    cap = max(FORECAST_CAP_FACTOR * pd, at + pd - es)
    capped = False
    if spi_t is None:
        duration = pd
    elif spi_t <= 0:
        duration, capped = cap, True
    else:
        duration = pd / spi_t
        if duration > cap:
            duration, capped = cap, True
    return Forecast(
        es=es,
        spi_t=spi_t,
        sv_t=es - at,
        forecast_duration=duration,
        forecast_delay=duration - pd,
        capped=capped,
    )


def planned_value_curve(tasks, horizon=None):
    """Cumulative planned value per period from ``(start, duration, weight)``.

    Offsets and durations are in working days from the baseline start (floats
    allowed). A task's weight is spread evenly over ``[start, start +
    duration)``; a milestone (duration 0) counts in full at its start. The
    result has ``horizon`` entries (``pv[i]`` = value planned by the end of
    period ``i``); work planned beyond the horizon is left out, so pass a
    horizon covering the baseline finish, or ``None`` to use the last finish.
    Linear in the number of tasks plus the horizon.
    """
    tasks = [(max(float(s), 0.0), max(float(d), 0.0), float(w)) for s, d, w in tasks]
    if horizon is None:
        horizon = max((math.ceil(s + d) for s, d, _w in tasks), default=0)
        horizon = max(horizon, 1) if tasks else 0
    if horizon <= 0:
        return []
    rate_delta = [0.0] * (horizon + 1)  # difference array of full-day rates
    lump = [0.0] * (horizon + 1)  # value landing on a single day
    for start, duration, weight in tasks:
        if not weight:
            continue
        end = start + duration
        if duration == 0:
            day = max(math.ceil(start) - 1, 0)
            if day < horizon:
                lump[day] += weight
            continue
        rate = weight / duration
        first, last = math.floor(start), math.floor(end)
        if first == last or (last == first + 1 and end == last):
            if first < horizon:
                lump[first] += weight
            continue
        full_from = math.ceil(start)
        if start < full_from and first < horizon:
            lump[first] += rate * (full_from - start)
        if full_from < horizon:
            rate_delta[full_from] += rate
            rate_delta[min(last, horizon)] -= rate
        if end > last and last < horizon:
            lump[last] += rate * (end - last)
    curve, rate, total = [], 0.0, 0.0
    for day in range(horizon):
        rate += rate_delta[day]
        total += rate + lump[day]
        curve.append(total)
    return curve


def task_forecast_finish(elapsed_days, progress, duration):
    """Remaining working days of a task at its observed progress rate.

    ``progress`` is ``0..1``. Done (``>= 1``): 0. No progress yet: the whole
    planned ``duration`` still lies ahead. Otherwise the rate so far
    (``progress / elapsed``) finishes the rest: ``elapsed × (1 - p) / p``;
    progress recorded before any time elapsed falls back to the plan
    (``duration × (1 - p)``). Capped at ``FORECAST_CAP_FACTOR × duration``.
    """
    duration = max(float(duration), 0.0)
    elapsed = max(float(elapsed_days), 0.0)
    if progress >= 1:
        return 0.0
    if progress <= 0:
        return duration
    if elapsed <= 0:
        return duration * (1 - progress)
    remaining = elapsed * (1 - progress) / progress
    return min(remaining, FORECAST_CAP_FACTOR * max(duration, 1.0))


def forecast_change(before, after):
    """What-if delta between two forecasts (``after - before``), in days.

    Used before saving a move or an extension: compute the forecast with the
    current and with the edited schedule and show this delta.
    """
    return {
        "forecast_duration": after.forecast_duration - before.forecast_duration,
        "forecast_delay": after.forecast_delay - before.forecast_delay,
        "es": after.es - before.es,
    }
