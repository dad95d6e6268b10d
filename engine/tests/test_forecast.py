import pytest

from ..forecast import (
    FORECAST_CAP_FACTOR,
    earned_schedule,
    earned_value,
    forecast_change,
    planned_duration,
    planned_value_curve,
    schedule_forecast,
    task_forecast_finish,
)

# Worked example (Lipke's earned-schedule illustration, 10 periods, BAC 1000):
#   cumulative PV per period: 100 250 400 550 700 800 880 940 980 1000
#   status at the end of period 7 (AT = 7): EV = 620
#   C = 4 (PV_4 = 550 <= 620 < PV_5 = 700)
#   ES = 4 + (620 - 550) / (700 - 550) = 4.4667
#   SPI(t) = 4.4667 / 7 = 0.6381, SV(t) = -2.5333
#   IEAC(t) = 10 / 0.6381 = 15.672 periods, a forecast delay of 5.672.
PV = [100, 250, 400, 550, 700, 800, 880, 940, 980, 1000]


def test_worked_example():
    es = earned_schedule(PV, 620)
    assert es == pytest.approx(4 + 70 / 150)
    f = schedule_forecast(PV, 620, 7, 10)
    assert f.es == pytest.approx(4.466667, abs=1e-6)
    assert f.spi_t == pytest.approx(0.638095, abs=1e-6)
    assert f.sv_t == pytest.approx(-2.533333, abs=1e-6)
    assert f.forecast_duration == pytest.approx(15.671642, abs=1e-6)
    assert f.forecast_delay == pytest.approx(5.671642, abs=1e-6)
    assert not f.capped


def test_es_on_period_boundaries_and_first_period():
    assert earned_schedule(PV, 550) == pytest.approx(4.0)
    assert earned_schedule(PV, 50) == pytest.approx(0.5)  # PV(0) = 0
    assert earned_schedule([], 10) == 0.0


def test_plan_starting_with_idle_periods():
    pv = [0, 0, 0, 10, 20]
    assert earned_schedule(pv, 0) == 3.0  # the plan earns nothing in periods 1-3
    assert earned_schedule(pv, 5) == pytest.approx(3.5)
    f = schedule_forecast(pv, 0, 2, 5)  # nothing planned by AT = 2: on plan
    assert f.spi_t is None and f.forecast_duration == 5
    late = schedule_forecast(pv, 0, 4.5, 5)  # 15 planned by now, nothing earned
    assert late.spi_t == pytest.approx(3 / 4.5)
    assert earned_schedule([0, 0], 0) == 0.0


def test_flat_tail_does_not_stretch_completion():
    pv = [50, 100, 100, 100]
    assert planned_duration(pv) == 2
    assert earned_schedule(pv, 100) == 2.0
    assert earned_schedule(pv, 150) == 2.0


def test_ahead_of_plan():
    f = schedule_forecast(PV, 700, 4, 10)  # ES 5 at AT 4
    assert f.spi_t == pytest.approx(1.25)
    assert f.forecast_duration == pytest.approx(8.0)
    assert f.forecast_delay == pytest.approx(-2.0)


def test_not_started_at_zero():
    f = schedule_forecast(PV, 0, 0, 10)
    assert f.spi_t is None
    assert f.forecast_duration == 10
    assert f.forecast_delay == 0
    assert f.sv_t == 0


def test_no_earned_value_after_start_is_capped():
    f = schedule_forecast(PV, 0, 3, 10)
    assert f.es == 0
    assert f.spi_t == 0
    assert f.capped
    assert f.forecast_duration == FORECAST_CAP_FACTOR * 10


def test_tiny_progress_is_capped():
    f = schedule_forecast(PV, 1, 9, 10)
    assert f.capped and f.forecast_duration == FORECAST_CAP_FACTOR * 10


def test_done_late_forecasts_actual_duration():
    f = schedule_forecast(PV, 1000, 13, 10)
    assert f.es == 10
    assert f.forecast_duration == pytest.approx(13)
    assert f.forecast_delay == pytest.approx(3)


def test_planned_value_curve_spreads_linearly():
    # task A: days 0-4, 100; task B: days 2-5 (3 days), 60; milestone at day 5, 40
    pv = planned_value_curve([(0, 4, 100), (2, 3, 60), (5, 0, 40)])
    assert pv == pytest.approx([25, 50, 95, 140, 200])
    assert planned_value_curve([(0, 4, 100)], horizon=6) == pytest.approx(
        [25, 50, 75, 100, 100, 100]
    )
    assert planned_value_curve([(0, 4, 100)], horizon=2) == pytest.approx([25, 50])
    assert planned_value_curve([]) == []


def test_planned_value_curve_fractional_offsets():
    pv = planned_value_curve([(0.5, 2, 4), (1.2, 0.5, 1)])
    assert pv == pytest.approx([1, 4, 5])


def test_earned_value_clips_progress():
    assert earned_value([(100, 0.5), (60, 1.2), (40, -1)]) == 110


@pytest.mark.parametrize(
    ("elapsed", "progress", "duration", "remaining"),
    [
        (5, 1.0, 10, 0.0),  # done
        (5, 0.0, 10, 10.0),  # no progress: the whole duration ahead
        (0, 0.25, 8, 6.0),  # progress before any time: plan rate
        (4, 0.5, 10, 4.0),  # rate 12.5 %/day: 4 more days
        (6, 0.2, 10, 24.0),  # slow: 6 × 0.8 / 0.2
        (20, 0.01, 10, FORECAST_CAP_FACTOR * 10),  # capped
    ],
)
def test_task_forecast_finish(elapsed, progress, duration, remaining):
    assert task_forecast_finish(elapsed, progress, duration) == pytest.approx(remaining)


def test_what_if_change():
    before = schedule_forecast(PV, 620, 7, 10)
    after = schedule_forecast(PV, 620, 7, 12)
    delta = forecast_change(before, after)
    assert delta["forecast_duration"] == pytest.approx(
        after.forecast_duration - before.forecast_duration
    )
    assert delta["forecast_duration"] > 0
