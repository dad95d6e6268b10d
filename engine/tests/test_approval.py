import pytest

from .. import approval
from ..approval import (
    ALL,
    ANY,
    N_OF_M,
    NONE,
    RULES,
    SEQUENTIAL,
    ApprovalOutcome,
    ApprovalRuleError,
    can_decide,
    evaluate,
    required_approvals,
    validate_rule,
)

P, A, R = "pending", "approved", "rejected"


def test_rule_constants():
    assert RULES == ("none", "any", "all", "n_of_m", "sequential")


# -- validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "count", "minimum", "code", "params"),
    [
        ("unanimous", 3, 0, "unknown_rule", {"rule": "unanimous"}),
        (ANY, 0, 0, "no_approvers", {"rule": ANY}),
        (ALL, 0, 0, "no_approvers", {"rule": ALL}),
        (SEQUENTIAL, 0, 0, "no_approvers", {"rule": SEQUENTIAL}),
        (N_OF_M, 0, 1, "no_approvers", {"rule": N_OF_M}),
        (N_OF_M, 2, 3, "min_too_large", {"min": 3, "count": 2}),
        (N_OF_M, 3, 0, "min_not_positive", {"min": 0}),
        (N_OF_M, 3, -1, "min_not_positive", {"min": -1}),
    ],
)
def test_validate_rule_errors(rule, count, minimum, code, params):
    with pytest.raises(ApprovalRuleError) as info:
        validate_rule(rule, count, minimum)
    assert info.value.code == code
    assert info.value.params == params
    assert isinstance(info.value, ValueError)
    assert str(info.value)  # a readable message for logs


@pytest.mark.parametrize(
    ("rule", "count", "minimum", "required"),
    [
        (NONE, 0, 0, 0),
        (NONE, 3, 5, 0),
        (ANY, 3, 0, 1),
        (ALL, 3, 0, 3),
        (N_OF_M, 3, 2, 2),
        (N_OF_M, 3, 3, 3),
        (SEQUENTIAL, 4, 0, 4),
        (ALL, 2, 7, 2),  # min_approvals is ignored outside n_of_m
    ],
)
def test_required_approvals(rule, count, minimum, required):
    validate_rule(rule, count, minimum)
    assert required_approvals(rule, count, minimum) == required


def test_required_approvals_validates():
    with pytest.raises(ApprovalRuleError):
        required_approvals(N_OF_M, 2, 3)


# -- evaluate -----------------------------------------------------------------


def test_none_is_approved_without_decisions():
    assert evaluate(NONE, []) == ApprovalOutcome("approved", 0, 0, 0, ())


def test_any():
    assert evaluate(ANY, [P, P, P]) == ApprovalOutcome("pending", 0, 0, 1, (0, 1, 2))
    assert evaluate(ANY, [R, P, P]).active_indexes == (1, 2)
    assert evaluate(ANY, [R, A, P]).state == "approved"
    assert evaluate(ANY, [R, R, P]).state == "pending"
    assert evaluate(ANY, [R, R, R]) == ApprovalOutcome("rejected", 0, 3, 1, ())


def test_all():
    assert evaluate(ALL, [A, P, P]) == ApprovalOutcome("pending", 1, 0, 3, (1, 2))
    assert evaluate(ALL, [P, R, P]) == ApprovalOutcome("rejected", 0, 1, 3, ())
    assert evaluate(ALL, [A, A, A]).state == "approved"


def test_n_of_m_counting():
    # 2 of 4: rejected once more than M - N = 2 approvers rejected.
    assert evaluate(N_OF_M, [A, P, P, P], 2).state == "pending"
    assert evaluate(N_OF_M, [A, A, P, P], 2) == ApprovalOutcome("approved", 2, 0, 2, ())
    assert evaluate(N_OF_M, [R, R, P, P], 2) == ApprovalOutcome("pending", 0, 2, 2, (2, 3))
    assert evaluate(N_OF_M, [R, R, A, P], 2).state == "pending"
    assert evaluate(N_OF_M, [R, R, A, A], 2).state == "approved"
    assert evaluate(N_OF_M, [R, R, R, P], 2) == ApprovalOutcome("rejected", 0, 3, 2, ())
    assert evaluate(N_OF_M, [A, R, R, R], 2).state == "rejected"
    # N == M behaves like ALL, N == 1 like ANY.
    assert evaluate(N_OF_M, [A, R, P], 3).state == "rejected"
    assert evaluate(N_OF_M, [R, R, P], 1).state == "pending"


def test_sequential_order():
    assert evaluate(SEQUENTIAL, [P, P, P]) == ApprovalOutcome("pending", 0, 0, 3, (0,))
    assert evaluate(SEQUENTIAL, [A, P, P]).active_indexes == (1,)
    assert evaluate(SEQUENTIAL, [A, A, P]).active_indexes == (2,)
    assert evaluate(SEQUENTIAL, [A, A, A]) == ApprovalOutcome("approved", 3, 0, 3, ())
    assert evaluate(SEQUENTIAL, [A, R, P]) == ApprovalOutcome("rejected", 1, 1, 3, ())
    assert evaluate(SEQUENTIAL, [R, P, P]).state == "rejected"


@pytest.mark.parametrize(
    "decisions", [[P, A, P], [P, P, R], [R, A, P], [R, R, P], [A, P, A], [R, P, R]]
)
def test_sequential_out_of_turn_raises(decisions):
    with pytest.raises(ValueError, match="out of turn"):
        evaluate(SEQUENTIAL, decisions)


def test_out_of_order_is_fine_for_parallel_rules():
    assert evaluate(ALL, [P, A, P]).active_indexes == (0, 2)


def test_unknown_decision_and_invalid_rule():
    with pytest.raises(ValueError, match="decision"):
        evaluate(ALL, [A, "maybe"])
    with pytest.raises(ApprovalRuleError) as info:
        evaluate(ANY, [])
    assert info.value.code == "no_approvers"
    with pytest.raises(ApprovalRuleError) as info:
        evaluate(N_OF_M, [P, P], 3)
    assert info.value.code == "min_too_large"


def test_decisions_may_be_any_iterable():
    assert evaluate(ANY, iter([P, A])).state == "approved"
    assert evaluate(ALL, (d for d in [A, P])).active_indexes == (1,)


def test_can_decide():
    assert can_decide(SEQUENTIAL, [A, P, P], 1)
    assert not can_decide(SEQUENTIAL, [A, P, P], 2)
    assert not can_decide(SEQUENTIAL, [A, P, P], 0)  # already decided
    assert can_decide(ALL, [A, P, P], 2)
    assert not can_decide(ALL, [R, P, P], 1)  # outcome already rejected
    assert not can_decide(ANY, [A, P, P], 1)  # outcome already approved
    assert can_decide(N_OF_M, [R, P, P], 2, min_approvals=2)
    assert not can_decide(N_OF_M, [R, R, P], 2, min_approvals=2)


def test_outcome_is_frozen():
    outcome = evaluate(ANY, [P])
    with pytest.raises(AttributeError):
        outcome.state = "approved"
    assert approval.DECISIONS == ("pending", "approved", "rejected")
