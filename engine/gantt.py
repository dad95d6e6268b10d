"""Pure rules of the Gantt view: how a task's health is judged.

The web client colours a bar by the task's state (its fill) and its health
(its outline); the health is decided here so the XLSX and PDF exports say the
same thing as the screen.
"""

HEALTH_OK = "ok"
HEALTH_AT_RISK = "at_risk"
HEALTH_LATE = "late"
HEALTH_CONFLICT = "conflict"
HEALTH_DONE = "done"

# Working days of total float under which a task is "at risk".
AT_RISK_FLOAT = 2


def task_health(*, closed, finish, today, total_float, conflict, critical):
    """The health of one task.

    :param closed: the task is done or cancelled
    :param finish: its planned finish (a date) or None
    :param today: the day to judge on
    :param total_float: its total float in working days
    :param conflict: its schedule conflict text (empty when none)
    :param critical: it is on the critical path
    :return: one of ``done``, ``conflict``, ``late``, ``at_risk``, ``ok``
    """
    if closed:
        return HEALTH_DONE
    if conflict or (total_float or 0) < 0:
        return HEALTH_CONFLICT
    if finish and finish < today:
        return HEALTH_LATE
    if critical or (total_float or 0) < AT_RISK_FLOAT:
        return HEALTH_AT_RISK
    return HEALTH_OK


def is_milestone(duration, start, finish):
    """A task is shown as a diamond when it takes no working day: no
    duration of its own and no window (no start, or start and finish on the
    same instant)."""
    if duration:
        return False
    return not start or not finish or start == finish


def group_rows(tasks, groups, key, none_label):
    """The rows of the Gantt, as the web client lays them out
    (``layoutRows`` in static/src/views/flow_gantt/gantt_layout.js): group
    rows in the order of ``groups`` followed by their tasks ordered by start
    then name, tasks of no known group last under ``none_label``.

    :param tasks: dicts with ``id``, ``name``, ``start`` (a sortable date or None)
    :param groups: list of ``(key, label)``
    :param key: task -> group key, or None for no grouping
    :return: list of ``{"group": label}`` and task dicts
    """
    ordered = sorted(
        tasks,
        key=lambda t: (t["start"] is None, t["start"] or "", str(t["name"]), t["id"]),
    )
    if key is None:
        return list(ordered)
    members = {group_key: [] for group_key, _label in groups}
    none = []
    for task in ordered:
        members.get(key(task), none).append(task)
    rows = []
    for group_key, label in groups:
        if members[group_key]:
            rows.append({"group": label})
            rows.extend(members[group_key])
    if none:
        rows.append({"group": none_label})
        rows.extend(none)
    return rows


def timeline_window(days, today):
    """The window a printed Gantt spans: ``(first, last, span)`` covering
    ``days`` (dates; ``today`` when there is none), ``span`` in calendar days
    (at least 1)."""
    days = [d for d in days if d]
    first = min(days, default=today)
    last = max(days, default=today)
    return first, last, (last - first).days + 1


def bar_position(start, finish, first, span):
    """Where a bar from ``start`` to ``finish`` (dates, included; ``finish``
    None: one day) sits in a window starting on ``first`` of ``span`` days:
    ``(left, width)`` in percent, the width at least 0.4 so a one-day bar
    stays visible."""
    offset = (start - first).days
    length = ((finish or start) - start).days + 1
    return round(100.0 * offset / span, 2), max(0.4, round(100.0 * length / span, 2))


def today_position(today, first, last, span):
    """The today line in percent of the window, or None outside it."""
    if not first <= today <= last:
        return None
    return round(100.0 * (today - first).days / span, 2)
