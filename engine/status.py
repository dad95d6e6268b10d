"""Pure maths of the project status report (``project.project`` PDF) and of
the flow KPIs of Odoo's digest emails.

The definitions are the portfolio KPIs' (issue 7 contract), measured on one
project:

- completion rate: done tasks / tasks that are not cancelled;
- on-time rate: done tasks closed on or before their deadline / done tasks
  with a deadline (the closing date is ``project.task.date_end``);
- delivery cycle: average days from a task's creation to its closing;
- rework: reopenings + stage regressions; defects: defect-tagged tasks;
- hours: effective hours against allocated hours;
- milestone hit rate: milestones reached on time / milestones that are
  reached or missed (open ones are not measured yet).

No ``odoo`` import: the models pass counts read with SQL / ``_read_group``.
"""

from . import kpi
from .gantt import bar_position, timeline_window, today_position

SECONDS_PER_DAY = 86400.0

# Key tasks drawn in the Gantt summary of one project.
MAX_KEY_TASKS = 12


# ``part / whole`` in percent, rounded; None when ``whole`` is 0 (nothing to
# measure is not 0 %): the dashboard's rate, so a project's figures and the
# portfolio's round alike.
percent = kpi.rate


def average(total, count, digits=1):
    """``total / count`` rounded, None when ``count`` is 0."""
    if not count:
        return None
    return round(float(total or 0) / count, digits)


def project_kpis(counts):
    """The KPIs of one project from its counts.

    :param counts: dict with (missing keys count as 0)
        ``tasks`` (not cancelled), ``done``, ``done_with_deadline``,
        ``done_on_time``, ``closed_with_date`` (done tasks with a closing
        date), ``cycle_seconds`` (sum of creation → closing of those),
        ``reopen``, ``regression``, ``defects``, ``allocated_hours``,
        ``effective_hours``, ``milestones_on_time``, ``milestones_late``,
        ``milestones_missed``
    :return: dict ``completion_rate``, ``on_time_rate``, ``cycle_days``,
        ``rework_count``, ``defect_count``, ``allocated_hours``,
        ``effective_hours``, ``hours_ratio`` (effective / allocated, %),
        ``milestone_hit_rate``; rates and averages are None when there is
        nothing to measure
    """
    c = {key: value or 0 for key, value in counts.items()}
    measured_milestones = (
        c.get("milestones_on_time", 0) + c.get("milestones_late", 0) + c.get("milestones_missed", 0)
    )
    return {
        "completion_rate": percent(c.get("done", 0), c.get("tasks", 0)),
        "on_time_rate": percent(c.get("done_on_time", 0), c.get("done_with_deadline", 0)),
        "cycle_days": average(
            c.get("cycle_seconds", 0) / SECONDS_PER_DAY, c.get("closed_with_date", 0)
        ),
        "rework_count": int(c.get("reopen", 0) + c.get("regression", 0)),
        "defect_count": int(c.get("defects", 0)),
        "allocated_hours": round(float(c.get("allocated_hours", 0)), 1),
        "effective_hours": round(float(c.get("effective_hours", 0)), 1),
        "hours_ratio": percent(c.get("effective_hours", 0), c.get("allocated_hours", 0)),
        "milestone_hit_rate": percent(c.get("milestones_on_time", 0), measured_milestones),
    }


def key_tasks(tasks, limit=MAX_KEY_TASKS):
    """The tasks worth a bar in a one-page Gantt summary: critical ones
    first, then open ones finishing first; tasks without dates are left
    out.

    :param tasks: dicts with ``id``, ``start``, ``finish`` (dates or None),
        ``critical``, ``closed``
    :return: at most ``limit`` of them, in chronological order
    """
    dated = [t for t in tasks if t.get("start") or t.get("finish")]
    ranked = sorted(
        dated,
        key=lambda t: (
            not t.get("critical"),
            bool(t.get("closed")),
            t.get("finish") or t.get("start"),
            t["id"],
        ),
    )[:limit]
    return sorted(ranked, key=lambda t: (t.get("start") or t.get("finish"), t["id"]))


def gantt_summary(rows, today, window_start=None, window_end=None):
    """Place the bars of a Gantt summary in percent of the project window.

    :param rows: dicts with ``start`` and ``finish`` (dates or None); a row
        with only one of them is a one-day mark
    :param today: the day of the report (the today line)
    :param window_start, window_end: the project's own window (optional);
        the window is widened to every bar
    :return: ``{"first", "last", "today" (percent or None), "rows"}``, each
        row a copy with ``left`` and ``width`` when it has a date
    """
    days = [window_start, window_end]
    for row in rows:
        days += [row.get("start"), row.get("finish")]
    first, last, span = timeline_window(days, today)
    placed = []
    for row in rows:
        line = dict(row)
        start = row.get("start") or row.get("finish")
        if start:
            finish = row.get("finish") or start
            if finish < start:
                start, finish = finish, start
            line["left"], line["width"] = bar_position(start, finish, first, span)
        placed.append(line)
    return {
        "first": first,
        "last": last,
        "today": today_position(today, first, last, span),
        "rows": placed,
    }
