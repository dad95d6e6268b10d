from datetime import date, datetime

from ..retrospective import (
    budget_figures,
    build_figures,
    date_figures,
    effort_figures,
    gate_figures,
    health_history,
    phase_figures,
    pick_lessons,
    slip_days,
    task_figures,
)


def test_slip_days_signed_and_missing():
    assert slip_days(date(2026, 3, 2), date(2026, 3, 9)) == 7
    assert slip_days(date(2026, 3, 9), date(2026, 3, 2)) == -7
    assert slip_days(date(2026, 3, 2), datetime(2026, 3, 3, 23, 0)) == 1
    assert slip_days(None, date(2026, 3, 2)) is None
    assert slip_days(date(2026, 3, 2), None) is None
    # Odoo reads an empty date as False
    assert slip_days(False, date(2026, 3, 2)) is None


def test_date_figures_iso_and_slips():
    figures = date_figures(date(2026, 3, 2), date(2026, 3, 20), date(2026, 3, 3), None)
    assert figures == {
        "planned_start": "2026-03-02",
        "planned_end": "2026-03-20",
        "actual_start": "2026-03-03",
        "actual_end": None,
        "start_slip": 1,
        "end_slip": None,
    }


def test_phase_figures_keep_order_and_override():
    lines = phase_figures(
        [
            {
                "name": "Design",
                "planned_start": date(2026, 3, 2),
                "planned_end": date(2026, 3, 3),
                "actual_start": date(2026, 3, 2),
                "actual_end": date(2026, 3, 5),
                "state": "done",
                "overridden": False,
            },
            {"name": "Build", "state": "done", "overridden": True},
        ]
    )
    assert [line["name"] for line in lines] == ["Design", "Build"]
    assert lines[0]["end_slip"] == 2
    assert lines[1]["overridden"] is True
    assert lines[1]["end_slip"] is None


def test_task_figures_on_time_late_open():
    tasks = [
        {"state": "done", "deadline": date(2026, 3, 5), "finished": date(2026, 3, 5)},
        {"state": "done", "deadline": date(2026, 3, 5), "finished": datetime(2026, 3, 6, 1)},
        {"state": "done", "deadline": None, "finished": date(2026, 3, 6)},
        {"state": "done", "deadline": date(2026, 3, 5), "finished": None},
        {"state": "open", "deadline": date(2026, 3, 1), "finished": None},
        {"state": "cancelled", "deadline": date(2026, 3, 1), "finished": None},
    ]
    figures = task_figures(tasks)
    assert figures == {
        "total": 6,
        "done": 4,
        "on_time": 2,
        "late": 1,
        "open": 1,
        "cancelled": 1,
        "no_deadline": 1,
        "on_time_rate": 66.7,
    }


def test_task_figures_empty():
    figures = task_figures([])
    assert figures["total"] == 0
    assert figures["on_time_rate"] is None


def test_effort_figures():
    assert effort_figures(40, 50, -1500.0) == {
        "allocated_hours": 40.0,
        "spent_hours": 50.0,
        "hours_variance": 10.0,
        "hours_ratio": 125.0,
        "cost": 1500.0,
    }
    assert effort_figures(0, 3, 0)["hours_ratio"] is None


def test_gate_figures():
    states = [
        ("gate", "approved"),
        ("gate", "rejected"),
        ("gate", "rejected"),
        ("gate", "cancelled"),
        ("closing", "rejected"),
        ("initiation", "rejected"),
    ]
    assert gate_figures(states, 1) == {
        "gate_approvals": 1,
        "gate_rejections": 2,
        "closing_rejections": 1,
        "overrides": 1,
    }


def test_build_figures_alerts_only_when_known():
    common = {
        "dates": date_figures(None, None, None, None),
        "phases": [],
        "tasks": task_figures([]),
        "effort": effort_figures(0, 0, 0),
        "gates": gate_figures([], 0),
        "currency": "CNY",
        "computed_on": date(2026, 3, 31),
    }
    figures = build_figures(**common)
    assert "alerts" not in figures
    assert figures["effort"]["currency"] == "CNY"
    assert figures["computed_on"] == "2026-03-31"
    assert build_figures(alerts=3, **common)["alerts"] == 3


def test_pick_lessons_phase_first_then_curated_then_newest():
    lessons = [
        {"id": 1, "template_phase_id": 7, "tag_count": 0, "date": date(2025, 1, 1)},
        {"id": 2, "template_phase_id": 8, "tag_count": 3, "date": date(2026, 1, 1)},
        {"id": 3, "template_phase_id": None, "tag_count": 1, "date": date(2026, 2, 1)},
        {"id": 4, "template_phase_id": 8, "tag_count": 1, "date": date(2026, 2, 1)},
        {"id": 5, "template_phase_id": 7, "tag_count": 0, "date": date(2026, 1, 1)},
    ]
    assert pick_lessons(lessons, template_phase_id=7) == [5, 1, 2, 4, 3]
    # same topics and date: the newer record first
    assert pick_lessons(lessons) == [2, 4, 3, 5, 1]
    assert pick_lessons(lessons, limit=2) == [2, 4]
    assert pick_lessons([]) == []


def test_budget_figures_overrun_and_none():
    assert budget_figures(1000, 1150) == {
        "budget": 1000.0,
        "cost": 1150.0,
        "overrun": 150.0,
        "overrun_percent": 15.0,
    }
    assert budget_figures(800, 600)["overrun_percent"] == -25.0
    # no budget: no budget figures
    assert budget_figures(0, 500) is None
    assert budget_figures(None, 500) is None


def test_health_history_sorted_with_weeks_per_colour():
    history = health_history(
        [
            {"date": date(2026, 3, 16), "color": "red", "score": 35},
            {"date": date(2026, 3, 2), "color": "green", "score": 82},
            {"date": date(2026, 3, 9), "color": "yellow", "score": 61},
            {"date": date(2026, 3, 23), "color": "red", "score": 30},
        ]
    )
    assert [line["date"] for line in history["snapshots"]] == [
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-23",
    ]
    assert history["weeks"] == {"green": 1, "yellow": 1, "red": 2}
    assert health_history([]) == {
        "snapshots": [],
        "weeks": {"green": 0, "yellow": 0, "red": 0},
    }
