"""Key figures of a closing retrospective, and which lessons to show.

The figures are one plain dict, made only of JSON types (dates as ISO
strings), so the retrospective stores it as it was at completion and the
dossier keeps it after the project is archived.  ``models/`` reads the
records and passes plain values in; nothing here touches a database.
"""

import datetime

FIGURES_VERSION = 1


def _iso(day):
    return day.isoformat() if day else None


def _day(value):
    """A date from a date, a datetime, or None (also for Odoo's False)."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def slip_days(planned, actual):
    """Calendar days from ``planned`` to ``actual`` (positive: late), or
    ``None`` when either is missing."""
    planned, actual = _day(planned), _day(actual)
    if planned is None or actual is None:
        return None
    return (actual - planned).days


def date_figures(planned_start, planned_end, actual_start, actual_end):
    """Planned against actual start and end, with the slip of each."""
    return {
        "planned_start": _iso(_day(planned_start)),
        "planned_end": _iso(_day(planned_end)),
        "actual_start": _iso(_day(actual_start)),
        "actual_end": _iso(_day(actual_end)),
        "start_slip": slip_days(planned_start, actual_start),
        "end_slip": slip_days(planned_end, actual_end),
    }


def phase_figures(phases):
    """One line per phase.

    :param phases: iterable of dicts with ``name``, ``planned_start``,
        ``planned_end``, ``actual_start``, ``actual_end`` (dates or None),
        ``state`` and ``overridden`` (bool)
    """
    lines = []
    for phase in phases:
        line = date_figures(
            phase.get("planned_start"),
            phase.get("planned_end"),
            phase.get("actual_start"),
            phase.get("actual_end"),
        )
        line.update(
            name=phase["name"],
            state=phase.get("state"),
            overridden=bool(phase.get("overridden")),
        )
        lines.append(line)
    return lines


def task_figures(tasks):
    """Tasks done on time, done late, still open, and without a deadline.

    A closed task is on time when it finished on or before its deadline
    (day precision); a cancelled task counts in neither.

    :param tasks: iterable of dicts with ``deadline`` (date/datetime or
        None), ``finished`` (date/datetime or None: when it was closed),
        ``state`` in ``"done"``, ``"cancelled"`` or ``"open"``
    """
    counts = {
        "total": 0,
        "done": 0,
        "on_time": 0,
        "late": 0,
        "open": 0,
        "cancelled": 0,
        "no_deadline": 0,
    }
    for task in tasks:
        counts["total"] += 1
        state = task.get("state")
        if state == "cancelled":
            counts["cancelled"] += 1
            continue
        if state != "done":
            counts["open"] += 1
            continue
        counts["done"] += 1
        deadline, finished = _day(task.get("deadline")), _day(task.get("finished"))
        if deadline is None:
            counts["no_deadline"] += 1
        elif finished is not None and finished > deadline:
            counts["late"] += 1
        else:
            counts["on_time"] += 1
    with_deadline = counts["on_time"] + counts["late"]
    counts["on_time_rate"] = (
        round(100.0 * counts["on_time"] / with_deadline, 1) if with_deadline else None
    )
    return counts


def effort_figures(allocated_hours, spent_hours, cost):
    """Allocated against spent hours, and the timesheet cost.

    :param cost: the sum of the timesheet lines' ``amount`` (negative in
        Odoo: a cost); reported as a positive number
    """
    allocated = round(float(allocated_hours or 0.0), 2)
    spent = round(float(spent_hours or 0.0), 2)
    return {
        "allocated_hours": allocated,
        "spent_hours": spent,
        "hours_variance": round(spent - allocated, 2),
        "hours_ratio": round(100.0 * spent / allocated, 1) if allocated else None,
        "cost": round(-float(cost or 0.0), 2),
    }


def budget_figures(budget, cost):
    """The project budget against its timesheet cost (both positive), or
    ``None`` when the project has no budget.

    >>> budget_figures(1000, 1150)
    {'budget': 1000.0, 'cost': 1150.0, 'overrun': 150.0, 'overrun_percent': 15.0}
    """
    budget = round(float(budget or 0.0), 2)
    if budget <= 0:
        return None
    cost = round(float(cost or 0.0), 2)
    return {
        "budget": budget,
        "cost": cost,
        "overrun": round(cost - budget, 2),
        "overrun_percent": round(100.0 * (cost - budget) / budget, 1),
    }


def health_history(snapshots):
    """The project's health over time, oldest first.

    :param snapshots: iterable of dicts with ``date``, ``color`` (green /
        yellow / red or empty) and ``score`` (0-100)
    :return: list of ``{"date": iso, "color", "score"}`` and, when there is
        at least one, the share of weeks in each colour
    """
    lines = sorted(
        (
            {"date": _iso(_day(s["date"])), "color": s.get("color") or "", "score": s.get("score")}
            for s in snapshots
        ),
        key=lambda line: line["date"] or "",
    )
    weeks = {"green": 0, "yellow": 0, "red": 0}
    for line in lines:
        if line["color"] in weeks:
            weeks[line["color"]] += 1
    return {"snapshots": lines, "weeks": weeks}


def gate_figures(approval_states, overridden_phases):
    """Gate and lifecycle decisions.

    :param approval_states: iterable of ``(kind, state)`` of the project's
        approval requests (kind ``gate``, ``initiation`` or ``closing``)
    :param overridden_phases: number of phases whose gate a flow manager
        overrode
    """
    result = {"gate_approvals": 0, "gate_rejections": 0, "closing_rejections": 0}
    for kind, state in approval_states:
        if kind == "gate" and state == "approved":
            result["gate_approvals"] += 1
        elif kind == "gate" and state == "rejected":
            result["gate_rejections"] += 1
        elif kind == "closing" and state == "rejected":
            result["closing_rejections"] += 1
    result["overrides"] = int(overridden_phases or 0)
    return result


def build_figures(
    *,
    dates,
    phases,
    tasks,
    effort,
    gates,
    alerts=None,
    risks=None,
    currency=None,
    computed_on=None,
    budget=None,
    health=None,
):
    """Assemble the key figures of a project (see the helpers above).

    :param alerts: number of alerts raised on the project, or ``None`` when
        the addon keeps no alerts (the figure is then left out)
    :param risks: dict with the counts of ``risks`` and ``issues`` (open and
        total) or ``None``
    :param budget: :func:`budget_figures` or ``None`` (no budget)
    :param health: :func:`health_history` or ``None``
    """
    figures = {
        "version": FIGURES_VERSION,
        "computed_on": _iso(_day(computed_on)),
        "dates": dates,
        "phases": phases,
        "tasks": tasks,
        "effort": dict(effort, currency=currency),
        "gates": gates,
    }
    if alerts is not None:
        figures["alerts"] = int(alerts)
    if risks is not None:
        figures["risks"] = risks
    if budget is not None:
        figures["budget"] = budget
    if health is not None:
        figures["health"] = health
    return figures


def pick_lessons(lessons, template_phase_id=None, limit=5):
    """The lessons to show first, best first.

    For a phase, the lessons learned in the same template phase come first;
    then lessons tagged with more topics (a sign someone curated them), then
    the newest.

    :param lessons: iterable of dicts with ``id``, ``template_phase_id``
        (or None), ``tag_count`` and ``date`` (date/datetime, or None)
    :return: list of lesson ids, at most ``limit``
    """
    minimum = datetime.date.min

    def key(lesson):
        same_phase = template_phase_id is not None and (
            lesson.get("template_phase_id") == template_phase_id
        )
        return (
            not same_phase,
            -int(lesson.get("tag_count") or 0),
            -(_day(lesson.get("date")) or minimum).toordinal(),
            -lesson["id"],
        )

    return [lesson["id"] for lesson in sorted(lessons, key=key)[:limit]]
