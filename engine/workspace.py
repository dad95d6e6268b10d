"""The "My work" workspace: the schedule signal of a project.

There is no health score yet; the workspace shows what the schedule already
says about a project, from the delay alerts and late tasks, and names it
"Schedule" so nobody mistakes it for a full health score.
"""

ON_TRACK = "on_track"
AT_RISK = "at_risk"
LATE = "late"
ESCALATED = "escalated"

# alert levels are the selection keys of project.flow.alert.level
LEVEL_AT_RISK = 0
LEVEL_ESCALATED = 2


def schedule_status(max_alert_level=None, late_task_count=0, missed_milestone_count=0):
    """Classify a project's schedule from its open delay alerts and late work.

    - ``escalated``: an unresolved alert reached level 2 or more (the PM's
      manager or the sponsor is involved);
    - ``late``: an unresolved level-1 alert, or a milestone missed;
    - ``at_risk``: an "at risk" alert (level 0), or open tasks past their
      deadline that have not reached an alert threshold yet;
    - ``on_track``: none of the above.

    :param max_alert_level: highest level (int) of the project's unresolved
        alerts, ``None`` without any
    :param int late_task_count: open tasks past their deadline
    :param int missed_milestone_count: milestones missed
    :return: one of ``ON_TRACK``, ``AT_RISK``, ``LATE``, ``ESCALATED``
    """
    if max_alert_level is not None and max_alert_level >= LEVEL_ESCALATED:
        return ESCALATED
    if (max_alert_level is not None and max_alert_level > LEVEL_AT_RISK) or missed_milestone_count:
        return LATE
    if max_alert_level is not None or late_task_count:
        return AT_RISK
    return ON_TRACK


def split_due(tasks, day_start, day_end):
    """Split my open tasks into overdue and today's.

    :param tasks: iterable of dicts with ``date_deadline`` and
        ``planned_date_begin`` (naive UTC datetimes or ``None``)
    :param day_start: start of the user's today, naive UTC
    :param day_end: start of the user's tomorrow, naive UTC
    :return: ``(overdue, today)`` lists, in the order given; a task is
        overdue when its deadline is before today, and today's when its
        deadline falls today or its planned window covers today
    """
    overdue, today = [], []
    for task in tasks:
        deadline = task.get("date_deadline")
        begin = task.get("planned_date_begin")
        if deadline and deadline < day_start:
            overdue.append(task)
        elif (deadline and deadline < day_end) or (
            begin and begin < day_end and (not deadline or deadline >= day_start)
        ):
            today.append(task)
    return overdue, today
