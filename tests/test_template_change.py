from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_proposal import ProposalCase


@tagged("post_install", "-at_install")
class TestTemplateChange(ProposalCase):
    """Lessons turned into template changes, and the change history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # lessons come from retrospectives or flow managers (record rules)
        cls.lesson = (
            cls.env["project.flow.lesson"]
            .with_user(cls.user_manager)
            .create(
                {
                    "name": "The build phase always overran by two days",
                    "project_id": cls.project.id,
                    "template_id": cls.template.id,
                    "template_phase_id": cls.tphase_build.id,
                }
            )
        )

    def wizard_form(self, user=None):
        Wizard = (
            self.env["project.flow.lesson.apply.wizard"]
            .with_user(user or self.owner)
            .with_context(active_model="project.flow.lesson", active_id=self.lesson.id)
        )
        return Form(Wizard)

    def test_wizard_is_in_the_lesson_action_menu(self):
        action = self.env.ref("project_flow.action_project_flow_lesson_apply_wizard")
        self.assertEqual(action.binding_model_id.model, "project.flow.lesson")
        self.assertEqual(action.res_model, "project.flow.lesson.apply.wizard")

    def test_lesson_to_longer_duration(self):
        form = self.wizard_form()
        self.assertEqual(form.lesson_id, self.lesson)
        self.assertEqual(form.template_id, self.template)
        self.assertEqual(form.template_phase_id, self.tphase_build)
        form.kind = "duration"
        self.assertEqual(form.current_duration, 4)
        form.new_duration = 6
        form.save().action_apply()
        self.assertEqual(self.tphase_build.duration, 6)
        change = self.changes_of()
        self.assertEqual(len(change), 1)
        self.assertEqual(change.lesson_id, self.lesson)
        self.assertFalse(change.proposal_id)
        self.assertEqual((change.kind, change.old_value, change.new_value), ("duration", "4", "6"))
        self.assertEqual(change.author_id, self.owner)
        self.assertIn("applied this lesson", self.message_bodies(self.lesson))
        self.assertIn(self.lesson.name, self.message_bodies(self.template))
        self.assertEqual(self.template.change_count, 1)
        self.assertEqual(self.template.proposal_count, 0)

    def test_lesson_to_checklist_item(self):
        form = self.wizard_form(self.user_flow_admin)
        form.kind = "add_deliverable"
        form.deliverable_name = "Dependencies frozen"
        form.deliverable_stage = "entry"
        form.save().action_apply()
        added = self.tphase_build.deliverable_ids.filtered(
            lambda d: d.name == "Dependencies frozen"
        )
        self.assertEqual(
            (added.deliverable_type, added.stage, added.required), ("checklist", "entry", True)
        )
        self.assertEqual(self.changes_of().lesson_id, self.lesson)

    def test_lesson_needs_template_owner(self):
        form = self.wizard_form(self.user_manager)
        form.kind = "duration"
        form.new_duration = 9
        wizard = form.save()
        with self.assertRaisesText(AccessError, "Qiu Tester"):
            wizard.action_apply()
        self.assertEqual(self.tphase_build.duration, 4)
        self.assertFalse(self.changes_of())

    def test_lesson_invalid_change_writes_nothing(self):
        form = self.wizard_form()
        form.kind = "rename"
        form.rename_target = "phase"
        form.new_name = "Build"
        wizard = form.save()
        with self.assertRaisesText(UserError, "Lesson", "already the current name"):
            wizard.action_apply()
        wizard.kind = "other"
        with self.assertRaisesText(UserError, "Kind of change"):
            wizard.action_apply()
        self.assertFalse(self.changes_of())

    def test_history_cannot_be_edited(self):
        proposal = self.propose()
        proposal.with_user(self.owner).action_accept()
        change = proposal.change_ids
        Change = self.env["project.flow.template.change"]
        with self.assertRaisesText(UserError, "cannot be edited"):
            change.with_user(self.user_flow_admin).write({"new_value": "Forged"})
        with self.assertRaisesText(UserError, "cannot be deleted"):
            change.unlink()
        with self.assertRaisesText(UserError, "not created directly"):
            Change.create({"template_id": self.template.id, "kind": "duration"})
        with self.assertRaisesText(UserError, "not created directly"):
            Change.with_user(self.user_flow).create(
                {"template_id": self.template.id, "kind": "duration"}
            )
        self.assertEqual(change.new_value, "Accessibility review")
        # everyone working with the template may read its history
        self.assertEqual(
            Change.with_user(self.user_flow).search([("template_id", "=", self.template.id)]),
            change,
        )
