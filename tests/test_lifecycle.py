from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowLifecycle(ProjectFlowCase):
    """Project lifecycle: draft -> initiation (立项) -> running -> closing
    (结项) -> closed, or cancelled; timesheets only while running."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Policy = cls.env["project.flow.approval.policy"]
        cls.policy_initiation = Policy.create(
            {
                "name": "Sponsor approves",
                "approval_rule": "any",
                "approver_line_ids": [
                    Command.create({"approver_type": "user", "user_id": cls.user_approver.id})
                ],
            }
        )
        cls.policy_closing = Policy.create(
            {
                "name": "Board closes",
                "approval_rule": "all",
                "approver_line_ids": [
                    Command.create({"approver_type": "user", "user_id": cls.user_approver2.id}),
                    Command.create({"approver_type": "role", "role_id": cls.role_pm.id}),
                ],
            }
        )
        cls.policy_none = Policy.create({"name": "Nobody asks", "approval_rule": "none"})
        cls.template.write(
            {
                "initiation_policy_id": cls.policy_initiation.id,
                "closing_policy_id": cls.policy_closing.id,
            }
        )
        cls.project = cls.create_flow_project("Launch")
        cls.design, cls.build, cls.release = cls.phases(cls.project)
        cls.flush_tracking_cls()

    def _log_time(self, project, task=None, hours=1.0):
        return self.env["account.analytic.line"].create(
            {
                "name": "Work",
                "project_id": project.id,
                "task_id": task.id if task else False,
                "employee_id": self.employee_flow.id,
                "unit_amount": hours,
            }
        )

    def _assert_no_time(self, project, task=None):
        with self.assertRaises(ValidationError) as error:
            self._log_time(project, task)
        self.assertIn(project.name, str(error.exception))
        return str(error.exception)

    def _approve_initiation(self, project):
        project.with_user(self.user_manager).action_flow_submit()
        self.flush_tracking()
        approval = project.flow_approval_ids.filtered(lambda a: a.state == "pending")
        approval.with_user(approval.user_id).action_approve("Go")

    # ------------------------------------------------------------------
    # Initiation
    # ------------------------------------------------------------------
    def test_initiation_approved(self):
        project = self.project
        self.assertEqual(project.flow_state, "draft")
        self.assertTrue(project.flow_is_managed)
        self.assertIn("Draft", self._assert_no_time(project))

        project.with_user(self.user_manager).action_flow_submit()
        self.flush_tracking()
        self.assertEqual(project.flow_state, "initiation")
        self.assertEqual(self.design.state, "draft", "no phase opens before approval")
        approval = project.flow_approval_ids
        self.assertEqual(approval.user_id, self.user_approver)
        self.assertEqual(approval.kind, "initiation")
        self.assertEqual(len(self.activities_of(project, self.user_approver)), 1)
        self._assert_no_time(project)

        approval.with_user(self.user_approver).action_approve("Budget OK")
        self.flush_tracking()
        self.assertEqual(project.flow_state, "running")
        self.assertEqual(self.design.state, "open", "the first phase opens on approval")
        self.assertFalse(self.activities_of(project))
        self.assertIn("Budget OK", self.message_bodies(project))
        self.assertEqual(
            self.tracked_values(project, "flow_state"),
            [("Draft", "Initiation approval"), ("Initiation approval", "Running")],
        )
        self.assertTrue(self._log_time(project))

    def test_initiation_rejected_goes_back_to_draft(self):
        project = self.project
        project.with_user(self.user_manager).action_flow_submit()
        self.flush_tracking()
        approval = project.flow_approval_ids
        with self.assertRaisesText(UserError, "Comment"):
            approval.with_user(self.user_approver).action_reject("")
        approval.with_user(self.user_approver).action_reject("No business case yet")
        self.flush_tracking()
        self.assertEqual(project.flow_state, "draft")
        self.assertIn("No business case yet", self.message_bodies(project))
        self.assertFalse(self.activities_of(project))
        self.assertEqual(
            self.tracked_values(project, "flow_state"),
            [("Draft", "Initiation approval"), ("Initiation approval", "Draft")],
        )
        # it may be submitted again, a new round of requests
        project.with_user(self.user_manager).action_flow_submit()
        self.assertEqual(project.flow_state, "initiation")
        self.assertEqual(project.flow_approval_round, 2)
        self.assertEqual(
            project.flow_approval_ids.filtered(lambda a: a.round == 2).state, "pending"
        )

    def test_policy_none_passes_at_once(self):
        self.template.initiation_policy_id = self.policy_none
        self.project.with_user(self.user_manager).action_flow_submit()
        self.flush_tracking()
        self.assertEqual(self.project.flow_state, "running")
        self.assertFalse(self.project.flow_approval_ids)
        # both steps happen in one click: the chatter shows where it went
        self.assertEqual(self.tracked_values(self.project, "flow_state"), [("Draft", "Running")])
        self.assertEqual(self.design.state, "open")

    def test_no_policy_passes_at_once(self):
        self.template.initiation_policy_id = False
        self.assertFalse(self.company.flow_initiation_policy_id)
        self.project.with_user(self.user_manager).action_flow_submit()
        self.assertEqual(self.project.flow_state, "running")

    def test_company_default_policy(self):
        self.template.initiation_policy_id = False
        self.company.flow_initiation_policy_id = self.policy_closing
        self.project.with_user(self.user_manager).action_flow_submit()
        self.assertEqual(self.project.flow_state, "initiation")
        self.assertEqual(
            self.project.flow_approval_ids.user_id, self.user_approver2 | self.user_manager
        )

    def test_submit_only_a_draft(self):
        self._approve_initiation(self.project)
        with self.assertRaisesText(UserError, "not a draft"):
            self.project.with_user(self.user_manager).action_flow_submit()

    # ------------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------------
    def test_closing_refused_while_phases_open(self):
        with self.assertRaisesText(UserError, "not running"):
            self.project.with_user(self.user_manager).action_flow_request_closing()
        self._approve_initiation(self.project)
        with self.assertRaises(UserError) as error:
            self.project.with_user(self.user_manager).action_flow_request_closing()
        for name in ("Design", "Build", "Release"):
            self.assertIn(name, str(error.exception))
        self.pass_gate(self.design)
        with self.assertRaises(UserError) as error:
            self.project.with_user(self.user_manager).action_flow_request_closing()
        self.assertNotIn("Design", str(error.exception))
        self.assertEqual(self.project.flow_state, "running")

    def test_closing_rejected_then_approved(self):
        project = self.project
        self._approve_initiation(project)
        for phase in (self.design, self.build, self.release):
            self.pass_gate(phase)
        self.complete_retrospective(project)
        self.flush_tracking()

        project.with_user(self.user_manager).action_flow_request_closing()
        self.flush_tracking()
        self.assertEqual(project.flow_state, "closing")
        self.assertIn("Closing", self._assert_no_time(project))
        closing = project.flow_approval_ids.filtered(lambda a: a.kind == "closing")
        self.assertEqual(closing.user_id, self.user_approver2 | self.user_manager)
        self.assertTrue(self.activities_of(project, self.user_approver2))

        closing.filtered(lambda a: a.user_id == self.user_approver2).with_user(
            self.user_approver2
        ).action_reject("Retrospective not written")
        self.flush_tracking()
        self.assertEqual(project.flow_state, "running")
        self.assertIn("Retrospective not written", self.message_bodies(project))
        self.assertFalse(self.activities_of(project))

        project.with_user(self.user_manager).action_flow_request_closing()
        self.flush_tracking()
        self.approve_all(project)
        self.flush_tracking()
        self.assertEqual(project.flow_state, "closed")
        self._assert_no_time(project)
        self.assertEqual(
            self.tracked_values(project, "flow_state"),
            [
                ("Draft", "Initiation approval"),
                ("Initiation approval", "Running"),
                ("Running", "Closing approval"),
                ("Closing approval", "Running"),
                ("Running", "Closing approval"),
                ("Closing approval", "Closed"),
            ],
        )

    def test_phase_transitions_tracked(self):
        self._approve_initiation(self.project)
        self.flush_tracking()
        self.pass_gate(self.design)
        self.flush_tracking()
        self.assertEqual(
            self.tracked_values(self.design, "state"),
            [("Not started", "In progress"), ("In progress", "Done")],
        )

    # ------------------------------------------------------------------
    # Cancel and reset
    # ------------------------------------------------------------------
    def test_cancel_and_reset_only_for_managers(self):
        project = self.project
        project.with_user(self.user_manager).action_flow_submit()
        for user in (self.user_flow, self.user_approver, self.user_outsider):
            with self.assertRaises(AccessError, msg=user.name):
                project.with_user(user).action_flow_cancel()
        self.assertEqual(project.flow_state, "initiation")

        project.with_user(self.user_manager).action_flow_cancel()
        self.flush_tracking()
        self.assertEqual(project.flow_state, "cancelled")
        self.assertEqual(project.flow_approval_ids.state, "cancelled")
        self.assertFalse(self.activities_of(project))
        self.assertEqual(
            self.tracked_values(project, "flow_state")[-1], ("Initiation approval", "Cancelled")
        )
        self._assert_no_time(project)
        with self.assertRaisesText(UserError, "already closed or cancelled"):
            project.with_user(self.user_manager).action_flow_cancel()

        with self.assertRaises(AccessError):
            project.with_user(self.user_flow).action_flow_reset_draft()
        self.assertEqual(project.flow_state, "cancelled")
        project.with_user(self.user_manager).action_flow_reset_draft()
        self.assertEqual(project.flow_state, "draft")
        with self.assertRaisesText(UserError, "only a cancelled project"):
            project.with_user(self.user_manager).action_flow_reset_draft()

    # ------------------------------------------------------------------
    # Timesheets
    # ------------------------------------------------------------------
    def test_timesheet_only_on_started_phase(self):
        self._approve_initiation(self.project)
        task_open = self.design.task_ids[:1]
        task_draft = self.build.task_ids[:1]
        self.assertTrue(self._log_time(self.project, task_open))
        self.assertTrue(self._log_time(self.project))
        with self.assertRaises(ValidationError) as error:
            self._log_time(self.project, task_draft)
        self.assertIn(task_draft.name, str(error.exception))
        self.assertIn("Build", str(error.exception))
        self.assertEqual(task_draft.effective_hours, 0)

    def test_timesheet_moved_to_draft_project_refused(self):
        self._approve_initiation(self.project)
        plain = self.env["project.project"].create({"name": "Plain"})
        line = self._log_time(plain)
        draft = self.create_flow_project("Still draft")
        with self.assertRaisesText(ValidationError, "Still draft"):
            line.write({"project_id": draft.id})

    # ------------------------------------------------------------------
    # Projects without a template
    # ------------------------------------------------------------------
    def test_plain_project_behaves_as_in_odoo(self):
        project = self.env["project.project"].create({"name": "Plain"})
        self.assertEqual(project.flow_state, "running")
        self.assertFalse(project.flow_is_managed)
        task = self.env["project.task"].create({"name": "Anything", "project_id": project.id})
        task.write({"state": "1_done"})
        self.assertTrue(self._log_time(project, task))
        self.assertEqual(task.effective_hours, 1.0)

    def test_company_requires_initiation(self):
        old = self.env["project.project"].create({"name": "Before the option"})
        self.company.flow_require_initiation = True
        project = self.env["project.project"].create({"name": "After the option"})
        self.assertEqual(project.flow_state, "draft")
        self.assertTrue(project.flow_is_managed)
        self._assert_no_time(project)
        self.assertEqual(old.flow_state, "running", "existing projects keep running")
        self.assertTrue(self._log_time(old))
        with self.assertRaisesText(UserError, "Lifecycle"):
            self.env["project.project"].create({"name": "Sneaky", "flow_state": "running"})

        project.with_user(self.user_manager).action_flow_submit()
        self.assertEqual(project.flow_state, "running", "no initiation policy: approved at once")
        self.assertTrue(self._log_time(project))

    def test_company_requires_initiation_with_policy(self):
        self.company.write(
            {
                "flow_require_initiation": True,
                "flow_initiation_policy_id": self.policy_initiation.id,
            }
        )
        project = self.env["project.project"].create({"name": "Needs a yes"})
        project.with_user(self.user_manager).action_flow_submit()
        self.assertEqual(project.flow_state, "initiation")
        self._assert_no_time(project)
        project.flow_approval_ids.with_user(self.user_approver).action_approve()
        self.assertEqual(project.flow_state, "running")
        self.assertTrue(self._log_time(project))
