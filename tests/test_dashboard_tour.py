from datetime import datetime, time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.project_flow.models.flow_guard import allow_transition


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """The dashboard in a browser: filter, read, drill down, compare teams."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user = new_test_user(
            env,
            login="pf_dash_tour",
            name="Tang Dashboard",
            groups="project.group_project_manager,hr_timesheet.group_hr_timesheet_user",
        )
        department = env["hr.department"].create({"name": "Tour analytics"})
        env.company.flow_require_initiation = True
        # a running flow project (the company asks every project for the lifecycle)
        project = allow_transition(env["project.project"]).create(
            {
                "name": "Tour analytics project",
                "user_id": cls.user.id,
                "flow_department_id": department.id,
                "flow_state": "running",
            }
        )
        today = fields.Date.context_today(env.user)
        task = env["project.task"].create(
            {
                "name": "Tour analytics task",
                "project_id": project.id,
                "date_deadline": datetime.combine(today, time(12, 0)),
                "flow_department_id": department.id,
            }
        )
        task.state = "1_done"

    def test_dashboard_tour(self):
        self.start_tour("/odoo", "project_flow_dashboard_tour", login="pf_dash_tour")
