# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class FlowProfileEmployeeMixin(models.AbstractModel):
    """The "Profile" smart button of an employee: shown to those who may read
    the effectiveness profile of the employee's user (the person, their
    managers, system administrators)."""

    _name = "project.flow.profile.employee.mixin"
    _description = "Project Flow Profile Button"

    flow_profile_visible = fields.Boolean(
        compute="_compute_flow_profile_visible", string="Profile visible"
    )

    @api.depends_context("uid")
    def _compute_flow_profile_visible(self):
        users = self.sudo().user_id
        visible = users._flow_profile_visible_to(self.env.user) if users else users
        for employee in self:
            employee.flow_profile_visible = bool(
                employee.sudo().user_id and employee.sudo().user_id in visible
            )

    def action_flow_open_profile(self):
        self.ensure_one()
        return self.env["project.flow.profile"].action_flow_open_for_user(self.sudo().user_id)


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "project.flow.profile.employee.mixin"]


class HrEmployeePublic(models.Model):
    _name = "hr.employee.public"
    _inherit = ["hr.employee.public", "project.flow.profile.employee.mixin"]
