from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowLesson(ProjectFlowCase):
    """The lessons library: lessons from a closed project are searchable and
    shown to the team of the next project of the same template, on the
    project and when each phase opens."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.department = cls.env["hr.department"].create({"name": "Product R&D"})
        cls.tag_estimates = cls.env["project.flow.lesson.tag"].create({"name": "Test estimates"})
        cls.tag_suppliers = cls.env["project.flow.lesson.tag"].create({"name": "Test suppliers"})
        cls.first = cls.create_flow_project("Kettle v1")
        cls.start_flow_project(cls.first)
        first_design, first_build, _release = cls.phases(cls.first)
        cls.first_design, cls.first_build = first_design, first_build

    def _close_first(self):
        for phase in self.phases(self.first):
            self.pass_gate(phase)
        retro = self.complete_retrospective(
            self.first,
            department_id=self.department.id,
            lessons=[
                {
                    "name": "Review the specification with the factory",
                    "phase_id": self.first_design.id,
                    "tag_ids": [Command.set(self.tag_suppliers.ids)],
                    "description": "<p>They found three issues we had missed.</p>",
                },
                {
                    "name": "Double the estimate of unit tests",
                    "phase_id": self.first_build.id,
                    "tag_ids": [Command.set(self.tag_estimates.ids)],
                },
                {"name": "Keep weekly demos", "kind": "keep"},
            ],
        )
        self.first.with_user(self.user_manager).action_flow_request_closing()
        return retro.lesson_ids

    def test_lessons_shown_on_new_project_of_same_template(self):
        lessons = self._close_first()
        self.assertFalse(self.first.active)
        second = self.create_flow_project("Kettle v2")
        self.assertEqual(second.flow_lesson_ids, lessons)
        self.assertEqual(second.flow_lesson_count, 3)
        body = self.message_bodies(second)
        self.assertIn("Lessons from earlier projects of Test flow", body)
        for lesson in lessons:
            self.assertIn(lesson.name, body)
        self.assertIn("They found three issues", body)
        # the team is told (not only the followers)
        message = second.message_ids.filtered(lambda m: "Lessons from" in str(m.body))
        self.assertIn(self.user_flow.partner_id, message.partner_ids)
        # each phase shows its own lessons, and says so when it opens
        self.start_flow_project(second)
        design, build, release = self.phases(second)
        self.assertEqual(design.lesson_ids.name, "Review the specification with the factory")
        self.assertEqual(build.lesson_ids.name, "Double the estimate of unit tests")
        self.assertFalse(release.lesson_ids)
        design_body = self.message_bodies(design)
        self.assertIn("Phase Design opened", design_body)
        self.assertIn("Review the specification with the factory", design_body)
        self.assertNotIn("Double the estimate", design_body)
        self.pass_gate(design)
        self.assertIn("Double the estimate of unit tests", self.message_bodies(build))
        self.pass_gate(build)
        # no lesson for this phase: no message
        self.assertNotIn("Lessons from earlier projects", self.message_bodies(release))
        self.assertEqual(release.state, "open")

    def test_no_message_without_lessons(self):
        project = self.create_flow_project("Kettle prototype")
        self.assertFalse(project.flow_lesson_ids)
        self.assertNotIn("Lessons from earlier projects", self.message_bodies(project))
        self.start_flow_project(project)
        self.assertNotIn("opened. Lessons", self.message_bodies(self.phases(project)[0]))

    def test_lessons_library_search(self):
        lessons = self._close_first()
        review = lessons.filtered(lambda lesson: lesson.name.startswith("Review"))
        self.assertEqual(review.project_id, self.first)
        self.assertEqual(review.template_id, self.template)
        self.assertEqual(review.template_phase_id, self.tphase_design)
        self.assertEqual(review.department_id, self.department)
        Lesson = self.env["project.flow.lesson"].with_user(self.user_qa)
        self.assertEqual(Lesson.search([("name", "ilike", "factory")]), review)
        self.assertEqual(Lesson.search([("description", "ilike", "three issues")]), review)
        self.assertEqual(Lesson.search([("tag_ids", "in", self.tag_suppliers.ids)]), review)
        self.assertEqual(Lesson.search([("template_id", "=", self.template.id)]), lessons)
        self.assertEqual(
            Lesson.search([("template_phase_id", "=", self.tphase_build.id)]).name,
            "Double the estimate of unit tests",
        )
        self.assertEqual(Lesson.search([("department_id", "=", self.department.id)]), lessons)
        self.assertEqual(Lesson.search([("project_id", "=", self.first.id)]), lessons)

    def test_lesson_access(self):
        lessons = self._close_first()
        # every flow user of the company reads the library
        self.assertEqual(
            self.env["project.flow.lesson"].with_user(self.user_approver).search([]) & lessons,
            lessons,
        )
        # a flow user writes no lesson outside a retrospective of their own
        with self.assertRaises(AccessError):
            self.env["project.flow.lesson"].with_user(self.user_flow).create(
                {"name": "My own lesson"}
            )
        with self.assertRaises(AccessError):
            lessons[0].with_user(self.user_flow).write({"name": "Changed"})
        # managers curate the library
        lesson = (
            self.env["project.flow.lesson"]
            .with_user(self.user_manager)
            .create({"name": "Curated", "template_id": self.template.id})
        )
        lesson.with_user(self.user_manager).tag_ids = self.tag_estimates
        # another company's lessons stay there
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["project.flow.lesson"].create(
            {"name": "Foreign lesson", "company_id": other_company.id}
        )
        self.assertFalse(
            self.env["project.flow.lesson"]
            .with_user(self.user_manager)
            .search([("id", "=", foreign.id)])
        )
