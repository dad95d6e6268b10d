from datetime import date

import pytest

from .. import kpi


@pytest.mark.parametrize(
    ("kind", "day", "bounds"),
    [
        ("week", date(2026, 11, 25), (date(2026, 11, 23), date(2026, 11, 29))),
        ("month", date(2026, 11, 25), (date(2026, 11, 1), date(2026, 11, 30))),
        ("month", date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),
        ("quarter", date(2026, 11, 25), (date(2026, 10, 1), date(2026, 12, 31))),
        ("year", date(2026, 11, 25), (date(2026, 1, 1), date(2026, 12, 31))),
        ("bogus", date(2026, 11, 25), (date(2026, 11, 1), date(2026, 11, 30))),
    ],
)
def test_period_bounds(kind, day, bounds):
    assert kpi.period_bounds(kind, day) == bounds


def test_previous_crosses_year():
    assert kpi.previous_bounds("month", date(2026, 1, 15)) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )
    assert kpi.previous_bounds("quarter", date(2026, 2, 1)) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert kpi.previous_bounds("week", date(2026, 1, 1)) == (date(2025, 12, 22), date(2025, 12, 28))
    assert kpi.previous_bounds("year", date(2026, 1, 1)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_trend_periods_oldest_first():
    periods = kpi.trend_periods("month", date(2026, 3, 31))
    assert [p[0] for p in periods] == [
        date(2025, 10, 1),
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert periods[-1][1] == date(2026, 3, 31)
    assert periods[1][1] == date(2025, 11, 30)
    weeks = kpi.trend_periods("week", date(2026, 11, 25), 2)
    assert weeks == [
        (date(2026, 11, 16), date(2026, 11, 22)),
        (date(2026, 11, 23), date(2026, 11, 29)),
    ]


def test_bucket_of():
    assert kpi.bucket_of("quarter", date(2026, 5, 31)) == date(2026, 4, 1)
    assert kpi.bucket_of("month", None) is None


def test_rate_and_ratio():
    assert kpi.rate(3, 4) == 75.0
    assert kpi.rate(1, 3) == 33.3
    assert kpi.rate(0, 0) is None
    assert kpi.ratio(9, 2) == 4.5
    assert kpi.ratio(5, None) is None


def test_trend_direction_and_goodness():
    assert kpi.trend(80.0, 60.0, "up") == (20.0, "up", True)
    assert kpi.trend(6.0, 8.0, "down") == (-2.0, "down", True)
    assert kpi.trend(9.0, 8.0, "down") == (1.0, "up", False)
    assert kpi.trend(5, 5) == (0.0, "flat", None)
    assert kpi.trend(None, 5) == (None, None, None)


def test_tally_average():
    t = kpi.Tally()
    t.add("a", 100.0, 1)
    t.add("a", 0.0, 1)
    t.add("a", 100.0, 1)
    assert t.average("a") == 66.7
    assert t.count("a") == 3
    assert t.average("b") is None
    assert t.sum("b") == 0.0


def test_rank_bottlenecks():
    rows = [
        {
            "template_phase_id": 1,
            "name": "Design",
            "template": "R&D",
            "avg_overrun_days": 2.0,
            "count": 3,
        },
        {
            "template_phase_id": 2,
            "name": "Test",
            "template": "R&D",
            "avg_overrun_days": 3.456,
            "count": 1,
        },
        {
            "template_phase_id": 3,
            "name": "Plan",
            "template": "R&D",
            "avg_overrun_days": -1.0,
            "count": 5,
        },
        {
            "template_phase_id": 4,
            "name": "Build",
            "template": "R&D",
            "avg_overrun_days": 2.0,
            "count": 4,
        },
        {
            "template_phase_id": 5,
            "name": "Ship",
            "template": "R&D",
            "avg_overrun_days": 0.0,
            "count": 4,
        },
    ]
    ranked = kpi.rank_bottlenecks(rows, limit=2)
    assert [r["template_phase_id"] for r in ranked] == [2, 4]
    assert ranked[0]["avg_overrun_days"] == 3.5
    assert [r["template_phase_id"] for r in kpi.rank_bottlenecks(rows)] == [2, 4, 1]


def test_review_matrix():
    matrix = kpi.review_matrix(
        [(3, "R&D"), (False, "No department")],
        [("on_time_rate", "On-time rate", "%", {3: 75.0}, {False: 50.0})],
    )
    assert matrix == {
        "columns": [{"id": 3, "name": "R&D"}, {"id": False, "name": "No department"}],
        "rows": [
            {
                "key": "on_time_rate",
                "label": "On-time rate",
                "unit": "%",
                "values": [75.0, None],
                "previous": [None, 50.0],
            }
        ],
    }
