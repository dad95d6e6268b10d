import pytest

from ..gate import (
    HARD,
    SOFT,
    GateInput,
    GateResult,
    Reason,
    can_open,
    evaluate_completion,
    evaluate_readiness,
    task_change_blocker,
)


def make(**values):
    defaults = {"gate_mode": HARD, "phase_state": "open", "previous_done": True}
    defaults.update(values)
    return GateInput(**defaults)


def codes(reasons):
    return [reason.code for reason in reasons]


def test_clean_phase_passes():
    result = evaluate_completion(make())
    assert result == GateResult((), ())
    assert result.passed
    assert evaluate_completion(make(phase_state="approval", approval_state="approved")).passed


@pytest.mark.parametrize("state", ["draft", "done", "cancelled"])
def test_phase_must_be_open_or_awaiting_approval(state):
    result = evaluate_completion(make(phase_state=state))
    assert result.blockers == (Reason("phase_not_open", {"state": state}),)
    assert not result.passed


def test_previous_phases_must_be_done():
    for mode in (HARD, SOFT):
        result = evaluate_completion(make(gate_mode=mode, previous_done=False))
        assert codes(result.blockers) == ["previous_not_done"]


def test_hard_gate_blocks_on_deliverables_and_tasks():
    result = evaluate_completion(
        make(missing_required_deliverables=["Spec", "Budget"], open_tasks=["Design"])
    )
    assert result.blockers == (
        Reason("missing_deliverables", {"names": "Spec, Budget"}),
        Reason("open_tasks", {"count": 1, "names": "Design"}),
    )
    assert result.warnings == ()


def test_soft_gate_only_warns():
    result = evaluate_completion(
        make(
            gate_mode=SOFT,
            missing_required_deliverables=("Spec",),
            missing_optional_deliverables=("Photos", "Minutes"),
            open_tasks=("Design",),
        )
    )
    assert result.passed
    assert result.warnings == (
        Reason("missing_deliverables", {"names": "Spec"}),
        Reason("open_tasks", {"count": 1, "names": "Design"}),
        Reason("missing_optional_deliverables", {"names": "Photos, Minutes"}),
    )


def test_optional_deliverables_warn_in_hard_mode_too():
    result = evaluate_completion(make(missing_optional_deliverables=("Photos",)))
    assert result.passed
    assert codes(result.warnings) == ["missing_optional_deliverables"]


def test_open_task_names_are_elided_after_five():
    names = [f"T{i}" for i in range(1, 8)]
    (reason,) = evaluate_completion(make(open_tasks=names)).blockers
    assert reason.params == {"count": 7, "names": "T1, T2, T3, T4, T5, \u2026"}
    (reason,) = evaluate_completion(make(open_tasks=names[:5])).blockers
    assert reason.params["names"] == "T1, T2, T3, T4, T5"


@pytest.mark.parametrize("mode", [HARD, SOFT])
def test_approvals_block_in_both_modes(mode):
    pending = evaluate_completion(make(gate_mode=mode, approval_state="pending"))
    assert codes(pending.blockers) == ["approval_pending"]
    rejected = evaluate_completion(make(gate_mode=mode, approval_state="rejected"))
    assert codes(rejected.blockers) == ["approval_rejected"]
    assert evaluate_completion(make(gate_mode=mode, approval_state="approved")).passed
    assert evaluate_completion(make(gate_mode=mode, approval_state="none")).passed


def test_readiness_ignores_approvals():
    assert evaluate_readiness(make(approval_state="pending")).passed
    assert evaluate_readiness(make(approval_state="rejected")).passed
    result = evaluate_readiness(make(approval_state="pending", open_tasks=("A",)))
    assert codes(result.blockers) == ["open_tasks"]


def test_blocker_order():
    result = evaluate_completion(
        make(
            phase_state="draft",
            previous_done=False,
            missing_required_deliverables=("Spec",),
            open_tasks=("A",),
            approval_state="pending",
        )
    )
    assert codes(result.blockers) == [
        "phase_not_open",
        "previous_not_done",
        "missing_deliverables",
        "open_tasks",
        "approval_pending",
    ]


def test_gate_input_validation_and_normalisation():
    with pytest.raises(ValueError, match="gate mode"):
        make(gate_mode="medium")
    with pytest.raises(ValueError, match="approval state"):
        make(approval_state="maybe")
    gate_input = make(open_tasks=["A"], missing_required_deliverables=iter(["B"]))
    assert gate_input.open_tasks == ("A",)
    assert gate_input.missing_required_deliverables == ("B",)


def test_can_open():
    assert can_open(True, "draft") is None
    assert can_open(False, "draft") == Reason("previous_not_done")
    assert can_open(True, "open") == Reason("phase_not_draft", {"state": "open"})
    assert can_open(False, "done").code == "phase_not_draft"


def test_task_change_blocker():
    blocker = Reason("phase_not_started", {"state": "draft"})
    assert task_change_blocker("draft", starting=True, closing=False) == blocker
    assert task_change_blocker("draft", starting=False, closing=True) == blocker
    assert task_change_blocker("draft", starting=False, closing=False) is None
    for state in ("open", "approval", "done", "cancelled"):
        assert task_change_blocker(state, starting=True, closing=True) is None


def test_reason_is_hashable_and_owns_its_params():
    params = {"names": "a"}
    reason = Reason("missing_deliverables", params)
    params["names"] = "b"
    assert reason.params == {"names": "a"}
    assert Reason("x") == Reason("x", {})
    assert Reason("x", {"a": 1}) != Reason("x", {"a": 2})
    assert len({Reason("x"), Reason("x"), Reason("y", {"a": 1})}) == 2
    with pytest.raises(AttributeError):
        reason.code = "other"
