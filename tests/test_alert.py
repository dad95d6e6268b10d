"""Delay alerts: the delay cron, the escalation ladder, resolution,
acknowledgement, notifications and access.

Dates are in March 2030 on the schedule tests' calendar (Monday to Friday,
Wednesday 13 a company holiday, Shanghai time)::

    M4 T5 W6 T7 F8 | M11 T12 (W13 off) T14 F15 | M18 T19

A task due on Friday 8 is, at noon in Shanghai, 1 working day late on
Monday 11, 2 on Tuesday 12 (level 1 with the default threshold of 2), 4 on
Friday 15 (level 2 at 2 × 2) and 6 on Tuesday 19 (level 3 at 3 × 2).
"""

from datetime import date, datetime, timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.flow_delay_detector import DelayDetector
from .common_schedule import MON_4, ScheduleCase

FRI_8 = date(2030, 3, 8)
MON_11 = date(2030, 3, 11)
TUE_12 = date(2030, 3, 12)
FRI_15 = date(2030, 3, 15)
TUE_19 = date(2030, 3, 19)


def noon(day):
    """Noon in Shanghai on ``day``, as the UTC datetime the cron runs at."""
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=4)


@tagged("post_install", "-at_install")
class TestAlert(ScheduleCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Alert = env["project.flow.alert"]
        cls.Notification = env["project.flow.notification"]
        cls.company.write(
            {
                "flow_delay_threshold": 2,
                "flow_delay_level2_factor": 2.0,
                "flow_delay_level3_factor": 3.0,
                "flow_alert_management_user_ids": [Command.set(cls.user_flow_admin.ids)],
            }
        )
        cls.role_sponsor = env.ref("project_flow.role_sponsor")
        # Lin Flowuser works in R&D, whose manager is Deng Approver
        manager_employee = env["hr.employee"].create(
            {"name": cls.user_approver2.name, "user_id": cls.user_approver2.id}
        )
        department = env["hr.department"].create({"name": "R&D", "manager_id": manager_employee.id})
        cls.employee_flow.department_id = department

        cls.project = cls.new_project("Late project", mode="manual")
        cls.project.write(
            {
                "user_id": cls.user_manager.id,
                "flow_member_ids": [
                    Command.create(
                        {"role_id": cls.role_sponsor.id, "user_id": cls.user_approver.id}
                    )
                ],
            }
        )
        begin, deadline = cls.window(MON_4, FRI_8)
        cls.task = cls.new_task(
            cls.project,
            "Write the test plan",
            5,
            user_ids=[Command.set(cls.user_flow.ids)],
            planned_date_begin=begin,
            date_deadline=deadline,
        )
        # "Late project" has no template: the company asks every project for
        # the flow lifecycle, which makes it a flow project (and watched)
        cls.company.flow_require_initiation = True

    def detect(self, day):
        return self.Alert._cron_detect_delays(now=noon(day))

    def test_plain_projects_are_not_watched(self):
        """Without a template, and without the company's lifecycle setting,
        a project behaves as in plain Odoo: no delay alerts."""
        self.company.flow_require_initiation = False
        self.detect(TUE_12)
        self.assertFalse(self.alerts())
        self.company.flow_require_initiation = True
        self.detect(TUE_12)
        self.assertTrue(self.alerts())
        # back to plain: its open alerts are resolved as no longer watched
        self.company.flow_require_initiation = False
        self.detect(TUE_12)
        self.assertEqual(set(self.alerts().mapped("resolution")), {"cancelled"})

    def alerts(self, record=None):
        record = record or self.task
        field = {
            "project.task": "task_id",
            "project.flow.phase": "phase_id",
            "project.milestone": "milestone_id",
        }[record._name]
        return self.Alert.search([(field, "=", record.id)]).sorted(lambda a: (a.kind, a.level))

    def level(self, alerts, level, kind=None):
        found = alerts.filtered(lambda a: a.level == str(level) and (not kind or a.kind == kind))
        self.assertEqual(len(found), 1, f"one level {level} alert expected")
        return found

    # ------------------------------------------------------------------
    # Detection and the ladder
    # ------------------------------------------------------------------
    def test_not_late_enough(self):
        self.detect(MON_11)
        self.assertFalse(self.alerts(), "1 working day late is below the threshold of 2")

    def test_late_task_level1_to_assignees_and_pm(self):
        self.detect(TUE_12)
        alert = self.alerts()
        self.assertEqual(len(alert), 1)
        self.assertRecordValues(
            alert,
            [
                {
                    "kind": "task",
                    "level": "1",
                    "project_id": self.project.id,
                    "state": "open",
                    "delay_days": 2,
                    "threshold": 2,
                    "planned_date": FRI_8,
                    "object_ref": f"project.task,{self.task.id}",
                }
            ],
        )
        self.assertEqual(alert.recipient_user_ids, self.user_flow | self.user_manager)
        rows = self.Notification.search(
            [("res_model", "=", alert._name), ("res_id", "=", alert.id)]
        )
        self.assertEqual(
            rows.filtered(lambda r: r.kind == "odoo").user_id, alert.recipient_user_ids
        )
        self.assertTrue(all(row.key.startswith(f"alert:{alert.id}:") for row in rows))
        self.assertIn("Write the test plan", rows[0].subject)
        self.assertIn("2 working days late", rows[0].subject)
        self.assertIn("Late project", rows[0].body)
        self.assertEqual(self.task.flow_alert_count, 1)
        self.assertEqual(self.project.flow_alert_count, 1)

    def test_weekend_and_holiday_are_not_late_days(self):
        # due Tuesday 12: Wednesday 13 is a holiday, Thursday 14 is day 1
        begin, deadline = self.window(MON_4, TUE_12)
        self.task.write({"planned_date_begin": begin, "date_deadline": deadline})
        self.detect(date(2030, 3, 14))
        self.assertFalse(self.alerts())
        self.detect(FRI_15)
        self.assertEqual(self.alerts().mapped("delay_days"), [2])

    def test_level2_and_level3_recipients(self):
        self.detect(FRI_15)
        alerts = self.alerts()
        self.assertEqual(alerts.mapped("level"), ["1", "2"])
        level2 = self.level(alerts, 2)
        self.assertEqual(level2.delay_days, 4)
        # project manager, the assignee's department manager, the sponsor
        self.assertEqual(
            level2.recipient_user_ids, self.user_manager | self.user_approver2 | self.user_approver
        )
        self.detect(TUE_19)
        alerts = self.alerts()
        self.assertEqual(alerts.mapped("level"), ["1", "2", "3"])
        level3 = self.level(alerts, 3)
        # the sponsor and management
        self.assertEqual(level3.recipient_user_ids, self.user_approver | self.user_flow_admin)
        self.assertEqual(alerts.mapped("delay_days"), [6, 6, 6], "every level shows today's delay")

    def test_rerun_creates_nothing_twice(self):
        self.detect(FRI_15)
        alerts = self.alerts()
        self.assertEqual(len(alerts), 2)
        domain = [("res_model", "=", alerts._name), ("res_id", "in", alerts.ids)]
        notifications = self.Notification.search(domain)
        self.assertTrue(notifications)
        # the whole run again: every late object of the database is checked again
        total = self.Alert.search_count([])
        second = self.detect(FRI_15)
        self.assertEqual(second.get("created", 0), 0)
        self.assertEqual(self.Alert.search_count([]), total)
        self.assertEqual(self.alerts(), alerts)
        self.assertEqual(self.Notification.search(domain), notifications)
        # a later run updates the delay of the existing alerts, no new notification
        self.detect(date(2030, 3, 18))
        self.assertEqual(self.alerts().mapped("delay_days"), [5, 5])
        self.assertEqual(self.Notification.search(domain), notifications)

    def test_unique_per_object_and_level(self):
        self.detect(TUE_12)
        alert = self.alerts()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                alert.copy()

    def test_alert_created_meanwhile_by_another_worker(self):
        """Between reading the existing alerts and creating the missing ones,
        another cron worker may create the same alert: the unique constraint
        stops the second one and the run goes on without it."""
        self.detect(TUE_12)
        alert = self.alerts()
        detector = DelayDetector(self.Alert.sudo(), noon(TUE_12), 1000)
        vals = {
            "name": alert.name,
            "object_ref": alert.object_ref,
            "kind": "task",
            "level": "1",
            "project_id": self.project.id,
            "task_id": self.task.id,
        }
        with mute_logger("odoo.sql_db"):
            created = detector._create([vals])
        self.assertFalse(created)
        self.assertEqual(detector.stats["raced"], 1)
        self.assertEqual(self.alerts(), alert)

    def test_small_batches_give_the_same_result(self):
        other = self.new_task(
            self.project,
            "Review the test plan",
            2,
            user_ids=[Command.set(self.user_qa.ids)],
            planned_date_begin=self.window(MON_4, MON_4)[0],
            date_deadline=self.window(MON_4, date(2030, 3, 5))[1],
        )
        self.Alert._cron_detect_delays(batch_size=1, now=noon(TUE_12))
        self.assertEqual(self.alerts().mapped("level"), ["1"])
        # due Tuesday 5: W6 T7 F8 M11 T12 = 5 working days, level 2
        self.assertEqual(self.alerts(other).mapped("level"), ["1", "2"])

    # ------------------------------------------------------------------
    # Baseline
    # ------------------------------------------------------------------
    def test_delay_against_the_baseline(self):
        self.project._flow_capture_baseline("manual")
        # replanned to Tuesday 12: 2 days late on Friday 15 against the plan,
        # 4 against the baseline (Friday 8)
        begin, deadline = self.window(MON_4, TUE_12)
        self.task.write({"planned_date_begin": begin, "date_deadline": deadline})
        self.detect(FRI_15)
        alert = self.alerts()
        self.assertEqual(len(alert), 1, "levels follow the current plan")
        self.assertRecordValues(
            alert,
            [
                {
                    "delay_days": 2,
                    "delay_baseline_days": 4,
                    "planned_date": TUE_12,
                    "baseline_date": FRI_8,
                }
            ],
        )

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------
    def test_resolved_when_done(self):
        self.detect(FRI_15)
        self.task.state = "1_done"
        self.detect(TUE_19)
        alerts = self.alerts()
        self.assertEqual(alerts.mapped("state"), ["resolved", "resolved"])
        self.assertEqual(set(alerts.mapped("resolution")), {"done"})
        self.assertEqual(alerts[0].resolved_date, noon(TUE_19))

    def test_resolved_when_cancelled(self):
        self.detect(FRI_15)
        self.task.state = "1_canceled"
        self.detect(FRI_15)
        self.assertEqual(set(self.alerts().mapped("resolution")), {"cancelled"})

    def test_resolved_when_replanned(self):
        self.detect(FRI_15)
        begin, deadline = self.window(MON_4, date(2030, 3, 22))
        self.task.write({"planned_date_begin": begin, "date_deadline": deadline})
        self.detect(FRI_15)
        alerts = self.alerts()
        self.assertEqual(set(alerts.mapped("state")), {"resolved"})
        self.assertEqual(set(alerts.mapped("resolution")), {"replanned"})

    def test_partly_replanned_resolves_the_upper_level_only(self):
        self.detect(FRI_15)
        # due Tuesday 12 now: 2 days late on Friday 15, level 1 only
        begin, deadline = self.window(MON_4, TUE_12)
        self.task.write({"planned_date_begin": begin, "date_deadline": deadline})
        self.detect(FRI_15)
        level1, level2 = self.alerts()
        self.assertEqual((level1.state, level1.delay_days), ("open", 2))
        self.assertEqual((level2.state, level2.resolution), ("resolved", "replanned"))
        # late again: the same level 2 alert opens again, nothing is created twice
        self.detect(TUE_19)
        self.assertEqual(self.alerts(), level1 | level2)
        self.assertEqual(level2.state, "open")
        self.assertFalse(level2.resolution)

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------
    def test_acknowledge_with_comment(self):
        self.detect(TUE_12)
        alert = self.alerts()
        action = alert.with_user(self.user_flow).action_acknowledge()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_flow)
            .with_context(**action["context"])
        )
        wizard_form.comment = "Waiting for the lab; done Thursday."
        wizard_form.save().action_confirm()
        self.assertRecordValues(
            alert,
            [
                {
                    "state": "acknowledged",
                    "acknowledged_by_id": self.user_flow.id,
                    "acknowledge_comment": "Waiting for the lab; done Thursday.",
                }
            ],
        )
        self.assertIn("Waiting for the lab; done Thursday.", alert.message_ids[0].body)
        self.assertEqual(alert.message_ids[0].author_id, self.user_flow.partner_id)
        # acknowledged alerts are still checked and resolved
        self.task.state = "1_done"
        self.detect(FRI_15)
        self.assertEqual((alert.state, alert.resolution), ("resolved", "done"))

    def test_acknowledge_needs_a_comment(self):
        self.detect(TUE_12)
        with self.assertRaisesText(UserError, "comment"):
            self.alerts().with_user(self.user_flow)._flow_acknowledge("  ")
        self.assertEqual(self.alerts().state, "open")

    def test_only_recipients_and_managers_acknowledge(self):
        self.detect(TUE_12)
        alert = self.alerts()
        # Qiu Tester sees the project but is no recipient
        self.assertTrue(alert.with_user(self.user_qa).has_access("read"))
        with self.assertRaisesText(AccessError, alert.name):
            alert.with_user(self.user_qa)._flow_acknowledge("Not mine")
        # a flow manager may
        alert.with_user(self.user_flow_admin)._flow_acknowledge("Taken over by the PMO")
        self.assertEqual(alert.acknowledged_by_id, self.user_flow_admin)
        self.task.state = "1_done"
        self.detect(FRI_15)
        with self.assertRaisesText(UserError, "resolved"):
            alert.with_user(self.user_flow)._flow_acknowledge("Too late")

    # ------------------------------------------------------------------
    # Thresholds
    # ------------------------------------------------------------------
    def test_company_threshold_and_factors(self):
        self.company.write(
            {
                "flow_delay_threshold": 3,
                "flow_delay_level2_factor": 1.5,
                "flow_delay_level3_factor": 2,
            }
        )
        # ladder 3, 5, 6: on Tuesday 12 (2 days) nothing, Friday 15 (4) level 1
        self.detect(TUE_12)
        self.assertFalse(self.alerts())
        self.detect(FRI_15)
        self.assertEqual(self.alerts().mapped("level"), ["1"])
        self.assertEqual(self.alerts().threshold, 3)
        self.detect(TUE_19)
        self.assertEqual(self.alerts().mapped("level"), ["1", "2", "3"])

    def test_invalid_company_ladder(self):
        with self.assertRaisesText(ValidationError, "Delay threshold"):
            self.company.flow_delay_threshold = 0
        with self.assertRaisesText(ValidationError, "Level 2"):
            self.company.write({"flow_delay_level2_factor": 3, "flow_delay_level3_factor": 2})

    # ------------------------------------------------------------------
    # Notifications in each recipient's language
    # ------------------------------------------------------------------
    def test_notifications_in_the_recipients_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.user_flow.lang = "zh_CN"
        self.detect(TUE_12)
        alert = self.alerts()
        rows = self.Notification.search(
            [("res_model", "=", alert._name), ("res_id", "=", alert.id), ("kind", "=", "odoo")]
        )
        by_user = {row.user_id: row for row in rows}
        self.assertEqual(by_user[self.user_flow].lang, "zh_CN")
        self.assertEqual(by_user[self.user_manager].lang, "en_US")
        # the planned date is written the Chinese way for Lin, the English way for Wang
        self.assertIn("2030年03月08日", by_user[self.user_flow].body)
        self.assertIn("03/08/2030", by_user[self.user_manager].body)


@tagged("post_install", "-at_install")
class TestAlertFlowProject(ScheduleCase):
    """Phases and milestones of a project made from a flow template."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["project.flow.alert"]
        cls.company.flow_delay_threshold = 2
        cls.project = cls.create_flow_project("Flow alerts")
        cls.project.flow_scheduling_mode = "manual"
        cls.start_flow_project(cls.project)
        cls.design = cls.phases(cls.project)[0]
        cls.design.sudo().write(
            {
                "date_start": MON_4,
                "date_end": date(2030, 3, 5),
                "date_actual_start": MON_4,
                "duration": 2,
            }
        )
        # the tasks of the template have their own dates: keep them out
        cls.project.task_ids.write({"date_deadline": False, "planned_date_begin": False})

    def detect(self, day):
        return self.Alert._cron_detect_delays(now=noon(day))

    def phase_alerts(self, kind):
        return self.Alert.search([("phase_id", "=", self.design.id), ("kind", "=", kind)]).sorted(
            "level"
        )

    def test_phase_late_and_over_its_duration(self):
        self.assertEqual(self.design.state, "open")
        # end Tuesday 5: W6 T7 F8 M11 T12 = 5 days late, level 2;
        # open since Monday 4: 7 working days for a 2-day phase, 5 over, level 2
        self.detect(TUE_12)
        late = self.phase_alerts("phase")
        self.assertEqual(late.mapped("level"), ["1", "2"])
        self.assertEqual(late.mapped("delay_days"), [5, 5])
        # level 1 of a phase: its responsible and the project manager
        self.assertEqual(late[0].recipient_user_ids, self.design.user_id | self.project.user_id)
        sla = self.phase_alerts("phase_sla")
        self.assertEqual(sla.mapped("level"), ["1", "2"])
        self.assertEqual(sla.mapped("delay_days"), [5, 5])
        self.assertNotEqual(late[0].object_ref, sla[0].object_ref)

    def test_phase_done_resolves(self):
        self.detect(TUE_12)
        self.pass_gate(self.design)
        self.assertEqual(self.design.state, "done")
        self.detect(TUE_12)
        alerts = self.phase_alerts("phase") | self.phase_alerts("phase_sla")
        self.assertEqual(set(alerts.mapped("resolution")), {"done"})

    def test_threshold_chain_company_template_phase(self):
        self.assertEqual(self.design.delay_threshold, 0, "a phase inherits by default")
        self.assertEqual(self.template.delay_threshold, 0, "a template inherits by default")
        # template 5: the 5 days late reach level 1 only (level 2 at 10)
        self.template.delay_threshold = 5
        self.detect(TUE_12)
        self.assertEqual(self.phase_alerts("phase").mapped("level"), ["1"])
        self.assertEqual(self.phase_alerts("phase").threshold, 5)
        # phase 1 overrides the template: level 3 at 3 days
        self.design.delay_threshold = 1
        self.detect(TUE_12)
        self.assertEqual(self.phase_alerts("phase").mapped("level"), ["1", "2", "3"])
        self.assertEqual(set(self.phase_alerts("phase").mapped("threshold")), {1})
        # back to inherit everywhere: the company's 2, level 2
        self.design.delay_threshold = 0
        self.template.delay_threshold = 0
        self.detect(TUE_12)
        open_alerts = self.phase_alerts("phase").filtered(lambda a: a.state == "open")
        self.assertEqual(open_alerts.mapped("level"), ["1", "2"])

    def test_milestone_missed(self):
        milestone = self.design.milestone_id
        self.assertTrue(milestone)
        milestone.deadline = FRI_8
        self.detect(TUE_12)
        alert = self.Alert.search([("milestone_id", "=", milestone.id)])
        self.assertEqual(alert.mapped("level"), ["1"])
        self.assertEqual(alert.delay_days, 2)
        self.assertIn(self.project.user_id, alert.recipient_user_ids)
        milestone.is_reached = True
        self.detect(TUE_12)
        self.assertEqual((alert.state, alert.resolution), ("resolved", "done"))

    def test_project_not_running_is_not_checked(self):
        draft = self.create_flow_project("Not started")
        phase = self.phases(draft)[0]
        phase.write({"date_start": MON_4, "date_end": date(2030, 3, 5)})
        self.detect(TUE_12)
        self.assertFalse(self.Alert.search([("project_id", "=", draft.id)]))


@tagged("post_install", "-at_install")
class TestAlertAccess(ScheduleCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["project.flow.alert"]
        cls.private = cls.new_project("Private", mode="manual")
        cls.private.write({"privacy_visibility": "followers", "user_id": cls.user_manager.id})
        begin, deadline = cls.window(MON_4, FRI_8)
        cls.task = cls.new_task(
            cls.private,
            "Secret task",
            5,
            user_ids=[Command.set(cls.user_flow.ids)],
            planned_date_begin=begin,
            date_deadline=deadline,
        )
        cls.company_b = cls.env["res.company"].create({"name": "Flow B"})
        cls.project_b = cls.new_project("Other company", mode="manual", company=cls.company_b)
        cls.task_b = cls.new_task(
            cls.project_b,
            "Task of B",
            5,
            planned_date_begin=begin,
            date_deadline=deadline,
        )
        # these projects have no template: their companies ask every project
        # for the flow lifecycle, so they are flow projects (and watched)
        (cls.company | cls.company_b).flow_require_initiation = True
        cls.Alert._cron_detect_delays(now=noon(TUE_12))
        cls.alert = cls.Alert.search([("task_id", "=", cls.task.id)])
        cls.alert_b = cls.Alert.search([("task_id", "=", cls.task_b.id)])

    def test_recipients_see_their_alerts(self):
        self.assertTrue(self.alert and self.alert_b)
        self.assertIn(self.user_flow, self.alert.recipient_user_ids)
        self.assertTrue(self.alert.with_user(self.user_flow).has_access("read"))

    def test_other_users_do_not_see_private_projects(self):
        self.assertFalse(self.alert.with_user(self.user_qa).has_access("read"))
        mine = self.Alert.with_user(self.user_qa).search([("id", "=", self.alert.id)])
        self.assertFalse(mine)

    def test_users_without_flow_rights_see_nothing(self):
        with self.assertRaises(AccessError):
            self.Alert.with_user(self.user_outsider).search([])

    def test_users_cannot_write_alerts(self):
        with self.assertRaises(AccessError):
            self.alert.with_user(self.user_flow).write({"state": "resolved"})

    def test_multi_company(self):
        manager = self.user_flow_admin
        self.assertNotIn(self.company_b, manager.company_ids)
        visible = self.Alert.with_user(manager).search(
            [("id", "in", (self.alert | self.alert_b).ids)]
        )
        self.assertEqual(visible, self.alert)
