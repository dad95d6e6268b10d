"""Tracking rules: task progress, milestone achievement, the daily digest.

Pure functions over plain values, so the ORM layer only reads records,
calls these and writes the results back.
"""

# Milestone achievement values (the selection keys of
# ``project.milestone.flow_achievement``).
ON_TIME = "on_time"
LATE = "late"
MISSED = "missed"
OPEN = "open"


def timesheet_progress(effective_hours, allocated_hours, closed=False):
    """Progress of a task in percent from its confirmed hours.

    A closed task is complete (100) whatever its hours; a task without
    allocated hours has no measurable progress (0); otherwise the share of
    the allocation spent, capped at 99 while the task is open: spending the
    whole budget does not finish a task, closing it does.

    :param float effective_hours: confirmed hours spent
    :param float allocated_hours: hours planned
    :param bool closed: the task is done or cancelled
    :return: a float in [0, 100]
    """
    if closed:
        return 100.0
    if not allocated_hours or allocated_hours <= 0:
        return 0.0
    ratio = max(effective_hours or 0.0, 0.0) / allocated_hours * 100.0
    return round(min(ratio, 99.0), 2)


def milestone_achievement(is_reached, reached_date, deadline, today):
    """Classify a milestone: reached on time, reached late, missed or open.

    Reached without a deadline counts as on time; reached on the deadline
    day is on time. Not reached with a deadline before ``today`` is missed;
    otherwise it is open.

    :return: ``(achievement, days_late)``; ``days_late`` is the calendar
        days past the deadline (reached date or, when missed, today), 0 when
        on time or open.
    """
    if is_reached:
        if deadline and reached_date and reached_date > deadline:
            return LATE, (reached_date - deadline).days
        return ON_TIME, 0
    if deadline and deadline < today:
        return MISSED, (today - deadline).days
    return OPEN, 0


def achievement_summary(counts):
    """Counts per achievement and the on-time rate of the due milestones.

    :param dict counts: achievement -> count (missing keys are 0)
    :return: dict with ``on_time``, ``late``, ``missed``, ``open``, ``total``
        and ``on_time_rate`` (percent of the due milestones, i.e. reached or
        missed, reached on time; 0 when none is due yet)
    """
    summary = {key: int(counts.get(key, 0)) for key in (ON_TIME, LATE, MISSED, OPEN)}
    summary["total"] = sum(summary.values())
    due = summary[ON_TIME] + summary[LATE] + summary[MISSED]
    summary["on_time_rate"] = round(summary[ON_TIME] * 100.0 / due, 2) if due else 0.0
    return summary


def _clean(text):
    """One entry's text on as few lines as it has, no blank lines."""
    lines = [line.strip() for line in (text or "").splitlines()]
    return "\n  ".join(line for line in lines if line)


def digest_markdown(labels, entries, missing):
    """The Markdown body of a project's daily digest.

    :param dict labels: translated headings and phrases: ``done``, ``next``,
        ``blockers``, ``missing``, ``nobody_missing``, ``no_checkin``,
        ``hours`` (a format string with ``{hours}``)
    :param entries: sequence of dicts with ``name``, ``done``, ``next``,
        ``blockers`` and ``hours`` (one per check-in, in the order to show)
    :param missing: names of the team members without a check-in
    :return: str
    """
    parts = []
    if not entries:
        parts.append(labels["no_checkin"])
    for key in ("done", "next", "blockers"):
        lines = []
        for entry in entries:
            text = _clean(entry.get(key))
            if not text:
                continue
            suffix = ""
            if key == "done" and entry.get("hours"):
                suffix = " (" + labels["hours"].format(hours=_hours(entry["hours"])) + ")"
            lines.append(f"- **{entry['name']}**{suffix}: {text}")
        if lines:
            parts.append(f"### {labels[key]}\n" + "\n".join(lines))
    if missing:
        parts.append(f"### {labels['missing']}\n" + ", ".join(sorted(missing)))
    else:
        parts.append(labels["nobody_missing"])
    return "\n\n".join(parts) + "\n"


def _hours(value):
    """Hours as people write them: 2, 1.5, 0.25."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"
