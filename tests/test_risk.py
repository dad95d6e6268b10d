"""Delay-risk scores of open tasks, their reasons, the level-0 "at risk"
alerts, the weekly training and the access to the models.

History: Qiu Tester finished 30 tasks, all after their deadline; Lin
Flowuser finished 30 on time.  Both now have an open task with the same
window and progress, so only the person's history tells them apart.
"""

import json
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..engine import risk
from ..models.flow_risk_scorer import RiskScorer
from .common_schedule import MON_4, ScheduleCase

MON_11 = date(2030, 3, 11)


@tagged("post_install", "-at_install")
class TestRisk(ScheduleCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Alert = env["project.flow.alert"]
        # template-less projects count as flow projects in this company
        cls.company.flow_require_initiation = True
        cls.history = cls.new_project("History", mode="manual")
        vals = []
        for i in range(30):
            first = MON_4 - timedelta(weeks=10 + i % 8)
            begin, deadline = cls.window(first, first + timedelta(days=4))
            for user in (cls.user_qa, cls.user_flow):
                vals.append(
                    {
                        "name": f"Past task {i} of {user.name}",
                        "project_id": cls.history.id,
                        "user_ids": [Command.set(user.ids)],
                        "planned_date_begin": begin,
                        "date_deadline": deadline,
                        "allocated_hours": 10.0,
                        "state": "1_done",
                    }
                )
        cls.past = env["project.task"].create(vals)
        env.flush_all()
        # when they really finished: Qiu's tasks 3 days late, Lin's on time
        env.cr.execute(
            """
            UPDATE project_task t
               SET date_end = t.date_deadline + CASE WHEN r.user_id = %s
                                                     THEN interval '3 days'
                                                     ELSE interval '-1 hour' END
              FROM project_task_user_rel r
             WHERE r.task_id = t.id AND t.id IN %s
            """,
            [cls.user_qa.id, tuple(cls.past.ids)],
        )
        env.invalidate_all()
        cls.project = cls.new_project("Risky project", mode="manual")
        begin, deadline = cls.window(MON_4, date(2030, 3, 15))
        common = {
            "planned_date_begin": begin,
            "date_deadline": deadline,
            "flow_progress_mode": "manual",
            "flow_progress": 30.0,
        }
        cls.task_qa = cls.new_task(
            cls.project, "Test the release", 9, user_ids=[Command.set(cls.user_qa.ids)], **common
        )
        cls.task_flow = cls.new_task(
            cls.project, "Write the docs", 9, user_ids=[Command.set(cls.user_flow.ids)], **common
        )

    def score(self):
        return self.env["project.task"]._cron_flow_score_risks(today=MON_11)

    def test_rules_rank_the_slipper_higher(self):
        self.score()
        self.assertGreater(self.task_qa.flow_risk_score, self.task_flow.flow_risk_score)
        self.assertEqual(self.task_qa.flow_risk_source, "rules")
        codes = [reason["code"] for reason in self.task_qa.flow_risk_reasons]
        self.assertIn("assignee_slip_rate", codes + ["kind_slip_rate"])
        # 5 of 9 working days used, 30 % done
        self.assertIn("time_vs_progress", codes)
        self.assertIn("56 % of the time used, 30 % done", self.task_qa.flow_risk_explanation)
        self.assertEqual(self.task_qa.flow_risk_date, MON_11)

    def test_explanation_in_reader_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.task_qa.flow_risk_reasons = [{"code": "no_float", "params": {}}]
        english = self.task_qa.flow_risk_explanation
        self.assertEqual(english, "No float left: any slip moves the project finish")
        self.assertTrue(self.task_qa.with_context(lang="zh_CN").flow_risk_explanation)

    def test_batch_query_count_is_flat(self):
        begin, deadline = self.window(MON_4, date(2030, 3, 15))
        self.env["project.task"].create(
            [
                {
                    "name": f"More work {i}",
                    "project_id": self.project.id,
                    "user_ids": [Command.set((self.user_qa if i % 2 else self.user_flow).ids)],
                    "planned_date_begin": begin,
                    "date_deadline": deadline,
                    "state": "01_in_progress",
                }
                for i in range(40)
            ]
        )
        scorer = RiskScorer(self.env, today=MON_11, batch_size=1)
        scorer.run(scorer.open_task_ids([self.project.id]), alerts=False)
        small = [batch["queries"] for batch in scorer.batches]
        scorer = RiskScorer(self.env, today=MON_11, batch_size=1000)
        scorer.run(scorer.open_task_ids([self.project.id]), alerts=False)
        self.assertEqual(scorer.batches[0]["size"], 42)
        # 42 tasks in one batch cost what one task does: a fixed number of queries
        self.assertLessEqual(scorer.batches[0]["queries"], max(small) + 2)

    def test_level0_alert_once_and_resolved(self):
        self.company.flow_risk_alert_level = 1
        self.score()
        self.score()
        alerts = self.Alert.search([("task_id", "=", self.task_qa.id)])
        self.assertEqual(len(alerts), 1, "one at-risk alert per task, never two")
        self.assertRecordValues(
            alerts,
            [
                {
                    "level": "0",
                    "kind": "task",
                    "state": "open",
                    "risk_score": self.task_qa.flow_risk_score,
                }
            ],
        )
        notifications = self.env["project.flow.notification"].search(
            [("key", "like", f"alert:{alerts.id}:%")]
        )
        self.assertTrue(notifications, "the alert is queued in the outbox")
        subject, body = alerts._flow_render_message("en_US")
        self.assertIn("[At risk]", subject)
        self.assertIn("Why:", body)
        # the risk drops below the level: resolved, then reopened (not duplicated)
        self.company.flow_risk_alert_level = 100
        self.score()
        self.assertRecordValues(alerts, [{"state": "resolved", "resolution": "replanned"}])
        self.company.flow_risk_alert_level = 1
        self.score()
        self.assertEqual(alerts.state, "open")
        self.assertEqual(self.Alert.search_count([("task_id", "=", self.task_qa.id)]), 1)
        # the task closes: resolved as done
        self.task_qa.state = "1_done"
        self.score()
        self.assertRecordValues(alerts, [{"state": "resolved", "resolution": "done"}])

    def test_delay_cron_leaves_level0_alone(self):
        self.company.flow_risk_alert_level = 1
        self.score()
        alert = self.Alert.search([("task_id", "=", self.task_qa.id), ("level", "=", "0")])
        self.Alert._cron_detect_delays(now=datetime(2030, 3, 11, 4))
        self.assertEqual(alert.state, "open")

    def test_alert_level_setting_checked(self):
        with self.assertRaises(ValidationError):
            self.company.flow_risk_alert_level = 0

    def test_weekly_training(self):
        models = self.env["project.flow.risk.model"]._cron_train()
        model = models.filtered(lambda m: m.company_id == self.company)
        self.assertEqual(len(model), 1)
        self.assertEqual(
            model.source, "model", f"n={model.n_train}+{model.n_holdout} auc={model.auc}"
        )
        self.assertGreaterEqual(model.n_train + model.n_holdout, 60)
        self.assertGreater(model.auc, 0.75)
        self.assertTrue(model.model_json)
        # the daily scoring now uses the trained model
        self.score()
        self.assertEqual(self.task_qa.flow_risk_source, "model")
        self.assertGreater(self.task_qa.flow_risk_score, self.task_flow.flow_risk_score)

    def test_model_access_admins_only(self):
        model = self.env["project.flow.risk.model"].create({"company_id": self.company.id})
        with self.assertRaises(AccessError):
            model.with_user(self.user_manager).read(["auc"])
        self.assertEqual(model.with_user(self.user_flow_admin).read(["auc"])[0]["auc"], 0.0)
        with self.assertRaises(AccessError):
            model.with_user(self.user_flow_admin).write({"auc": 1.0})
        other = self.env["res.company"].create({"name": "Other company"})
        foreign = self.env["project.flow.risk.model"].create({"company_id": other.id})
        self.assertFalse(
            self.env["project.flow.risk.model"]
            .with_user(self.user_flow_admin)
            .search([("id", "=", foreign.id)])
        )

    def test_calibration_on_closed_projects(self):
        """12 closed projects: those predicted at 90 % finished on time, those
        at 80 % finished late: the calibration is fitted (Platt) and used."""
        env = self.env
        Snapshot = env["project.flow.health.snapshot"]
        deadline = date(2030, 3, 1)
        for i in range(12):
            on_time = i % 2 == 0
            project = self.new_project(f"Closed {i}", mode="manual", start=date(2030, 2, 1))
            project.date = deadline
            task = self.new_task(project, "Work", 1)
            Snapshot.create(
                {
                    "project_id": project.id,
                    "date": date(2030, 2, 25),
                    "on_time_probability_raw": 90.0 if on_time else 80.0,
                }
            )
            env.flush_all()
            env.cr.execute(
                "UPDATE project_task SET state = '1_done', date_end = %s WHERE id = %s",
                [datetime(2030, 2, 27) if on_time else datetime(2030, 3, 8), task.id],
            )
            env.cr.execute(
                "UPDATE project_project SET flow_state = 'closed' WHERE id = %s", [project.id]
            )
        env.invalidate_all()
        model = (
            env["project.flow.risk.model"]
            ._cron_train()
            .filtered(lambda m: m.company_id == self.company)
        )
        self.assertGreaterEqual(model.calibration_size, 12)
        calibration = json.loads(model.calibration_json)
        self.assertEqual(calibration["method"], "platt")
        # the project's probability is the raw one through the calibration
        self.project._flow_recompute_forecast_health(today=MON_11)
        fitted = risk.Calibration.from_dict(calibration)
        self.assertGreater(fitted.apply(0.9), fitted.apply(0.8))
        self.assertAlmostEqual(
            self.project.flow_on_time_probability,
            round(fitted.apply(self.project.flow_on_time_probability_raw / 100.0) * 100.0, 1),
        )
