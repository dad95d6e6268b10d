from datetime import datetime, time, timedelta

import pytz

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.flow_guard import allow_transition
from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestWorkspace(ProjectFlowCase):
    """The "My work" workspace data (``project.flow.workspace.get_data``)
    for a known user: tasks overdue and due today, today's check-in per
    project, pending approvals, open alerts, projects with their current
    phase and schedule status, recent activity; nobody else's items; a
    number of queries that does not grow with the data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Workspace = env["project.flow.workspace"]
        cls.today = fields.Date.context_today(cls.Workspace.with_user(cls.user_flow))
        # the template's own tasks start in a month: they are neither late nor due
        later = cls.today + timedelta(days=30)
        cls.project = cls.start_flow_project(
            cls.create_flow_project("Workspace project", date_start=later)
        )
        cls.project2 = cls.start_flow_project(
            cls.create_flow_project("Second project", date_start=later)
        )
        cls.other_project = cls.start_flow_project(
            cls.create_flow_project(
                "Other team project",
                date_start=later,
                members={cls.role_pm: cls.user_manager, cls.role_qa: cls.user_qa},
            )
        )
        (cls.project | cls.project2 | cls.other_project).flow_scheduling_mode = "manual"
        cls.design = cls.phases(cls.project)[0]

        Task = env["project.task"].with_context(mail_create_nolog=True)
        cls.task_overdue = Task.create(
            cls._task_vals("Fix the login bug", cls.user_flow, -3, cls.project)
        )
        cls.task_today = Task.create(
            cls._task_vals("Write the release notes", cls.user_flow, 0, cls.project)
        )
        cls.task_running = Task.create(
            dict(
                cls._task_vals("Migrate the data", cls.user_flow, 5, cls.project2),
                planned_date_begin=cls._local(-2, 9),
            )
        )
        cls.task_future = Task.create(
            cls._task_vals("Plan the next release", cls.user_flow, 7, cls.project)
        )
        cls.task_done = Task.create(
            dict(cls._task_vals("Old done task", cls.user_flow, -5, cls.project), state="1_done")
        )
        cls.task_not_mine = Task.create(
            cls._task_vals("Test the login", cls.user_qa, -3, cls.project)
        )

        cls.checkin = (
            env["project.flow.checkin"]
            .with_user(cls.user_flow)
            .create({"project_id": cls.project.id, "done": "Fixed two bugs"})
        )

        Approval = env["project.flow.approval"]
        cls.approval_mine = Approval._flow_request(
            cls.user_flow,
            "any",
            1,
            {"project_id": cls.project.id, "phase_id": cls.design.id, "kind": "gate"},
        )
        cls.approval_other = Approval._flow_request(
            cls.user_qa,
            "any",
            1,
            {"project_id": cls.project2.id, "phase_id": cls.phases(cls.project2)[0].id},
        )

        Alert = env["project.flow.alert"].sudo()
        cls.alert_mine = Alert.create(
            cls._alert_vals(cls.task_overdue, "1", cls.user_flow | cls.user_manager)
        )
        cls.alert_not_mine = Alert.create(cls._alert_vals(cls.task_not_mine, "0", cls.user_qa))
        cls.alert_resolved = Alert.create(
            dict(cls._alert_vals(cls.task_overdue, "0", cls.user_flow), state="resolved")
        )

        cls.project.with_user(cls.user_manager).message_post(
            body="Kick-off moved to Monday", message_type="comment"
        )
        cls.other_project.with_user(cls.user_manager).message_post(
            body="Secret other team note", message_type="comment"
        )
        # tracking starts once the creation is committed (pre-commit hooks)
        cls.flush_tracking_cls()
        cls.task_today.with_user(cls.user_manager).stage_id = cls.stage_progress
        cls.flush_tracking_cls()

    @classmethod
    def _local(cls, days, hour):
        """``hour`` o'clock in Shanghai ``days`` from today, as naive UTC."""
        tz = pytz.timezone("Asia/Shanghai")
        moment = tz.localize(datetime.combine(cls.today + timedelta(days=days), time(hour)))
        return moment.astimezone(pytz.utc).replace(tzinfo=None)

    @classmethod
    def _task_vals(cls, name, user, days, project):
        return {
            "name": name,
            "project_id": project.id,
            "user_ids": [Command.set(user.ids)],
            "date_deadline": cls._local(days, 18),
            "stage_id": cls.stage_todo.id,
        }

    @classmethod
    def _alert_vals(cls, task, level, users):
        return {
            "name": task.name,
            "object_ref": f"project.task,{task.id}",
            "kind": "task",
            "level": level,
            "project_id": task.project_id.id,
            "task_id": task.id,
            "delay_days": 3,
            "recipient_user_ids": [Command.set(users.ids)],
        }

    def _data(self, user=None):
        return self.Workspace.with_user(user or self.user_flow).get_data()

    # ------------------------------------------------------------------
    # Contents
    # ------------------------------------------------------------------
    def test_tasks_overdue_and_today(self):
        data = self._data()
        self.assertEqual([t["id"] for t in data["overdue_tasks"]], self.task_overdue.ids)
        self.assertEqual(
            {t["id"] for t in data["today_tasks"]}, {self.task_today.id, self.task_running.id}
        )
        overdue = data["overdue_tasks"][0]
        self.assertEqual(overdue["name"], "Fix the login bug")
        self.assertEqual(overdue["project_id"][0], self.project.id)

    def test_tasks_in_the_user_time_zone(self):
        """A task due at 01:00 tomorrow in Shanghai is due yesterday evening
        in UTC: it is not today's for a user in Shanghai."""
        self.task_today.date_deadline = self._local(1, 1)
        data = self._data()
        self.assertNotIn(self.task_today.id, [t["id"] for t in data["today_tasks"]])
        self.task_today.date_deadline = self._local(0, 7)  # 23:00 UTC the day before
        data = self._data()
        self.assertIn(self.task_today.id, [t["id"] for t in data["today_tasks"]])

    def test_plain_projects_are_not_listed(self):
        """A project without a template (and without the company's lifecycle
        setting) is a plain Odoo project: not in My work."""
        plain = self.env["project.project"].create(
            {"name": "Plain project", "user_id": self.user_flow.id}
        )
        self.assertEqual(plain.flow_state, "running")
        data = self._data()
        self.assertNotIn(plain.id, [card["id"] for card in data["projects"]])

    def test_projects_with_phase_checkin_and_schedule(self):
        self.project.sudo().write({"flow_health": "red", "flow_on_time_probability": 35})
        data = self._data()
        cards = {card["id"]: card for card in data["projects"]}
        self.assertEqual(set(cards), {self.project.id, self.project2.id})
        card = cards[self.project.id]
        self.assertEqual(card["phase"], "Design")
        self.assertEqual(card["phase_id"], self.design.id)
        self.assertEqual(card["checkin_id"], self.checkin.id)
        self.assertEqual(card["schedule"], "late")  # the level-1 alert
        self.assertEqual(card["alert_level"], 1)
        self.assertEqual((card["health"], card["health_label"]), ("red", "Red"))
        self.assertEqual(card["on_time_probability"], 35)
        self.assertEqual(card["late_task_count"], 2)
        second = cards[self.project2.id]
        self.assertFalse(second["checkin_id"])
        self.assertEqual(second["schedule"], "on_track")
        self.assertEqual(second["alert_level"], -1)

    def test_checkin_action_opens_today_checkin(self):
        """The one-click check-in opens today's check-in, or a new one."""
        action = self.project.with_user(self.user_flow).action_flow_checkin()
        self.assertEqual(action["res_id"], self.checkin.id)
        action = self.project2.with_user(self.user_flow).action_flow_checkin()
        self.assertFalse(action.get("res_id"))
        self.assertEqual(action["context"]["default_project_id"], self.project2.id)

    def test_approvals_and_alerts_are_mine_only(self):
        data = self._data()
        self.assertEqual([a["id"] for a in data["approvals"]], self.approval_mine.ids)
        self.assertIn("Design", data["approvals"][0]["subject"])
        self.assertEqual([a["id"] for a in data["alerts"]], self.alert_mine.ids)
        self.assertEqual(data["alerts"][0]["state"], "open")
        self.assertEqual(data["alert_count"], 1)

        qa = self._data(self.user_qa)
        self.assertEqual([a["id"] for a in qa["approvals"]], self.approval_other.ids)
        self.assertEqual([a["id"] for a in qa["alerts"]], self.alert_not_mine.ids)
        self.assertEqual([t["id"] for t in qa["overdue_tasks"]], self.task_not_mine.ids)

    def test_acknowledged_alert_stays_until_resolved(self):
        self.alert_mine.with_user(self.user_flow)._flow_acknowledge("On it")
        data = self._data()
        self.assertEqual([a["id"] for a in data["alerts"]], self.alert_mine.ids)
        self.assertEqual(data["alerts"][0]["state"], "acknowledged")

    def test_approve_removes_the_request(self):
        self.approval_mine.with_user(self.user_flow).action_approve("OK")
        self.assertFalse(self._data()["approvals"])

    def test_recent_activity(self):
        activity = self._data()["activity"]
        bodies = [message["body"] for message in activity]
        self.assertIn("Kick-off moved to Monday", bodies)
        self.assertNotIn("Secret other team note", bodies)
        stage_changes = [
            change
            for message in activity
            if message["res_id"] == self.task_today.id
            for change in message["changes"]
        ]
        self.assertIn(
            {"field": "Stage", "old": self.stage_todo.name, "new": self.stage_progress.name},
            stage_changes,
        )
        self.assertLessEqual(len(activity), 15)

    def test_outsider_sees_nothing_of_others(self):
        data = self._data(self.user_approver)
        self.assertFalse(data["projects"])
        self.assertFalse(data["overdue_tasks"] or data["today_tasks"])
        self.assertFalse(data["alerts"])

    # ------------------------------------------------------------------
    # Performance
    # ------------------------------------------------------------------
    def _add_projects(self, count):
        """Running projects managed by Lin Flowuser, each with a late task,
        a task due today, an alert, a comment and tracked stage changes (so
        the recent activity holds both kinds of messages). They have no
        template: the company asks every project for the flow lifecycle."""
        self.env.company.flow_require_initiation = True
        projects = allow_transition(self.env["project.project"]).create(
            [
                {
                    "name": f"Load project {index}",
                    "flow_state": "running",
                    "user_id": self.user_flow.id,
                    "flow_scheduling_mode": "manual",
                }
                for index in range(count)
            ]
        )
        tasks = self.env["project.task"].create(
            [
                self._task_vals(f"Load task {project.id} {days}", self.user_flow, days, project)
                for project in projects
                for days in (-1, 0)
            ]
        )
        self.env["project.flow.alert"].sudo().create(
            [self._alert_vals(task, "0", self.user_flow) for task in tasks if "-1" in task.name]
        )
        self.flush_tracking()
        tasks.stage_id = self.stage_progress
        self.flush_tracking()
        for project in projects:
            project.message_post(body="Load note", message_type="comment")
        tasks[-2:].stage_id = self.stage_review
        self.flush_tracking()
        return projects

    def _count_queries(self):
        workspace = self.Workspace.with_user(self.user_flow)
        self.env.invalidate_all()
        workspace.env.registry.clear_cache()
        workspace.get_data()  # warm the ormcache (rules, groups)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        data = workspace.get_data()
        return self.env.cr.sql_log_count - before, data

    def test_query_count_does_not_grow(self):
        self._add_projects(3)
        few, data = self._count_queries()
        self.assertEqual(len(data["projects"]), 5)
        self._add_projects(7)
        many, data = self._count_queries()
        self.assertEqual(len(data["projects"]), 12)
        self.assertEqual(len(data["alerts"]), 10)  # the first ten
        self.assertEqual(data["alert_count"], 11)
        self.assertEqual(many, few, "get_data must not run one query per record")


@tagged("post_install", "-at_install")
class TestWorkspaceTour(HttpCase):
    """In the browser, as a flow user: open My work, check in in one click,
    approve a gate (static/tests/tours/project_flow_workspace_tour.js)."""

    def setUp(self):
        super().setUp()
        self.user = new_test_user(
            self.env,
            login="pf_ws_tour",
            name="Tang Touruser",
            groups="base.group_user,project.group_project_user",
            tz="Asia/Shanghai",
            context={"no_reset_password": True},
        )
        self.user.tour_enabled = False
        no_approval = self.env["project.flow.approval.policy"].create(
            {"name": "Workspace tour: no approval", "approval_rule": "none"}
        )
        template = self.env["project.flow.template"].create(
            {
                "name": "Workspace tour flow",
                "initiation_policy_id": no_approval.id,
                "phase_ids": [
                    Command.create(
                        {
                            "name": "Tour kick-off",
                            "sequence": 1,
                            "duration": 2,
                            "approval_rule": "any",
                            "approver_line_ids": [
                                Command.create({"approver_type": "user", "user_id": self.user.id})
                            ],
                        }
                    ),
                    Command.create({"name": "Tour delivery", "sequence": 2, "duration": 3}),
                ],
            }
        )
        wizard = self.env["project.flow.create.wizard"].create(
            {"template_id": template.id, "name": "Workspace tour project"}
        )
        self.project = self.env["project.project"].browse(wizard.action_confirm()["res_id"])
        self.project.message_subscribe(partner_ids=self.user.partner_id.ids)
        self.project.action_flow_submit()
        self.kickoff = self.project.flow_phase_ids.sorted("sequence")[0]
        self.kickoff.action_submit_gate()
        self.assertEqual(self.kickoff.approval_ids.state, "pending")

    def test_workspace_tour(self):
        self.start_tour("/odoo", "project_flow_workspace_tour", login="pf_ws_tour")

        checkin = self.env["project.flow.checkin"].search(
            [("project_id", "=", self.project.id), ("user_id", "=", self.user.id)]
        )
        self.assertEqual(len(checkin), 1)
        self.assertEqual(checkin.done, "Prepared the kick-off")
        self.assertEqual(self.kickoff.approval_ids.state, "approved")
        self.assertEqual(self.kickoff.state, "done")


@tagged("post_install", "-at_install")
class TestWorkspaceHome(ProjectFlowCase):
    """The company setting "Open My work after login" sets the home action
    of flow users who have none, and takes back only what it set."""

    def test_my_work_is_the_default_landing(self):
        """On by default: at installation the flow users without a home action
        land on My work; system administrators keep Odoo's start page."""
        action = self.env.ref("project_flow.action_project_flow_workspace")
        self.assertTrue(self.company.flow_workspace_home)
        self.assertTrue(self.env["res.company"].new({"name": "New"}).flow_workspace_home)
        admin = self.env.ref("base.user_admin")
        admin.action_id = False
        # what the installation runs (data/project_flow_workspace_data.xml)
        self.env["res.company"]._flow_apply_workspace_home_all()
        self.assertEqual(self.user_flow.action_id.id, action.id)
        self.assertEqual(self.user_manager.action_id.id, action.id)
        self.assertFalse(admin.action_id, "system administrators keep Odoo's start page")
        self.assertFalse(self.user_outsider.action_id, "not a flow user")

    def test_new_flow_users_land_on_my_work(self):
        """Users who become flow users after the installation get My work
        too: a new user, or an existing user given a project group."""
        action = self.env.ref("project_flow.action_project_flow_workspace")
        newcomer = self._new_user("pf_newcomer", "Niu Newcomer", "project.group_project_user")
        self.assertEqual(newcomer.action_id.id, action.id)
        promoted = self._new_user("pf_promoted", "Pan Promoted", None)
        self.assertFalse(promoted.action_id, "not a flow user yet")
        promoted.groups_id = [(4, self.env.ref("project.group_project_user").id)]
        self.assertEqual(promoted.action_id.id, action.id)
        # a user's own choice is kept; a second group change does not take it back
        own_choice = self.env.ref("project.open_view_project_all")
        promoted.action_id = own_choice.id
        promoted.groups_id = [(4, self.env.ref("project.group_project_manager").id)]
        self.assertEqual(promoted.action_id.id, own_choice.id)
        # nor when the company does not want it
        self.env["res.config.settings"].create({"flow_workspace_home": False}).execute()
        late = self._new_user("pf_late", "Lu Late", "project.group_project_user")
        self.assertFalse(late.action_id)

    def test_home_action_setting(self):
        action = self.env.ref("project_flow.action_project_flow_workspace")
        own_choice = self.env.ref("project.open_view_project_all")
        self.env["res.config.settings"].create({"flow_workspace_home": False}).execute()
        self.user_qa.action_id = own_choice.id
        settings = self.env["res.config.settings"].create({"flow_workspace_home": True})
        settings.execute()
        self.assertTrue(self.company.flow_workspace_home)
        self.assertEqual(self.user_flow.action_id.id, action.id)
        self.assertEqual(self.user_manager.action_id.id, action.id)
        self.assertEqual(self.user_qa.action_id.id, own_choice.id, "a user's own choice is kept")
        self.assertFalse(self.user_outsider.action_id, "not a flow user")

        self.env["res.config.settings"].create({"flow_workspace_home": False}).execute()
        self.assertFalse(self.user_flow.action_id)
        self.assertEqual(self.user_qa.action_id.id, own_choice.id)
