import json
import math
import random
import time

import pytest

from ..risk import (
    FEATURES,
    MIN_SAMPLES,
    Calibration,
    LogisticModel,
    Reason,
    auc,
    brier,
    calibrate,
    make_features,
    normalize,
    project_on_time_probability,
    rule_score,
    score,
    score_graph,
    score_many,
    slip_rate,
    train,
)

PEOPLE = ("ana", "bo", "chen", "dev", "eli", "fang")
SLIPPER = "chen"


def _history(n, seed):
    """Synthetic closed tasks where the truth is known.

    Chen slips 90 % of the time, everyone else 10 %, and being behind plan
    (time used ahead of progress) adds to it. Slip rates are computed from
    that person's *earlier* tasks only (no leakage of the outcome).
    """
    rng = random.Random(seed)
    late = dict.fromkeys(PEOPLE, 0)
    total = dict.fromkeys(PEOPLE, 0)
    samples = []
    for _ in range(n):
        who = rng.choice(PEOPLE)
        time_used = rng.uniform(0.1, 1.2)
        progress = min(max(time_used + rng.gauss(0, 0.3), 0.0), 0.95)
        features = make_features(
            elapsed_days=10 * time_used,
            duration_days=10,
            progress=progress,
            float_days=rng.randint(0, 10),
            assignee_overdue=rng.randint(0, 2),
            assignee_slip_rate=slip_rate(late[who], total[who]),
            kind_slip_rate=slip_rate(late[who], total[who]),
            estimate_accuracy=rng.uniform(0.8, 1.3),
        )
        p = 0.9 if who == SLIPPER else 0.1
        p = min(0.97, p + 0.4 * max(features["gap"], 0))
        slipped = rng.random() < p
        late[who] += slipped
        total[who] += 1
        samples.append((features, slipped))
    return samples, late, total


def test_feature_order_and_normalisation():
    assert FEATURES[:3] == ("time_used", "progress", "gap")
    assert len(set(FEATURES)) == len(FEATURES) >= 10
    f = make_features(elapsed_days=8, duration_days=10, progress=0.2, float_days=-99)
    assert f["time_used"] == pytest.approx(0.8)
    assert f["gap"] == pytest.approx(0.6)
    assert f["float_days"] == -30  # clipped
    assert f["assignee_slip_rate"] == pytest.approx(0.2)  # unknown: prior
    assert set(normalize({})) == set(FEATURES)


def test_slip_rate_is_smoothed():
    assert slip_rate(0, 0) == pytest.approx(0.2)
    assert slip_rate(1, 1) == pytest.approx(2 / 6)
    assert slip_rate(60, 100) == pytest.approx(61 / 105)


def test_rule_score_explains_in_order_of_weight():
    s, reasons = rule_score(
        {
            "time_used": 0.8,
            "progress": 0.2,
            "float_days": 0,
            "assignee_overdue": 4,
            "assignee_slip_rate": 0.6,
        }
    )
    assert 80 <= s <= 100
    codes = [r.code for r in reasons]
    assert codes[0] == "time_vs_progress"
    assert reasons[0] == Reason("time_vs_progress", {"used": 80, "done": 20})
    assert Reason("no_float", {}) in reasons
    assert Reason("assignee_overdue", {"count": 4}) in reasons
    assert Reason("assignee_slip_rate", {"rate": 60}) in reasons
    assert [r.weight for r in reasons] == sorted((r.weight for r in reasons), reverse=True)


def test_rule_score_calm_task_is_low_and_done_is_zero():
    s, reasons = rule_score(
        make_features(elapsed_days=2, duration_days=10, progress=0.3, float_days=8)
    )
    assert s < 15 and reasons == []
    assert rule_score({"progress": 1.0, "time_used": 2.0}) == (0, [])


def test_rule_negative_float_and_blocked():
    s, reasons = rule_score({"float_days": -4, "blocked_days": 3, "predecessor_risk": 0.9})
    codes = [r.code for r in reasons]
    assert codes == ["negative_float", "predecessor_risk", "blocked"]
    assert reasons[0].params == {"days": 4.0}


def test_thin_history_falls_back_to_rules():
    samples, _late, _total = _history(MIN_SAMPLES - 1, seed=3)
    result = train(samples)
    assert result.thin and result.model is None and not result.usable
    one_class = [(f, False) for f, _t in _history(200, seed=3)[0]]
    assert train(one_class).thin
    r = score(samples[0][0], model=result.model)
    assert r.source == "rules"


def test_model_learns_the_slipper_and_ranks_their_open_tasks_higher():
    samples, late, total = _history(2000, seed=7)
    start = time.perf_counter()
    result = train(samples, holdout=0.25, seed=11)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert not result.thin and result.usable
    assert result.auc > 0.75
    assert result.brier < 0.2
    assert result.n_train + result.n_holdout == 2000
    assert result.n_holdout == pytest.approx(500, abs=2)

    model = result.model
    rng = random.Random(99)
    open_tasks = []
    for _ in range(60):
        who = rng.choice(PEOPLE)
        f = make_features(
            elapsed_days=rng.uniform(1, 6),
            duration_days=10,
            progress=rng.uniform(0.1, 0.6),
            float_days=rng.randint(0, 10),
            assignee_slip_rate=slip_rate(late[who], total[who]),
            kind_slip_rate=slip_rate(late[who], total[who]),
        )
        open_tasks.append((who, f))
    scores = score_many([f for _w, f in open_tasks], model)
    assert all(s.source == "model" for s in scores)
    ranked = sorted(zip(scores, open_tasks, strict=True), key=lambda p: -p[0].score)
    n_chen = sum(1 for who, _f in open_tasks if who == SLIPPER)
    top = [who for _s, (who, _f) in ranked[:n_chen]]
    assert top.count(SLIPPER) >= 0.8 * n_chen
    chen_scores = [
        s.score for s, (who, _f) in zip(scores, open_tasks, strict=True) if who == SLIPPER
    ]
    other = [s.score for s, (who, _f) in zip(scores, open_tasks, strict=True) if who != SLIPPER]
    assert min(chen_scores) > sum(other) / len(other)
    # and the explanation names the person's slip rate
    chen_reasons = {
        r.code
        for s, (who, _f) in zip(scores, open_tasks, strict=True)
        if who == SLIPPER
        for r in s.reasons
    }
    assert chen_reasons & {"assignee_slip_rate", "kind_slip_rate"}


def test_model_round_trip_through_json():
    samples, _late, _total = _history(400, seed=5)
    model = train(samples, seed=1).model
    data = json.loads(json.dumps(model.to_dict()))
    again = LogisticModel.from_dict(data)
    for f, _t in samples[:20]:
        assert again.predict(f) == pytest.approx(model.predict(f), abs=1e-12)
        assert again.contributions(f) == pytest.approx(model.contributions(f))
    with pytest.raises(ValueError):
        LogisticModel.from_dict(
            {"features": ["a"], "mean": [], "scale": [], "coef": [], "intercept": 0}
        )
    with pytest.raises(ValueError):
        LogisticModel.from_dict({"coef": [1]})


def test_contributions_add_up_and_score_is_consistent():
    samples, _late, _total = _history(400, seed=5)
    model = train(samples, seed=1).model
    f = samples[0][0]
    contrib = model.contributions(f)
    assert set(contrib) == set(FEATURES)
    assert sum(contrib.values()) == pytest.approx(model.decision(f) - model.intercept)
    assert score(f, model).score == round(100 * model.predict(f))
    assert score_many([f], model)[0] == score(f, model)


def test_fit_accepts_sequences_and_separates_a_simple_signal():
    X = [[x] for x in range(-10, 11)]
    y = [x[0] > 0 for x in X]
    model = LogisticModel(("x",)).fit(X, y, l2=0.1)
    assert model.predict([5]) > 0.9 > 0.1 > model.predict([-5])


def test_score_graph_propagates_predecessor_risk():
    late = {"float_days": -5, "time_used": 1.5, "progress": 0.1}
    calm = make_features(elapsed_days=1, duration_days=10, progress=0.1, float_days=8)
    scores = score_graph({"a": late, "b": calm, "c": calm}, {"b": ["a"], "c": ["b", "zz"]})
    assert scores["a"].score > 80
    assert "predecessor_risk" in [r.code for r in scores["b"].reasons]
    assert scores["b"].score > scores["c"].score
    cyclic = score_graph({"a": calm, "b": calm}, {"a": ["b"], "b": ["a"]})
    assert set(cyclic) == {"a", "b"}


def test_auc_and_brier():
    assert auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert auc([1, 1], [0.2, 0.3]) is None
    assert brier([1, 0], [0.8, 0.4]) == pytest.approx((0.04 + 0.16) / 2)
    assert brier([], []) is None


def test_project_on_time_probability():
    risks, critical = [0.2, 0.5, 0.9], [True, True, False]
    independent = project_on_time_probability(risks, critical, 0, 0, correlation=0)
    correlated = project_on_time_probability(risks, critical, 0, 0, correlation=1)
    # no margin: product over critical open tasks / one minus the worst risk
    assert independent == pytest.approx(0.8 * 0.5)
    assert correlated == pytest.approx(0.5)
    assert project_on_time_probability(risks, critical, 0, 0) == pytest.approx(0.45)
    # 3 days of float absorb one slip
    assert project_on_time_probability(risks, critical, 0, 3, correlation=0) == pytest.approx(
        1 - 0.2 * 0.5
    )
    assert project_on_time_probability(risks, critical, 0, 3, correlation=1) == pytest.approx(0.8)
    # the forecast delay eats the float
    assert project_on_time_probability(risks, critical, 3, 3) == pytest.approx(0.45)
    # beyond the float: further penalised
    beyond = project_on_time_probability(risks, critical, 8, 3)
    assert beyond == pytest.approx(0.45 * math.exp(-1))
    assert project_on_time_probability([], [], 0, 0) == 1.0
    assert project_on_time_probability([0.5], [False]) == 1.0
    assert project_on_time_probability([], [], 10, 0) == pytest.approx(math.exp(-2))


def test_long_calm_critical_chain_is_not_doomed():
    p = project_on_time_probability([0.05] * 30, [True] * 30)
    assert p == pytest.approx(0.5 * 0.95 + 0.5 * 0.95**30)
    assert 0.5 < p < 0.95
    risky = project_on_time_probability([0.05] * 29 + [0.8], [True] * 30)
    assert risky < 0.2


def test_calibration_identity_when_thin_and_platt_when_enough():
    assert calibrate([(0.3, True)] * 5).method == "identity"
    ident = Calibration()
    assert ident.apply(0.37) == pytest.approx(0.37)
    # a predictor that is systematically too optimistic: says 0.9, truth 0.5
    rng = random.Random(4)
    pairs = [(0.9, rng.random() < 0.5) for _ in range(200)]
    pairs += [(0.3, rng.random() < 0.15) for _ in range(200)]
    cal = calibrate(pairs)
    assert cal.method == "platt" and cal.n == 400
    assert cal.apply(0.9) == pytest.approx(sum(t for p, t in pairs if p == 0.9) / 200, abs=0.05)
    assert cal.apply(0.3) < cal.apply(0.9)
    assert Calibration.from_dict(json.loads(json.dumps(cal.to_dict()))) == cal
    assert Calibration.from_dict(None) == Calibration()
    with pytest.raises(ValueError, match="0..1"):
        calibrate([(55.0, True)] * 30)


def test_rule_score_grows_as_time_outruns_progress():
    scores = [
        rule_score(make_features(elapsed_days=e, duration_days=10, progress=0.2, float_days=5))[0]
        for e in (1, 3, 5, 8, 10, 12)
    ]
    assert scores == sorted(scores)
    assert scores[-1] > scores[0] + 40


def test_small_calibration_sample_is_only_nudged():
    pairs = [(0.9, i % 2 == 0) for i in range(12)]
    pairs += [(0.2, i % 4 == 0) for i in range(4)]
    cal = calibrate(pairs)
    assert cal.method == "platt"
    assert 0.5 < cal.apply(0.9) < 0.9
