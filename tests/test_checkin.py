from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestCheckin(ProjectFlowCase):
    """Daily check-ins: one per person, project and day, only by the people
    of the project; their hours become draft timesheets the person confirms;
    blockers become dependencies or risks; task progress and milestones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.start_flow_project(cls.create_flow_project("Check-in project"))
        cls.other_project = cls.start_flow_project(
            cls.create_flow_project(
                "Other team project",
                members={cls.role_pm: cls.user_manager, cls.role_qa: cls.user_qa},
            )
        )
        cls.task_spec, cls.task_review = cls.project.task_ids.filtered(
            lambda t: t.flow_phase_id == cls.phases(cls.project)[0]
        ).sorted("id")
        cls.task_spec.allocated_hours = 10.0
        cls.Checkin = cls.env["project.flow.checkin"]
        cls.today = fields.Date.context_today(cls.Checkin.with_user(cls.user_flow))

    def _checkin(self, user=None, project=None, **values):
        return self.Checkin.with_user(user or self.user_flow).create(
            {"project_id": (project or self.project).id, **values}
        )

    # ------------------------------------------------------------------
    # One per person, project and day
    # ------------------------------------------------------------------
    def test_defaults_me_and_today(self):
        with Form(self.Checkin.with_user(self.user_flow)) as form:
            form.project_id = self.project
            form.done = "Wrote the specification"
        checkin = form.record
        self.assertEqual(checkin.user_id, self.user_flow)
        self.assertEqual(checkin.date, self.today)

    def test_one_checkin_per_person_project_day(self):
        self._checkin(done="Morning")
        with self.assertRaisesText(
            ValidationError, "Lin Flowuser has already checked in", "Check-in project"
        ):
            self._checkin(done="Again")
        # another day, another project, another person: fine
        self._checkin(date=self.today - timedelta(days=1))
        self._checkin(user=self.user_qa)
        other = self._checkin(user=self.user_qa, project=self.other_project)
        with self.assertRaisesText(ValidationError, "Qiu Tester has already checked in"):
            other.write({"project_id": self.project.id})

    def test_sql_constraint_message(self):
        first = self._checkin()
        second = self._checkin(date=self.today - timedelta(days=1))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as error:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE project_flow_checkin SET date = %s WHERE id = %s",
                    [first.date, second.id],
                )
        message = str(_as_validation_error(self.env, error.exception))
        self.assertIn("A person checks in once per project and day", message)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_only_for_myself_and_my_projects(self):
        self.assertNotIn(
            self.user_flow, self.other_project._flow_checkin_users()[self.other_project.id]
        )
        with self.assertRaises(AccessError):
            self._checkin(user_id=self.user_qa.id)
        with self.assertRaisesText(ValidationError, "Lin Flowuser is not a member"):
            self._checkin(project=self.other_project)
        with self.assertRaisesText(ValidationError, "Ou Outsider is not a member"):
            self.Checkin.with_user(self.user_manager).create(
                {"project_id": self.project.id, "user_id": self.user_outsider.id}
            )

    def test_read_my_projects_only_managers_all(self):
        mine = self._checkin(user=self.user_qa, done="QA on my project")
        theirs = self._checkin(user=self.user_qa, project=self.other_project, done="Elsewhere")
        visible = self.Checkin.with_user(self.user_flow).search([])
        self.assertIn(mine, visible, "team mates read each other's check-ins")
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_flow).read(["done"])
        with self.assertRaises(AccessError):
            mine.with_user(self.user_flow).write({"done": "Not mine"})
        # a manager reads and fixes everyone's
        self.assertIn(theirs, self.Checkin.with_user(self.user_manager).search([]))
        theirs.with_user(self.user_manager).write({"next": "Planned by the PM"})
        self.Checkin.with_user(self.user_manager).create(
            {"project_id": self.project.id, "user_id": self.user_flow.id, "done": "Entered by PM"}
        )
        # portal users: nothing
        portal = self._new_user("pf_portal", "Pat Portal", None)
        portal.groups_id = [Command.set([self.env.ref("base.group_portal").id])]
        with self.assertRaises(AccessError):
            self.Checkin.with_user(portal).search([])

    def test_project_button_opens_todays_checkin(self):
        action = self.project.with_user(self.user_flow).action_flow_checkin()
        self.assertFalse(action.get("res_id"))
        self.assertEqual(action["context"]["default_project_id"], self.project.id)
        checkin = self._checkin(done="x")
        action = self.project.with_user(self.user_flow).action_flow_checkin()
        self.assertEqual(action["res_id"], checkin.id)

    # ------------------------------------------------------------------
    # Hours and timesheets
    # ------------------------------------------------------------------
    def test_hours_become_a_draft_timesheet_then_count_when_confirmed(self):
        checkin = self._checkin(task_id=self.task_spec.id, done="Spec: chapter 1", hours=3.0)
        line = checkin.sudo().timesheet_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.flow_timesheet_state, "draft")
        self.assertEqual(line.employee_id, self.employee_flow)
        self.assertEqual(line.task_id, self.task_spec)
        self.assertEqual(line.flow_draft_hours, 3.0)
        self.assertEqual(checkin.timesheet_state, "draft")
        self.env.flush_all()
        self.assertEqual(self.task_spec.effective_hours, 0.0, "a draft does not count")
        self.assertEqual(self.project.total_timesheet_time, 0)
        # the draft follows the check-in while draft
        checkin.write({"hours": 4.0})
        self.assertEqual(line.flow_draft_hours, 4.0)
        # hours typed on the draft line elsewhere stay proposed
        line.write({"unit_amount": 5.0})
        self.assertEqual(line.unit_amount, 0.0)
        self.assertEqual(line.flow_draft_hours, 5.0)
        checkin.write({"hours": 4.0})

        checkin.with_user(self.user_flow).action_confirm_timesheet()
        self.assertEqual(line.flow_timesheet_state, "confirmed")
        self.assertEqual(line.unit_amount, 4.0)
        self.assertEqual(self.task_spec.effective_hours, 4.0)
        self.assertEqual(checkin.timesheet_state, "confirmed")
        # confirmed hours are the timesheet's now
        with self.assertRaisesText(UserError, "already confirmed"):
            checkin.with_user(self.user_flow).write({"hours": 6.0})
        checkin.with_user(self.user_flow).write({"next": "Chapter 2"})
        with self.assertRaisesText(UserError, "cannot be deleted"):
            checkin.with_user(self.user_flow).unlink()

    def test_removing_hours_drops_the_draft(self):
        checkin = self._checkin(hours=2.0)
        line = checkin.sudo().timesheet_ids
        checkin.write({"hours": 0.0})
        self.assertFalse(line.exists())
        self.assertEqual(checkin.timesheet_state, "none")

    def test_confirm_from_timesheet_list(self):
        line = self._checkin(hours=1.5).sudo().timesheet_ids
        other = self._checkin(hours=2.0, date=self.today - timedelta(days=1)).sudo().timesheet_ids
        colleague = self._new_user(
            "pf_ts_user", "Tian Timesheet", "hr_timesheet.group_hr_timesheet_user"
        )
        with self.assertRaises(AccessError):
            line.with_user(colleague).action_flow_confirm_timesheet()
        self.assertEqual(line.flow_timesheet_state, "draft")
        # the person, from the timesheet list
        self.user_flow.groups_id = [
            Command.link(self.env.ref("hr_timesheet.group_hr_timesheet_user").id)
        ]
        line.with_user(self.user_flow).action_flow_confirm_timesheet()
        self.assertEqual(line.unit_amount, 1.5)
        with self.assertRaisesText(UserError, "has draft check-in hours"):
            line.with_user(self.user_flow).action_flow_confirm_timesheet()
        # or a timesheet approver, for someone else
        approver = self._new_user(
            "pf_ts_approver", "Tang Approver", "hr_timesheet.group_hr_timesheet_approver"
        )
        other.with_user(approver).action_flow_confirm_timesheet()
        self.assertEqual(other.unit_amount, 2.0)
        self.assertEqual(other.flow_timesheet_state, "confirmed")

    def test_hours_need_an_employee(self):
        with self.assertRaisesText(UserError, "Qiu Tester has no active employee"):
            self._checkin(user=self.user_qa, hours=2.0)
        # without hours, no employee needed
        self._checkin(user=self.user_qa, done="Reviewed")

    def test_hours_only_on_running_projects(self):
        draft = self.create_flow_project("Not started")
        self.assertEqual(draft.flow_state, "draft")
        with self.assertRaisesText(ValidationError, "can be logged only on a running project"):
            self.Checkin.with_user(self.user_manager).create(
                {"project_id": draft.id, "user_id": self.user_flow.id, "hours": 1.0}
            )

    # ------------------------------------------------------------------
    # Blockers
    # ------------------------------------------------------------------
    def _blocker_wizard(self, checkin, **values):
        action = checkin.with_user(self.user_flow).action_open_blocker_wizard()
        Wizard = self.env["project.flow.blocker.wizard"].with_user(self.user_flow)
        return Wizard.with_context(**action["context"]).create(values)

    def test_blocker_becomes_dependency(self):
        checkin = self._checkin(blockers="Review waits for the spec", task_id=self.task_review.id)
        self.assertTrue(checkin.has_blockers)
        wizard = self._blocker_wizard(
            checkin, resolution="dependency", blocking_task_id=self.task_spec.id
        )
        self.assertEqual(wizard.blocked_task_id, self.task_review)
        self.task_review.depend_on_ids = [Command.clear()]
        wizard.action_confirm()
        self.assertIn(self.task_spec, self.task_review.depend_on_ids)
        # the other way round would close a cycle: the link says which
        wizard = self._blocker_wizard(
            checkin,
            resolution="dependency",
            blocked_task_id=self.task_spec.id,
            blocking_task_id=self.task_review.id,
        )
        with self.assertRaisesText(ValidationError, "form a cycle", self.task_spec.name):
            wizard.action_confirm()

    def test_blocker_becomes_risk(self):
        checkin = self._checkin(
            blockers="Test server not ready\nIT says next week", task_id=self.task_spec.id
        )
        wizard = self._blocker_wizard(checkin, resolution="risk")
        self.assertEqual(wizard.risk_name, "Test server not ready")
        self.assertEqual(wizard.risk_kind, "issue")
        action = wizard.action_confirm()
        risk = self.env["project.flow.risk"].browse(action["res_id"])
        self.assertEqual(risk.kind, "issue")
        self.assertEqual(risk.project_id, self.project)
        self.assertEqual(risk.task_id, self.task_spec)
        self.assertEqual(risk.checkin_id, checkin)
        self.assertIn("IT says next week", risk.description)
        self.assertEqual(checkin.risk_count, 1)
        self.assertEqual(self.project.flow_open_risk_count, 1)

    def test_risks_follow_project_visibility(self):
        secret = self.other_project
        secret.privacy_visibility = "followers"
        risk = self.env["project.flow.risk"].create(
            {"name": "Vendor may go bankrupt", "project_id": secret.id}
        )
        Risk = self.env["project.flow.risk"]
        self.assertNotIn(risk, Risk.with_user(self.user_flow).search([]))
        self.assertIn(risk, Risk.with_user(self.user_manager).search([]))

    # ------------------------------------------------------------------
    # Task progress and milestone achievement
    # ------------------------------------------------------------------
    def test_progress_from_timesheets_and_by_hand(self):
        task = self.task_spec
        self.assertEqual(task.flow_progress_mode, "timesheet")
        self.assertEqual(task.flow_progress, 0.0)
        checkin = self._checkin(task_id=task.id, hours=2.5)
        self.assertEqual(task.flow_progress, 0.0, "draft hours do not count")
        checkin.action_confirm_timesheet()
        self.assertEqual(task.flow_progress, 25.0)
        task.allocated_hours = 2.0
        self.assertEqual(task.flow_progress, 99.0, "overspent but open: capped below 100")
        # by hand
        with Form(task.with_user(self.user_manager)) as form:
            form.flow_progress_mode = "manual"
            form.flow_progress = 60.0
        self.assertEqual(task.flow_progress, 60.0)
        task.allocated_hours = 40.0
        self.assertEqual(task.flow_progress, 60.0, "manual progress ignores the hours")
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            task.flow_progress = 120.0
        task.flow_progress_mode = "timesheet"
        self.assertEqual(task.flow_progress, 6.25)

    def test_milestone_achievement(self):
        self.project.allow_milestones = True
        Milestone = self.env["project.milestone"]
        today = fields.Date.context_today(Milestone)
        on_time, late, missed, open_ = Milestone.create(
            [
                {"name": "On time", "project_id": self.project.id, "deadline": today},
                {"name": "Late", "project_id": self.project.id, "deadline": today - timedelta(5)},
                {"name": "Missed", "project_id": self.project.id, "deadline": today - timedelta(2)},
                {"name": "Open", "project_id": self.project.id, "deadline": today + timedelta(3)},
            ]
        )
        (on_time | late).write({"is_reached": True})
        self.assertEqual(on_time.flow_achievement, "on_time")
        self.assertEqual(late.flow_achievement, "late")
        self.assertEqual(late.flow_days_late, 5)
        self.assertEqual(missed.flow_achievement, "missed")
        self.assertEqual(missed.flow_days_late, 2)
        self.assertEqual(open_.flow_achievement, "open")
        mine = self.project.milestone_ids - (on_time | late | missed | open_)
        self.assertFalse(mine.filtered(lambda m: m.flow_achievement != "open" and not m.deadline))
        counts = self.project
        self.assertEqual(counts.flow_milestone_on_time_count, 1)
        self.assertEqual(counts.flow_milestone_late_count, 1)
        self.assertEqual(counts.flow_milestone_missed_count, 1)
        self.assertAlmostEqual(counts.flow_milestone_on_time_rate, 33.33)
        # days pass: the open one goes past its deadline without being reached
        self.env.cr.execute(
            "UPDATE project_milestone SET deadline = %s WHERE id = %s",
            [date(2020, 1, 1), open_.id],
        )
        self.env.invalidate_all()
        self.assertEqual(open_.flow_achievement, "open")
        Milestone._flow_refresh_achievement()
        self.assertEqual(open_.flow_achievement, "missed")
        self.assertEqual(
            Milestone.search(
                [("project_id", "=", self.project.id), ("flow_achievement", "=", "missed")]
            ),
            missed | open_,
        )
