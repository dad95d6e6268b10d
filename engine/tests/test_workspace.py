from datetime import datetime

from ..workspace import AT_RISK, ESCALATED, LATE, ON_TRACK, schedule_status, split_due


def test_schedule_status_on_track_without_signal():
    assert schedule_status() == ON_TRACK
    assert schedule_status(None, 0, 0) == ON_TRACK


def test_schedule_status_at_risk():
    assert schedule_status(0) == AT_RISK
    assert schedule_status(None, late_task_count=2) == AT_RISK


def test_schedule_status_late():
    assert schedule_status(1) == LATE
    assert schedule_status(None, missed_milestone_count=1) == LATE
    assert schedule_status(0, late_task_count=3, missed_milestone_count=1) == LATE


def test_schedule_status_escalated():
    assert schedule_status(2) == ESCALATED
    assert schedule_status(3, 0, 0) == ESCALATED


def test_split_due():
    start, end = datetime(2030, 3, 11, 16), datetime(2030, 3, 12, 16)
    late = {"date_deadline": datetime(2030, 3, 10, 9), "planned_date_begin": None}
    due_today = {"date_deadline": datetime(2030, 3, 12, 10), "planned_date_begin": None}
    running = {
        "date_deadline": datetime(2030, 3, 20, 10),
        "planned_date_begin": datetime(2030, 3, 9, 1),
    }
    future = {
        "date_deadline": datetime(2030, 3, 20, 10),
        "planned_date_begin": datetime(2030, 3, 13, 1),
    }
    undated = {"date_deadline": None, "planned_date_begin": None}
    overdue, today = split_due([late, due_today, running, future, undated], start, end)
    assert overdue == [late]
    assert today == [due_today, running]
