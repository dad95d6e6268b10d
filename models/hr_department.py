from odoo import api, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    @api.model
    def _flow_managed_by(self, user):
        """Departments ``user`` manages, directly or through a parent
        department (a division head sees the projects of its teams)."""
        departments = self.sudo()
        managed = departments.search([("manager_id.user_id", "=", user.id)])
        if not managed:
            return departments
        return departments.search([("id", "child_of", managed.ids)])

    @api.model
    def _flow_of_user(self, user):
        """Departments of the user's employees (in any of their companies)."""
        employees = self.env["hr.employee"].sudo().search([("user_id", "=", user.id)])
        return employees.department_id
