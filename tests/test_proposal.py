from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ProjectFlowCase


class ProposalCase(ProjectFlowCase):
    """A template owned by a plain flow user (Qiu Tester, not an
    administrator) and a running project made from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.user_qa
        cls.template.owner_id = cls.owner
        # a second approver on Build, so one of its two steps can be dropped
        cls.tphase_build.write(
            {
                "approver_line_ids": [
                    Command.create({"approver_type": "user", "user_id": cls.user_approver2.id})
                ]
            }
        )
        cls.line_build_chen, cls.line_build_deng = cls.tphase_build.approver_line_ids
        cls.project = cls.start_flow_project(cls.create_flow_project("Improved"))
        cls.flush_tracking_cls()

    def propose(self, user=None, **values):
        vals = {
            "name": "Make it better",
            "project_id": self.project.id,
            "template_phase_id": self.tphase_design.id,
            "kind": "add_deliverable",
            "deliverable_name": "Accessibility review",
        }
        vals.update(values)
        return self.env["project.flow.proposal"].with_user(user or self.user_flow).create(vals)

    def changes_of(self, template=None):
        return self.env["project.flow.template.change"].search(
            [("template_id", "=", (template or self.template).id)]
        )

    def proposal_activities(self, proposal):
        activity_type = self.env.ref("project_flow.mail_activity_flow_proposal")
        return proposal.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)


@tagged("post_install", "-at_install")
class TestProposal(ProposalCase):
    # ------------------------------------------------------------------
    # Proposing
    # ------------------------------------------------------------------
    def test_propose_from_project_form_notifies_owner(self):
        Proposal = self.env["project.flow.proposal"].with_user(self.user_flow)
        with Form(Proposal.with_context(default_project_id=self.project.id)) as form:
            self.assertEqual(form.template_id, self.template)
            form.name = "Checklist for accessibility"
            form.template_phase_id = self.tphase_design
            form.kind = "add_deliverable"
            form.deliverable_name = "Accessibility review"
        proposal = form.record
        self.assertEqual(proposal.state, "proposed")
        self.assertEqual(proposal.user_id, self.user_flow)
        self.assertEqual(proposal.company_id, self.user_flow.company_id)
        activity = self.proposal_activities(proposal)
        self.assertEqual(activity.user_id, self.owner)
        self.assertIn("Checklist for accessibility", activity.summary)

    def test_propose_from_phase_form_is_prefilled(self):
        design = self.phases(self.project)[0]
        context = {
            "default_project_id": design.project_id.id,
            "default_template_phase_id": design.template_phase_id.id,
        }
        Proposal = self.env["project.flow.proposal"].with_user(self.user_flow)
        with Form(Proposal.with_context(**context)) as form:
            self.assertEqual(form.template_id, self.template)
            self.assertEqual(form.template_phase_id, self.tphase_design)
            form.name = "Shorter design"
            form.kind = "duration"
            self.assertEqual(form.current_duration, 2)
            form.new_duration = 3
        self.assertEqual(form.record.template_phase_id, self.tphase_design)

    def test_cannot_create_decided_or_for_others(self):
        with self.assertRaisesText(UserError, "State"):
            self.propose(state="accepted")
        with self.assertRaises(AccessError):
            self.propose(user_id=self.user_approver.id)
        with self.assertRaisesText(UserError, "Decided by"):
            self.propose(decided_by_id=self.user_flow.id)

    def test_cannot_propose_from_hidden_project(self):
        secret = self.create_flow_project("Secret")
        secret.privacy_visibility = "followers"
        secret.message_unsubscribe(partner_ids=self.user_flow.partner_id.ids)
        with self.assertRaisesText(AccessError, "Secret"):
            self.propose(project_id=secret.id)

    # ------------------------------------------------------------------
    # Accepting applies each kind of change, with its trace
    # ------------------------------------------------------------------
    def test_accept_add_deliverable(self):
        proposal = self.propose(
            deliverable_name="  Accessibility   review ",
            deliverable_type="attachment",
            deliverable_stage="entry",
            deliverable_required=False,
        )
        proposal.with_user(self.owner).action_accept()
        added = self.tphase_design.deliverable_ids.filtered(
            lambda d: d.name == "Accessibility review"
        )
        self.assertEqual(len(added), 1)
        self.assertEqual(
            (added.deliverable_type, added.stage, added.required), ("attachment", "entry", False)
        )
        self.assertEqual(added.sequence, max(self.tphase_design.deliverable_ids.mapped("sequence")))
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(proposal.decided_by_id, self.owner)
        self.assertTrue(proposal.decision_date)
        change = proposal.change_ids
        self.assertEqual(len(change), 1)
        self.assertEqual(change, self.changes_of())
        self.assertEqual(change.kind, "add_deliverable")
        self.assertEqual(change.template_phase_id, self.tphase_design)
        self.assertEqual((change.old_value, change.new_value), (False, "Accessibility review"))
        self.assertEqual(change.author_id, self.owner)
        self.assertIn("Accessibility review", change.summary)
        # the owner's activity is done, the proposer is told
        self.assertFalse(self.proposal_activities(proposal))
        told = proposal.message_ids.filtered(lambda m: self.user_flow.partner_id in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn("accepted", str(told.body))
        self.assertIn("Make it better", self.message_bodies(self.template))

    def test_accept_drop_approver(self):
        proposal = self.propose(
            template_phase_id=self.tphase_build.id,
            kind="drop_approver",
            approver_line_id=self.line_build_chen.id,
        )
        proposal.with_user(self.owner).action_accept()
        self.assertEqual(self.tphase_build.approver_line_ids, self.line_build_deng)
        self.assertFalse(self.line_build_chen.exists())
        change = proposal.change_ids
        self.assertEqual(change.kind, "drop_approver")
        self.assertEqual((change.old_value, change.new_value), ("Chen Approver", False))
        # projects already running keep their own approvers
        build = self.phases(self.project)[1]
        self.assertIn(self.user_approver, build.approver_line_ids.user_id)

    def test_accept_rename_phase_deliverable_task(self):
        deliverable = self.tphase_design.deliverable_ids.filtered(lambda d: d.name == "Mood board")
        cases = [
            ({"rename_target": "phase"}, self.tphase_design, "Design", "Concept"),
            (
                {"rename_target": "deliverable", "rename_deliverable_id": deliverable.id},
                deliverable,
                "Mood board",
                "Style board",
            ),
            (
                {"rename_target": "task", "rename_task_id": self.ttask_review.id},
                self.ttask_review,
                "Review specification",
                "Peer review",
            ),
        ]
        for values, target, old, new in cases:
            with self.subTest(target=values["rename_target"]):
                proposal = self.propose(kind="rename", new_name=new, **values)
                proposal.with_user(self.owner).action_accept()
                self.assertEqual(target.name, new)
                change = proposal.change_ids
                self.assertEqual(
                    (change.kind, change.old_value, change.new_value), ("rename", old, new)
                )
        self.assertEqual(len(self.changes_of()), 3)
        self.assertEqual(self.template.change_count, 3)

    def test_accept_duration(self):
        proposal = self.propose(
            template_phase_id=self.tphase_build.id, kind="duration", new_duration=6
        )
        proposal.with_user(self.owner).action_accept()
        self.assertEqual(self.tphase_build.duration, 6)
        self.assertEqual(self.template.planned_duration, 10)
        change = proposal.change_ids
        self.assertEqual((change.kind, change.old_value, change.new_value), ("duration", "4", "6"))

    def test_accept_other_changes_nothing(self):
        before = self.template.phase_ids.read(["name", "duration"])
        proposal = self.propose(
            kind="other", template_phase_id=False, name="Hold a kick-off with the customer"
        )
        proposal.with_user(self.owner).action_accept()
        self.assertEqual(proposal.state, "accepted")
        self.assertFalse(proposal.change_ids)
        self.assertFalse(self.changes_of())
        self.assertEqual(self.template.phase_ids.read(["name", "duration"]), before)
        self.assertIn("by hand", self.message_bodies(proposal))

    def test_flow_admin_may_decide(self):
        proposal = self.propose()
        self.assertTrue(proposal.with_user(self.user_flow_admin).can_decide)
        proposal.with_user(self.user_flow_admin).action_accept()
        self.assertEqual(proposal.state, "accepted")

    # ------------------------------------------------------------------
    # Nothing changes when validation fails
    # ------------------------------------------------------------------
    def assert_accept_fails(self, proposal, exception, *texts):
        before = self.template.phase_ids.read(["name", "duration"])
        deliverables = self.template.phase_ids.deliverable_ids
        approvers = self.template.phase_ids.approver_line_ids
        with self.assertRaisesText(exception, *texts):
            proposal.with_user(self.owner).action_accept()
        self.assertEqual(proposal.state, "proposed")
        self.assertFalse(proposal.change_ids)
        self.assertFalse(self.changes_of())
        self.assertEqual(self.template.phase_ids.read(["name", "duration"]), before)
        self.assertEqual(self.template.phase_ids.deliverable_ids, deliverables)
        self.assertEqual(self.template.phase_ids.approver_line_ids, approvers)
        self.assertTrue(self.proposal_activities(proposal))

    def test_rename_to_empty_name_changes_nothing(self):
        proposal = self.propose(kind="rename", rename_target="phase", new_name="   ")
        self.assert_accept_fails(proposal, UserError, "Make it better", "New name")
        self.assertEqual(self.tphase_design.name, "Design")

    def test_rename_task_without_task_changes_nothing(self):
        proposal = self.propose(kind="rename", rename_target="task", new_name="X")
        self.assert_accept_fails(proposal, UserError, "Task template to rename")

    def test_add_deliverable_without_name_changes_nothing(self):
        proposal = self.propose(deliverable_name=" ")
        self.assert_accept_fails(proposal, UserError, "New deliverable")

    def test_negative_or_same_duration_changes_nothing(self):
        proposal = self.propose(kind="duration", new_duration=-2)
        self.assert_accept_fails(proposal, UserError, "New duration", "-2")
        proposal.write({"new_duration": 2})
        self.assert_accept_fails(proposal, UserError, "New duration", "2")

    def test_drop_removed_approver_changes_nothing(self):
        proposal = self.propose(
            template_phase_id=self.tphase_build.id,
            kind="drop_approver",
            approver_line_id=self.line_build_chen.id,
        )
        # the owner removed the line by hand in the meantime
        self.tphase_build.write({"approver_line_ids": [Command.delete(self.line_build_chen.id)]})
        self.assertFalse(proposal.approver_line_id)
        self.assert_accept_fails(proposal, UserError, "Approval step to drop", "removed")

    def test_drop_last_approver_changes_nothing(self):
        release_line = self.tphase_release.approver_line_ids
        proposal = self.propose(
            template_phase_id=self.tphase_release.id,
            kind="drop_approver",
            approver_line_id=release_line.id,
        )
        self.assert_accept_fails(proposal, ValidationError, "Release", "Approvers")
        self.assertTrue(release_line.exists())

    def test_phase_of_another_template_changes_nothing(self):
        other = self.template.copy({"name": "Other flow"})
        with self.assertRaisesText(UserError, "source project", "Test flow"):
            self.propose(template_phase_id=other.phase_ids[0].id)
        proposal = self.propose()
        # an RPC write bypasses the form's domain on the phase
        proposal.sudo().write(
            {
                "template_phase_id": other.phase_ids[0].id,
                "template_id": self.template.id,
                "project_id": False,
            }
        )
        self.assertEqual(proposal.template_id, self.template)
        self.assert_accept_fails(proposal, ValidationError, "does not belong")

    # ------------------------------------------------------------------
    # Rejecting
    # ------------------------------------------------------------------
    def test_reject_needs_reason(self):
        proposal = self.propose()
        for reason in (None, "", "   "):
            with self.assertRaisesText(UserError, "Reason"):
                proposal.with_user(self.owner).action_reject(reason)
        self.assertEqual(proposal.state, "proposed")
        wizard = Form(
            self.env["project.flow.proposal.reject.wizard"]
            .with_user(self.owner)
            .with_context(default_proposal_id=proposal.id)
        )
        wizard.reason = "We need the review anyway."
        wizard.save().action_reject()
        self.assertEqual(proposal.state, "rejected")
        self.assertEqual(proposal.decision_reason, "We need the review anyway.")
        self.assertEqual(proposal.decided_by_id, self.owner)
        self.assertFalse(self.proposal_activities(proposal))
        self.assertFalse(self.changes_of())
        told = proposal.message_ids.filtered(lambda m: self.user_flow.partner_id in m.partner_ids)
        self.assertIn("We need the review anyway.", str(told.body))
        self.assertEqual(
            self.template.phase_ids.deliverable_ids.filtered(
                lambda d: d.name == "Accessibility review"
            ),
            self.env["project.flow.template.deliverable"],
        )

    # ------------------------------------------------------------------
    # Who decides; the state changes only through the actions
    # ------------------------------------------------------------------
    def test_non_owner_cannot_decide(self):
        proposal = self.propose()
        for user in (self.user_manager, self.user_flow):
            with self.subTest(user=user.name):
                record = proposal.with_user(user)
                self.assertFalse(record.can_decide)
                with self.assertRaisesText(AccessError, "Qiu Tester"):
                    record.action_accept()
                with self.assertRaisesText(AccessError, "Qiu Tester"):
                    record.action_reject("No")
                with self.assertRaises(AccessError):
                    record.action_open_reject_wizard()
        # someone who cannot even read the proposal
        with self.assertRaises(AccessError):
            proposal.with_user(self.user_approver).action_accept()
        self.assertEqual(proposal.state, "proposed")
        self.assertFalse(self.changes_of())
        self.assertTrue(proposal.with_user(self.owner).can_decide)

    def test_state_cannot_be_written(self):
        proposal = self.propose()
        for user, values in (
            (self.user_flow, {"state": "accepted"}),
            (self.user_flow, {"decision_reason": "self-approved"}),
            (self.user_flow_admin, {"state": "rejected"}),
            (self.user_flow_admin, {"decided_by_id": self.user_flow_admin.id}),
            (self.owner, {"state": "accepted"}),
        ):
            with self.subTest(user=user.name, values=values):
                with self.assertRaisesText(UserError, "Make it better"):
                    proposal.with_user(user).write(values)
        self.assertEqual(proposal.state, "proposed")
        self.assertFalse(self.changes_of())

    def test_decided_proposal_is_frozen(self):
        proposal = self.propose()
        proposal.with_user(self.owner).action_accept()
        with self.assertRaisesText(UserError, "Accepted"):
            proposal.with_user(self.user_flow).write({"deliverable_name": "Other"})
        with self.assertRaisesText(UserError, "already Accepted"):
            proposal.with_user(self.owner).action_accept()
        with self.assertRaisesText(UserError, "already Accepted"):
            proposal.with_user(self.user_flow).action_withdraw()
        with self.assertRaisesText(UserError, "cannot be deleted"):
            proposal.with_user(self.user_manager).unlink()
        self.assertEqual(len(self.changes_of()), 1)

    def test_withdraw(self):
        proposal = self.propose()
        self.assertFalse(proposal.with_user(self.owner).can_withdraw)
        with self.assertRaises(AccessError):
            proposal.with_user(self.owner).action_withdraw()
        proposal.with_user(self.user_flow).action_withdraw()
        self.assertEqual(proposal.state, "withdrawn")
        self.assertFalse(self.proposal_activities(proposal))
        with self.assertRaisesText(UserError, "Withdrawn"):
            proposal.with_user(self.owner).action_accept()

    # ------------------------------------------------------------------
    # Visibility
    # ------------------------------------------------------------------
    def test_record_rules(self):
        proposal = self.propose()
        Proposal = self.env["project.flow.proposal"]
        domain = [("id", "=", proposal.id)]
        self.assertEqual(Proposal.with_user(self.user_flow).search(domain), proposal)
        self.assertEqual(Proposal.with_user(self.owner).search(domain), proposal)
        self.assertEqual(Proposal.with_user(self.user_manager).search(domain), proposal)
        self.assertFalse(Proposal.with_user(self.user_approver).search(domain))
        with self.assertRaises(AccessError):
            proposal.with_user(self.user_approver).read(["name"])
        # the owner decides but does not rewrite someone else's proposal
        with self.assertRaises(AccessError):
            proposal.with_user(self.owner).write({"name": "Owner's words"})
        with self.assertRaises(AccessError):
            proposal.with_user(self.user_flow).unlink()
        with self.assertRaises(AccessError):
            Proposal.with_user(self.user_outsider).search([])
        # the owner's "to decide" filter
        to_decide = Proposal.with_user(self.owner).search(
            [("state", "=", "proposed"), ("template_id.owner_id", "=", self.owner.id)]
        )
        self.assertEqual(to_decide, proposal)

    def test_other_company_proposals_hidden(self):
        other_company = self.env["res.company"].create({"name": "Flow Elsewhere Ltd"})
        proposal = self.propose()
        proposal.sudo().company_id = other_company
        self.assertFalse(
            self.env["project.flow.proposal"]
            .with_user(self.user_manager)
            .search([("id", "=", proposal.id)])
        )

    # ------------------------------------------------------------------
    # Maturity figures
    # ------------------------------------------------------------------
    def test_counts(self):
        other = self.template.copy({"name": "Other flow"})
        accepted = self.propose()
        accepted.with_user(self.owner).action_accept()
        rejected = self.propose(name="No")
        rejected.with_user(self.owner).action_reject("Not now")
        self.propose(name="Pending")
        self.propose(name="Gone").action_withdraw()
        self.propose(
            name="Other template",
            project_id=False,
            template_id=other.id,
            template_phase_id=other.phase_ids[0].id,
        )
        templates = (self.template | other).with_user(self.user_flow)
        templates.invalidate_recordset()
        with self.assertQueryCount(__system__=2):
            self.assertEqual(
                [
                    (
                        t.proposal_count,
                        t.proposal_accepted_count,
                        t.proposal_rejected_count,
                        t.change_count,
                    )
                    for t in templates
                ],
                [(4, 1, 1, 1), (1, 0, 0, 0)],
            )
        self.assertEqual(len(other.change_ids), 0)
        # the copy of a template starts without history
        self.assertFalse(self.template.copy().change_ids)
