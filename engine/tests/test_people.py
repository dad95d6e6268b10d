from datetime import date

import pytest

from ..people import (
    Period,
    estimate_accuracy,
    period_bounds,
    previous_period,
    profile_figures,
    ratio,
    trend,
)


def test_period_bounds():
    assert period_bounds("month", date(2026, 2, 14)) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("quarter", date(2026, 11, 25)) == Period(
        date(2026, 10, 1), date(2026, 12, 31)
    )
    assert period_bounds("year", date(2026, 6, 1)) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds("month", date(2026, 12, 31)).end == date(2026, 12, 31)


def test_previous_period_crosses_years():
    assert previous_period("month", date(2026, 1, 10)) == Period(
        date(2025, 12, 1), date(2025, 12, 31)
    )
    assert previous_period("quarter", date(2026, 2, 1)) == Period(
        date(2025, 10, 1), date(2025, 12, 31)
    )
    assert previous_period("year", date(2026, 2, 1)).start == date(2025, 1, 1)


def test_unknown_period():
    with pytest.raises(ValueError):
        period_bounds("week", date(2026, 1, 1))


def test_ratios_and_accuracy():
    assert ratio(1, 0) is None
    assert ratio(3, 4) == 75
    # 2 h over on one task and 2 h under on another: effort 100 %, accuracy 80 %
    assert estimate_accuracy(4, 20) == pytest.approx(80)
    assert estimate_accuracy(50, 20) == 0
    assert estimate_accuracy(0, 0) is None


def test_profile_figures():
    figures = profile_figures(
        {
            "tasks_closed": 3,
            "on_time_count": 1,
            "deadline_count": 2,
            "allocated_hours": 10,
            "effective_hours": 12,
            "estimate_gap_hours": 4,
            "hours_logged": 7.5,
        }
    )
    assert figures["tasks_closed"] == 3
    assert figures["on_time_rate"] == 50
    assert figures["effort_ratio"] == pytest.approx(120)
    assert figures["estimate_accuracy"] == pytest.approx(60)
    assert figures["rework_count"] == 0
    assert profile_figures({})["on_time_rate"] is None


def test_trend():
    assert trend(5, 3) == 2
    assert trend(None, 3) is None
