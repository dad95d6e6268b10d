import pytest

from ..template_change import (
    ADD_DELIVERABLE,
    DROP_APPROVER,
    DURATION,
    OTHER,
    RENAME,
    TemplateChangeError,
    check_change,
    clean_name,
)


def code_of(**kwargs):
    with pytest.raises(TemplateChangeError) as info:
        check_change(**kwargs)
    return info.value.code


def test_clean_name_collapses_whitespace():
    assert clean_name("  Load  test\n report ") == "Load test report"
    assert clean_name(None) == ""
    assert clean_name(False) == ""


def test_add_deliverable_returns_clean_name():
    assert check_change(ADD_DELIVERABLE, has_phase=True, new_name=" Go live  ") == "Go live"


def test_add_deliverable_needs_name_and_phase():
    assert code_of(kind=ADD_DELIVERABLE, has_phase=True, new_name="   ") == "empty_name"
    assert code_of(kind=ADD_DELIVERABLE, has_phase=False, new_name="X") == "no_phase"


def test_add_deliverable_ignores_missing_target():
    # adding works on the phase itself, not on an existing element
    assert check_change(ADD_DELIVERABLE, has_phase=True, has_target=False, new_name="X") == "X"


def test_drop_approver_needs_existing_line():
    assert check_change(DROP_APPROVER, has_phase=True, has_target=True) is None
    assert code_of(kind=DROP_APPROVER, has_phase=True, has_target=False) == "no_target"


def test_rename():
    assert check_change(RENAME, has_phase=True, new_name="Build ", old_name="Code") == "Build"
    assert code_of(kind=RENAME, has_phase=True, new_name="", old_name="Code") == "empty_name"
    assert code_of(kind=RENAME, has_phase=True, new_name=" Code", old_name="Code") == "same_name"
    assert code_of(kind=RENAME, has_phase=True, has_target=False, new_name="X") == "no_target"


def test_duration():
    assert check_change(DURATION, has_phase=True, new_duration=8, old_duration=10) == 8
    assert check_change(DURATION, has_phase=True, new_duration=0, old_duration=10) == 0
    assert code_of(kind=DURATION, has_phase=True, new_duration=-1, old_duration=3) == (
        "negative_duration"
    )
    assert code_of(kind=DURATION, has_phase=True, new_duration=3, old_duration=3) == (
        "same_duration"
    )
    assert code_of(kind=DURATION, has_phase=True, new_duration=None, old_duration=3) == (
        "no_duration"
    )


def test_other_and_unknown_kinds_are_not_applied():
    assert code_of(kind=OTHER, has_phase=True) == "not_applicable"
    assert code_of(kind="merge", has_phase=True) == "unknown_kind"


def test_error_message_is_readable():
    with pytest.raises(TemplateChangeError, match="current duration"):
        check_change(DURATION, has_phase=True, new_duration=3, old_duration=3)
