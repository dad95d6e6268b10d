from odoo.tests import tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowDuplicate(ProjectFlowCase):
    """Duplicating a project or a template re-links everything to the copy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.start_flow_project(cls.create_flow_project("Original"))
        cls.design = cls.phases(cls.project)[0]

    def test_copy_project_relinks_phases_tasks_milestones(self):
        original = self.project
        # some progress on the original, which the copy must not inherit
        self.satisfy_deliverables(self.design)
        self.close_tasks(self.design)
        self.design.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(self.phases(original).mapped("state"), ["done", "open", "draft"])

        copy = original.copy()

        self.assertEqual(copy.flow_template_id, self.template)
        self.assertEqual(copy.flow_state, "draft", "a copy starts over")
        self.assertEqual(original.flow_state, "running")
        phases = self.phases(copy)
        self.assertEqual(phases.mapped("name"), ["Design", "Build", "Release"])
        self.assertEqual(phases.mapped("state"), ["draft"] * 3)
        self.assertFalse(phases & original.flow_phase_ids)
        self.assertEqual(phases.project_id, copy)

        # deliverables and approvers copied, not their progress
        self.assertEqual(len(phases.deliverable_ids), 5)
        self.assertFalse(phases.deliverable_ids & original.flow_phase_ids.deliverable_ids)
        self.assertFalse(phases.deliverable_ids.filtered("is_satisfied"))
        self.assertFalse(phases.deliverable_ids.attachment_ids)
        self.assertEqual(phases[1].approver_line_ids.user_id, self.user_approver)
        self.assertFalse(phases.approver_line_ids & original.flow_phase_ids.approver_line_ids)
        self.assertFalse(copy.flow_approval_ids)
        self.assertEqual(
            {(m.role_id, m.user_id) for m in copy.flow_member_ids},
            {(m.role_id, m.user_id) for m in original.flow_member_ids},
        )

        # tasks point at the copied phases, milestones and tasks only
        self.assertEqual(len(copy.tasks), 5)
        self.assertFalse(copy.tasks & original.tasks)
        self.assertEqual(copy.tasks.flow_phase_id, phases)
        self.assertFalse(copy.tasks.depend_on_ids - copy.tasks)
        self.assertEqual(len(copy.milestone_ids), 3)
        self.assertFalse(copy.milestone_ids & original.milestone_ids)
        for phase in phases:
            self.assertIn(phase.milestone_id, copy.milestone_ids)
            self.assertFalse(phase.milestone_id.is_reached)
            self.assertEqual(phase.task_ids.milestone_id, phase.milestone_id)
            self.assertEqual(
                phase.task_ids.flow_template_task_id,
                phase.template_phase_id.task_template_ids,
            )
        by_template = {t.flow_template_task_id: t for t in copy.tasks}
        for template_task, task in by_template.items():
            self.assertEqual(
                task.depend_on_ids,
                self.env["project.task"].concat(
                    *(by_template[dep] for dep in template_task.depend_on_ids)
                ),
                task.name,
            )
        self.assertFalse(copy.tasks.filtered("is_closed"))

        # the original is untouched
        self.assertEqual(len(original.flow_phase_ids), 3)
        self.assertEqual(original.flow_phase_ids.task_ids, original.tasks)
        self.assertTrue(self.design.milestone_id.is_reached)
        self.assertEqual(self.design.milestone_id.project_id, original)

    def test_copied_project_runs_its_own_gates(self):
        copy = self.project.copy({"name": "Second run"})
        self.start_flow_project(copy)
        design = self.phases(copy)[0]
        self.assertEqual(design.state, "open")
        self.pass_gate(design)
        self.assertEqual(self.phases(copy)[1].state, "open")
        self.assertEqual(self.design.state, "open", "the original's phase is not affected")

    def test_copy_plain_project_unchanged(self):
        plain = self.env["project.project"].create({"name": "Plain"})
        copy = plain.copy()
        self.assertEqual(copy.flow_state, "running")
        self.assertFalse(copy.flow_phase_ids)

    def test_copy_template(self):
        template = self.template.with_user(self.user_flow_admin).copy()
        self.assertEqual(template.name, "Test flow (copy)")
        self.assertEqual(template.phase_ids.mapped("name"), ["Design", "Build", "Release"])
        self.assertFalse(template.phase_ids & self.template.phase_ids)
        self.assertEqual(
            template.phase_ids.deliverable_ids.mapped("name"),
            self.template.phase_ids.deliverable_ids.mapped("name"),
        )
        self.assertFalse(
            template.phase_ids.deliverable_ids & self.template.phase_ids.deliverable_ids
        )
        build = template.phase_ids[1]
        self.assertEqual(build.approver_line_ids.user_id, self.user_approver)
        self.assertFalse(build.approver_line_ids & self.tphase_build.approver_line_ids)
        self.assertEqual(template.phase_ids[2].approver_line_ids.role_id, self.role_reviewer)

        tasks = template.task_template_ids
        self.assertEqual(len(tasks), 5)
        self.assertFalse(tasks & self.template.task_template_ids)
        self.assertEqual(tasks.template_id, template)
        self.assertFalse(tasks.depend_on_ids - tasks, "dependencies re-linked to the copies")
        by_name = {t.name: t for t in tasks}
        self.assertEqual(
            by_name["Review specification"].depend_on_ids, by_name["Write specification"]
        )
        self.assertEqual(by_name["Implement"].depend_on_ids, by_name["Review specification"])
        self.assertEqual(by_name["Implement"].phase_id, build)
        self.assertEqual(by_name["Deploy"].depend_on_ids, by_name["Unit tests"])
        # the original keeps its own links
        self.assertEqual(self.ttask_implement.depend_on_ids, self.ttask_review)

        project = self.create_flow_project("From the copy", template=template)
        self.assertEqual(len(project.tasks), 5)
        self.assertEqual(project.tasks.flow_template_task_id, tasks)
