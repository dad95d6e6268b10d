import pytest

from ..maturity import (
    PhaseInput,
    bottlenecks,
    overall_score,
    phase_stats,
    suggest_score,
    template_figures,
)


def _phases():
    return [
        # Design: planned 2, finished in 2 and 4 (overrun 0 and 2) -> avg overrun 1
        PhaseInput(1, "Design", 2, 2),
        PhaseInput(1, "Design", 2, 4, rejections=1, rework=2),
        # Build: planned 4, finished in 8 (overrun 4), one unfinished
        PhaseInput(2, "Build", 4, 8, overridden=True, rework=1),
        PhaseInput(2, "Build", 4, None),
        # Release: planned 2, finished in 1 (early)
        PhaseInput(3, "Release", 2, 1, rejections=2),
    ]


def test_phase_stats():
    design, build, release = phase_stats(_phases(), order=[1, 2, 3])
    assert (design.finished, design.avg_actual, design.avg_overrun) == (2, 3, 1)
    assert design.on_time_rate == 50
    assert design.rejections == 1 and design.rework == 2
    assert (build.phase_count, build.finished, build.avg_overrun) == (2, 1, 4)
    assert build.avg_planned == 4 and build.overrides == 1
    assert release.avg_overrun == -1 and release.on_time_rate == 100


def test_bottlenecks_worst_first_and_only_late():
    stats = phase_stats(_phases())
    names = [s.name for s in bottlenecks(stats)]
    assert names == ["Build", "Design"]
    assert [s.name for s in bottlenecks(stats, limit=1)] == ["Build"]


def test_bottleneck_tie_broken_by_relative_overrun():
    stats = phase_stats([PhaseInput(1, "Long", 10, 12), PhaseInput(2, "Short", 2, 4)])
    assert [s.name for s in bottlenecks(stats)] == ["Short", "Long"]


def test_template_figures():
    figures = template_figures(phase_stats(_phases()), closed_projects=4, retrospectives_done=3)
    assert figures["finished"] == 4
    assert figures["phases_on_time"] == 50  # Design once, Release once
    assert figures["overrun"] == pytest.approx((0 + 2 + 4 - 1) / 4)
    assert figures["rejection_count"] == 3
    assert figures["gate_rejections"] == pytest.approx(0.75)
    assert figures["overrides"] == 25
    assert figures["rework"] == pytest.approx(0.75)
    assert figures["retrospectives"] == 75
    empty = template_figures([])
    assert empty["phases_on_time"] is None and empty["retrospectives"] is None


def test_suggest_score():
    assert suggest_score("phases_on_time", 62) == 3
    assert suggest_score("phases_on_time", 95) == 5
    assert suggest_score("phases_on_time", 10) == 1
    assert suggest_score("overrun", 0.2) == 5
    assert suggest_score("overrun", 6) == 1
    assert suggest_score("retrospectives", 75) == 4
    assert suggest_score("overrides", 25) == 2
    assert suggest_score("manual", 3) is None
    assert suggest_score("overrun", None) is None


def test_overall_score():
    assert overall_score([3, 4, 5, None]) == (4.0, 75.0)
    assert overall_score([1]) == (1.0, 0.0)
    assert overall_score([]) == (None, None)
