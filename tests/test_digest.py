from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestDigest(ProjectFlowCase):
    """The daily digest of a project's check-ins: content, idempotence and
    the cron's batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.start_flow_project(cls.create_flow_project("Digest project"))
        cls.day = cls.project._flow_today()
        Checkin = cls.env["project.flow.checkin"]
        Checkin.with_user(cls.user_flow).create(
            {
                "project_id": cls.project.id,
                "done": "Specification chapter 2",
                "next": "Chapter 3",
                "blockers": "Waiting for the UX mock-ups",
            }
        )
        Checkin.with_user(cls.user_qa).create(
            {"project_id": cls.project.id, "done": "Test plan draft", "next": "Review with dev"}
        )
        # yesterday's check-ins are not today's digest
        Checkin.with_user(cls.user_approver2).create(
            {
                "project_id": cls.project.id,
                "date": cls.day - timedelta(days=1),
                "done": "Old news",
            }
        )
        cls.Notification = cls.env["project.flow.notification"]

    def _digests(self, project):
        return self.Notification.search(
            [("project_id", "=", project.id), ("key", "like", f"digest:{project.id}:")]
        )

    def test_team_is_members_and_open_task_assignees(self):
        team = self.project._flow_digest_team()[self.project.id]
        self.assertEqual(
            team,
            self.user_manager
            | self.user_flow
            | self.user_qa
            | self.user_approver2
            | self.user_approver3,
        )
        helper = self._new_user("pf_helper", "He Helper", "project.group_project_user")
        portal = self._new_user("pf_portal_dg", "Pan Portal", None)
        portal.groups_id = [Command.set([self.env.ref("base.group_portal").id])]
        task = self.project.task_ids[:1]
        task.user_ids = [Command.link(helper.id)]
        task.sudo().user_ids = [Command.link(portal.id)]
        team = self.project._flow_digest_team()[self.project.id]
        self.assertIn(helper, team)
        self.assertNotIn(portal, team, "internal users only")

    def test_digest_content_and_chatter_row(self):
        queued = self.project._flow_send_digest()
        chatter = queued.filtered(lambda n: n.key.endswith(":odoo:chatter"))
        self.assertEqual(len(chatter), 1)
        self.assertEqual(chatter.key, f"digest:{self.project.id}:{self.day}:odoo:chatter")
        self.assertFalse(chatter.user_id)
        self.assertIn("Digest project", chatter.subject)
        body = chatter.body
        self.assertIn("### Done", body)
        self.assertIn("- **Lin Flowuser**: Specification chapter 2", body)
        self.assertIn("- **Qiu Tester**: Review with dev", body)
        self.assertIn("### Blockers\n- **Lin Flowuser**: Waiting for the UX mock-ups", body)
        self.assertNotIn("Old news", body)
        missing = body.split("### Not checked in\n")[1].strip()
        self.assertEqual(missing, "Deng Approver, Feng Approver, Wang Manager")
        self.assertEqual(self.project.flow_digest_date, self.day)

    def test_digest_rendered_in_the_company_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        (self.project.company_id or self.env.company).partner_id.lang = "zh_CN"
        queued = self.project._flow_send_digest()
        self.assertEqual(queued.filtered(lambda n: not n.user_id).lang, "zh_CN")

    def test_rerun_queues_nothing_new(self):
        first = self.project._flow_send_digest()
        self.assertTrue(first)
        count = len(self._digests(self.project))
        self.assertFalse(self.project._flow_send_digest())
        self.assertEqual(len(self._digests(self.project)), count)

    def test_manager_button(self):
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_flow).action_flow_send_digest()
        action = self.project.with_user(self.user_manager).action_flow_send_digest()
        self.assertIn("queued", action["params"]["message"])
        action = self.project.with_user(self.user_manager).action_flow_send_digest()
        self.assertIn("already queued", action["params"]["message"])
        self.assertEqual(len(self._digests(self.project).filtered(lambda n: not n.user_id)), 1)

    def test_project_without_team(self):
        lonely = self.env["project.project"].create({"name": "Nobody here"})
        with self.assertRaisesText(UserError, "has no team"):
            lonely.with_user(self.user_manager).action_flow_send_digest()
        self.assertFalse(lonely._flow_send_digest())

    def test_cron_batches(self):
        Project = self.env["project.project"]
        # only this test's projects compete for the batches
        Project.search([("flow_state", "=", "running")]).write({"flow_digest_date": self.day})
        second = self.start_flow_project(self.create_flow_project("Digest project 2"))
        third = self.start_flow_project(self.create_flow_project("Digest project 3"))
        no_team = Project.create({"name": "No team", "flow_template_id": self.template.id})
        self.assertEqual(no_team.flow_state, "running")
        mine = self.project | second | third | no_team
        mine.write({"flow_digest_date": False})
        progress = []
        with patch.object(
            type(self.env["ir.cron"]),
            "_notify_progress",
            lambda self_, done, remaining, deactivate=False: progress.append((done, remaining)),
        ):
            first_batch = Project._cron_flow_daily_digest(batch_size=2)
            second_batch = Project._cron_flow_daily_digest(batch_size=2)
            third_batch = Project._cron_flow_daily_digest(batch_size=2)
        self.assertEqual(len(first_batch), 2)
        self.assertEqual(len(second_batch), 2)
        self.assertFalse(third_batch)
        self.assertEqual(first_batch | second_batch, mine)
        self.assertEqual(progress, [(2, 2), (2, 0), (0, 0)])
        for project in self.project | second | third:
            self.assertEqual(len(self._digests(project).filtered(lambda n: not n.user_id)), 1)
        self.assertFalse(self._digests(no_team), "no team, no digest")
        # a second day: the cron picks them up again
        mine.write({"flow_digest_date": self.day - timedelta(days=1)})
        count = len(self.Notification.search([]))
        Project._cron_flow_daily_digest(batch_size=10)
        self.assertEqual(
            len(self.Notification.search([])), count, "same day again: nothing new queued"
        )

    def test_scheduled_actions_run(self):
        """The shipped crons call existing methods and do their job."""
        self.env.ref("project_flow.ir_cron_project_flow_daily_digest").ir_actions_server_id.run()
        self.assertEqual(len(self._digests(self.project).filtered(lambda n: not n.user_id)), 1)
        self.assertEqual(self.project.flow_digest_date, self.day)
        self.env.ref(
            "project_flow.ir_cron_project_flow_milestone_achievement"
        ).ir_actions_server_id.run()
