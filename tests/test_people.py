from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.flow_guard import allow_transition
from .common import ProjectFlowCase

KPI = "project.flow.kpi.person"


@tagged("post_install", "-at_install")
class TestPeopleProfile(ProjectFlowCase):
    """The effectiveness profile on a known dataset (November 2026, with
    October as the previous month), and who may read it.

    People: Lin (user_flow) and Qiu (user_qa) are peers under Meng (manager),
    whose own manager is Gao; Lin's department is managed by Du.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_mgr = cls._new_user("pf_people_mgr", "Meng Teamlead", "project.group_project_user")
        cls.user_boss = cls._new_user(
            "pf_people_boss", "Gao Director", "project.group_project_user"
        )
        cls.user_dept = cls._new_user("pf_people_dept", "Du Depthead", "project.group_project_user")
        Employee = env["hr.employee"]
        cls.emp_boss = Employee.create({"name": "Gao Director", "user_id": cls.user_boss.id})
        cls.emp_mgr = Employee.create(
            {"name": "Meng Teamlead", "user_id": cls.user_mgr.id, "parent_id": cls.emp_boss.id}
        )
        cls.emp_dept = Employee.create({"name": "Du Depthead", "user_id": cls.user_dept.id})
        cls.department = env["hr.department"].create(
            {"name": "Hardware", "manager_id": cls.emp_dept.id}
        )
        cls.employee_flow.write({"parent_id": cls.emp_mgr.id, "department_id": cls.department.id})
        cls.emp_qa = Employee.create(
            {"name": "Qiu Tester", "user_id": cls.user_qa.id, "parent_id": cls.emp_mgr.id}
        )
        cls.person, cls.peer = cls.user_flow, cls.user_qa

        Project = env["project.project"]
        cls.project = Project.create({"name": "Flow project", "flow_template_id": cls.template.id})
        cls.other = Project.create({"name": "Plain project"})
        allow_transition(cls.project).write({"flow_state": "running"})
        if cls.other.flow_state != "running":
            allow_transition(cls.other).write({"flow_state": "running"})

        def task(name, users, project=None, **vals):
            return env["project.task"].create(
                {
                    "name": name,
                    "project_id": (project or cls.project).id,
                    "user_ids": [(6, 0, users.ids)],
                    **vals,
                }
            )

        both = cls.person | cls.peer
        cls.t1 = task("T1", both, date_deadline="2026-11-10 10:00:00", allocated_hours=10)
        cls.t2 = task("T2", cls.person, date_deadline="2026-11-01 10:00:00", allocated_hours=4)
        cls.t3 = task("T3", cls.person)
        cls.t4 = task("T4", cls.person, date_deadline="2026-10-20 10:00:00")
        cls.t5 = task("T5 open", cls.person, allocated_hours=3)
        cls.t6 = task("T6 plain", cls.person, project=cls.other, allocated_hours=1)

        Line = env["account.analytic.line"]
        for tsk, day, hours in (
            (cls.t1, "2026-11-05", 12),
            (cls.t2, "2026-11-02", 2),
            (cls.t6, "2026-11-02", 3),  # plain project: not counted
        ):
            Line.create(
                {
                    "name": "work",
                    "task_id": tsk.id,
                    "project_id": tsk.project_id.id,
                    "employee_id": cls.employee_flow.id,
                    "user_id": cls.person.id,
                    "date": day,
                    "unit_amount": hours,
                }
            )
        # close (closing dates given, as an import would) and rework counters
        cls.t1.write({"state": "1_done", "date_end": "2026-11-09 08:00:00", "flow_reopen_count": 1})
        cls.t2.write({"state": "1_done", "date_end": "2026-11-03 08:00:00"})
        cls.t3.write(
            {"state": "1_done", "date_end": "2026-11-20 08:00:00", "flow_stage_regression_count": 2}
        )
        cls.t4.write({"state": "1_done", "date_end": "2026-10-15 08:00:00"})
        cls.t6.write({"state": "1_done", "date_end": "2026-11-04 08:00:00"})

        Checkin = env["project.flow.checkin"]
        for day in ("2026-11-16", "2026-11-17"):
            Checkin.create(
                {"user_id": cls.person.id, "project_id": cls.project.id, "date": day, "done": "x"}
            )

        partner = cls.person.partner_id
        messages = (
            cls.t1.message_post(body="Looks good", message_type="comment", author_id=partner.id)
            | cls.project.message_post(
                body="Kick-off", message_type="comment", author_id=partner.id
            )
            | cls.other.message_post(body="Elsewhere", message_type="comment", author_id=partner.id)
        )
        messages.sudo().write({"date": "2026-11-18 09:00:00"})

        Approval = allow_transition(env["project.flow.approval"])
        approvals = Approval.create(
            [
                {
                    "project_id": cls.project.id,
                    "user_id": cls.person.id,
                    "approval_rule": "any",
                    "kind": "initiation",
                }
                for _i in range(3)
            ]
        )
        env.flush_all()
        for approval, state, day in zip(
            approvals,
            ("approved", "rejected", "pending"),
            ("2026-11-12 03:00:00", "2026-10-02 03:00:00", None),
            strict=True,
        ):
            env.cr.execute(
                "UPDATE project_flow_approval SET state = %s, decision_date = %s WHERE id = %s",
                [state, day, approval.id],
            )
        env.invalidate_all()

    def _profile(self, user, person=None, day=date(2026, 11, 15), period="month"):
        return (
            self.env["project.flow.profile"]
            .with_user(user)
            .create({"user_id": (person or user).id, "date": day, "period": period})
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def test_profile_figures_hand_computed(self):
        profile = self._profile(self.person)
        self.assertEqual(profile.tasks_closed, 3, "T1, T2, T3; not the open T5 nor the plain T6")
        self.assertAlmostEqual(
            profile.on_time_rate, 50.0, msg="T1 on time, T2 late, T3 no deadline"
        )
        # estimated tasks T1 (10 h → 12 h) and T2 (4 h → 2 h): 14 h against 14 h
        self.assertAlmostEqual(profile.effort_ratio, 100.0)
        # gaps 2 + 2 = 4 h of 14 h estimated
        self.assertAlmostEqual(profile.estimate_accuracy, 100 - 4 / 14 * 100, places=4)
        self.assertEqual(profile.rework_count, 3, "1 reopening of T1 + 2 regressions of T3")
        self.assertAlmostEqual(profile.hours_logged, 14.0, msg="the plain project's 3 h left out")
        self.assertEqual(profile.checkin_count, 2)
        self.assertEqual(profile.comment_count, 2, "task and project comments, not the plain one")
        self.assertEqual(profile.approval_count, 1, "the pending one is not decided")
        # October, the previous month
        self.assertEqual(profile.tasks_closed_previous, 1)
        self.assertAlmostEqual(profile.on_time_rate_previous, 100.0)
        self.assertEqual(profile.approval_count_previous, 1)
        self.assertEqual(profile.hours_logged_previous, 0)
        self.assertEqual(
            (profile.date_start, profile.date_end, profile.previous_start),
            (date(2026, 11, 1), date(2026, 11, 30), date(2026, 10, 1)),
        )
        self.assertIn("50 %", profile.comparison_html)

    def test_quarter_and_shared_task(self):
        quarter = self._profile(self.person, period="quarter")
        self.assertEqual(quarter.tasks_closed, 4)
        self.assertAlmostEqual(quarter.on_time_rate, 2 / 3 * 100, places=4)
        peer = self._profile(self.peer)
        self.assertEqual(peer.tasks_closed, 1, "a task with two assignees counts for each")
        self.assertEqual(peer.hours_logged, 0)

    def test_view_rows_and_avg_on_time(self):
        Kpi = self.env[KPI]
        rows = Kpi.search([("user_id", "=", self.person.id), ("kind", "=", "task")])
        self.assertEqual(set(rows.task_id.ids), {self.t1.id, self.t2.id, self.t3.id, self.t4.id})
        self.assertEqual(
            rows.filtered(lambda r: r.task_id == self.t1).manager_user_id, self.user_mgr
        )
        self.assertEqual(rows.department_id, self.department)
        [(rate,)] = Kpi._read_group(
            [("user_id", "=", self.person.id), ("kind", "=", "task")], [], ["on_time_rate:avg"]
        )
        self.assertAlmostEqual(rate, 2 / 3 * 100, places=4, msg="tasks without deadline ignored")

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_peer_cannot_read(self):
        Kpi = self.env[KPI].with_user(self.peer)
        self.assertFalse(Kpi.search_read([("user_id", "=", self.person.id)], ["date"]))
        groups = Kpi.read_group([], ["tasks_closed:sum"], ["user_id"])
        self.assertEqual([g["user_id"][0] for g in groups], [self.peer.id])
        rows = self.env[KPI].search([("user_id", "=", self.person.id)], limit=1)
        with self.assertRaises(AccessError):
            rows.with_user(self.peer).read(["tasks_closed"])
        with self.assertRaises(AccessError):
            self._profile(self.peer, person=self.person)
        public = self.env["hr.employee.public"].browse(self.employee_flow.id)
        self.assertFalse(public.with_user(self.peer).flow_profile_visible)

    def test_flow_admin_is_not_a_manager_of_people(self):
        Kpi = self.env[KPI].with_user(self.user_flow_admin)
        self.assertFalse(Kpi.search_count([("user_id", "=", self.person.id)]))

    def test_managers_read(self):
        expected = self.env[KPI].search_count([("user_id", "=", self.person.id)])
        self.assertTrue(expected)
        for manager in (self.user_mgr, self.user_boss, self.user_dept):
            Kpi = self.env[KPI].with_user(manager)
            self.assertEqual(
                Kpi.search_count([("user_id", "=", self.person.id)]), expected, manager.name
            )
            groups = Kpi.read_group(
                [("user_id", "=", self.person.id), ("date", ">=", "2026-11-01")],
                ["tasks_closed:sum"],
                ["user_id"],
            )
            self.assertEqual(groups[0]["tasks_closed"], 3)
            self.assertEqual(self._profile(manager, person=self.person).tasks_closed, 3)
            public = self.env["hr.employee.public"].browse(self.employee_flow.id)
            self.assertTrue(public.with_user(manager).flow_profile_visible, manager.name)
        # the team lead sees both of their people; the department head only Lin
        mgr_people = set(self.env[KPI].with_user(self.user_mgr).search([]).user_id.ids)
        self.assertEqual(mgr_people, {self.person.id, self.peer.id})
        self.assertNotIn(
            self.peer.id, self.env[KPI].with_user(self.user_dept).search([]).user_id.ids
        )
        # and nobody reads their manager's rows upwards
        self.assertFalse(
            self.env[KPI].with_user(self.person).search_count([("user_id", "=", self.user_mgr.id)])
        )

    def test_my_profile_action(self):
        action = (
            self.env["project.flow.profile"].with_user(self.person).action_flow_open_my_profile()
        )
        profile = self.env["project.flow.profile"].with_user(self.person).browse(action["res_id"])
        self.assertEqual(profile.user_id, self.person)
        drill = profile.with_context(flow_kind="task").action_flow_rows()
        self.assertEqual(drill["res_model"], KPI)
        self.assertIn(("kind", "=", "task"), drill["domain"])
        public = self.env["hr.employee.public"].browse(self.employee_flow.id)
        action = public.with_user(self.user_mgr).action_flow_open_profile()
        self.assertEqual(
            self.env["project.flow.profile"].browse(action["res_id"]).user_id, self.person
        )
