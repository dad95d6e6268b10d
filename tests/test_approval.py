from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowApproval(ProjectFlowCase):
    """Gate approvals: counting rules, sequential order, activities,
    rejection, and who may decide."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.approvers = cls.user_approver | cls.user_approver2 | cls.user_approver3
        cls.activity_type = cls.env.ref("project_flow.mail_activity_flow_approval")

    def _submitted_phase(self, rule, approvers=None, minimum=1, lines=None):
        """A one-phase project whose gate (rule over ``approvers``) has just
        been submitted; returns the phase."""
        approvers = self.approvers if approvers is None else approvers
        lines = lines or [
            Command.create({"approver_type": "user", "user_id": user.id, "sequence": index})
            for index, user in enumerate(approvers)
        ]
        template = self.env["project.flow.template"].create(
            {
                "name": f"Approval {rule}",
                "phase_ids": [
                    Command.create(
                        {
                            "name": "Sign-off",
                            "approval_rule": rule,
                            "approval_min": minimum,
                            "approver_line_ids": lines,
                        }
                    )
                ],
            }
        )
        project = self.start_flow_project(
            self.create_flow_project(f"Approve {rule}", template=template)
        )
        phase = project.flow_phase_ids
        self.assertEqual(phase.state, "open")
        phase.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(phase.state, "approval")
        return phase

    def _approval(self, phase, user):
        approval = phase.approval_ids.filtered(lambda a: a.user_id == user)
        self.assertEqual(len(approval), 1)
        return approval.with_user(user)

    def _states(self, phase):
        return [a.state for a in phase.approval_ids.sorted(lambda a: (a.sequence, a.id))]

    # ------------------------------------------------------------------
    # Counting rules
    # ------------------------------------------------------------------
    def test_any_one_approver(self):
        phase = self._submitted_phase("any")
        self.assertEqual(self._states(phase), ["pending"] * 3)
        for user in self.approvers:
            self.assertEqual(len(self.activities_of(phase, user)), 1, user.name)
        self._approval(phase, self.user_approver2).action_approve("Fine by me")
        self.assertEqual(phase.state, "done")
        self.assertEqual(self._states(phase), ["cancelled", "approved", "cancelled"])
        self.assertFalse(self.activities_of(phase), "every approval activity is gone")
        self.assertIn("Fine by me", self.message_bodies(phase))

    def test_all_approvers(self):
        phase = self._submitted_phase("all", self.user_approver | self.user_approver2)
        self._approval(phase, self.user_approver).action_approve()
        self.assertEqual(phase.state, "approval")
        self.assertFalse(self.activities_of(phase, self.user_approver))
        self.assertTrue(self.activities_of(phase, self.user_approver2))
        self._approval(phase, self.user_approver2).action_approve()
        self.assertEqual(phase.state, "done")
        self.assertFalse(self.activities_of(phase))

    def test_all_approvers_one_rejects(self):
        phase = self._submitted_phase("all", self.user_approver | self.user_approver2)
        self._approval(phase, self.user_approver).action_approve()
        self._approval(phase, self.user_approver2).action_reject("Budget missing")
        self.assertEqual(phase.state, "open")

    def test_n_of_m(self):
        phase = self._submitted_phase("n_of_m", minimum=2)
        self._approval(phase, self.user_approver).action_approve()
        self.assertEqual(phase.state, "approval", "1 of the 2 needed approvals")
        self.assertTrue(self.activities_of(phase, self.user_approver3))
        self._approval(phase, self.user_approver3).action_approve()
        self.assertEqual(phase.state, "done")
        self.assertEqual(self._states(phase), ["approved", "cancelled", "approved"])
        self.assertFalse(self.activities_of(phase))

    def test_n_of_m_rejected_when_out_of_reach(self):
        phase = self._submitted_phase("n_of_m", minimum=2)
        self._approval(phase, self.user_approver).action_reject("No")
        self.assertEqual(phase.state, "approval", "2 approvals can still come")
        self._approval(phase, self.user_approver2).action_reject("No either")
        self.assertEqual(phase.state, "open", "2 of 3 is out of reach")
        self.assertEqual(self._states(phase), ["rejected", "rejected", "cancelled"])
        self.assertFalse(self.activities_of(phase))

    def test_sequential(self):
        phase = self._submitted_phase("sequential")
        self.assertEqual(self._states(phase), ["pending", "waiting", "waiting"])
        self.assertTrue(self.activities_of(phase, self.user_approver))
        self.assertFalse(self.activities_of(phase, self.user_approver2))
        self.assertFalse(self.activities_of(phase, self.user_approver3))

        second = self._approval(phase, self.user_approver2)
        with self.assertRaisesText(UserError, "not your turn"):
            second.action_approve()
        with self.assertRaisesText(UserError, "not your turn"):
            second.action_reject("Too early")
        self.assertEqual(self._states(phase), ["pending", "waiting", "waiting"])

        self._approval(phase, self.user_approver).action_approve()
        self.assertEqual(self._states(phase), ["approved", "pending", "waiting"])
        self.assertFalse(self.activities_of(phase, self.user_approver))
        activity = self.activities_of(phase, self.user_approver2)
        self.assertEqual(len(activity), 1, "the next approver is asked")
        self.assertEqual(activity.activity_type_id, self.activity_type)
        self.assertEqual(activity.res_model, "project.flow.phase")
        self.assertEqual(activity.res_id, phase.id)
        self.assertFalse(self.activities_of(phase, self.user_approver3))

        self._approval(phase, self.user_approver2).action_approve()
        self.assertEqual(phase.state, "approval")
        self._approval(phase, self.user_approver3).action_approve()
        self.assertEqual(phase.state, "done")
        self.assertFalse(self.activities_of(phase))

    def test_decided_request_cannot_be_decided_again(self):
        phase = self._submitted_phase("all", self.user_approver | self.user_approver2)
        approval = self._approval(phase, self.user_approver)
        approval.action_approve()
        with self.assertRaisesText(UserError, "already decided"):
            approval.action_reject("Changed my mind")
        self.assertEqual(approval.state, "approved")

    # ------------------------------------------------------------------
    # Rejection
    # ------------------------------------------------------------------
    def test_rejection_needs_a_comment(self):
        phase = self._submitted_phase("any")
        approval = self._approval(phase, self.user_approver)
        for comment in (None, "", "   "):
            with self.assertRaisesText(UserError, "Comment"):
                approval.action_reject(comment)
        self.assertEqual(approval.state, "pending")
        self.assertEqual(phase.state, "approval")

    def test_any_rule_rejected_only_when_nobody_can_approve(self):
        phase = self._submitted_phase("any", self.user_approver | self.user_approver2)
        self._approval(phase, self.user_approver).action_reject("Not convinced")
        self.assertEqual(phase.state, "approval", "another approver may still approve")
        self.assertTrue(self.activities_of(phase, self.user_approver2))
        self._approval(phase, self.user_approver2).action_reject("Neither am I")
        self.assertEqual(phase.state, "open")
        bodies = self.message_bodies(phase)
        self.assertIn("Not convinced", bodies)
        self.assertIn("Neither am I", bodies)

    def test_rejection_sends_phase_back_with_reason(self):
        phase = self._submitted_phase("all")
        self._approval(phase, self.user_approver3).action_reject("The test report is missing")
        self.assertEqual(phase.state, "open")
        self.assertEqual(self._states(phase), ["cancelled", "cancelled", "rejected"])
        self.assertFalse(self.activities_of(phase))
        bodies = self.message_bodies(phase)
        self.assertIn("The test report is missing", bodies)
        self.assertIn("rejected", bodies)

        # resubmitting asks everyone again, in a new round
        phase.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(phase.approval_round, 2)
        current = phase.approval_ids.filtered(lambda a: a.round == 2)
        self.assertEqual(current.user_id, self.approvers)
        self.assertEqual(set(current.mapped("state")), {"pending"})
        self.approve_all(phase)
        self.assertEqual(phase.state, "done")
        self.assertEqual(
            phase.approval_ids.filtered(lambda a: a.round == 1).mapped("state"),
            ["cancelled", "cancelled", "rejected"],
            "the first round's outcome is kept",
        )

    def test_decision_wizard(self):
        phase = self._submitted_phase("any", self.user_approver)
        approval = phase.approval_ids.with_user(self.user_approver)
        action = approval.action_open_decision_wizard()
        wizard_model = self.env[action["res_model"]].with_user(self.user_approver)
        with Form(wizard_model.with_context(**action["context"])) as wizard:
            wizard.comment = "Scope unclear"
        with self.assertRaisesText(UserError, "Comment"):
            wizard_model.create({"approval_id": approval.id}).action_reject()
        wizard.record.action_reject()
        self.assertEqual(approval.state, "rejected")
        self.assertEqual(approval.comment, "Scope unclear")
        self.assertEqual(phase.state, "open")

    # ------------------------------------------------------------------
    # Who may decide
    # ------------------------------------------------------------------
    def test_non_approver_refused(self):
        phase = self._submitted_phase("any", self.user_approver)
        approval = phase.approval_ids
        for user in (self.user_flow, self.user_manager, self.user_outsider, self.user_approver2):
            with self.assertRaises(AccessError, msg=user.name):
                approval.with_user(user).action_approve()
            with self.assertRaises(AccessError, msg=user.name):
                approval.with_user(user).action_reject("Not mine")
        with self.assertRaises(AccessError):
            approval.with_user(self.user_flow).action_open_decision_wizard()
        self.assertEqual(approval.state, "pending")
        self.assertEqual(phase.state, "approval")

    def test_approval_record_not_writable(self):
        phase = self._submitted_phase("any", self.user_approver)
        approval = phase.approval_ids
        attempts = [
            ("approver", approval.with_user(self.user_approver)),
            ("manager", approval.with_user(self.user_manager)),
            ("sudo", approval.sudo()),
            ("forged", approval.sudo().with_context(project_flow_transition="guess")),
        ]
        for label, record in attempts:
            with self.assertRaisesText(UserError, "Approve and Reject", msg=label):
                record.write({"state": "approved"})
        result = self.env["project.flow.approval"].load(
            [".id", "state"], [[str(approval.id), "approved"]]
        )
        self.assertFalse(result["ids"])
        approval.invalidate_recordset()
        self.assertEqual(approval.state, "pending")
        self.assertEqual(phase.state, "approval")

    def test_approval_record_not_creatable(self):
        phase = self._submitted_phase("any", self.user_approver | self.user_approver2)
        values = {
            "project_id": phase.project_id.id,
            "phase_id": phase.id,
            "kind": "gate",
            "round": phase.approval_round,
            "user_id": self.user_flow.id,
            "approval_rule": "any",
            "state": "approved",
        }
        for Approval in (
            self.env["project.flow.approval"].with_user(self.user_manager),
            self.env["project.flow.approval"].sudo(),
            self.env["project.flow.approval"].sudo().with_context(project_flow_transition="x"),
        ):
            with self.assertRaisesText(UserError, "submitting"):
                Approval.create(values)
        self.assertEqual(phase.approval_ids.user_id, self.user_approver | self.user_approver2)

    # ------------------------------------------------------------------
    # Bad rules
    # ------------------------------------------------------------------
    def test_n_larger_than_approvers_on_template(self):
        Phase = self.env["project.flow.template.phase"]
        with self.assertRaises(ValidationError) as error:
            Phase.create(
                {
                    "template_id": self.template.id,
                    "name": "Committee",
                    "approval_rule": "n_of_m",
                    "approval_min": 3,
                    "approver_line_ids": [
                        Command.create({"approver_type": "user", "user_id": self.user_approver.id}),
                        Command.create(
                            {"approver_type": "user", "user_id": self.user_approver2.id}
                        ),
                    ],
                }
            )
        message = str(error.exception)
        self.assertIn("Test flow / Committee", message)
        self.assertIn("Minimum approvals", message)
        self.assertFalse(Phase.search([("name", "=", "Committee")]))

        with self.assertRaisesText(ValidationError, "Minimum approvals"):
            self.tphase_build.write({"approval_rule": "n_of_m", "approval_min": 2})
        with self.assertRaisesText(ValidationError, "Minimum approvals"):
            self.tphase_build.write({"approval_rule": "n_of_m", "approval_min": 0})
        with self.assertRaisesText(ValidationError, "Approvers"):
            self.tphase_design.write({"approval_rule": "any"})
        self.assertEqual(self.tphase_build.approval_rule, "any")
        self.assertEqual(self.tphase_design.approval_rule, "none")

    def test_n_larger_than_resolved_roles_on_submit(self):
        template = self.env["project.flow.template"].create(
            {
                "name": "Two roles",
                "phase_ids": [
                    Command.create(
                        {
                            "name": "Panel",
                            "approval_rule": "n_of_m",
                            "approval_min": 2,
                            "approver_line_ids": [
                                Command.create(
                                    {"approver_type": "role", "role_id": self.role_reviewer.id}
                                ),
                                Command.create(
                                    {"approver_type": "role", "role_id": self.role_qa.id}
                                ),
                            ],
                        }
                    )
                ],
            }
        )
        # one reviewer, no QA: the roles resolve to a single person
        project = self.start_flow_project(
            self.create_flow_project(
                "Thin panel", template=template, members={self.role_reviewer: self.user_approver}
            )
        )
        phase = project.flow_phase_ids
        with self.assertRaises(ValidationError) as error:
            phase.with_user(self.user_manager).action_submit_gate()
        self.assertIn("Panel", str(error.exception))
        self.assertIn("Minimum approvals", str(error.exception))
        self.assertEqual(phase.state, "open")
        self.assertFalse(phase.approval_ids)
        self.assertEqual(phase.approval_round, 0)

    def test_role_resolving_to_nobody_on_submit(self):
        template = self.env["project.flow.template"].create(
            {
                "name": "Nobody",
                "phase_ids": [
                    Command.create(
                        {
                            "name": "Void",
                            "approval_rule": "all",
                            "approver_line_ids": [
                                Command.create(
                                    {"approver_type": "role", "role_id": self.role_qa.id}
                                )
                            ],
                        }
                    )
                ],
            }
        )
        project = self.start_flow_project(
            self.create_flow_project("Empty", template=template, members={})
        )
        with self.assertRaisesText(ValidationError, "Approvers"):
            project.flow_phase_ids.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(project.flow_phase_ids.state, "open")

    def test_group_approvers(self):
        group = self.env["res.groups"].create(
            {
                "name": "Flow committee",
                "users": [Command.set((self.user_approver2 | self.user_approver3).ids)],
            }
        )
        phase = self._submitted_phase(
            "all", lines=[Command.create({"approver_type": "group", "group_id": group.id})]
        )
        self.assertEqual(phase.approval_ids.user_id, self.user_approver2 | self.user_approver3)
        self.approve_all(phase)
        self.assertEqual(phase.state, "done")
