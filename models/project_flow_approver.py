from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProjectFlowApprover(models.Model):
    """One line of an approver list: a user, every user of a group, or the
    project members holding a role.  The order of the lines is the order of a
    sequential approval."""

    _name = "project.flow.approver"
    _description = "Project Flow Approver"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    approver_type = fields.Selection(
        [("user", "User"), ("group", "Group"), ("role", "Project role")],
        string="Approver type",
        required=True,
        default="user",
    )
    user_id = fields.Many2one("res.users", string="User", ondelete="cascade")
    group_id = fields.Many2one("res.groups", string="Group", ondelete="cascade")
    role_id = fields.Many2one("project.flow.role", string="Role", ondelete="cascade")
    template_phase_id = fields.Many2one(
        "project.flow.template.phase", ondelete="cascade", index="btree_not_null"
    )
    phase_id = fields.Many2one("project.flow.phase", ondelete="cascade", index="btree_not_null")
    policy_id = fields.Many2one(
        "project.flow.approval.policy", ondelete="cascade", index="btree_not_null"
    )

    @api.constrains("approver_type", "user_id", "group_id", "role_id")
    def _check_approver_target(self):
        field_by_type = {"user": "user_id", "group": "group_id", "role": "role_id"}
        for line in self:
            if not line[field_by_type[line.approver_type]]:
                owner = line.template_phase_id or line.phase_id or line.policy_id
                raise ValidationError(
                    _(
                        "Approver line of %(owner)s: the field %(field)s is required "
                        "for an approver of type %(type)s.",
                        owner=owner.display_name,
                        field=self._fields[field_by_type[line.approver_type]].get_description(
                            self.env
                        )["string"],
                        type=dict(self._fields["approver_type"]._description_selection(self.env))[
                            line.approver_type
                        ],
                    )
                )

    @api.depends("approver_type", "user_id", "group_id", "role_id")
    def _compute_display_name(self):
        for line in self:
            target = line.user_id or line.group_id or line.role_id
            line.display_name = target.display_name or ""

    def _resolve_users(self, members_by_role):
        """Users behind these lines, in line order, without duplicates.

        :param members_by_role: dict role id -> res.users recordset of the project
        """
        users = self.env["res.users"]
        for line in self:
            if line.approver_type == "user":
                found = line.user_id
            elif line.approver_type == "group":
                found = line.group_id.users.filtered("active").sorted("name")
            else:
                found = members_by_role.get(line.role_id.id, self.env["res.users"])
            users |= found - users
        return users

    def _count_estimate(self):
        """Lower bound of the number of approvers, usable before a project exists
        (a role line counts for one person)."""
        count = 0
        for line in self:
            if line.approver_type == "group":
                count += len(line.group_id.users.filtered("active"))
            else:
                count += 1
        return count
