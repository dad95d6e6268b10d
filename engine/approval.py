"""Approval rules: how the decisions of a phase's approvers combine.

A rule is one of ``RULES``; the decisions are a sequence of ``"pending"``,
``"approved"`` and ``"rejected"`` strings, one per approver, in approver
order (the order matters only for the sequential rule).

One semantics covers every rule: the outcome is approved as soon as the
approvals reach the required count, and rejected as soon as that count can no
longer be reached (approved + pending < required).
"""

from dataclasses import dataclass

from .errors import CodedError

NONE = "none"
ANY = "any"
ALL = "all"
N_OF_M = "n_of_m"
SEQUENTIAL = "sequential"
RULES = (NONE, ANY, ALL, N_OF_M, SEQUENTIAL)

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
DECISIONS = (PENDING, APPROVED, REJECTED)

_MESSAGES = {
    "unknown_rule": "Unknown approval rule %(rule)r",
    "no_approvers": "The approval rule %(rule)r needs at least one approver",
    "min_too_large": "%(min)s approvals are required but there are only %(count)s approvers",
    "min_not_positive": "The number of required approvals must be at least 1, not %(min)s",
}


class ApprovalRuleError(CodedError):
    """An approval rule that cannot work with its approvers.

    ``code`` is one of ``unknown_rule``, ``no_approvers``, ``min_too_large``
    and ``min_not_positive``; ``params`` holds the values a translated
    message needs (models map the code to their own translatable text).
    """

    messages = _MESSAGES


@dataclass(frozen=True)
class ApprovalOutcome:
    """Result of ``evaluate``.

    ``active_indexes`` are the indexes of the decisions that may be taken now
    (empty unless ``state`` is ``"pending"``).
    """

    state: str
    approved: int
    rejected: int
    required: int
    active_indexes: tuple = ()


def validate_rule(rule, approver_count, min_approvals=0):
    """Raise ``ApprovalRuleError`` unless ``rule`` works with ``approver_count`` approvers.

    ``min_approvals`` (N) is only used by ``n_of_m``, which needs
    ``1 <= N <= approver_count``.
    """
    if rule not in RULES:
        raise ApprovalRuleError("unknown_rule", {"rule": rule})
    if rule == NONE:
        return
    if approver_count < 1:
        raise ApprovalRuleError("no_approvers", {"rule": rule})
    if rule == N_OF_M:
        minimum = min_approvals or 0
        if minimum < 1:
            raise ApprovalRuleError("min_not_positive", {"min": minimum})
        if minimum > approver_count:
            raise ApprovalRuleError("min_too_large", {"min": minimum, "count": approver_count})


def required_approvals(rule, approver_count, min_approvals=0):
    """Number of approvals that make the outcome approved (validates the rule first)."""
    validate_rule(rule, approver_count, min_approvals)
    if rule == NONE:
        return 0
    if rule == ANY:
        return 1
    if rule == N_OF_M:
        return min_approvals
    return approver_count  # ALL and SEQUENTIAL


def evaluate(rule, decisions, min_approvals=0):
    """Combine the approvers' ``decisions`` under ``rule`` into an ``ApprovalOutcome``.

    Raises ``ApprovalRuleError`` for an invalid rule and ``ValueError`` for an
    unknown decision or, under the sequential rule, a decision taken out of
    turn (a decision after one that is not approved).
    """
    decisions = tuple(decisions)
    for decision in decisions:
        if decision not in DECISIONS:
            raise ValueError(f"Unknown approval decision {decision!r}")
    required = required_approvals(rule, len(decisions), min_approvals)
    approved = decisions.count(APPROVED)
    rejected = decisions.count(REJECTED)
    pending = len(decisions) - approved - rejected
    if rule == SEQUENTIAL:
        _check_sequence(decisions)

    if approved >= required:
        state = APPROVED
    elif approved + pending < required:
        state = REJECTED
    else:
        state = PENDING

    active = ()
    if state == PENDING:
        active = tuple(i for i, decision in enumerate(decisions) if decision == PENDING)
        if rule == SEQUENTIAL:
            active = active[:1]
    return ApprovalOutcome(state, approved, rejected, required, active)


def can_decide(rule, decisions, index, min_approvals=0):
    """True if the approver at ``index`` may approve or reject now."""
    return index in evaluate(rule, decisions, min_approvals).active_indexes


def _check_sequence(decisions):
    """Sequential approvals: a decision is only valid after all earlier ones approved."""
    first_open = next((i for i, d in enumerate(decisions) if d != APPROVED), len(decisions))
    for index in range(first_open + 1, len(decisions)):
        if decisions[index] != PENDING:
            raise ValueError(
                f"Sequential approval: decision {index} ({decisions[index]}) was taken out of turn"
            )
