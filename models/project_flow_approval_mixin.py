from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import approval as approval_rules

APPROVAL_RULES = [
    (approval_rules.NONE, "No approval"),
    (approval_rules.ANY, "Any one approver"),
    (approval_rules.ALL, "All approvers"),
    (approval_rules.N_OF_M, "N of M approvers"),
    (approval_rules.SEQUENTIAL, "All, one after another"),
]


class ProjectFlowApprovalMixin(models.AbstractModel):
    """Approval rule fields shared by template phases, project phases and
    lifecycle policies.  Concrete models define ``approver_line_ids``."""

    _name = "project.flow.approval.mixin"
    _description = "Project Flow Approval Rule"

    approval_rule = fields.Selection(
        APPROVAL_RULES, string="Approval rule", required=True, default=approval_rules.NONE
    )
    approval_min = fields.Integer(
        string="Minimum approvals",
        default=1,
        help="For the N of M rule: how many approvals are needed.",
    )

    @api.constrains("approval_rule", "approval_min", "approver_line_ids")
    def _check_approval_rule(self):
        for record in self:
            if record.approval_rule == approval_rules.NONE:
                continue
            count = record.approver_line_ids._count_estimate()
            record._flow_validate_approval_rule(count)

    def _flow_validate_approval_rule(self, approver_count):
        """Raise a ValidationError naming the record and the field when the rule
        cannot be satisfied by ``approver_count`` approvers."""
        self.ensure_one()
        try:
            approval_rules.validate_rule(self.approval_rule, approver_count, self.approval_min)
        except approval_rules.ApprovalRuleError as error:
            if error.code == "no_approvers":
                raise ValidationError(
                    _(
                        "%(record)s: the approval rule %(rule)s needs at least one approver "
                        "in the field Approvers.",
                        record=self.display_name,
                        rule=self._flow_rule_label(),
                    )
                ) from error
            if error.code == "min_too_large":
                raise ValidationError(
                    _(
                        "%(record)s: the field Minimum approvals asks for %(min)s approvals "
                        "but only %(count)s approvers are given.",
                        record=self.display_name,
                        min=error.params["min"],
                        count=error.params["count"],
                    )
                ) from error
            if error.code == "min_not_positive":
                raise ValidationError(
                    _(
                        "%(record)s: the field Minimum approvals must be at least 1.",
                        record=self.display_name,
                    )
                ) from error
            raise ValidationError(
                _("%(record)s: unknown approval rule.", record=self.display_name)
            ) from error

    def _flow_rule_label(self):
        return dict(self._fields["approval_rule"]._description_selection(self.env))[
            self.approval_rule
        ]

    def _flow_approver_line_commands(self):
        """Commands that copy this record's approver lines to another owner."""
        return [
            fields.Command.create(
                {
                    "sequence": line.sequence,
                    "approver_type": line.approver_type,
                    "user_id": line.user_id.id,
                    "group_id": line.group_id.id,
                    "role_id": line.role_id.id,
                }
            )
            for line in self.approver_line_ids
        ]
