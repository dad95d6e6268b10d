"""Validation of a change to a flow template, before anything is written.

An improvement proposal and a lesson applied by the template owner change the
template through the same path: this module decides, from plain values,
whether the change can be applied and what the new value is.  The Odoo side
reads the records, calls :func:`check_change`, maps the error code to a
translated message, and only then writes.
"""

from .errors import CodedError

ADD_DELIVERABLE = "add_deliverable"
DROP_APPROVER = "drop_approver"
RENAME = "rename"
DURATION = "duration"
OTHER = "other"

KINDS = (ADD_DELIVERABLE, DROP_APPROVER, RENAME, DURATION, OTHER)
#: kinds that change the template when accepted (``other`` is done by hand)
APPLICABLE_KINDS = (ADD_DELIVERABLE, DROP_APPROVER, RENAME, DURATION)

RENAME_PHASE = "phase"
RENAME_DELIVERABLE = "deliverable"
RENAME_TASK = "task"
RENAME_TARGETS = (RENAME_PHASE, RENAME_DELIVERABLE, RENAME_TASK)


class TemplateChangeError(CodedError):
    messages = {
        "unknown_kind": "Unknown kind of change %(kind)r.",
        "not_applicable": "A change of kind %(kind)r is not applied automatically.",
        "no_phase": "The change needs a template phase.",
        "no_target": "The element to change no longer exists or is not chosen.",
        "empty_name": "The new name is empty.",
        "same_name": "The new name %(name)r is the current name.",
        "no_duration": "The new duration is not given.",
        "negative_duration": "The new duration %(duration)s is negative.",
        "same_duration": "The new duration %(duration)s is the current duration.",
    }


def clean_name(value):
    """``value`` with its whitespace collapsed; ``""`` for nothing."""
    return " ".join((value or "").split())


def check_change(
    kind,
    *,
    has_phase,
    has_target=True,
    new_name=None,
    old_name=None,
    new_duration=None,
    old_duration=None,
):
    """Check a template change and return the value to write.

    :param kind: one of :data:`APPLICABLE_KINDS`
    :param has_phase: whether a template phase of the template is chosen
    :param has_target: whether the element the change works on (approver
        line, deliverable or task to rename) still exists in that phase
    :param new_name: the new name (rename) or the new deliverable's name
    :param old_name: the current name of the renamed element
    :param new_duration: the new planned duration (working days), or None
    :param old_duration: the phase's current planned duration
    :return: the cleaned name, the duration, or None (drop an approver)
    :raises TemplateChangeError: with the code of the first problem found
    """
    if kind not in KINDS:
        raise TemplateChangeError("unknown_kind", {"kind": kind})
    if kind not in APPLICABLE_KINDS:
        raise TemplateChangeError("not_applicable", {"kind": kind})
    if not has_phase:
        raise TemplateChangeError("no_phase")
    if kind == ADD_DELIVERABLE:
        name = clean_name(new_name)
        if not name:
            raise TemplateChangeError("empty_name")
        return name
    if not has_target:
        raise TemplateChangeError("no_target")
    if kind == DROP_APPROVER:
        return None
    if kind == RENAME:
        name = clean_name(new_name)
        if not name:
            raise TemplateChangeError("empty_name")
        if name == clean_name(old_name):
            raise TemplateChangeError("same_name", {"name": name})
        return name
    # DURATION
    if new_duration is None or new_duration is False:
        raise TemplateChangeError("no_duration")
    if new_duration < 0:
        raise TemplateChangeError("negative_duration", {"duration": new_duration})
    if new_duration == old_duration:
        raise TemplateChangeError("same_duration", {"duration": new_duration})
    return new_duration
