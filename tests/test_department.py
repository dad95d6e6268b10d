from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestFlowDepartment(TransactionCase):
    """Departments on projects and tasks; department managers see their
    departments' projects (and sub-departments'), nobody else gains access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.head = new_test_user(env, "pf_dep_head", groups="project.group_project_user")
        cls.team_lead = new_test_user(env, "pf_dep_lead", groups="project.group_project_user")
        cls.other = new_test_user(env, "pf_dep_other", groups="project.group_project_user")
        cls.engineer = new_test_user(env, "pf_dep_eng", groups="project.group_project_user")
        Employee = env["hr.employee"]
        head_employee = Employee.create({"name": "Head of R&D", "user_id": cls.head.id})
        lead_employee = Employee.create({"name": "Team lead", "user_id": cls.team_lead.id})
        Department = env["hr.department"]
        cls.dep_rd = Department.create({"name": "PF R&D", "manager_id": head_employee.id})
        cls.dep_firmware = Department.create(
            {"name": "PF Firmware", "parent_id": cls.dep_rd.id, "manager_id": lead_employee.id}
        )
        cls.dep_sales = Department.create({"name": "PF Sales"})
        cls.engineer_employee = Employee.create(
            {
                "name": "Firmware engineer",
                "user_id": cls.engineer.id,
                "department_id": cls.dep_firmware.id,
            }
        )
        lead_employee.department_id = cls.dep_firmware
        Project = env["project.project"]
        cls.firmware_project = Project.create(
            {
                "name": "Private firmware project",
                "privacy_visibility": "followers",
                "flow_department_id": cls.dep_sales.id,
                "flow_department_ids": [Command.set([cls.dep_sales.id, cls.dep_firmware.id])],
            }
        )
        cls.sales_project = Project.create(
            {
                "name": "Private sales project",
                "privacy_visibility": "followers",
                "flow_department_id": cls.dep_sales.id,
            }
        )
        cls.risk = env["project.flow.risk"].create(
            {"name": "Flash supplier late", "project_id": cls.firmware_project.id}
        )
        cls.task = env["project.task"].create(
            {"name": "Bootloader", "project_id": cls.firmware_project.id, "user_ids": False}
        )

    def test_manager_sees_department_projects(self):
        """The firmware lead and the R&D head (parent department) see the private
        project involving Firmware and its task; others don't."""
        for user in (self.team_lead, self.head):
            projects = (
                self.env["project.project"]
                .with_user(user)
                .search([("id", "in", (self.firmware_project | self.sales_project).ids)])
            )
            self.assertEqual(projects, self.firmware_project, user.login)
            self.assertEqual(self.task.with_user(user).read(["name"])[0]["name"], "Bootloader")
            self.assertEqual(
                self.env["project.flow.risk"].with_user(user).search([("id", "=", self.risk.id)]),
                self.risk,
            )
        for user in (self.other, self.engineer):
            self.assertFalse(
                self.env["project.project"]
                .with_user(user)
                .search([("id", "=", self.firmware_project.id)]),
                user.login,
            )
            with self.assertRaises(AccessError):
                self.task.with_user(user).read(["name"])
            self.assertFalse(
                self.env["project.flow.risk"].with_user(user).search([("id", "=", self.risk.id)])
            )
        # the sales project has no manager among our users
        with self.assertRaises(AccessError):
            self.sales_project.with_user(self.head).read(["name"])

    def test_main_department_counts_for_managers(self):
        project = self.env["project.project"].create(
            {
                "name": "Main department only",
                "privacy_visibility": "followers",
                "flow_department_id": self.dep_rd.id,
            }
        )
        self.assertTrue(project.with_user(self.head).flow_department_managed)
        self.assertFalse(project.with_user(self.team_lead).flow_department_managed)
        self.assertEqual(project.with_user(self.head).read(["name"])[0]["name"], project.name)

    def test_task_department_default_and_edit(self):
        """A task takes its first assignee's department, else the project's main
        department; the user may change it and it is kept."""
        self.assertEqual(self.task.flow_department_id, self.dep_sales)
        self.task.user_ids = self.engineer
        self.assertEqual(self.task.flow_department_id, self.dep_firmware)
        self.task.flow_department_id = self.dep_rd
        self.assertEqual(self.task.flow_department_id, self.dep_rd)

    def test_my_department_filters(self):
        Task = self.env["project.task"].with_user(self.team_lead)
        mine = self.env["project.task"].create(
            {
                "name": "Flash tool",
                "project_id": self.firmware_project.id,
                "user_ids": [Command.set(self.engineer.ids)],
            }
        )
        found = Task.search([("flow_department_mine", "=", True)])
        self.assertIn(mine, found)
        self.assertNotIn(self.task, found)
        projects = (
            self.env["project.project"]
            .with_user(self.engineer)
            .sudo()
            .search([("flow_department_mine", "=", True)])
        )
        self.assertIn(self.firmware_project, projects)
        self.assertNotIn(self.sales_project, projects)
