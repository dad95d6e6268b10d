from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowBaseline(ProjectFlowCase):
    """Baselines: taken when the initiation is approved, at every gate and on
    demand; variances in working days against the reference baseline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template.initiation_policy_id = cls.env["project.flow.approval.policy"].create(
            {
                "name": "Sponsor approves",
                "approval_rule": "any",
                "approver_line_ids": [
                    Command.create({"approver_type": "user", "user_id": cls.user_approver.id})
                ],
            }
        )
        cls.project = cls.create_flow_project("Baselined", date_start=date(2030, 3, 11))
        cls.design, cls.build, cls.release = cls.phases(cls.project)
        tasks = {t.flow_template_task_id: t for t in cls.project.tasks}
        cls.task_spec = tasks[cls.ttask_spec]
        cls.task_review = tasks[cls.ttask_review]

        # A plan laid by hand (no template: nothing reschedules it), from
        # Monday 2030-03-11: "Review" is on the Wednesday, so moving it 3
        # working days later crosses a weekend.
        cls.plain = cls.env["project.project"].create({"name": "Plain plan"})
        cls.plain_tasks = cls.env["project.task"].create(
            [
                cls._planned_task_values(cls.plain, name, first_day, last_day)
                for name, first_day, last_day in (
                    ("Draft", date(2030, 3, 11), date(2030, 3, 12)),
                    ("Review", date(2030, 3, 13), date(2030, 3, 13)),
                    ("Publish", date(2030, 3, 14), date(2030, 3, 15)),
                )
            ]
        )
        cls.plain_review = cls.plain_tasks[1]
        cls.flush_tracking_cls()

    @classmethod
    def _planned_task_values(cls, project, name, first_day, last_day):
        begin, end = project._flow_datetime_window(first_day, last_day)
        return {
            "name": name,
            "project_id": project.id,
            "planned_date_begin": begin,
            "date_deadline": end,
            "allocated_hours": 8,
        }

    def _approve_initiation(self):
        self.project.with_user(self.user_manager).action_flow_submit()
        self._approve_initiation_pending()
        self.assertEqual(self.project.flow_state, "running")

    def _approve_initiation_pending(self):
        approval = self.project.flow_approval_ids.filtered(lambda a: a.state == "pending")
        approval.with_user(approval.user_id).action_approve("Go")

    def _local_dates(self, task):
        return self.env["project.project"]._flow_task_local_dates(task)[task.id]

    def _move(self, task, working_days):
        """Move a task's planned window by ``working_days`` on the project calendar."""
        project = task.project_id
        start, finish = self._local_dates(task)
        calendar = project._flow_work_calendar(start - timedelta(days=30), span_days=90)
        begin, end = project._flow_datetime_window(
            calendar.shift(start, working_days), calendar.shift(finish, working_days)
        )
        task.with_user(self.user_manager).write({"planned_date_begin": begin, "date_deadline": end})

    def _capture(self, project):
        action = project.with_user(self.user_manager).action_flow_capture_baseline()
        return self.env["project.flow.baseline"].browse(action["res_id"])

    def _baselines(self):
        return self.project.flow_baseline_ids.sorted(lambda b: (b.date, b.id))

    # ------------------------------------------------------------------
    # Capture
    # ------------------------------------------------------------------
    def test_initiation_approval_takes_baseline(self):
        self.assertFalse(self.project.flow_baseline_ids)
        self.project.with_user(self.user_manager).action_flow_submit()
        self.assertFalse(self.project.flow_baseline_ids, "not before the approval")
        self._approve_initiation_pending()

        baseline = self.project.flow_baseline_ids
        self.assertEqual(len(baseline), 1)
        self.assertEqual(baseline.reason, "initiation")
        self.assertEqual(baseline.user_id, self.user_approver, "who approved, not the superuser")
        self.assertFalse(baseline.phase_id)
        self.assertIn("Initiation approved", baseline.name)
        self.assertEqual(self.project.flow_baseline_id, baseline)
        self.assertTrue(baseline.is_reference)
        self.assertEqual((baseline.task_line_count, baseline.phase_line_count), (5, 3))

        lines = {line.task_id: line for line in baseline.line_ids if line.is_task}
        self.assertEqual(set(lines), set(self.project.tasks))
        for task, line in lines.items():
            self.assertEqual((line.date_start, line.date_finish), self._local_dates(task))
            self.assertEqual(line.name, task.name)
            self.assertEqual(line.phase_id, task.flow_phase_id)
            self.assertEqual(line.duration, task.flow_duration)
        self.assertEqual(lines[self.task_spec].allocated_hours, 16)
        for phase in self.design | self.build | self.release:
            line = baseline.line_ids.filtered(
                lambda li, p=phase: li.phase_id == p and not li.is_task
            )
            self.assertEqual(len(line), 1)
            self.assertEqual(
                (line.date_start, line.date_finish), (phase.date_start, phase.date_end)
            )
            self.assertFalse(line.task_id)
        self.assertIn(baseline.name, self.message_bodies(self.project))

    def test_every_gate_takes_baseline(self):
        self._approve_initiation()
        self.pass_gate(self.design)  # no approval rule: passed at once
        self.pass_gate(self.build)  # approved by the approver
        baselines = self._baselines()
        self.assertEqual(baselines.mapped("reason"), ["initiation", "gate", "gate"])
        self.assertEqual(baselines.mapped("phase_id"), self.design | self.build)
        self.assertEqual(baselines[2].user_id, self.user_approver)
        self.assertIn("Build", baselines[2].name)
        self.assertEqual(self.project.flow_baseline_id, baselines[2], "the latest is the reference")

        # a gate forced by a flow manager takes one too, saying so
        self.release.with_user(self.user_manager)._flow_override("Customer waits")
        latest = self._baselines()[-1]
        self.assertEqual((latest.reason, latest.phase_id), ("gate_override", self.release))
        self.assertEqual(latest.user_id, self.user_manager)
        self.assertEqual(self.project.flow_baseline_id, latest)

    def test_manual_capture_by_flow_managers_only(self):
        self._approve_initiation()
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_flow).action_flow_capture_baseline()
        action = self.project.with_user(self.user_manager).action_flow_capture_baseline()
        baseline = self.env["project.flow.baseline"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "project.flow.baseline")
        self.assertEqual((baseline.reason, baseline.user_id), ("manual", self.user_manager))
        self.assertEqual(self.project.flow_baseline_id, baseline)
        self.assertEqual(len(self.project.flow_baseline_ids), 2)
        self.assertEqual(self.project.flow_baseline_count, 2)

        # a snapshot: renamed, not rewritten, and not made up through RPC
        baseline.with_user(self.user_manager).name = "Agreed with the customer"
        with self.assertRaisesText(UserError, "only its name and note"):
            baseline.with_user(self.user_manager).write({"reason": "gate"})
        with self.assertRaises(AccessError):
            self.env["project.flow.baseline"].with_user(self.user_manager).create(
                {"project_id": self.project.id, "name": "Made up"}
            )
        with self.assertRaises(AccessError):
            baseline.line_ids[:1].with_user(self.user_manager).write({"date_finish": date.today()})
        with self.assertRaises(AccessError):
            baseline.with_user(self.user_flow).action_set_reference()

    # ------------------------------------------------------------------
    # Variance
    # ------------------------------------------------------------------
    def test_variance_in_working_days_across_a_weekend(self):
        review = self.plain_review
        self.assertFalse(review.flow_baseline_finish, "no baseline yet")
        self.assertEqual(review.flow_finish_variance, 0)
        self._capture(self.plain)
        self.assertEqual(
            (review.flow_baseline_start, review.flow_baseline_finish),
            (date(2030, 3, 13), date(2030, 3, 13)),
        )
        self.assertEqual((review.flow_start_variance, review.flow_finish_variance), (0, 0))

        self._move(review, 3)
        start, finish = self._local_dates(review)
        self.assertEqual(finish, date(2030, 3, 18), "Wednesday + 3 working days is Monday")
        self.assertEqual((finish - review.flow_baseline_finish).days, 5, "a weekend in between")
        self.assertEqual(review.flow_baseline_finish, date(2030, 3, 13), "the baseline stays")
        self.assertEqual((review.flow_start_variance, review.flow_finish_variance), (3, 3))

        self._move(review, -4)
        self.assertEqual(self._local_dates(review), (date(2030, 3, 12), date(2030, 3, 12)))
        self.assertEqual((review.flow_start_variance, review.flow_finish_variance), (-1, -1))
        self.assertEqual(self.plain_tasks[0].flow_finish_variance, 0, "other tasks did not move")

        # without a start date there is nothing to compare the start with
        review.with_user(self.user_manager).write({"planned_date_begin": False})
        self.assertEqual(review.flow_start_variance, 0)
        self.assertEqual(review.flow_baseline_start, date(2030, 3, 13))

    def test_variance_of_flow_tasks(self):
        self._approve_initiation()
        review = self.task_review
        baseline_finish = self._local_dates(review)[1]
        self.assertEqual(review.flow_baseline_finish, baseline_finish)
        self._move(review, 2)
        self.assertEqual(review.flow_baseline_finish, baseline_finish)
        self.assertEqual(review.flow_finish_variance, 2)

    def test_variance_of_phases(self):
        self._approve_initiation()
        build = self.build
        self.assertEqual(
            (build.baseline_start, build.baseline_finish), (build.date_start, build.date_end)
        )
        self.assertEqual(build.finish_variance, 0)
        calendar = self.project._flow_work_calendar(build.date_start, span_days=60)
        planned_end = build.date_end
        build.with_user(self.user_manager).date_end = calendar.shift(planned_end, 2)
        self.assertEqual((build.start_variance, build.finish_variance), (0, 2))
        self.assertEqual(build.baseline_finish, planned_end)

    def test_several_baselines_compared(self):
        first = self._capture(self.plain)
        self._move(self.plain_review, 3)
        second = self._capture(self.plain)
        self.assertEqual(self.plain.flow_baseline_id, second)
        self.assertEqual(self.plain_review.flow_finish_variance, 0, "measured against the latest")

        # measure against the first one again
        first.with_user(self.user_manager).action_set_reference()
        self.assertEqual(self.plain.flow_baseline_id, first)
        self.assertTrue(first.is_reference)
        self.assertFalse(second.is_reference)
        self.assertEqual(self.plain_review.flow_finish_variance, 3)

        # side by side: the lines of both baselines, grouped by task
        action = (first | second).with_user(self.user_flow).action_compare()
        self.assertEqual(action["res_model"], "project.flow.baseline.line")
        Line = self.env["project.flow.baseline.line"].with_user(self.user_flow)
        domain = action["domain"] + [("is_task", "=", True)]
        lines = Line.search(domain + [("task_id", "=", self.plain_review.id)])
        self.assertEqual(
            {(line.baseline_id, line.date_finish, line.finish_variance) for line in lines},
            {(first, date(2030, 3, 13), 3), (second, date(2030, 3, 18), 0)},
        )
        self.assertTrue(all(line.current_date_finish == date(2030, 3, 18) for line in lines))
        groups = Line._read_group(domain, ["task_id"], ["__count"])
        self.assertEqual(len(groups), 3)
        self.assertTrue(all(count == 2 for _task, count in groups))

    def test_deleted_reference_and_deleted_task(self):
        self._approve_initiation()
        first = self.project.flow_baseline_id
        self.project.with_user(self.user_manager).action_flow_capture_baseline()
        second = self.project.flow_baseline_id
        self.assertNotEqual(first, second)

        name = self.task_spec.name
        self.task_spec.unlink()
        line = first.line_ids.filtered(lambda li: li.is_task and li.name == name)
        self.assertEqual(len(line), 1)
        self.assertFalse(line.task_id, "the line stays, without its task")

        second.with_user(self.user_manager).unlink()
        self.assertEqual(self.project.flow_baseline_id, first, "back to the latest remaining")

    def test_forms_render(self):
        self._approve_initiation()
        baseline = self.project.flow_baseline_id
        for record in (baseline, self.project, self.task_review, self.build):
            self.assertTrue(Form(record.with_user(self.user_flow)).id)
        self.assertTrue(Form(self.project.with_user(self.user_manager)).id)

    def test_capture_and_variances_in_batch(self):
        """Taking a baseline and reading the variances of a project's tasks
        cost the same number of queries for 3 tasks as for 23."""

        def queries_to_capture_and_compare():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._capture(self.plain)
            self.env.invalidate_all()
            tasks = self.plain.with_user(self.user_manager).task_ids
            tasks.mapped("flow_finish_variance")
            self.plain.flow_baseline_id.line_ids.mapped("finish_variance")
            return self.env.cr.sql_log_count - before

        queries_to_capture_and_compare()  # warm up the caches of the registry
        few = queries_to_capture_and_compare()
        self.env["project.task"].create(
            [
                self._planned_task_values(
                    self.plain, f"More {i}", date(2030, 3, 18), date(2030, 3, 19)
                )
                for i in range(20)
            ]
        )
        self.assertEqual(len(self.plain.task_ids), 23)
        # warm up again: creating tasks leaves other caches (the company of
        # the project's calendar) cold, which costs one query once
        queries_to_capture_and_compare()
        self.assertEqual(queries_to_capture_and_compare(), few)
