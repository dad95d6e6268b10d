from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import template_change as changes
from .flow_guard import allow_transition
from .project_flow_template_deliverable import DELIVERABLE_STAGES, DELIVERABLE_TYPES

CHANGE_KINDS = [
    (changes.ADD_DELIVERABLE, "Add a checklist item or deliverable"),
    (changes.DROP_APPROVER, "Drop an approval step"),
    (changes.RENAME, "Rename a phase, deliverable or task"),
    (changes.DURATION, "Change a phase's planned duration"),
    (changes.OTHER, "Other (no automatic change)"),
]
RENAME_TARGETS = [
    (changes.RENAME_PHASE, "Phase"),
    (changes.RENAME_DELIVERABLE, "Deliverable"),
    (changes.RENAME_TASK, "Task template"),
]


class ProjectFlowTemplateChangeMixin(models.AbstractModel):
    """The structured description of one change to a flow template, and the
    one code path that applies it.

    Improvement proposals (``project.flow.proposal``) and the wizard that
    turns a lesson into a template change (``project.flow.lesson.apply.wizard``)
    share these fields and :meth:`_flow_apply_change`: validate everything
    first (``engine/template_change.py``), then write the template and record
    the trace (``project.flow.template.change``) in the same transaction.
    """

    _name = "project.flow.template.change.mixin"
    _description = "Project Flow Template Change (fields and application)"

    template_id = fields.Many2one("project.flow.template", string="Template")
    template_phase_id = fields.Many2one(
        "project.flow.template.phase",
        string="Template phase",
        domain="[('template_id', '=', template_id)]",
    )
    kind = fields.Selection(
        CHANGE_KINDS, string="Kind of change", required=True, default=changes.ADD_DELIVERABLE
    )
    deliverable_name = fields.Char(string="New deliverable")
    deliverable_type = fields.Selection(
        DELIVERABLE_TYPES, string="Deliverable type", default="checklist"
    )
    deliverable_stage = fields.Selection(DELIVERABLE_STAGES, string="Criterion", default="exit")
    deliverable_required = fields.Boolean(string="Required deliverable", default=True)
    approver_line_id = fields.Many2one(
        "project.flow.approver",
        string="Approval step to drop",
        domain="[('template_phase_id', '=', template_phase_id)]",
        ondelete="set null",
    )
    rename_target = fields.Selection(RENAME_TARGETS, string="Rename", default=changes.RENAME_PHASE)
    rename_deliverable_id = fields.Many2one(
        "project.flow.template.deliverable",
        string="Deliverable to rename",
        domain="[('phase_id', '=', template_phase_id)]",
        ondelete="set null",
    )
    rename_task_id = fields.Many2one(
        "project.flow.template.task",
        string="Task template to rename",
        domain="[('phase_id', '=', template_phase_id)]",
        ondelete="set null",
    )
    new_name = fields.Char(string="New name")
    new_duration = fields.Integer(string="New duration (working days)")
    current_duration = fields.Integer(
        string="Current duration (working days)", related="template_phase_id.duration"
    )

    @api.onchange("template_id")
    def _onchange_template_id_change(self):
        if self.template_phase_id and self.template_phase_id.template_id != self.template_id:
            self.template_phase_id = False

    @api.onchange("template_phase_id")
    def _onchange_template_phase_id_change(self):
        phase = self.template_phase_id
        if self.approver_line_id.template_phase_id != phase:
            self.approver_line_id = False
        if self.rename_deliverable_id.phase_id != phase:
            self.rename_deliverable_id = False
        if self.rename_task_id.phase_id != phase:
            self.rename_task_id = False
        if phase and not self.new_duration:
            self.new_duration = phase.duration

    # ------------------------------------------------------------------
    # Hooks for the concrete models
    # ------------------------------------------------------------------
    def _flow_change_label(self):
        """Name of the record for messages ("Proposal X", "Lesson Y")."""
        self.ensure_one()
        return self.display_name

    def _flow_check_template_owner(self, template):
        """Raise unless the current user owns ``template`` or is a flow
        administrator: only they change a template."""
        user = self.env.user
        if self.env.su or template.owner_id == user:
            return
        if user.has_group("project_flow.group_flow_admin"):
            return
        raise AccessError(
            _(
                "%(user)s cannot change the template %(template)s: only its owner "
                "%(owner)s or a flow administrator can.",
                user=user.name,
                template=template.display_name,
                owner=template.owner_id.name or _("(none)"),
            )
        )

    # ------------------------------------------------------------------
    # Application
    # ------------------------------------------------------------------
    def _flow_change_target(self):
        """The record the change works on and the name of its changed field."""
        self.ensure_one()
        if self.kind == changes.DROP_APPROVER:
            line = self.approver_line_id
            return line if line.template_phase_id == self.template_phase_id else line.browse(), None
        if self.kind == changes.RENAME:
            if self.rename_target == changes.RENAME_DELIVERABLE:
                target = self.rename_deliverable_id
                return (target if target.phase_id == self.template_phase_id else target.browse()), (
                    "name"
                )
            if self.rename_target == changes.RENAME_TASK:
                target = self.rename_task_id
                return (target if target.phase_id == self.template_phase_id else target.browse()), (
                    "name"
                )
            return self.template_phase_id, "name"
        if self.kind == changes.DURATION:
            return self.template_phase_id, "duration"
        return self.template_phase_id, None

    def _flow_change_prepare(self):
        """Validate the change without writing anything.

        :return: dict with the target record, the value to write and the
            old/new values for the trace
        :raises UserError/ValidationError: naming the record and the field
        """
        self.ensure_one()
        label = self._flow_change_label()
        template, phase = self.template_id, self.template_phase_id
        if not template:
            raise UserError(_("%(record)s: the field Template is required.", record=label))
        if phase and phase.template_id != template:
            raise ValidationError(
                _(
                    "%(record)s: the template phase %(phase)s does not belong to the "
                    "template %(template)s.",
                    record=label,
                    phase=phase.display_name,
                    template=template.display_name,
                )
            )
        target, field_name = self._flow_change_target()
        try:
            value = changes.check_change(
                self.kind,
                has_phase=bool(phase),
                has_target=bool(target),
                new_name=self.deliverable_name
                if self.kind == changes.ADD_DELIVERABLE
                else self.new_name,
                old_name=target[field_name] if target and field_name == "name" else None,
                new_duration=self.new_duration if self.kind == changes.DURATION else None,
                old_duration=phase.duration if phase else None,
            )
        except changes.TemplateChangeError as error:
            raise UserError(self._flow_change_error_message(error, label)) from error
        old_value, new_value = False, False
        if self.kind == changes.ADD_DELIVERABLE:
            new_value = value
        elif self.kind == changes.DROP_APPROVER:
            old_value = target.display_name
            if phase.approval_rule != "none":
                # the phase must still be approvable without this line
                remaining = phase.approver_line_ids - target
                phase._flow_validate_approval_rule(remaining._count_estimate())
        else:
            old_value, new_value = str(target[field_name]), str(value)
        return {
            "target": target,
            "field": field_name,
            "value": value,
            "old_value": old_value,
            "new_value": new_value,
        }

    def _flow_field_label(self, field_name):
        return self._fields[field_name].get_description(self.env)["string"]

    def _flow_change_error_message(self, error, label):
        field_string = {
            changes.ADD_DELIVERABLE: self._flow_field_label("deliverable_name"),
            changes.RENAME: self._flow_field_label("new_name"),
            changes.DURATION: self._flow_field_label("new_duration"),
        }
        target_field = {
            changes.DROP_APPROVER: "approver_line_id",
            changes.RENAME: {
                changes.RENAME_DELIVERABLE: "rename_deliverable_id",
                changes.RENAME_TASK: "rename_task_id",
            }.get(self.rename_target, "template_phase_id"),
        }.get(self.kind, "template_phase_id")
        code = error.code
        if code == "no_phase":
            return _("%(record)s: the field Template phase is required.", record=label)
        if code == "no_target":
            return _(
                "%(record)s: the field %(field)s is empty or names an element that is no "
                "longer in the phase %(phase)s; it may have been removed since.",
                record=label,
                field=self._flow_field_label(target_field),
                phase=self.template_phase_id.display_name,
            )
        if code == "empty_name":
            return _(
                "%(record)s: the field %(field)s cannot be empty.",
                record=label,
                field=field_string.get(self.kind, ""),
            )
        if code == "same_name":
            return _(
                "%(record)s: the field New name (%(name)s) is already the current name.",
                record=label,
                name=error.params["name"],
            )
        if code == "no_duration":
            return _("%(record)s: the field New duration is required.", record=label)
        if code == "negative_duration":
            return _(
                "%(record)s: the field New duration cannot be negative (%(duration)s).",
                record=label,
                duration=error.params["duration"],
            )
        if code == "same_duration":
            return _(
                "%(record)s: the field New duration (%(duration)s) is already the phase's "
                "planned duration.",
                record=label,
                duration=error.params["duration"],
            )
        return _(
            "%(record)s: a change of kind %(kind)s is not applied to the template automatically.",
            record=label,
            kind=dict(self._fields["kind"]._description_selection(self.env)).get(
                self.kind, self.kind
            ),
        )

    def _flow_apply_change(self, source):
        """Apply the change to the template and record its trace.

        Checks that the current user may change the template, validates
        everything, then writes (as superuser: a template owner need not be
        a flow administrator) and creates one ``project.flow.template.change``.

        :param source: values linking the trace to its origin, e.g.
            ``{"proposal_id": id}`` or ``{"lesson_id": id}``
        :return: the created ``project.flow.template.change``
        """
        self.ensure_one()
        self._flow_check_template_owner(self.template_id)
        plan = self._flow_change_prepare()
        phase = self.template_phase_id.sudo()
        target = plan["target"].sudo()
        if self.kind == changes.ADD_DELIVERABLE:
            last = max(phase.deliverable_ids.mapped("sequence"), default=0)
            phase.write(
                {
                    "deliverable_ids": [
                        fields.Command.create(
                            {
                                "name": plan["value"],
                                "deliverable_type": self.deliverable_type or "checklist",
                                "stage": self.deliverable_stage or "exit",
                                "required": self.deliverable_required,
                                "sequence": last + 1,
                            }
                        )
                    ]
                }
            )
        elif self.kind == changes.DROP_APPROVER:
            # through the phase, so its approval rule constraint runs again
            phase.write({"approver_line_ids": [fields.Command.delete(target.id)]})
        else:
            target.write({plan["field"]: plan["value"]})
        Change = allow_transition(self.env["project.flow.template.change"].sudo())
        change = Change.create(
            dict(
                source,
                template_id=self.template_id.id,
                template_phase_id=phase.id,
                kind=self.kind,
                target_description=self._flow_change_target_description(plan),
                old_value=plan["old_value"],
                new_value=plan["new_value"],
                author_id=self.env.user.id,
            )
        )
        return self.env["project.flow.template.change"].browse(change.id)

    def _flow_change_target_description(self, plan):
        """What was changed, in words, e.g. "Deliverable Code review"."""
        self.ensure_one()
        phase_name = self.template_phase_id.name
        if self.kind == changes.ADD_DELIVERABLE:
            return _("Phase %(phase)s", phase=phase_name)
        if self.kind == changes.DROP_APPROVER:
            return _("Approvers of phase %(phase)s", phase=phase_name)
        if self.kind == changes.RENAME and self.rename_target == changes.RENAME_DELIVERABLE:
            return _("Deliverable of phase %(phase)s", phase=phase_name)
        if self.kind == changes.RENAME and self.rename_target == changes.RENAME_TASK:
            return _("Task template of phase %(phase)s", phase=phase_name)
        if self.kind == changes.DURATION:
            return _("Planned duration of phase %(phase)s", phase=phase_name)
        return _("Phase %(phase)s", phase=phase_name)
