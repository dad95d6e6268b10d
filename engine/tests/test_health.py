import pytest

from ..health import HealthThresholds, HealthWeights, component_score, health
from ..risk import Reason


def test_all_green():
    h = health(0, 20, 900, 1000, 1, 20)
    assert h.color == "green"
    assert h.score == pytest.approx(0.5 * 100 + 0.3 * 100 + 0.2 * 85)
    assert h.reasons == []
    assert set(h.components) == {"schedule", "budget", "quality"}


def test_component_map_through_thresholds():
    t = HealthThresholds()
    assert component_score(0, 0.05, 0.15, t) == 100
    assert component_score(0.05, 0.05, 0.15, t) == pytest.approx(70)
    assert component_score(0.15, 0.05, 0.15, t) == pytest.approx(40)
    assert component_score(0.30, 0.05, 0.15, t) == pytest.approx(0)
    assert component_score(9, 0.05, 0.15, t) == 0


def test_yellow_with_reasons_worst_first():
    # 3 days late on 20 (15 %: yellow edge), 10 % over budget, 5 % rework
    h = health(3, 20, 1100, 1000, 1, 20)
    assert h.color == "yellow"
    assert h.score == pytest.approx(0.5 * 40 + 0.3 * 55 + 0.2 * 85)
    assert [r.code for r in h.reasons] == ["schedule_late", "budget_overrun"]
    assert h.reasons[0] == Reason("schedule_late", {"days": 3.0, "percent": 15, "color": "yellow"})
    assert h.reasons[1].params["percent"] == 10


def test_red_component_makes_project_at_least_yellow():
    # on time, on budget, but 40 % rework: the weighted score stays green
    h = health(0, 20, 500, 1000, 8, 20)
    assert h.score >= 70
    assert h.components["quality"]["color"] == "red"
    assert h.color == "yellow"
    assert h.reasons[0] == Reason(
        "rework", {"percent": 40, "count": 8, "total": 20, "color": "red"}
    )


def test_red_project():
    h = health(10, 20, 1500, 1000, 0, 20)
    assert h.color == "red"
    assert [r.code for r in h.reasons] == ["schedule_late", "budget_overrun"]
    assert all(r.params["color"] == "red" for r in h.reasons)


def test_missing_components_renormalise_weights():
    h = health(None, None, 1100, None, 0, 0)
    assert h.score is None and h.color is None
    assert [r.code for r in h.reasons] == ["no_baseline", "no_budget", "no_tasks"]
    h = health(2, 20, 0, 0, 0, 10)  # no budget: schedule 5/7, quality 2/7
    assert set(h.components) == {"schedule", "quality"}
    assert h.components["schedule"]["weight"] == pytest.approx(0.5 / 0.7)
    assert h.score == pytest.approx(
        (0.5 * component_score(0.1, 0.05, 0.15, HealthThresholds()) + 0.2 * 100) / 0.7, abs=0.05
    )
    assert h.reasons[-1] == Reason("no_budget", {})


def test_early_and_under_budget_count_as_perfect():
    h = health(-5, 20, 200, 1000, 0, 5)
    assert h.score == 100 and h.color == "green"


def test_weights_and_thresholds_are_configurable():
    strict = HealthThresholds(schedule_yellow=0.01, schedule_red=0.02)
    assert health(1, 20, thresholds=strict).color == "red"
    assert health(1, 20).color == "green"
    only_budget = HealthWeights(schedule=0, budget=1, quality=0)
    h = health(10, 20, 1000, 1000, 0, 10, weights=only_budget)
    assert h.score == 100
    assert h.color == "yellow"  # schedule is red: never green
    with pytest.raises(ValueError, match="schedule"):
        health(0, 10, thresholds=HealthThresholds(schedule_yellow=0.2, schedule_red=0.1))


def test_thresholds_are_exceeded_not_reached():
    # exactly 5 % late (1 day of 20) is still green; just over it is yellow
    assert health(1, 20).components["schedule"]["color"] == "green"
    assert health(1, 20).color == "green"
    assert health(1.2, 20).color == "yellow"
    assert health(3, 20).components["schedule"]["color"] == "yellow"
    assert health(3.2, 20).components["schedule"]["color"] == "red"
