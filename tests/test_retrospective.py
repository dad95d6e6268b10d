from datetime import date, datetime, timedelta

from odoo import Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowRetrospective(ProjectFlowCase):
    """Closing a flow project needs a completed retrospective; the
    retrospective walks goals against results with the project's own key
    figures, and files lessons and follow-up actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_flow.hourly_cost = 50.0
        cls.project = cls.create_flow_project("Retro launch")
        cls.start_flow_project(cls.project)
        cls.design, cls.build, cls.release = cls.phases(cls.project)
        cls.other_project = cls.env["project.project"].create({"name": "Platform backlog"})
        cls.flush_tracking_cls()

    def _finish_phases(self):
        for phase in (self.design, self.build, self.release):
            self.pass_gate(phase)

    # ------------------------------------------------------------------
    # The closing guard
    # ------------------------------------------------------------------
    def test_closing_refused_without_retrospective_every_path(self):
        self._finish_phases()
        project = self.project
        # the form button
        with self.assertRaisesText(UserError, "Retro launch", "retrospective"):
            project.with_user(self.user_manager).action_flow_request_closing()
        # an RPC call, as the web client or an integration sends it
        with self.assertRaisesText(UserError, "Retro launch", "retrospective"):
            api.call_kw(
                self.env["project.project"].with_user(self.user_manager),
                "action_flow_request_closing",
                [[project.id]],
                {},
            )
        # a draft retrospective is not enough
        project.with_user(self.user_manager).action_flow_open_retrospective()
        self.assertEqual(project.flow_retrospective_id.state, "draft")
        with self.assertRaisesText(UserError, "Retro launch", "retrospective"):
            project.with_user(self.user_manager).action_flow_request_closing()
        # the lifecycle's own business methods refuse too (another module
        # calling them directly), and the field cannot be written
        with self.assertRaisesText(UserError, "retrospective"):
            project.sudo()._flow_set_state("closing")
        with self.assertRaisesText(UserError, "retrospective"):
            project.sudo()._flow_pass_step("closing")
        with self.assertRaisesText(UserError, "Lifecycle"):
            project.sudo().write({"flow_state": "closed"})
        project.invalidate_recordset()
        self.assertEqual(project.flow_state, "running")
        self.assertTrue(project.active)

    def test_closing_allowed_after_retrospective(self):
        self._finish_phases()
        retro = self.complete_retrospective(self.project)
        self.assertEqual(retro.state, "done")
        self.project.with_user(self.user_manager).action_flow_request_closing()
        self.assertEqual(self.project.flow_state, "closed")
        self.assertFalse(self.project.active)
        self.assertEqual(self.project.flow_dossier_id.retrospective_id, retro)

    def test_project_without_template_needs_no_retrospective(self):
        self.company.flow_require_initiation = True
        plain = self.env["project.project"].create({"name": "Plain managed project"})
        plain.with_user(self.user_manager).action_flow_submit()
        self.assertEqual(plain.flow_state, "running")
        plain.with_user(self.user_manager).action_flow_request_closing()
        self.assertEqual(plain.flow_state, "closed")
        with self.assertRaisesText(UserError, "no flow template"):
            plain.action_flow_open_retrospective()

    def test_completed_retrospective_is_frozen(self):
        self._finish_phases()
        retro = self.complete_retrospective(self.project)
        with self.assertRaisesText(UserError, "Retro launch", "completed"):
            retro.with_user(self.user_manager).write({"results": "<p>Rewritten</p>"})
        with self.assertRaisesText(UserError, "already completed"):
            retro.with_user(self.user_manager).action_done()
        with self.assertRaisesText(UserError, "Retro launch", "cannot be deleted"):
            retro.with_user(self.user_manager).unlink()
        # a flow manager may reopen it while the project runs
        with self.assertRaises(AccessError):
            retro.with_user(self.user_flow).action_reset_draft()
        retro.with_user(self.user_manager).action_reset_draft()
        self.assertEqual(retro.state, "draft")
        self.assertFalse(retro.figures)
        retro.with_user(self.user_manager).action_done()
        self.project.with_user(self.user_manager).action_flow_request_closing()
        with self.assertRaisesText(UserError, "no longer running"):
            retro.with_user(self.user_manager).action_reset_draft()

    # ------------------------------------------------------------------
    # The wizard
    # ------------------------------------------------------------------
    def test_steps_and_required_content(self):
        action = self.project.with_user(self.user_manager).action_flow_open_retrospective()
        retro = (
            self.env["project.flow.retrospective"]
            .with_user(self.user_manager)
            .browse(action["res_id"])
        )
        # the same retrospective is opened again, never a second one
        again = self.project.with_user(self.user_manager).action_flow_open_retrospective()
        self.assertEqual(again["res_id"], retro.id)
        self.assertEqual(retro.step, "goals")
        self.assertIn("<table", str(retro.figures_html))
        for expected in ("review", "lessons", "followups", "followups"):
            retro.action_next_step()
            self.assertEqual(retro.step, expected)
        retro.action_previous_step()
        self.assertEqual(retro.step, "lessons")
        with self.assertRaisesText(UserError, "Retro launch", "Results"):
            retro.action_done()
        retro.results = "<p>Shipped</p>"
        with self.assertRaisesText(UserError, "What went well"):
            retro.action_done()
        retro.to_improve = "<p>Estimate the tests</p>"
        retro.followup_ids = [Command.create({"kind": "task", "name": "Fix the CI"})]
        with self.assertRaisesText(UserError, "Fix the CI", "Target project"):
            retro.action_done()
        retro.followup_ids.project_id = self.project
        with self.assertRaisesText(UserError, "Fix the CI", "another project"):
            retro.action_done()
        self.assertEqual(retro.state, "draft")

    def test_lessons_and_followups_filed_at_completion(self):
        department = self.env["hr.department"].create({"name": "Hardware R&D"})
        tag = self.env["project.flow.lesson.tag"].create({"name": "Test estimates"})
        retro = self.complete_retrospective(
            self.project,
            department_id=department.id,
            lessons=[
                {"name": "Review specs with QA", "phase_id": self.design.id, "tag_ids": [tag.id]},
                {"name": "Keep daily check-ins", "kind": "keep"},
            ],
            followup_ids=[
                Command.create(
                    {
                        "kind": "task",
                        "name": "Add a spec review checklist",
                        "project_id": self.other_project.id,
                        "user_id": self.user_qa.id,
                        "date_deadline": "2026-06-30",
                        "note": "From the Design phase",
                    }
                ),
                Command.create(
                    {
                        "kind": "template",
                        "name": "Add a QA review task to Design",
                        "note": "Half a day",
                    }
                ),
            ],
        )
        review, keep = retro.lesson_ids.sorted("id")
        self.assertEqual(review.project_id, self.project)
        self.assertEqual(review.template_id, self.template)
        self.assertEqual(review.template_phase_id, self.tphase_design)
        self.assertEqual(review.department_id, department)
        self.assertEqual(keep.kind, "keep")
        task_line, template_line = retro.followup_ids.sorted("sequence")
        task = task_line.task_id
        self.assertEqual(task.project_id, self.other_project)
        self.assertEqual(task.name, "Add a spec review checklist")
        self.assertEqual(task.user_ids, self.user_qa)
        self.assertEqual(fields.Date.to_string(task.date_deadline.date()), "2026-06-30")
        self.assertIn("Retro launch", str(task.description))
        self.assertFalse(template_line.task_id)
        self.assertIn("Add a QA review task to Design", self.message_bodies(self.template))
        self.assertIn("2 lessons, 2 follow-up actions", self.message_bodies(retro))

    # ------------------------------------------------------------------
    # Key figures
    # ------------------------------------------------------------------
    def test_key_figures_of_a_known_project(self):
        project = self.project
        spec, review = self.design.task_ids.sorted("id")
        # 10 hours logged at 50 an hour
        self.env["account.analytic.line"].create(
            {
                "name": "Specification",
                "project_id": project.id,
                "task_id": spec.id,
                "employee_id": self.employee_flow.id,
                "unit_amount": 10.0,
            }
        )
        # the Build gate is rejected once, then approved
        self.satisfy_deliverables(self.design)
        self.close_tasks(self.design)
        self.design.with_user(self.user_manager).action_submit_gate()
        self.satisfy_deliverables(self.build)
        self.close_tasks(self.build)
        self.build.with_user(self.user_manager).action_submit_gate()
        self.build.approval_ids.with_user(self.user_approver).action_reject("Tests missing")
        self.build.with_user(self.user_manager).action_submit_gate()
        self.approve_all(self.build)
        self.pass_gate(self.release)
        # finishing dates against deadlines: 3 on time, 2 late
        # dates written by hand below: keep the scheduler from moving them
        project.flow_scheduling_mode = "manual"
        tasks = self.env["project.task"].search([("project_id", "=", project.id)], order="id")
        self.assertEqual(len(tasks), 5)
        deadline = datetime(2026, 3, 10, 10, 0)
        for index, task in enumerate(tasks):
            task.write(
                {
                    "planned_date_begin": deadline - timedelta(days=2),
                    "date_deadline": deadline,
                    "date_end": deadline + timedelta(days=1 if index >= 3 else 0),
                }
            )
        # a budget of 400 for a cost of 500, and two weeks of health
        project.flow_budget = 400.0
        self.env["project.flow.health.snapshot"].create(
            [
                {"project_id": project.id, "date": date(2026, 3, 2), "color": "green", "score": 80},
                {"project_id": project.id, "date": date(2026, 3, 9), "color": "red", "score": 35},
            ]
        )
        figures = project._flow_key_figures()
        # the phases opened and closed today, in the project manager's time zone
        today = self.design.date_actual_start
        self.assertEqual(self.release.date_actual_end, today)

        self.assertEqual(
            figures["tasks"],
            {
                "total": 5,
                "done": 5,
                "on_time": 3,
                "late": 2,
                "open": 0,
                "cancelled": 0,
                "no_deadline": 0,
                "on_time_rate": 60.0,
            },
        )
        self.assertEqual(
            figures["effort"],
            {
                "allocated_hours": 16.0,
                "spent_hours": 10.0,
                "hours_variance": -6.0,
                "hours_ratio": 62.5,
                "cost": 500.0,
                "currency": project.currency_id.name,
            },
        )
        self.assertEqual(
            figures["gates"],
            {"gate_approvals": 3, "gate_rejections": 1, "closing_rejections": 0, "overrides": 0},
        )
        phases = self.phases(project)
        self.assertEqual(
            figures["dates"]["planned_start"], fields.Date.to_string(project.date_start)
        )
        self.assertEqual(figures["dates"]["actual_start"], fields.Date.to_string(today))
        self.assertEqual(figures["dates"]["actual_end"], fields.Date.to_string(today))
        self.assertEqual([p["name"] for p in figures["phases"]], ["Design", "Build", "Release"])
        self.assertEqual(
            figures["phases"][0]["planned_end"], fields.Date.to_string(phases[0].date_end)
        )
        self.assertEqual(figures["phases"][0]["end_slip"], (today - phases[0].date_end).days)
        self.assertEqual(
            figures["risks"], {"risks": 0, "open_risks": 0, "issues": 0, "open_issues": 0}
        )
        self.assertIn("alerts", figures)
        self.assertEqual(
            figures["budget"],
            {"budget": 400.0, "cost": 500.0, "overrun": 100.0, "overrun_percent": 25.0},
        )
        self.assertEqual(
            figures["health"]["snapshots"],
            [
                {"date": "2026-03-02", "color": "green", "score": 80},
                {"date": "2026-03-09", "color": "red", "score": 35},
            ],
        )

        # stored at completion, and not changed by later work
        retro = self.complete_retrospective(project)
        self.assertEqual(retro.figures["tasks"]["late"], 2)
        tasks[3].date_end = deadline
        self.assertEqual(retro.figures["tasks"]["late"], 2)
        self.assertEqual(project._flow_key_figures()["tasks"]["late"], 1)
        html = str(retro.figures_html)
        self.assertIn("Design", html)
        self.assertIn("3 on time, 2 late", html)
        self.assertIn("1 rejections", html)
        self.assertIn("(25.0 % over)", html)
        self.assertIn("Health over 2 weeks: 1 green, 0 yellow, 1 red; last red (35)", html)

    def test_overrides_counted(self):
        self.pass_gate(self.design)
        self.satisfy_deliverables(self.build)
        self.build.with_user(self.user_manager)._flow_override("Supplier deadline")
        self.assertEqual(self.project._flow_key_figures()["gates"]["overrides"], 1)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access(self):
        self.project.privacy_visibility = "followers"
        self.project.message_subscribe(partner_ids=self.user_flow.partner_id.ids)
        self.project.message_unsubscribe(partner_ids=self.user_qa.partner_id.ids)
        retro = self.complete_retrospective(self.project)
        # a member reads it, cannot write it
        self.assertEqual(retro.with_user(self.user_flow).results, retro.results)
        with self.assertRaises(AccessError):
            retro.with_user(self.user_flow).write({"step": "goals"})
        # someone outside the project does not see it
        with self.assertRaises(AccessError):
            retro.with_user(self.user_qa).read(["results"])
        # a flow user who is the project manager writes it
        other = self.create_flow_project("PM's own project")
        other.sudo().user_id = self.user_flow
        draft = (
            self.env["project.flow.retrospective"]
            .with_user(self.user_flow)
            .browse(other.with_user(self.user_flow).action_flow_open_retrospective()["res_id"])
        )
        draft.write(
            {
                "results": "<p>Done</p>",
                "lesson_ids": [Command.create({"name": "Written by the PM"})],
            }
        )
        self.assertEqual(draft.lesson_ids.name, "Written by the PM")
        # another member cannot start the retrospective of a project they do not manage
        third = self.create_flow_project("Someone else's project")
        with self.assertRaisesText(AccessError, "Someone else's project"):
            third.with_user(self.user_qa).action_flow_open_retrospective()


@tagged("post_install", "-at_install")
class TestFlowRetrospectiveTour(HttpCase):
    """In the browser: a project manager walks the retrospective wizard of a
    finished project, completes it and closes the project
    (static/tests/tours/project_flow_retro_tour.js)."""

    def setUp(self):
        super().setUp()
        self.admin = self.env.ref("base.user_admin")
        self.admin.tour_enabled = False
        template = self.env["project.flow.template"].create(
            {
                "name": "Retro tour flow",
                "phase_ids": [Command.create({"name": "Retro tour work", "duration": 1})],
            }
        )
        wizard = self.env["project.flow.create.wizard"].create(
            {"template_id": template.id, "name": "Retro tour project", "user_id": self.admin.id}
        )
        self.project = self.env["project.project"].browse(wizard.action_confirm()["res_id"])
        self.project.description = "<p>Deliver the tour</p>"
        self.project.action_flow_submit()
        phase = self.project.flow_phase_ids
        phase.action_submit_gate()
        self.assertEqual(phase.state, "done")
        self.project.action_flow_open_retrospective()

    def test_retrospective_tour(self):
        self.start_tour("/odoo", "project_flow_retro_tour", login="admin")
        retro = self.project.flow_retrospective_id
        self.assertEqual(retro.state, "done")
        self.assertIn("Tour delivered", str(retro.results))
        self.assertIn("Short daily syncs", str(retro.went_well))
        self.assertEqual(retro.lesson_ids.name, "Plan the tour earlier")
        self.assertEqual(retro.followup_ids.kind, "template")
        self.assertTrue(retro.figures)
        self.assertEqual(self.project.flow_state, "closed")
        self.assertFalse(self.project.active)
        self.assertTrue(self.project.flow_dossier_id)
