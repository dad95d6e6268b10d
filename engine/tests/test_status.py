from datetime import date

from ..gantt import bar_position, timeline_window, today_position
from ..status import average, gantt_summary, key_tasks, percent, project_kpis


def test_percent_and_average_measure_nothing_as_none():
    assert percent(3, 4) == 75.0
    assert percent(1, 3) == 33.3
    assert percent(0, 0) is None
    assert average(10, 4) == 2.5
    assert average(5, 0) is None


def test_project_kpis_hand_computed():
    kpis = project_kpis(
        {
            "tasks": 5,
            "done": 3,
            "done_with_deadline": 2,
            "done_on_time": 1,
            "closed_with_date": 3,
            "cycle_seconds": (2 + 4 + 9) * 86400,
            "reopen": 2,
            "regression": 1,
            "defects": 1,
            "allocated_hours": 40,
            "effective_hours": 30,
            "milestones_on_time": 1,
            "milestones_late": 1,
            "milestones_missed": 1,
        }
    )
    assert kpis == {
        "completion_rate": 60.0,
        "on_time_rate": 50.0,
        "cycle_days": 5.0,
        "rework_count": 3,
        "defect_count": 1,
        "allocated_hours": 40.0,
        "effective_hours": 30.0,
        "hours_ratio": 75.0,
        "milestone_hit_rate": 33.3,
    }


def test_project_kpis_of_an_empty_project():
    kpis = project_kpis({})
    assert kpis["completion_rate"] is None
    assert kpis["on_time_rate"] is None
    assert kpis["cycle_days"] is None
    assert kpis["hours_ratio"] is None
    assert kpis["milestone_hit_rate"] is None
    assert kpis["rework_count"] == 0
    # open milestones are not measured
    assert project_kpis({"tasks": None})["milestone_hit_rate"] is None


def test_gantt_window_and_bars():
    first, last, span = timeline_window([date(2026, 3, 2), None, date(2026, 3, 11)], None)
    assert (first, last, span) == (date(2026, 3, 2), date(2026, 3, 11), 10)
    assert bar_position(date(2026, 3, 2), date(2026, 3, 6), first, span) == (0.0, 50.0)
    assert bar_position(date(2026, 3, 11), None, first, span) == (90.0, 10.0)
    assert today_position(date(2026, 3, 7), first, last, span) == 50.0
    assert today_position(date(2026, 4, 7), first, last, span) is None
    # an empty chart spans today
    assert timeline_window([], date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 1), 1)


def test_gantt_summary_widens_the_project_window_to_every_bar():
    today = date(2026, 3, 5)
    summary = gantt_summary(
        [
            {"name": "Design", "start": date(2026, 3, 1), "finish": date(2026, 3, 5)},
            {"name": "Gate", "start": None, "finish": date(2026, 3, 20)},
            {"name": "Undated", "start": None, "finish": None},
        ],
        today,
        window_start=date(2026, 3, 1),
        window_end=date(2026, 3, 10),
    )
    assert summary["first"] == date(2026, 3, 1)
    assert summary["last"] == date(2026, 3, 20)
    assert summary["today"] == 20.0
    design, gate, undated = summary["rows"]
    assert (design["left"], design["width"]) == (0.0, 25.0)
    assert (gate["left"], gate["width"]) == (95.0, 5.0)
    assert "left" not in undated


def test_key_tasks_prefer_critical_then_open_then_soonest():
    tasks = [
        {"id": 1, "start": date(2026, 3, 1), "finish": date(2026, 3, 2), "closed": True},
        {"id": 2, "start": date(2026, 3, 3), "finish": date(2026, 3, 9), "critical": True},
        {"id": 3, "start": date(2026, 3, 2), "finish": date(2026, 3, 4)},
        {"id": 4, "start": None, "finish": None, "critical": True},
    ]
    assert [t["id"] for t in key_tasks(tasks, limit=2)] == [3, 2]
    assert [t["id"] for t in key_tasks(tasks)] == [1, 3, 2]
