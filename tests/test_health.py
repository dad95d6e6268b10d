"""Project health: budget from timesheet cost, rework counters, colours,
reasons, settings, weekly snapshots, filters and access."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common_schedule import MON_4, ScheduleCase

MON_11 = date(2030, 3, 11)


@tagged("post_install", "-at_install")
class TestHealth(ScheduleCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # template-less projects count as flow projects in this company
        cls.company.flow_require_initiation = True
        cls.project = cls.new_project("Budget project", mode="manual")
        cls.project.write(
            {
                "flow_budget": 1000.0,
                "allow_timesheets": True,
                "privacy_visibility": "employees",
            }
        )
        begin, deadline = cls.window(MON_4, date(2030, 3, 8))
        cls.task_a = cls.new_task(
            cls.project, "Spec", 5, planned_date_begin=begin, date_deadline=deadline
        )
        cls.task_b = cls.new_task(
            cls.project, "Code", 5, planned_date_begin=begin, date_deadline=deadline
        )
        cls.employee_flow.hourly_cost = 120.0
        # 10 hours at 120: a cost of 1,200 against a budget of 1,000
        env["account.analytic.line"].create(
            {
                "name": "Work",
                "project_id": cls.project.id,
                "task_id": cls.task_a.id,
                "employee_id": cls.employee_flow.id,
                "unit_amount": 10.0,
                "date": MON_4,
            }
        )

    def recompute(self):
        self.project._flow_recompute_forecast_health(today=MON_11)

    def test_budget_overrun(self):
        """20 % over budget is red on budget (red above 15 %); quality green;
        no baseline: schedule left out.  Score 0.6 × 26.7 + 0.4 × 100 = 56:
        yellow."""
        self.recompute()
        self.assertEqual(self.project.flow_cost, 1200.0)
        self.assertEqual(self.project.flow_health, "yellow")
        self.assertEqual(self.project.flow_health_score, 56)
        reasons = self.project.flow_health_reasons.splitlines()
        self.assertEqual(reasons[0], "Budget: timesheet cost 1200 is 20 % over the budget of 1000")
        self.assertIn("No baseline: the schedule is not scored", reasons)
        self.assertIn(
            self.project, self.env["project.project"].search([("flow_health", "=", "yellow")])
        )

    def test_rework_counters_and_red(self):
        self.task_a.state = "1_done"
        self.task_a.state = "01_in_progress"
        self.assertEqual(self.task_a.flow_reopen_count, 1)
        self.task_b.stage_id = self.stage_review
        self.task_b.stage_id = self.stage_todo
        self.assertEqual(self.task_b.flow_stage_regression_count, 1)
        self.recompute()
        self.assertEqual(self.project.flow_rework_count, 2)
        self.assertEqual(self.project.flow_health, "red")
        self.assertIn("Quality: 2 of 2 tasks reworked (100 %)", self.project.flow_health_reasons)
        self.assertIn(
            self.project, self.env["project.project"].search([("flow_health", "=", "red")])
        )

    def test_defect_tag_counts_as_rework(self):
        self.task_a.tag_ids = [Command.create({"name": "缺陷"})]
        self.recompute()
        self.assertEqual(self.project.flow_rework_count, 1)

    def test_weights_and_thresholds(self):
        # 20 % over budget is green when yellow starts at 30 %: 0.6 × 80 + 0.4 × 100
        self.company.write({"flow_health_budget_yellow": 30.0, "flow_health_budget_red": 50.0})
        self.recompute()
        self.assertEqual(self.project.flow_health, "green")
        self.assertEqual(self.project.flow_health_score, 88)
        with self.assertRaises(ValidationError):
            self.company.flow_health_budget_red = 1.0  # below yellow (5 %)
        with self.assertRaises(ValidationError):
            self.company.write(
                {
                    "flow_health_weight_schedule": 0.0,
                    "flow_health_weight_budget": 0.0,
                    "flow_health_weight_quality": 0.0,
                }
            )

    def test_weekly_snapshot(self):
        Snapshot = self.env["project.flow.health.snapshot"]
        created = Snapshot._cron_snapshot(today=MON_11)
        mine = created.filtered(lambda s: s.project_id == self.project)
        self.assertEqual(len(mine), 1)
        self.assertRecordValues(mine, [{"date": MON_11, "color": "yellow", "score": 56}])
        self.assertFalse(Snapshot._cron_snapshot(today=date(2030, 3, 13)), "same week: nothing new")
        self.assertEqual(self.project.flow_health_snapshot_ids, mine)
        # read like the project: flow users yes, users without project access no
        self.assertEqual(mine.with_user(self.user_flow).read(["score"])[0]["score"], 56)
        with self.assertRaises(AccessError):
            mine.with_user(self.user_outsider).read(["score"])
        self.project.privacy_visibility = "followers"
        with self.assertRaises(AccessError):
            mine.with_user(self.user_qa).read(["score"])

    def test_refresh_button_rights(self):
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_flow).action_flow_refresh_health()
        self.project.with_user(self.user_manager).action_flow_refresh_health()
        self.assertTrue(self.project.flow_health)
