from datetime import date

import pytest

from ..gantt import group_rows, is_milestone, task_health

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"closed": True, "finish": date(2026, 1, 1), "conflict": "x"}, "done"),
        ({"conflict": "Cannot finish by"}, "conflict"),
        ({"total_float": -1}, "conflict"),
        ({"finish": date(2026, 3, 9)}, "late"),
        ({"finish": TODAY}, "ok"),
        ({"critical": True}, "at_risk"),
        ({"total_float": 1}, "at_risk"),
        ({"total_float": 2}, "ok"),
    ],
)
def test_task_health(kwargs, expected):
    values = {
        "closed": False,
        "finish": None,
        "today": TODAY,
        "total_float": 5,
        "conflict": None,
        "critical": False,
    }
    values.update(kwargs)
    assert task_health(**values) == expected


def test_milestone():
    assert is_milestone(0, None, None)
    assert is_milestone(0, "a", "a")
    assert not is_milestone(0, "a", "b")
    assert not is_milestone(3, None, None)


def test_group_rows():
    tasks = [
        {"id": 1, "name": "B", "start": date(2030, 3, 6), "phase": 10},
        {"id": 2, "name": "A", "start": date(2030, 3, 4), "phase": 20},
        {"id": 3, "name": "C", "start": date(2030, 3, 4), "phase": 10},
        {"id": 4, "name": "D", "start": None, "phase": None},
    ]
    rows = group_rows(
        tasks, [(10, "Design"), (20, "Build"), (30, "Empty")], lambda t: t["phase"], "No phase"
    )
    assert [row.get("group") or row["name"] for row in rows] == [
        "Design",
        "C",
        "B",
        "Build",
        "A",
        "No phase",
        "D",
    ]
    assert [row["id"] for row in group_rows(tasks, [], None, "")] == [2, 3, 1, 4]
