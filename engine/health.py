"""Project health: green / yellow / red from schedule, budget and quality.

Three components, each a ratio where 0 is perfect:

* ``schedule``: working days late against the baseline finish / planned
  duration (early counts as 0);
* ``budget``: ``(cost - budget) / budget`` (timesheet cost from analytic lines
  against the project budget; under budget counts as 0);
* ``quality``: rework rate, ``rework_count / task_count`` (reopened tasks,
  stage regressions, defect-tagged tasks).

Each component gets a score 0..100 by a piecewise-linear map through its
thresholds: 0 → 100, ``yellow`` → ``green_score`` (70), ``red`` →
``yellow_score`` (40), ``2 × red`` → 0. Its colour: red when the ratio
exceeds ``red``, yellow when it exceeds ``yellow``, else green.

The overall score is the weighted mean of the components that have data (no
baseline / planned duration, no budget, or no tasks leave a component out and
the other weights are renormalised). Overall colour: green at ``green_score``
or more, yellow at ``yellow_score`` or more, else red, with one rule on top:
**a red component makes the project at least yellow** (never green), so one
disastrous dimension cannot hide behind two good ones. With no component at
all, score and colour are ``None``.

Reason codes (``Reason`` from :mod:`.risk`), worst component first:

``schedule_late``   ``days`` (working days late), ``percent`` (of the planned duration)
``budget_overrun``  ``percent`` (over budget), ``cost``, ``budget``
``rework``          ``percent`` (rework rate), ``count``, ``total`` (tasks)

They are given for yellow and red components (``params["color"]`` too), then
informational codes for left-out components: ``no_baseline``, ``no_budget``,
``no_tasks`` (no params).
"""

from dataclasses import dataclass, field

from .risk import Reason

COLORS = ("green", "yellow", "red")


@dataclass(frozen=True)
class HealthWeights:
    """Relative weight of each component (renormalised over those with data)."""

    schedule: float = 0.5
    budget: float = 0.3
    quality: float = 0.2


@dataclass(frozen=True)
class HealthThresholds:
    """Component thresholds (ratios) and overall score bounds (0..100)."""

    schedule_yellow: float = 0.05
    schedule_red: float = 0.15
    budget_yellow: float = 0.05
    budget_red: float = 0.15
    rework_yellow: float = 0.10
    rework_red: float = 0.25
    green_score: float = 70.0
    yellow_score: float = 40.0

    def validate(self):
        """``ValueError`` naming the first inconsistent threshold."""
        for name in ("schedule", "budget", "rework"):
            yellow, red = getattr(self, f"{name}_yellow"), getattr(self, f"{name}_red")
            if not 0 < yellow < red:
                raise ValueError(f"{name}: need 0 < yellow ({yellow}) < red ({red})")
        if not 0 < self.yellow_score < self.green_score < 100:
            raise ValueError(
                f"scores: need 0 < yellow_score ({self.yellow_score})"
                f" < green_score ({self.green_score}) < 100"
            )
        return self


@dataclass(frozen=True)
class Health:
    """Result of :func:`health`.

    ``components``: ``{name: {"value": ratio, "score", "color", "weight"}}``
    for the components with data (weights renormalised).
    """

    score: float | None
    color: str | None
    reasons: list
    components: dict = field(default_factory=dict)


def component_score(value, yellow, red, thresholds):
    """Score 0..100 of a ratio on the piecewise-linear map (see module doc)."""
    g, y = thresholds.green_score, thresholds.yellow_score
    v = max(float(value), 0.0)
    if v <= yellow:
        return 100.0 - (100.0 - g) * v / yellow
    if v <= red:
        return g - (g - y) * (v - yellow) / (red - yellow)
    if v <= 2 * red:
        return y - y * (v - red) / red
    return 0.0


def component_color(value, yellow, red):
    if value > red:
        return "red"
    if value > yellow:
        return "yellow"
    return "green"


def score_color(score, thresholds):
    if score >= thresholds.green_score:
        return "green"
    if score >= thresholds.yellow_score:
        return "yellow"
    return "red"


def health(
    schedule_variance_days=None,
    planned_duration_days=None,
    cost=None,
    budget=None,
    rework_count=0,
    task_count=0,
    weights=None,
    thresholds=None,
):
    """:class:`Health` of a project (see the module doc for the rules).

    ``schedule_variance_days``: working days late (+) or early (-) against the
    baseline finish, ``None`` without a baseline; ``planned_duration_days``:
    baseline duration; ``cost`` / ``budget`` in the same currency (no budget
    or a budget <= 0: component left out; no cost counts as 0);
    ``rework_count`` / ``task_count``: reworked tasks among all tasks.
    """
    weights = weights or HealthWeights()
    thresholds = (thresholds or HealthThresholds()).validate()
    raw = {}  # name: (ratio, weight, yellow, red, reason code, params)
    info = []
    if schedule_variance_days is not None and planned_duration_days and planned_duration_days > 0:
        late = max(float(schedule_variance_days), 0.0)
        ratio = late / float(planned_duration_days)
        raw["schedule"] = (
            ratio,
            weights.schedule,
            thresholds.schedule_yellow,
            thresholds.schedule_red,
            "schedule_late",
            {"days": round(late, 1), "percent": int(round(100 * ratio))},
        )
    else:
        info.append(Reason("no_baseline", {}))
    if budget is not None and budget > 0:
        spent = float(cost or 0.0)
        ratio = max(spent - budget, 0.0) / float(budget)
        raw["budget"] = (
            ratio,
            weights.budget,
            thresholds.budget_yellow,
            thresholds.budget_red,
            "budget_overrun",
            {
                "percent": int(round(100 * ratio)),
                "cost": round(spent, 2),
                "budget": round(float(budget), 2),
            },
        )
    else:
        info.append(Reason("no_budget", {}))
    if task_count and task_count > 0:
        count = max(int(rework_count or 0), 0)
        ratio = count / float(task_count)
        raw["quality"] = (
            ratio,
            weights.quality,
            thresholds.rework_yellow,
            thresholds.rework_red,
            "rework",
            {"percent": int(round(100 * ratio)), "count": count, "total": int(task_count)},
        )
    else:
        info.append(Reason("no_tasks", {}))
    total_weight = sum(max(r[1], 0.0) for r in raw.values())
    if not raw or total_weight <= 0:
        return Health(None, None, info, {})
    components, problems = {}, []
    score = 0.0
    for name, (ratio, weight, yellow, red, code, params) in raw.items():
        w = max(weight, 0.0) / total_weight
        c_score = component_score(ratio, yellow, red, thresholds)
        color = component_color(ratio, yellow, red)
        components[name] = {"value": ratio, "score": c_score, "color": color, "weight": w}
        score += w * c_score
        if color != "green":
            problems.append(
                (
                    COLORS.index(color),
                    w * (100.0 - c_score),
                    Reason(code, {**params, "color": color}, 100.0 - c_score),
                )
            )
    color = score_color(score, thresholds)
    if color == "green" and any(c["color"] == "red" for c in components.values()):
        color = "yellow"
    problems.sort(key=lambda p: (-p[0], -p[1]))
    return Health(round(score, 1), color, [p[2] for p in problems] + info, components)
