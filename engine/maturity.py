"""Process maturity of a flow template: phase statistics, bottlenecks, scores.

Inputs are plain numbers read from the KPI phase view (one entry per phase of
a project made from the template) and from the template's closed projects.

* ``phase_stats`` groups the phases by template phase: finished phases (both
  actual dates), average planned and actual working days, average overrun,
  the share finished within their planned duration, gate rejections,
  overrides and rework.
* ``bottlenecks`` names the slowest template phases: those whose average
  overrun is positive, worst first (average overrun, then overrun relative to
  the plan, then how often), at most ``limit``.
* ``template_figures`` sums them up for the whole template.
* ``suggest_score`` maps a measured figure onto the 1-5 scale of an
  assessment criterion (1 = ad hoc, 5 = optimised) through thresholds, and
  ``overall_score`` averages the scores of an assessment (1-5, one decimal)
  and gives it as a percentage of the scale (1 → 0 %, 5 → 100 %).
"""

from dataclasses import dataclass

SCALE_MIN, SCALE_MAX = 1, 5

# For each measure: the lower bounds of scores 2, 3, 4, 5 when higher is
# better, or the upper bounds when lower is better.
THRESHOLDS = {
    # percentage of phases finished within their planned duration
    "phases_on_time": ("up", (40, 60, 75, 90)),
    # average overrun of the finished phases, in working days
    "overrun": ("down", (5, 3, 1.5, 0.5)),
    # gate rejections per finished phase
    "gate_rejections": ("down", (0.5, 0.3, 0.15, 0.05)),
    # percentage of gates overridden
    "overrides": ("down", (30, 20, 10, 3)),
    # rework (reopenings + regressions) per finished phase
    "rework": ("down", (3, 2, 1, 0.3)),
    # percentage of closed projects with a completed retrospective
    "retrospectives": ("up", (25, 50, 75, 95)),
}


@dataclass
class PhaseInput:
    template_phase_id: int
    name: str
    planned_days: float
    actual_days: float | None = None  # None while unfinished
    rejections: int = 0
    overridden: bool = False
    rework: int = 0


@dataclass
class PhaseStats:
    template_phase_id: int
    name: str
    phase_count: int = 0
    finished: int = 0
    avg_planned: float = 0.0
    avg_actual: float | None = None
    avg_overrun: float | None = None
    on_time: int = 0
    rejections: int = 0
    overrides: int = 0
    rework: int = 0

    @property
    def on_time_rate(self):
        return self.on_time / self.finished * 100 if self.finished else None

    @property
    def relative_overrun(self):
        if self.avg_overrun is None or not self.avg_planned:
            return None
        return self.avg_overrun / self.avg_planned


def phase_stats(phases, order=None):
    """Statistics per template phase, in ``order`` (template phase ids) or
    in order of first appearance."""
    stats = {}
    sums = {}
    for phase in phases:
        st = stats.get(phase.template_phase_id)
        if st is None:
            st = stats[phase.template_phase_id] = PhaseStats(phase.template_phase_id, phase.name)
            sums[phase.template_phase_id] = [0.0, 0.0, 0.0]  # planned, actual, overrun
        acc = sums[phase.template_phase_id]
        st.phase_count += 1
        acc[0] += phase.planned_days or 0
        st.rejections += phase.rejections or 0
        st.overrides += 1 if phase.overridden else 0
        st.rework += phase.rework or 0
        if phase.actual_days is not None:
            st.finished += 1
            acc[1] += phase.actual_days
            overrun = phase.actual_days - (phase.planned_days or 0)
            acc[2] += overrun
            if overrun <= 0:
                st.on_time += 1
    for key, st in stats.items():
        planned, actual, overrun = sums[key]
        st.avg_planned = planned / st.phase_count
        if st.finished:
            st.avg_actual = actual / st.finished
            st.avg_overrun = overrun / st.finished
    keys = list(order) if order is not None else list(stats)
    keys += [k for k in stats if k not in keys]
    return [stats[k] for k in keys if k in stats]


def bottlenecks(stats, limit=3):
    """The slowest template phases: positive average overrun, worst first."""
    late = [s for s in stats if s.avg_overrun is not None and s.avg_overrun > 0]
    late.sort(key=lambda s: (-s.avg_overrun, -(s.relative_overrun or 0), -s.finished, s.name))
    return late[:limit]


def template_figures(stats, closed_projects=0, retrospectives_done=0):
    """Figures of a whole template; ratios are ``None`` with nothing to measure."""
    finished = sum(s.finished for s in stats)
    on_time = sum(s.on_time for s in stats)
    overrun_sum = sum(s.avg_overrun * s.finished for s in stats if s.avg_overrun is not None)
    rejections = sum(s.rejections for s in stats)
    overrides = sum(s.overrides for s in stats)
    rework = sum(s.rework for s in stats)
    phase_count = sum(s.phase_count for s in stats)
    return {
        "phase_count": phase_count,
        "finished": finished,
        "phases_on_time": on_time / finished * 100 if finished else None,
        "overrun": overrun_sum / finished if finished else None,
        "rejection_count": rejections,
        "gate_rejections": rejections / finished if finished else None,
        "override_count": overrides,
        "overrides": overrides / finished * 100 if finished else None,
        "rework_count": rework,
        "rework": rework / finished if finished else None,
        "closed_projects": closed_projects,
        "retrospectives_done": retrospectives_done,
        "retrospectives": (
            retrospectives_done / closed_projects * 100 if closed_projects else None
        ),
    }


def suggest_score(measure, value):
    """Score 1-5 for a measured value, ``None`` for an unknown measure or
    nothing measured."""
    if value is None or measure not in THRESHOLDS:
        return None
    direction, bounds = THRESHOLDS[measure]
    score = SCALE_MIN
    for step, bound in enumerate(bounds, start=SCALE_MIN + 1):
        if (value >= bound) if direction == "up" else (value <= bound):
            score = step
    return score


def overall_score(scores):
    """(average 1-5 with one decimal, percentage of the scale) of the given
    scores, ignoring empty ones; ``(None, None)`` without any."""
    values = [s for s in scores if s]
    if not values:
        return None, None
    average = round(sum(values) / len(values), 1)
    percent = round((average - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100, 1)
    return average, percent
