"""Phase gates: may a phase open, be submitted for approval, or be completed?

The functions return ``Reason`` values (a code plus parameters) instead of
text: models map each code to a translatable message, e.g.
``_("Open tasks: %(names)s", **reason.params)``.

Reason codes: ``phase_not_open``, ``phase_not_draft``, ``previous_not_done``,
``missing_deliverables``, ``missing_optional_deliverables``, ``open_tasks``,
``approval_pending``, ``approval_rejected``, ``phase_not_started``.
"""

from dataclasses import dataclass, field

HARD = "hard"
SOFT = "soft"
GATE_MODES = (HARD, SOFT)

PHASE_STATES = ("draft", "open", "approval", "done", "cancelled")
APPROVAL_STATES = ("none", "pending", "approved", "rejected")

#: How many task names an ``open_tasks`` reason lists before eliding the rest.
MAX_LISTED_TASKS = 5


@dataclass(frozen=True)
class Reason:
    """Why a gate blocks or warns: a stable ``code`` and message ``params``.

    ``params`` is copied into a fresh dict; it is left out of the hash, so
    reasons can live in sets (equal reasons still compare their params).
    """

    code: str
    params: dict = field(default_factory=dict, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "params", dict(self.params))


@dataclass(frozen=True)
class GateInput:
    """What a gate needs to know about a phase (the model gathers it)."""

    gate_mode: str
    phase_state: str
    previous_done: bool
    missing_required_deliverables: tuple = ()
    missing_optional_deliverables: tuple = ()
    open_tasks: tuple = ()
    approval_state: str = "none"

    def __post_init__(self):
        if self.gate_mode not in GATE_MODES:
            raise ValueError(f"Unknown gate mode {self.gate_mode!r}")
        if self.approval_state not in APPROVAL_STATES:
            raise ValueError(f"Unknown approval state {self.approval_state!r}")
        for name in (
            "missing_required_deliverables",
            "missing_optional_deliverables",
            "open_tasks",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class GateResult:
    """Blocking reasons and warnings; the gate passes when nothing blocks."""

    blockers: tuple = ()
    warnings: tuple = ()

    @property
    def passed(self):
        return not self.blockers


def evaluate_completion(gate_input):
    """Can the phase be completed now?

    On top of ``evaluate_readiness``, approvals must be approved: a pending or
    rejected approval blocks in both gate modes. The model passes
    ``approval_state="none"`` only when the phase's rule needs no approval.
    """
    blockers, warnings = _common_checks(gate_input)
    if gate_input.approval_state == "pending":
        blockers.append(Reason("approval_pending"))
    elif gate_input.approval_state == "rejected":
        blockers.append(Reason("approval_rejected"))
    return GateResult(tuple(blockers), tuple(warnings))


def evaluate_readiness(gate_input):
    """Could the phase be completed if it were approved?

    Same checks as ``evaluate_completion`` without the approvals; approval
    requests are created only when this passes.
    """
    blockers, warnings = _common_checks(gate_input)
    return GateResult(tuple(blockers), tuple(warnings))


def can_open(previous_done, phase_state):
    """Return the ``Reason`` that keeps a phase from opening, or None.

    A phase opens only from ``draft`` and only once all earlier phases are done.
    """
    if phase_state != "draft":
        return Reason("phase_not_draft", {"state": phase_state})
    if not previous_done:
        return Reason("previous_not_done")
    return None


def task_change_blocker(phase_state, starting, closing):
    """Return the ``Reason`` that forbids starting or closing a task of the phase, or None.

    Tasks of a phase that has not been opened yet (``draft``) can be neither
    started nor closed. Re-opening tasks of a done phase is not decided here.
    """
    if phase_state == "draft" and (starting or closing):
        return Reason("phase_not_started", {"state": phase_state})
    return None


def format_names(names, limit=None):
    """Join names with ", ", keeping the first ``limit`` and eliding the rest with "…"."""
    names = [str(name) for name in names]
    if limit is not None and len(names) > limit:
        return ", ".join([*names[:limit], "\u2026"])
    return ", ".join(names)


def _common_checks(gate_input):
    """Checks shared by completion and readiness: (blockers, warnings) as lists."""
    blockers, warnings = [], []
    hard = gate_input.gate_mode == HARD
    if gate_input.phase_state not in ("open", "approval"):
        blockers.append(Reason("phase_not_open", {"state": gate_input.phase_state}))
    if not gate_input.previous_done:
        blockers.append(Reason("previous_not_done"))
    if gate_input.missing_required_deliverables:
        reason = Reason(
            "missing_deliverables",
            {"names": format_names(gate_input.missing_required_deliverables)},
        )
        (blockers if hard else warnings).append(reason)
    if gate_input.open_tasks:
        reason = Reason(
            "open_tasks",
            {
                "count": len(gate_input.open_tasks),
                "names": format_names(gate_input.open_tasks, MAX_LISTED_TASKS),
            },
        )
        (blockers if hard else warnings).append(reason)
    if gate_input.missing_optional_deliverables:
        warnings.append(
            Reason(
                "missing_optional_deliverables",
                {"names": format_names(gate_input.missing_optional_deliverables)},
            )
        )
    return blockers, warnings
