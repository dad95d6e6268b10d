"""Explainable delay risk of open tasks, learned from the company's history.

A task's risk is the probability (shown as a score 0..100) that it finishes
after its planned finish. Two scorers share one feature vector:

* :func:`rule_score`, transparent points per feature, used while the history
  is thin (see :func:`train`: fewer than ``MIN_SAMPLES`` closed tasks or fewer
  than ``MIN_CLASS`` of either outcome);
* :class:`LogisticModel`, a standardised L2-regularised logistic regression
  fitted by Newton's method (IRLS) in pure Python on closed tasks.

Both explain a score by :class:`Reason` objects: a ``code`` and its ``params``
(the model side turns them into translated sentences), strongest first.

Features (:data:`FEATURES`, in this order; values are clipped to
:data:`BOUNDS`, missing ones take :data:`DEFAULTS`):

``time_used``           elapsed / planned duration (1.0 = planned finish reached)
``progress``            done share 0..1
``gap``                 ``time_used - progress`` (time running ahead of the work)
``float_days``          total float in working days (negative: already late)
``assignee_overdue``    open overdue tasks of the assignee(s) right now
``assignee_slip_rate``  smoothed share of the assignee's closed tasks that
                        finished late (:func:`slip_rate`)
``kind_slip_rate``      same, restricted to the assignee's tasks of the same
                        *kind*: the template task the task came from when it
                        has one, else its first tag, else its project
``estimate_accuracy``   effective / allocated hours over the assignee's closed
                        tasks (1.0 = accurate, 1.5 = 50 % over; 1.0 if unknown)
``blocked_days``        working days the task has spent blocked
``predecessor_risk``    highest risk (0..1) among its predecessors, from the
                        previous scoring pass (or :func:`score_graph`)

Reason codes with their params, in the order of their usual weight:

``time_vs_progress``    ``used`` (% of the planned time used), ``done`` (% done)
``negative_float``      ``days`` (working days behind the latest allowed finish)
``no_float``            no params: on the critical path, no margin left
``assignee_overdue``    ``count`` (open overdue tasks of the assignee)
``kind_slip_rate``      ``rate`` (% of this person's tasks of this kind late)
``assignee_slip_rate``  ``rate`` (% of this person's tasks late)
``blocked``             ``days`` (working days blocked)
``predecessor_risk``    ``risk`` (% risk of the riskiest predecessor)
``estimate_overrun``    ``percent`` (how far the person's hours usually exceed
                        the estimate, in %)
``low_float``           ``days`` (float left, below ``LOW_FLOAT_DAYS``)

Percentages are rounded integers, days rounded to one decimal.
"""

import math
import random
from dataclasses import dataclass, field

FEATURES = (
    "time_used",
    "progress",
    "gap",
    "float_days",
    "assignee_overdue",
    "assignee_slip_rate",
    "kind_slip_rate",
    "estimate_accuracy",
    "blocked_days",
    "predecessor_risk",
)

#: Clip bounds per feature: keep one absurd value from dominating the fit.
BOUNDS = {
    "time_used": (0.0, 3.0),
    "progress": (0.0, 1.0),
    "gap": (-1.0, 3.0),
    "float_days": (-30.0, 30.0),
    "assignee_overdue": (0.0, 20.0),
    "assignee_slip_rate": (0.0, 1.0),
    "kind_slip_rate": (0.0, 1.0),
    "estimate_accuracy": (0.0, 5.0),
    "blocked_days": (0.0, 60.0),
    "predecessor_risk": (0.0, 1.0),
}

#: Neutral values used when a feature is unknown.
PRIOR_SLIP_RATE = 0.2
DEFAULTS = {
    "time_used": 0.0,
    "progress": 0.0,
    "gap": 0.0,
    "float_days": 10.0,
    "assignee_overdue": 0.0,
    "assignee_slip_rate": PRIOR_SLIP_RATE,
    "kind_slip_rate": PRIOR_SLIP_RATE,
    "estimate_accuracy": 1.0,
    "blocked_days": 0.0,
    "predecessor_risk": 0.0,
}

_SPEC = tuple((name, DEFAULTS[name], *BOUNDS[name]) for name in FEATURES)

#: Smoothing strength of :func:`slip_rate` (pseudo-tasks at the prior rate).
SLIP_PRIOR_STRENGTH = 5.0
#: Float below this many days is reported as "low float".
LOW_FLOAT_DAYS = 2.0
#: History needed before a model replaces the rules.
MIN_SAMPLES = 40
MIN_CLASS = 10
#: A trained model whose holdout AUC is below this is not used.
MIN_AUC = 0.6
#: Reasons kept per score.
TOP_REASONS = 3
#: Smallest model contribution (logit units) worth a reason.
MIN_CONTRIBUTION = 0.15
#: Smallest rule points worth a reason.
MIN_POINTS = 3.0


@dataclass(frozen=True)
class Reason:
    """Why a score is what it is: a code and its parameters (see module doc).

    ``weight`` (points for rules, logit contribution for the model) orders
    reasons and is not part of equality.
    """

    code: str
    params: dict = field(default_factory=dict)
    weight: float = field(default=0.0, compare=False)

    def to_dict(self):
        return {"code": self.code, "params": dict(self.params), "weight": round(self.weight, 4)}

    @classmethod
    def from_dict(cls, data):
        return cls(data["code"], dict(data.get("params") or {}), float(data.get("weight") or 0.0))


@dataclass(frozen=True)
class RiskScore:
    """Risk of one task: ``score`` 0..100, strongest ``reasons`` first."""

    score: int
    reasons: list
    source: str  # "model" | "rules"

    @property
    def probability(self):
        return self.score / 100.0


# ---------------------------------------------------------------------------
# features
# ---------------------------------------------------------------------------


def slip_rate(late, total, prior=PRIOR_SLIP_RATE, strength=SLIP_PRIOR_STRENGTH):
    """Smoothed late share: ``(late + prior × strength) / (total + strength)``.

    A person with no history gets the prior; one late task out of one does not
    make a 100 % slipper.
    """
    return (late + prior * strength) / (total + strength)


def _clip(name, value):
    low, high = BOUNDS[name]
    return min(max(float(value), low), high)


def make_features(
    elapsed_days=0.0,
    duration_days=0.0,
    progress=0.0,
    float_days=None,
    assignee_overdue=0,
    assignee_slip_rate=None,
    kind_slip_rate=None,
    estimate_accuracy=None,
    blocked_days=0.0,
    predecessor_risk=0.0,
):
    """A complete, clipped feature dict from raw task facts.

    ``time_used`` is ``elapsed / duration``; a zero-duration task counts as
    fully used once its day has come (``elapsed > 0``). ``None`` means unknown
    and takes the neutral default.
    """
    if duration_days and duration_days > 0:
        time_used = max(elapsed_days, 0.0) / duration_days
    else:
        time_used = 1.0 if elapsed_days and elapsed_days > 0 else 0.0
    raw = {
        "time_used": time_used,
        "progress": progress,
        "float_days": float_days,
        "assignee_overdue": assignee_overdue,
        "assignee_slip_rate": assignee_slip_rate,
        "kind_slip_rate": kind_slip_rate,
        "estimate_accuracy": estimate_accuracy,
        "blocked_days": blocked_days,
        "predecessor_risk": predecessor_risk,
    }
    return normalize(raw)


def normalize(features):
    """Fill missing features with :data:`DEFAULTS`, derive ``gap``, clip all."""
    out = {}
    get = features.get
    for name, default, low, high in _SPEC:
        value = get(name)
        value = default if value is None else float(value)
        out[name] = low if value < low else high if value > high else value
    if get("gap") is None:
        out["gap"] = _clip("gap", out["time_used"] - out["progress"])
    return out


def vector(features):
    """Feature dict (normalised on the way) as a list in :data:`FEATURES` order."""
    f = normalize(features)
    return [f[name] for name in FEATURES]


# ---------------------------------------------------------------------------
# rule-based fallback
# ---------------------------------------------------------------------------

BASE_POINTS = 5.0


def _pct(x):
    return int(round(100 * x))


def _days(x):
    return round(float(x), 1)


def _rule_points(f):
    """(points, Reason) per rule that fires; the transparent scoring table."""
    out = []
    gap = f["time_used"] - f["progress"]
    if gap > 0 and f["time_used"] > 0:
        # 60 points when the planned time is over and nothing is done.
        points = min(60.0, 60.0 * gap)
        if f["time_used"] > 1 and f["progress"] < 1:
            points = min(60.0, points + 10.0)  # past the planned finish
        out.append(
            (
                points,
                "time_vs_progress",
                {"used": _pct(f["time_used"]), "done": _pct(f["progress"])},
            )
        )
    fl = f["float_days"]
    if fl < 0:
        out.append((min(40.0, 25.0 + 3.0 * -fl), "negative_float", {"days": _days(-fl)}))
    elif fl == 0:
        out.append((20.0, "no_float", {}))
    elif fl < LOW_FLOAT_DAYS:
        out.append((10.0, "low_float", {"days": _days(fl)}))
    if f["assignee_overdue"] >= 1:
        out.append(
            (
                min(20.0, 5.0 * f["assignee_overdue"]),
                "assignee_overdue",
                {"count": int(f["assignee_overdue"])},
            )
        )
    kind = f["kind_slip_rate"]
    if kind > PRIOR_SLIP_RATE:
        out.append((50.0 * (kind - PRIOR_SLIP_RATE), "kind_slip_rate", {"rate": _pct(kind)}))
    person = f["assignee_slip_rate"]
    if person > PRIOR_SLIP_RATE:
        out.append(
            (40.0 * (person - PRIOR_SLIP_RATE), "assignee_slip_rate", {"rate": _pct(person)})
        )
    if f["blocked_days"] > 0:
        out.append(
            (min(20.0, 4.0 * f["blocked_days"]), "blocked", {"days": _days(f["blocked_days"])})
        )
    if f["predecessor_risk"] >= 0.5:
        out.append(
            (
                30.0 * (f["predecessor_risk"] - 0.3),
                "predecessor_risk",
                {"risk": _pct(f["predecessor_risk"])},
            )
        )
    if f["estimate_accuracy"] > 1.2:
        overrun = f["estimate_accuracy"] - 1.0
        out.append((min(15.0, 20.0 * overrun), "estimate_overrun", {"percent": _pct(overrun)}))
    return out


def rule_score(features):
    """``(score 0..100, reasons)`` by transparent points.

    Points (summed onto ``BASE_POINTS`` = 5, capped at 100):

    * time vs progress: ``60 × (time_used - progress)``, +10 once past the
      planned finish, at most 60;
    * float: negative 25 + 3 per day late (max 40), none 20, below 2 days 10;
    * assignee overdue tasks: 5 each, max 20;
    * kind slip rate: ``50 × (rate - 20 %)``; person slip rate ``40 × (rate - 20 %)``;
    * blocked: 4 per day, max 20;
    * riskiest predecessor at 50 % or more: ``30 × (risk - 0.3)``;
    * estimate overrun above 20 %: ``20 × overrun``, max 15.

    Reasons are the rules that gave at least ``MIN_POINTS``, strongest first.
    Done tasks (progress 100 %) score 0.
    """
    f = normalize(features)
    if f["progress"] >= 1:
        return 0, []
    fired = _rule_points(f)
    total = BASE_POINTS + sum(p for p, _c, _p in fired)
    score = int(round(min(max(total, 0.0), 100.0)))
    reasons = [
        Reason(code, params, points) for points, code, params in fired if points >= MIN_POINTS
    ]
    reasons.sort(key=lambda r: -r.weight)
    return score, reasons


# ---------------------------------------------------------------------------
# logistic regression
# ---------------------------------------------------------------------------


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _solve(a, b):
    """Solve ``a x = b`` (small dense, symmetric positive definite) by Gauss-Jordan."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        p = m[col][col]
        if abs(p) < 1e-12:
            continue
        inv = 1.0 / p
        row_c = [v * inv for v in m[col]]
        m[col] = row_c
        for r in range(n):
            if r != col:
                factor = m[r][col]
                if factor:
                    row_r = m[r]
                    m[r] = [vr - factor * vc for vr, vc in zip(row_r, row_c, strict=True)]
    return [m[i][n] for i in range(n)]


class LogisticModel:
    """Logistic regression on standardised features, pure Python.

    ``coef`` are the weights of the standardised features (comparable to each
    other), ``intercept`` the bias; ``mean``/``scale`` the standardisation.
    """

    def __init__(self, feature_names=FEATURES):
        self.feature_names = tuple(feature_names)
        d = len(self.feature_names)
        self.mean = [0.0] * d
        self.scale = [1.0] * d
        self.coef = [0.0] * d
        self.intercept = 0.0
        self.iterations_run = 0

    # -- input --------------------------------------------------------------
    def _row(self, x):
        if isinstance(x, dict):
            if self.feature_names == FEATURES:
                return vector(x)
            return [float(x.get(name, 0.0)) for name in self.feature_names]
        return [float(v) for v in x]

    # -- fitting ------------------------------------------------------------
    def fit(self, X, y, l2=1.0, iterations=25, tol=1e-6):
        """Fit by Newton-Raphson (IRLS) with an L2 penalty on the weights.

        ``X``: rows (feature dicts or sequences in ``feature_names`` order);
        ``y``: booleans/0-1 (1 = slipped). The intercept is not penalised.
        Converges in a handful of iterations; returns ``self``.
        """
        rows = [self._row(x) for x in X]
        ys = [1.0 if v else 0.0 for v in y]
        if not rows or len(rows) != len(ys):
            raise ValueError("fit needs as many labels as rows, and at least one row")
        n, d = len(rows), len(self.feature_names)
        self.mean = [sum(r[j] for r in rows) / n for j in range(d)]
        scale = []
        for j in range(d):
            var = sum((r[j] - self.mean[j]) ** 2 for r in rows) / n
            scale.append(math.sqrt(var) if var > 1e-12 else 1.0)
        self.scale = scale
        # design rows with a leading 1 for the intercept
        Z = [[1.0] + [(r[j] - self.mean[j]) / scale[j] for j in range(d)] for r in rows]
        k = d + 1
        beta = [0.0] * k
        rate = sum(ys) / n
        if 0 < rate < 1:
            beta[0] = math.log(rate / (1 - rate))
        for it in range(iterations):
            grad = [0.0] * k
            hess = [[0.0] * k for _ in range(k)]
            for z, t in zip(Z, ys, strict=True):
                p = _sigmoid(sum(b * v for b, v in zip(beta, z, strict=True)))
                err = t - p
                w = p * (1.0 - p)
                for a in range(k):
                    za = z[a]
                    grad[a] += err * za
                    wz = w * za
                    if wz:
                        row = hess[a]
                        for c in range(a, k):
                            row[c] += wz * z[c]
            for a in range(k):
                for c in range(a):
                    hess[a][c] = hess[c][a]
            for a in range(1, k):
                grad[a] -= l2 * beta[a]
                hess[a][a] += l2
            hess[0][0] += 1e-9
            step = _solve(hess, grad)
            beta = [b + s for b, s in zip(beta, step, strict=True)]
            self.iterations_run = it + 1
            if max(abs(s) for s in step) < tol:
                break
        self.intercept = beta[0]
        self.coef = beta[1:]
        return self

    # -- prediction ---------------------------------------------------------
    def _raw_weights(self):
        """Weights and bias on unstandardised features (fast scoring)."""
        a = [c / s for c, s in zip(self.coef, self.scale, strict=True)]
        b = self.intercept - sum(ai * m for ai, m in zip(a, self.mean, strict=True))
        return a, b

    def decision(self, x):
        r = self._row(x)
        return self.intercept + sum(
            c * (v - m) / s for c, v, m, s in zip(self.coef, r, self.mean, self.scale, strict=True)
        )

    def predict(self, x):
        """Probability (0..1) that the task slips."""
        return _sigmoid(self.decision(x))

    def contributions(self, x):
        """Signed logit contribution per feature, relative to the average task.

        Positive values push the risk up. They add up to
        ``decision(x) - intercept``.
        """
        r = self._row(x)
        return {
            name: c * (v - m) / s
            for name, c, v, m, s in zip(
                self.feature_names, self.coef, r, self.mean, self.scale, strict=True
            )
        }

    # -- storage ------------------------------------------------------------
    def to_dict(self):
        """JSON-serialisable description (store it in a Json/Text field)."""
        return {
            "kind": "logistic",
            "version": 1,
            "features": list(self.feature_names),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data):
        """Inverse of :meth:`to_dict`; ``ValueError`` on a malformed dict."""
        try:
            names = tuple(data["features"])
            model = cls(names)
            d = len(names)
            model.mean = [float(v) for v in data["mean"]]
            model.scale = [float(v) or 1.0 for v in data["scale"]]
            model.coef = [float(v) for v in data["coef"]]
            model.intercept = float(data["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored risk model: {exc}") from exc
        if not (len(model.mean) == len(model.scale) == len(model.coef) == d):
            raise ValueError("not a stored risk model: lengths differ")
        return model


# ---------------------------------------------------------------------------
# metrics and training
# ---------------------------------------------------------------------------


def auc(y_true, y_score):
    """Area under the ROC curve (Mann-Whitney, ties count half).

    ``None`` when one class is missing (the AUC is undefined).
    """
    labels = [1 if t else 0 for t in y_true]
    pairs = sorted(zip(y_score, labels, strict=True), key=lambda p: p[0])
    n_pos = sum(t for _s, t in pairs)
    n_neg = len(pairs) - n_pos
    if not n_pos or not n_neg:
        return None
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + j) / 2.0 + 1.0
        rank_sum += avg_rank * sum(t for _s, t in pairs[i : j + 1])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def brier(y_true, y_prob):
    """Mean squared error of probabilities against 0/1 outcomes; ``None`` if empty."""
    y_true, y_prob = list(y_true), list(y_prob)
    if not y_true:
        return None
    return sum(((1.0 if t else 0.0) - p) ** 2 for t, p in zip(y_true, y_prob, strict=True)) / len(
        y_true
    )


@dataclass
class TrainResult:
    """Outcome of :func:`train`. ``model`` is ``None`` when history is thin."""

    model: LogisticModel | None
    auc: float | None
    brier: float | None
    n_train: int
    n_holdout: int
    n_positive: int
    n_negative: int
    thin: bool

    @property
    def usable(self):
        """Use the model instead of the rules (trained and AUC >= ``MIN_AUC``)."""
        return self.model is not None and self.auc is not None and self.auc >= MIN_AUC

    def to_dict(self):
        return {
            "model": self.model.to_dict() if self.model else None,
            "auc": self.auc,
            "brier": self.brier,
            "n_train": self.n_train,
            "n_holdout": self.n_holdout,
            "n_positive": self.n_positive,
            "n_negative": self.n_negative,
            "thin": self.thin,
        }


def train(samples, holdout=0.25, seed=0, l2=1.0, iterations=25):
    """Train on closed tasks: ``samples`` = ``[(features_dict, slipped_bool)]``.

    Thin history (fewer than ``MIN_SAMPLES`` samples, or fewer than
    ``MIN_CLASS`` late or on-time ones): no model, the rules stay in charge.
    Otherwise a stratified split (``holdout`` share of each class, shuffled
    with ``random.Random(seed)``), a fit on the training part and AUC / Brier
    score of that same model on the holdout part.
    """
    samples = list(samples)
    pos = [s for s in samples if s[1]]
    neg = [s for s in samples if not s[1]]
    if len(samples) < MIN_SAMPLES or len(pos) < MIN_CLASS or len(neg) < MIN_CLASS:
        return TrainResult(None, None, None, 0, 0, len(pos), len(neg), True)
    rng = random.Random(seed)
    train_part, test_part = [], []
    for group in (pos, neg):
        group = group[:]
        rng.shuffle(group)
        cut = max(1, int(round(len(group) * holdout))) if holdout > 0 else 0
        test_part += group[:cut]
        train_part += group[cut:]
    model = LogisticModel().fit(
        [f for f, _t in train_part], [t for _f, t in train_part], l2=l2, iterations=iterations
    )
    if test_part:
        probs = [model.predict(f) for f, _t in test_part]
        truth = [bool(t) for _f, t in test_part]
        result_auc, result_brier = auc(truth, probs), brier(truth, probs)
    else:
        result_auc = result_brier = None
    return TrainResult(
        model, result_auc, result_brier, len(train_part), len(test_part), len(pos), len(neg), False
    )


# ---------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------

_TIME_FEATURES = ("time_used", "progress", "gap")
# feature, reason code, params from the value, does the reason apply
_SIMPLE_REASONS = (
    ("assignee_overdue", "assignee_overdue", lambda v: {"count": int(v)}, lambda v: v >= 1),
    ("kind_slip_rate", "kind_slip_rate", lambda v: {"rate": _pct(v)}, lambda v: True),
    ("assignee_slip_rate", "assignee_slip_rate", lambda v: {"rate": _pct(v)}, lambda v: True),
    ("blocked_days", "blocked", lambda v: {"days": _days(v)}, lambda v: v > 0),
    ("predecessor_risk", "predecessor_risk", lambda v: {"risk": _pct(v)}, lambda v: v > 0),
    (
        "estimate_accuracy",
        "estimate_overrun",
        lambda v: {"percent": _pct(v - 1.0)},
        lambda v: v > 1.0,
    ),
)


def _model_reasons(f, contrib):
    """Reasons from positive model contributions, strongest first."""
    merged = {}
    time_part = sum(contrib.get(n, 0.0) for n in _TIME_FEATURES)
    if time_part > 0 and f["time_used"] > f["progress"]:
        merged["time_vs_progress"] = (
            time_part,
            {"used": _pct(f["time_used"]), "done": _pct(f["progress"])},
        )
    c = contrib.get("float_days", 0.0)
    if c > 0:
        fl = f["float_days"]
        if fl < 0:
            merged["negative_float"] = (c, {"days": _days(-fl)})
        elif fl == 0:
            merged["no_float"] = (c, {})
        elif fl < LOW_FLOAT_DAYS:
            merged["low_float"] = (c, {"days": _days(fl)})
    for name, code, params, applies in _SIMPLE_REASONS:
        c = contrib.get(name, 0.0)
        if c > 0 and applies(f[name]):
            merged[code] = (c, params(f[name]))
    reasons = [
        Reason(code, params, w) for code, (w, params) in merged.items() if w >= MIN_CONTRIBUTION
    ]
    reasons.sort(key=lambda r: -r.weight)
    return reasons


class _FastModel:
    """A model flattened for scoring many tasks: raw weights, one dot product."""

    def __init__(self, model):
        self.model = model
        self.a, self.b = model._raw_weights()
        self.names = model.feature_names

    def score(self, features, top):
        f = normalize(features)
        if f["progress"] >= 1:
            return RiskScore(0, [], "model")
        x = [f[n] for n in self.names]
        p = _sigmoid(self.b + sum(ai * xi for ai, xi in zip(self.a, x, strict=True)))
        contrib = {
            n: ai * (xi - m)
            for n, ai, xi, m in zip(self.names, self.a, x, self.model.mean, strict=True)
        }
        return RiskScore(int(round(100 * p)), _model_reasons(f, contrib)[:top], "model")


def score(features, model=None, top=TOP_REASONS):
    """:class:`RiskScore` of one open task: the model if given, else the rules.

    ``model`` is a :class:`LogisticModel` (or ``None``). Done tasks score 0.
    """
    if model is None:
        s, reasons = rule_score(features)
        return RiskScore(s, reasons[:top], "rules")
    return _FastModel(model).score(features, top)


def score_many(features_list, model=None, top=TOP_REASONS):
    """:func:`score` for many tasks; the model is flattened once."""
    if model is None:
        out = []
        for f in features_list:
            s, reasons = rule_score(f)
            out.append(RiskScore(s, reasons[:top], "rules"))
        return out
    fast = _FastModel(model)
    return [fast.score(f, top) for f in features_list]


def score_graph(features_by_task, predecessors, model=None, top=TOP_REASONS):
    """Score a dependency graph so ``predecessor_risk`` is exact in one pass.

    ``features_by_task``: ``{task: features}`` (their ``predecessor_risk`` is
    overwritten); ``predecessors``: ``{task: [task, ...]}`` (unknown ids are
    ignored). Tasks are scored predecessors first; on a cycle the remaining
    tasks are scored with what is known so far. Returns ``{task: RiskScore}``.
    """
    fast = _FastModel(model) if model is not None else None
    preds = {
        t: [p for p in predecessors.get(t, ()) if p in features_by_task] for t in features_by_task
    }
    succs = {t: [] for t in features_by_task}
    indegree = {t: len(ps) for t, ps in preds.items()}
    for t, ps in preds.items():
        for p in ps:
            succs[p].append(t)
    ready = [t for t, d in indegree.items() if d == 0]
    done = {}

    def _score(t):
        f = dict(features_by_task[t])
        f["predecessor_risk"] = max(
            (done[p].probability for p in preds[t] if p in done), default=0.0
        )
        if fast is not None:
            return fast.score(f, top)
        s, reasons = rule_score(f)
        return RiskScore(s, reasons[:top], "rules")

    while ready:
        t = ready.pop()
        done[t] = _score(t)
        for s in succs[t]:
            indegree[s] -= 1
            if indegree[s] == 0:
                ready.append(s)
    for t in features_by_task:  # left on a cycle
        if t not in done:
            done[t] = _score(t)
    return done


# ---------------------------------------------------------------------------
# project level
# ---------------------------------------------------------------------------

#: Average size of one task slip in working days: the project float absorbs
#: ``floor(margin / SLIP_DAYS)`` slipping critical tasks.
SLIP_DAYS = 3.0
#: Forecast delay beyond the float cuts the probability by ``e^(-excess/DELAY_SCALE)``.
DELAY_SCALE = 5.0
_MAX_ABSORBED = 50
#: Weight of the fully correlated case in :func:`project_on_time_probability`.
CORRELATION = 0.5


def project_on_time_probability(
    task_risks, critical_flags, forecast_delay_days=0.0, slack_days=0.0, correlation=None
):
    """Probability (0..1) that a project finishes by its deadline.

    * ``task_risks``: slip probabilities (0..1) of the open tasks;
      ``critical_flags``: parallel booleans (on the critical path). Only
      critical tasks count: the others have float to absorb their slip.
    * ``slack_days``: project float, working days between the planned finish
      and the deadline (0 when none); ``forecast_delay_days``: earned-schedule
      forecast delay (negative = ahead, counted as 0).
    * ``correlation``: ``ρ`` below, default :data:`CORRELATION`.

    Formula. The margin ``m = slack - max(delay, 0)``; the project stays on
    time if at most ``k = floor(m / SLIP_DAYS)`` critical tasks slip (``k = 0``
    when ``m < 0``). Slips of one project's tasks are positively correlated
    (same team, same estimates), so the probability is a mixture of the two
    extreme cases:

    * independent slips (Poisson-binomial): ``P_ind = P(#slips <= k)``, with
      ``k = 0`` simply ``Π (1 - p_i)``;
    * fully correlated slips (one common cause): ``P_cor = 1 - p_(k+1)``, the
      ``(k+1)``-th largest risk (1 when fewer than ``k + 1`` critical tasks),
      with ``k = 0`` simply ``1 - max p_i``;

    ``P = ρ × P_cor + (1 - ρ) × P_ind``, multiplied by ``e^(m / DELAY_SCALE)``
    when ``m < 0`` (the forecast already runs beyond the float). Without the
    correlated half a long critical chain of calm tasks would look doomed
    (30 tasks at 5 %: 21 % instead of 58 %). Calibrate the result against
    closed projects with :func:`calibrate`.
    """
    rho = CORRELATION if correlation is None else min(max(float(correlation), 0.0), 1.0)
    risks = [
        min(max(float(p), 0.0), 1.0) for p, c in zip(task_risks, critical_flags, strict=True) if c
    ]
    margin = float(slack_days or 0.0) - max(float(forecast_delay_days or 0.0), 0.0)
    k = 0 if margin < 0 else min(int(margin // SLIP_DAYS), _MAX_ABSORBED)
    # dist[j] = P(exactly j slips so far), truncated at k
    dist = [1.0] + [0.0] * k
    for p in risks:
        for j in range(k, 0, -1):
            dist[j] = dist[j] * (1.0 - p) + dist[j - 1] * p
        dist[0] *= 1.0 - p
    independent = sum(dist)
    ranked = sorted(risks, reverse=True)
    correlated = 1.0 - ranked[k] if k < len(ranked) else 1.0
    probability = rho * correlated + (1.0 - rho) * independent
    if margin < 0:
        probability *= math.exp(margin / DELAY_SCALE)
    return min(max(probability, 0.0), 1.0)


#: Closed projects needed before a calibration replaces the identity.
MIN_CALIBRATION = 10
_EPS = 1e-6


def _logit(p):
    p = min(max(p, _EPS), 1.0 - _EPS)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Calibration:
    """Platt scaling ``p' = σ(a × logit(p) + b)``; identity is ``a=1, b=0``."""

    a: float = 1.0
    b: float = 0.0
    n: int = 0
    method: str = "identity"  # "identity" | "platt"

    def apply(self, p):
        if self.method == "identity":
            return min(max(float(p), 0.0), 1.0)
        return _sigmoid(self.a * _logit(float(p)) + self.b)

    def to_dict(self):
        return {"a": self.a, "b": self.b, "n": self.n, "method": self.method}

    @classmethod
    def from_dict(cls, data):
        if not data:
            return cls()
        return cls(float(data["a"]), float(data["b"]), int(data["n"]), str(data["method"]))


def calibrate(pairs, penalty=1.0, iterations=50):
    """Fit a :class:`Calibration` on ``[(predicted_p, finished_on_time_bool)]``.

    ``predicted_p`` is the *uncalibrated* probability (0..1) that
    :func:`project_on_time_probability` gave before the project closed, the
    same quantity :meth:`Calibration.apply` later receives; a percentage or an
    already calibrated value would distort the fit (``ValueError`` outside 0..1).

    Identity while there are fewer than ``MIN_CALIBRATION`` pairs or fewer
    than 3 of either outcome. Otherwise Platt scaling fitted by Newton's
    method, with an L2 ``penalty`` pulling ``(a, b)`` towards the identity
    ``(1, 0)`` so a small sample only nudges it.
    """
    pairs = [(float(p), 1.0 if t else 0.0) for p, t in pairs]
    bad = [p for p, _t in pairs if not 0.0 <= p <= 1.0]
    if bad:
        raise ValueError(f"calibrate needs probabilities in 0..1 (not percentages), got {bad[0]}")
    n_pos = sum(t for _p, t in pairs)
    if len(pairs) < MIN_CALIBRATION or n_pos < 3 or len(pairs) - n_pos < 3:
        return Calibration(n=len(pairs))
    xs = [(_logit(p), t) for p, t in pairs]
    a, b = 1.0, 0.0
    for _ in range(iterations):
        ga = -penalty * (a - 1.0)
        gb = -penalty * b
        haa, hab, hbb = penalty, 0.0, penalty
        for x, t in xs:
            p = _sigmoid(a * x + b)
            err, w = t - p, p * (1.0 - p)
            ga += err * x
            gb += err
            haa += w * x * x
            hab += w * x
            hbb += w
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a + da, b + db
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    return Calibration(a=a, b=b, n=len(pairs), method="platt")
