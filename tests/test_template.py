from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowTemplate(ProjectFlowCase):
    """Template -> project: phases, tasks, dependencies, gate milestones,
    members and the planned layout on the working calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A calendar of our own: Monday-Friday 09:00-12:00 and 13:00-18:00 in
        # Shanghai (09:00 there is 01:00 UTC, 18:00 is 10:00 UTC), and one
        # company-wide holiday on Wednesday 2030-03-13.
        cls.work_calendar = cls.env["resource.calendar"].create(
            {
                "name": "Flow test week",
                "tz": "Asia/Shanghai",
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for period, hour_from, hour_to in (
                        ("morning", 9, 12),
                        ("afternoon", 13, 18),
                    )
                ],
            }
        )
        cls.company.resource_calendar_id = cls.work_calendar
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "calendar_id": cls.work_calendar.id,
                "company_id": cls.company.id,
                "resource_id": False,
                # 2030-03-13 00:00 -> 23:59:59 in Shanghai, in UTC
                "date_from": datetime(2030, 3, 12, 16, 0, 0),
                "date_to": datetime(2030, 3, 13, 15, 59, 59),
            }
        )
        cls.project = cls.create_flow_project("Rocket", date_start=date(2030, 3, 7))

    def _task(self, template_task, project=None):
        project = project or self.project
        task = project.tasks.filtered(lambda t: t.flow_template_task_id == template_task)
        self.assertEqual(len(task), 1, f"one task from {template_task.name}")
        return task

    def test_project_structure(self):
        project = self.project
        self.assertEqual(project.flow_template_id, self.template)
        self.assertEqual(project.flow_state, "draft", "a project made from a template is a draft")
        self.assertTrue(project.allow_milestones)
        self.assertTrue(project.allow_task_dependencies)
        self.assertEqual(project.user_id, self.user_manager)
        self.assertEqual(
            project.type_ids,
            self.stage_todo | self.stage_progress | self.stage_review | self.stage_done,
        )

        design, build, release = self.phases(project)
        self.assertEqual(
            [(p.name, p.state, p.gate_mode, p.approval_rule) for p in (design, build, release)],
            [
                ("Design", "draft", "hard", "none"),
                ("Build", "draft", "hard", "any"),
                ("Release", "draft", "soft", "all"),
            ],
        )
        self.assertEqual(
            [p.template_phase_id for p in (design, build, release)],
            [self.tphase_design, self.tphase_build, self.tphase_release],
        )
        self.assertEqual(
            design.deliverable_ids.mapped(lambda d: (d.name, d.deliverable_type, d.required)),
            [
                ("Specification", "attachment", True),
                ("Review checklist", "checklist", True),
                ("Mood board", "checklist", False),
            ],
        )
        self.assertFalse(design.deliverable_ids.filtered("is_satisfied"))
        self.assertEqual(build.approver_line_ids.user_id, self.user_approver)
        self.assertEqual(release.approver_line_ids.role_id, self.role_reviewer)
        self.assertEqual(project.flow_current_phase_id, design)
        self.assertEqual(project.flow_phase_count, 3)

        # tasks in their phase, dependencies mapped onto Odoo's own depend_on_ids
        self.assertEqual(len(project.tasks), 5)
        spec, review = self._task(self.ttask_spec), self._task(self.ttask_review)
        implement, unit = self._task(self.ttask_implement), self._task(self.ttask_unit)
        deploy = self._task(self.ttask_deploy)
        self.assertEqual(design.task_ids, spec | review)
        self.assertEqual(build.task_ids, implement | unit)
        self.assertEqual(release.task_ids, deploy)
        self.assertFalse(spec.depend_on_ids)
        self.assertEqual(review.depend_on_ids, spec)
        self.assertEqual(implement.depend_on_ids, review, "a dependency may cross phases")
        self.assertEqual(unit.depend_on_ids, implement)
        self.assertEqual(deploy.depend_on_ids, unit)
        self.assertEqual(spec.allocated_hours, 16)
        self.assertEqual(spec.stage_id, self.stage_todo)
        self.assertEqual(spec.state, "01_in_progress")
        self.assertEqual(review.state, "04_waiting_normal", "Odoo's blocking logic keeps working")

        # one gate milestone per phase, the tasks of the phase point at it
        self.assertEqual(len(project.milestone_ids), 3)
        for phase in (design, build, release):
            self.assertEqual(phase.milestone_id.project_id, project)
            self.assertEqual(phase.milestone_id.name, f"Gate: {phase.name}")
            self.assertEqual(phase.milestone_id.deadline, phase.date_end)
            self.assertFalse(phase.milestone_id.is_reached)
            self.assertEqual(phase.task_ids.milestone_id, phase.milestone_id)
        self.assertEqual(project.milestone_ids, (design | build | release).milestone_id)

    def test_members_by_role(self):
        project = self.project
        self.assertEqual(
            {(m.role_id, m.user_id) for m in project.flow_member_ids},
            {
                (self.role_pm, self.user_manager),
                (self.role_dev, self.user_flow),
                (self.role_qa, self.user_qa),
                (self.role_reviewer, self.user_approver2),
                (self.role_reviewer, self.user_approver3),
            },
        )
        self.assertEqual(self._task(self.ttask_spec).user_ids, self.user_manager)
        self.assertEqual(self._task(self.ttask_review).user_ids, self.user_qa)
        self.assertEqual(self._task(self.ttask_implement).user_ids, self.user_flow)
        self.assertEqual(self._task(self.ttask_unit).user_ids, self.user_flow)
        self.assertEqual(self._task(self.ttask_deploy).user_ids, self.user_qa)
        design, build, release = self.phases(project)
        self.assertEqual(design.user_id, self.user_manager)
        self.assertEqual(build.user_id, self.user_flow)
        self.assertEqual(release.user_id, self.user_qa)

    def test_wizard_offers_one_line_per_role(self):
        with Form(self.env["project.flow.create.wizard"].with_user(self.user_manager)) as wizard:
            wizard.template_id = self.template
            wizard.name = "Roles"
        lines = wizard.record.member_ids
        self.assertEqual(
            lines.role_id, self.role_pm | self.role_dev | self.role_qa | self.role_reviewer
        )
        self.assertEqual(len(lines), 4)
        self.assertFalse(lines.user_id)

    def test_planned_dates_on_working_calendar(self):
        """Laid out by hand from Thursday 2030-03-07 (weekends and the
        Wednesday 03-13 holiday are not worked):

        Design   Thu 07 .. Mon 11  (2 days planned, but its tasks need 3)
          Write specification  Thu 07 - Fri 08  (2 d)
          Review specification Mon 11 - Mon 11  (1 d, after the spec)
        Build    Tue 12 .. Mon 18  (4 days: Tue 12, Thu 14, Fri 15, Mon 18)
          Implement            Tue 12 - Fri 15  (3 d: Tue, Thu, Fri)
          Unit tests           Mon 18 - Mon 18
        Release  Tue 19 .. Wed 20  (2 days)
          Deploy               Tue 19 - Tue 19
        """
        design, build, release = self.phases(self.project)
        self.assertEqual(
            (design.date_start, design.date_end), (date(2030, 3, 7), date(2030, 3, 11))
        )
        self.assertEqual((build.date_start, build.date_end), (date(2030, 3, 12), date(2030, 3, 18)))
        self.assertEqual(
            (release.date_start, release.date_end), (date(2030, 3, 19), date(2030, 3, 20))
        )
        self.assertEqual(self.project.date_start, date(2030, 3, 7))
        self.assertEqual(self.project.date, date(2030, 3, 20))

        # tasks: first working hour of the first day to the last of the last
        # day, in UTC (Shanghai is UTC+8: 09:00 -> 01:00, 18:00 -> 10:00)
        expected = {
            self.ttask_spec: (datetime(2030, 3, 7, 1), datetime(2030, 3, 8, 10)),
            self.ttask_review: (datetime(2030, 3, 11, 1), datetime(2030, 3, 11, 10)),
            self.ttask_implement: (datetime(2030, 3, 12, 1), datetime(2030, 3, 15, 10)),
            self.ttask_unit: (datetime(2030, 3, 18, 1), datetime(2030, 3, 18, 10)),
            self.ttask_deploy: (datetime(2030, 3, 19, 1), datetime(2030, 3, 19, 10)),
        }
        for template_task, (begin, end) in expected.items():
            task = self._task(template_task)
            self.assertEqual(
                (task.planned_date_begin, task.date_deadline), (begin, end), template_task.name
            )
            self.assertEqual(task.flow_duration, template_task.duration)

    def test_start_on_weekend_begins_next_working_day(self):
        project = self.create_flow_project("Weekend start", date_start=date(2030, 3, 9))
        design = self.phases(project)[0]
        self.assertEqual(design.date_start, date(2030, 3, 11), "Saturday start -> Monday")
        self.assertEqual(
            self._task(self.ttask_spec, project).planned_date_begin, datetime(2030, 3, 11, 1)
        )

    def test_creation_logged_in_chatter(self):
        self.assertIn("Test flow", self.message_bodies(self.project))
        self.assertIn("2030-03-07", self.message_bodies(self.project))

    def test_wizard_requires_a_name(self):
        wizard = (
            self.env["project.flow.create.wizard"]
            .with_user(self.user_manager)
            .create({"template_id": self.template.id, "name": "  "})
        )
        projects_before = self.env["project.project"].search_count([])
        with self.assertRaisesText(UserError, "Project name"):
            wizard.action_confirm()
        self.assertEqual(self.env["project.project"].search_count([]), projects_before)

    # ------------------------------------------------------------------
    # Apply a template to an existing project
    # ------------------------------------------------------------------
    def _apply_form(self, project, template=None, date_start=None, user=None):
        action = project.with_user(user or self.user_manager).action_flow_apply_template()
        wizard_model = self.env[action["res_model"]].with_user(user or self.user_manager)
        with Form(wizard_model.with_context(**action["context"])) as wizard:
            wizard.template_id = template or self.template
            if date_start:
                wizard.date_start = date_start
            self._fill_member_lines(wizard, self.default_members)
        return wizard.record

    def test_apply_to_existing_project(self):
        project = self.env["project.project"].create(
            {"name": "Existing", "user_id": self.user_manager.id}
        )
        old_task = self.env["project.task"].create(
            {"name": "Already there", "project_id": project.id}
        )
        self.assertEqual(project.flow_state, "running", "a plain project runs as in Odoo")

        self._apply_form(project, date_start=date(2030, 3, 7)).action_confirm()

        self.assertEqual(project.flow_template_id, self.template)
        design, build, release = self.phases(project)
        self.assertEqual(len(project.tasks), 6)
        self.assertFalse(old_task.flow_phase_id, "existing tasks are left alone")
        self.assertEqual(len(project.milestone_ids), 3)
        self.assertEqual(design.date_start, date(2030, 3, 7))
        self.assertEqual(
            self._task(self.ttask_implement, project).depend_on_ids,
            self._task(self.ttask_review, project),
        )
        # the project was already running: its first phase opens at once
        self.assertEqual(project.flow_state, "running")
        self.assertEqual((design.state, build.state, release.state), ("open", "draft", "draft"))

    def test_apply_twice_refused(self):
        project = self.project
        wizard = self._apply_form(project)
        with self.assertRaisesText(UserError, "already has flow phases"):
            wizard.action_confirm()
        self.assertEqual(len(project.flow_phase_ids), 3)
        self.assertEqual(len(project.tasks), 5)
        self.assertEqual(len(project.milestone_ids), 3)

    def test_apply_template_without_phases_refused(self):
        empty = self.env["project.flow.template"].create({"name": "Empty"})
        project = self.env["project.project"].create({"name": "Nothing to apply"})
        wizard = self._apply_form(project, template=empty)
        with self.assertRaisesText(UserError, "Empty"):
            wizard.action_confirm()
        self.assertFalse(project.flow_template_id)
        self.assertFalse(project.milestone_ids)

    # ------------------------------------------------------------------
    # Shipped templates
    # ------------------------------------------------------------------
    def _instantiate_shipped(self, xmlid):
        template = self.env.ref(f"project_flow.{xmlid}")
        project = self.create_flow_project(f"From {template.name}", template=template, members={})
        phases = self.phases(project)
        self.assertEqual(phases.mapped("name"), template.phase_ids.mapped("name"))
        self.assertEqual(len(project.tasks), len(template.task_template_ids))
        self.assertEqual(len(project.milestone_ids), len(template.phase_ids))
        for task in project.tasks:
            expected = task.flow_template_task_id.depend_on_ids
            self.assertEqual(task.depend_on_ids.flow_template_task_id, expected, task.name)
            self.assertEqual(task.milestone_id, task.flow_phase_id.milestone_id)
        for phase in phases:
            self.assertEqual(
                phase.deliverable_ids.mapped("name"),
                phase.template_phase_id.deliverable_ids.mapped("name"),
            )
            self.assertTrue(phase.date_start and phase.date_end)
        return template, project

    def test_shipped_template_product_rnd(self):
        template, project = self._instantiate_shipped("flow_template_product_rnd")
        self.assertEqual(len(template.phase_ids), 5, "requirements review -> ... -> release")
        self.assertTrue(template.task_template_ids)

    def test_shipped_template_marketing_campaign(self):
        template, project = self._instantiate_shipped("flow_template_marketing_campaign")
        self.assertEqual(len(template.phase_ids), 6, "six phases ending with a review")

    def test_shipped_template_it_golive(self):
        template, project = self._instantiate_shipped("flow_template_it_golive")
        self.assertTrue(template.phase_ids)
