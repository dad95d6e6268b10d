from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common_schedule import MON_4, ScheduleCase


@tagged("post_install", "-at_install")
class TestSchedule(ScheduleCase):
    """The project scheduler: link types and lags on the working calendar,
    automatic and manual rescheduling, floats and the critical path,
    constraints and conflicts, phases."""

    @contextmanager
    def count_window_writes(self):
        """Collect the ids of the tasks whose planned window is written."""
        Task = type(self.env["project.task"])
        original = Task.write
        written = []

        def write(records, vals):
            if "planned_date_begin" in vals or "date_deadline" in vals:
                written.extend(records.ids)
            return original(records, vals)

        with patch.object(Task, "write", write):
            yield written

    # ------------------------------------------------------------------
    # Link types and lags
    # ------------------------------------------------------------------
    def test_link_types_and_lags(self):
        """A (3 days) runs Monday 4 to Wednesday 6; B (2 days) follows it by
        each link type.  Indexes of working days: see common_schedule."""
        expected = {
            # B.start >= A.finish + 1 working day: Thursday 7
            ("FS", 0): (date(2030, 3, 7), date(2030, 3, 8)),
            # two working days later: Monday 11 (the weekend is skipped)
            ("FS", 2): (date(2030, 3, 11), date(2030, 3, 12)),
            # Tuesday 12, then Thursday 14: the Wednesday holiday is skipped
            ("FS", 3): (date(2030, 3, 12), date(2030, 3, 14)),
            # a one-day lead: B overlaps A's last day
            ("FS", -1): (date(2030, 3, 6), date(2030, 3, 7)),
            # B starts a working day after A starts
            ("SS", 1): (date(2030, 3, 5), date(2030, 3, 6)),
            # B finishes a working day after A: Thursday 7, so starts Wednesday 6
            ("FF", 1): (date(2030, 3, 6), date(2030, 3, 7)),
            # B finishes no earlier than 5 working days after A starts
            # (index 5 exclusive: Friday 8), so it runs Thursday 7 - Friday 8
            ("SF", 5): (date(2030, 3, 7), date(2030, 3, 8)),
            # B may finish before A starts: the project start holds it
            ("SF", 0): (MON_4, date(2030, 3, 5)),
        }
        for (link_type, lag), (first, last) in expected.items():
            with self.subTest(link_type=link_type, lag=lag):
                project = self.new_project(f"{link_type} {lag}")
                task_a = self.new_task(project, "A", 3)
                task_b = self.new_task(project, "B", 2)
                self.assertWindow(task_a, MON_4, date(2030, 3, 6))
                self.assertWindow(task_b, MON_4, date(2030, 3, 5), "no link: at the start")
                self.link(task_a, task_b, link_type, lag)
                self.assertWindow(task_a, MON_4, date(2030, 3, 6))
                self.assertWindow(task_b, first, last)
                self.assertEqual(task_b.flow_early_start, first)
                self.assertEqual(task_b.flow_early_finish, last)

    def test_duration_from_window_and_milestones(self):
        """Without a duration of its own a task lasts its planned window in
        working days (weekend and holiday not counted); without a window it is
        a milestone, which sits on the day after its predecessor."""
        project = self.new_project()
        begin, end = self.window(date(2030, 3, 8), date(2030, 3, 14))
        windowed = self.new_task(
            project, "Windowed", 0, planned_date_begin=begin, date_deadline=end
        )
        # Friday 8, Monday 11, Tuesday 12, Thursday 14: 4 working days
        self.assertWindow(windowed, date(2030, 3, 8), date(2030, 3, 14))
        self.assertEqual(windowed.flow_early_finish, date(2030, 3, 14))
        milestone = self.new_task(project, "Milestone", 0)
        self.link(windowed, milestone)
        self.assertEqual(milestone.flow_early_start, date(2030, 3, 15))
        self.assertEqual(milestone.flow_early_finish, date(2030, 3, 15))
        self.assertEqual(milestone.planned_date_begin, milestone.date_deadline)
        self.assertEqual(
            milestone.date_deadline, self.window(date(2030, 3, 15), date(2030, 3, 15))[1]
        )

    def test_parent_task_spans_its_subtasks(self):
        project = self.new_project()
        parent = self.new_task(project, "Parent", 0)
        first = self.new_task(project, "Child 1", 2, parent_id=parent.id)
        second = self.new_task(project, "Child 2", 1, parent_id=parent.id)
        after = self.new_task(project, "After", 1)
        self.link(first, second)
        self.link(parent, after)
        self.assertWindow(first, MON_4, date(2030, 3, 5))
        self.assertWindow(second, date(2030, 3, 6), date(2030, 3, 6))
        self.assertWindow(parent, MON_4, date(2030, 3, 6), "the envelope of its subtasks")
        self.assertWindow(after, date(2030, 3, 7), date(2030, 3, 7), "after every subtask")

    def test_untouched_tasks_are_left_alone(self):
        """A task with no duration, start, constraint or dependency (a plain
        Odoo task with at most a deadline) is not planned."""
        project = self.new_project()
        deadline = self.window(date(2030, 4, 1), date(2030, 4, 1))[1]
        plain = self.new_task(project, "Plain", 0, date_deadline=deadline)
        self.new_task(project, "Planned", 2)
        project.action_flow_reschedule()
        self.assertFalse(plain.planned_date_begin)
        self.assertEqual(plain.date_deadline, deadline)
        self.assertFalse(plain.flow_early_start)

    # ------------------------------------------------------------------
    # Automatic and manual scheduling
    # ------------------------------------------------------------------
    def _chain(self, mode):
        project = self.new_project(f"Chain {mode}", mode=mode)
        task_a = self.new_task(project, "A", 3)
        task_b = self.new_task(project, "B", 2)
        task_c = self.new_task(project, "C", 1)
        task_d = self.new_task(project, "D", 1)
        self.link(task_a, task_b)
        self.link(task_b, task_c)
        if mode == "manual":
            project.action_flow_reschedule()
        self.assertWindow(task_b, date(2030, 3, 7), date(2030, 3, 8))
        self.assertWindow(task_c, date(2030, 3, 11), date(2030, 3, 11))
        self.assertWindow(task_d, MON_4, MON_4)
        return project, task_a, task_b, task_c, task_d

    def test_automatic_reschedule_moves_successors_only(self):
        project, task_a, task_b, task_c, task_d = self._chain("automatic")
        self.assertEqual(project.flow_scheduling_mode, "automatic")
        # A is dragged to Thursday 7 - Monday 11 (still 3 working days)
        begin, end = self.window(date(2030, 3, 7), date(2030, 3, 11))
        with self.count_window_writes() as written:
            task_a.write({"planned_date_begin": begin, "date_deadline": end})
        self.assertWindow(task_a, date(2030, 3, 7), date(2030, 3, 11), "the typed dates hold")
        self.assertEqual(
            (task_a.flow_constraint_type, task_a.flow_constraint_date),
            ("start_no_earlier", date(2030, 3, 7)),
            "a typed start is kept as a constraint",
        )
        self.assertEqual(task_a.flow_duration, 3)
        self.assertWindow(task_b, date(2030, 3, 12), date(2030, 3, 14), "across the holiday")
        self.assertWindow(task_c, date(2030, 3, 15), date(2030, 3, 15))
        self.assertWindow(task_d, MON_4, MON_4)
        self.assertEqual(
            sorted(written),
            sorted((task_a | task_b | task_c).ids),
            "the user's write, then only the moved successors; D is not written",
        )

        # a longer deadline is a longer duration, and pushes the successors
        task_a.date_deadline = self.window(date(2030, 3, 12), date(2030, 3, 12))[1]
        self.assertEqual(task_a.flow_duration, 4)
        self.assertWindow(task_b, date(2030, 3, 14), date(2030, 3, 15))

        # a shorter duration pulls them back
        task_a.flow_duration = 1
        self.assertWindow(task_a, date(2030, 3, 7), date(2030, 3, 7))
        self.assertWindow(task_b, date(2030, 3, 8), date(2030, 3, 11))
        self.assertWindow(task_c, date(2030, 3, 12), date(2030, 3, 12))

        # deleting a link frees its successor
        task_b.flow_predecessor_link_ids.unlink()
        self.assertWindow(task_b, MON_4, date(2030, 3, 5))
        self.assertWindow(task_c, date(2030, 3, 6), date(2030, 3, 6))

    def test_reschedule_writes_nothing_when_nothing_changed(self):
        project, *_tasks = self._chain("automatic")
        with self.count_window_writes() as written:
            stats = project._flow_reschedule()[project.id]
        self.assertEqual(written, [])
        self.assertEqual(stats["moved"], 0)

    def test_reschedule_queries_do_not_grow_with_tasks(self):
        """A handful of queries per project, however many tasks it has."""

        def queries_for(size):
            project = self.new_project(f"{size} tasks")
            tasks = self.env["project.task"].create(
                [
                    {"name": f"T{i}", "project_id": project.id, "flow_duration": 1}
                    for i in range(size)
                ]
            )
            self.env["project.task.link"].create(
                [
                    {"predecessor_id": pred.id, "successor_id": succ.id}
                    for pred, succ in zip(tasks[:-1], tasks[1:], strict=True)
                ]
            )
            self.assertGreater(tasks[-1].flow_early_start, tasks[0].flow_early_start)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            project._flow_reschedule()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_for(10), queries_for(30))

    def test_manual_mode_waits_for_reschedule(self):
        project, task_a, task_b, task_c, task_d = self._chain("manual")
        begin, end = self.window(date(2030, 3, 7), date(2030, 3, 11))
        task_a.write({"planned_date_begin": begin, "date_deadline": end})
        self.assertWindow(task_b, date(2030, 3, 7), date(2030, 3, 8), "manual: nothing moves")
        self.link(task_d, task_c)
        self.assertWindow(task_c, date(2030, 3, 11), date(2030, 3, 11))

        action = project.action_flow_reschedule()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success", "no task has a conflict")
        self.assertNotIn("conflict", action["params"]["message"])
        self.assertWindow(task_a, date(2030, 3, 7), date(2030, 3, 11), "the typed start holds")
        self.assertWindow(task_b, date(2030, 3, 12), date(2030, 3, 14))
        self.assertWindow(task_c, date(2030, 3, 15), date(2030, 3, 15))

    def test_mode_defaults(self):
        plain = self.env["project.project"].create({"name": "Plain"})
        self.assertEqual(plain.flow_scheduling_mode, "manual")
        flow = self.create_flow_project("From a template", date_start=MON_4)
        self.assertEqual(flow.flow_scheduling_mode, "automatic")

    def test_closed_and_timesheeted_tasks_are_pinned(self):
        project = self.new_project()
        task_a = self.new_task(project, "A", 2)
        task_b = self.new_task(project, "B", 1)
        task_c = self.new_task(project, "C", 1)
        self.link(task_a, task_b)
        self.assertWindow(task_b, date(2030, 3, 6), date(2030, 3, 6))
        task_b.state = "1_done"
        self.env["account.analytic.line"].create(
            {
                "name": "Work",
                "project_id": project.id,
                "task_id": task_c.id,
                "employee_id": self.employee_flow.id,
                "unit_amount": 2,
            }
        )
        task_a.flow_duration = 4
        self.assertWindow(task_b, date(2030, 3, 6), date(2030, 3, 6), "done: stays put")
        self.assertIn("requires a start on", task_b.flow_schedule_conflict)
        self.link(task_a, task_c)
        self.assertWindow(task_c, MON_4, MON_4, "with timesheets: stays put")
        self.assertTrue(task_c.flow_schedule_conflict)

    # ------------------------------------------------------------------
    # Floats, critical path, constraints
    # ------------------------------------------------------------------
    def test_floats_and_critical_path(self):
        """A (3) -> B (2) -> D (1) and A -> C (1) -> D:

        A Mon 4 - Wed 6, B Thu 7 - Fri 8, C Thu 7 (may wait until Fri 8),
        D Mon 11.  A, B, D are critical; C has one day of total and free
        float."""
        project = self.new_project()
        task_a = self.new_task(project, "A", 3)
        task_b = self.new_task(project, "B", 2)
        task_c = self.new_task(project, "C", 1)
        task_d = self.new_task(project, "D", 1)
        self.link(task_a, task_b)
        self.link(task_a, task_c)
        self.link(task_b, task_d)
        self.link(task_c, task_d)
        self.assertEqual(
            (task_c.flow_early_start, task_c.flow_late_start, task_c.flow_late_finish),
            (date(2030, 3, 7), date(2030, 3, 8), date(2030, 3, 8)),
        )
        self.assertEqual((task_c.flow_total_float, task_c.flow_free_float), (1, 1))
        for task in task_a | task_b | task_d:
            self.assertEqual(task.flow_early_start, task.flow_late_start, task.name)
            self.assertEqual(task.flow_total_float, 0, task.name)
            self.assertTrue(task.flow_critical, task.name)
        self.assertFalse(task_c.flow_critical)
        self.assertEqual(task_d.flow_late_finish, date(2030, 3, 11))
        critical = self.env["project.task"].search(
            [("project_id", "=", project.id), ("flow_critical", "=", True)]
        )
        self.assertEqual(critical, task_a | task_b | task_d, "the Critical path filter")

    def test_impossible_finish_no_later_is_flagged(self):
        project = self.new_project()
        task_a = self.new_task(project, "Design review", 3)
        task_b = self.new_task(
            project,
            "Customer demo",
            2,
            flow_constraint_type="finish_no_later",
            flow_constraint_date=date(2030, 3, 6),
        )
        self.link(task_a, task_b)
        # the links hold: the demo is not moved before the review is done
        self.assertWindow(task_b, date(2030, 3, 7), date(2030, 3, 8))
        self.assertIn("Finish no later than", task_b.flow_schedule_conflict)
        self.assertIn("2 working days late", task_b.flow_schedule_conflict)
        self.assertEqual(task_b.flow_total_float, -2)
        self.assertEqual(task_a.flow_total_float, -2, "the path into it is late too")
        conflicts = self.env["project.task"].search(
            [("project_id", "=", project.id), ("flow_schedule_conflict", "!=", False)]
        )
        self.assertEqual(conflicts, task_a | task_b, "the Conflicts filter")
        action = project.action_flow_reschedule()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("2 tasks have a schedule conflict", action["params"]["message"])

        # a lag that makes it impossible, on a task that could make it
        task_b.flow_constraint_date = date(2030, 3, 8)
        self.assertFalse(task_b.flow_schedule_conflict)
        task_b.flow_predecessor_link_ids.lag = 2
        self.assertIn("Finish no later than", task_b.flow_schedule_conflict)

        # met again: the flag goes away
        task_b.flow_constraint_date = date(2030, 3, 29)
        self.assertFalse(task_a.flow_schedule_conflict)
        self.assertFalse(task_b.flow_schedule_conflict)

    def test_start_no_earlier_constraint(self):
        project = self.new_project()
        task = self.new_task(project, "Later", 2)
        task.write(
            {"flow_constraint_type": "start_no_earlier", "flow_constraint_date": date(2030, 3, 9)}
        )
        self.assertWindow(task, date(2030, 3, 11), date(2030, 3, 12), "Saturday: the next Monday")
        with self.assertRaisesText(ValidationError, "Later", "Constraint date"):
            task.write({"flow_constraint_type": "finish_no_later", "flow_constraint_date": False})

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_negative_duration_refused(self):
        project = self.new_project()
        task = self.new_task(project, "Negative", 1)
        with self.assertRaisesText(ValidationError, "Negative", "Duration"):
            task.flow_duration = -2
        with self.assertRaisesText(ValidationError, "Born negative", "Duration"):
            self.new_task(project, "Born negative", -1)

    def test_end_before_start_refused(self):
        project = self.new_project()
        task = self.new_task(project, "Backwards", 1)
        with self.assertRaisesText(ValidationError, "Backwards", "Deadline"):
            task.date_deadline = self.window(date(2030, 3, 1), date(2030, 3, 1))[1]

    def test_cycle_refused(self):
        project = self.new_project()
        alpha = self.new_task(project, "Alpha", 1)
        beta = self.new_task(project, "Beta", 1)
        gamma = self.new_task(project, "Gamma", 1)
        self.link(alpha, beta)
        self.link(beta, gamma)
        with self.assertRaisesText(ValidationError, "cycle", "Alpha", "Beta", "Gamma"):
            self.link(gamma, alpha)
        with self.assertRaisesText(ValidationError, "Alpha", "itself"):
            self.link(alpha, alpha)
        self.assertEqual(alpha.depend_on_ids, self.env["project.task"])

    def test_cycle_through_phase_gates_refused(self):
        """A link from a task of a later phase to one of an earlier phase
        closes a cycle through the phase gates: refused, naming the tasks and
        the gates on the way."""
        project = self.create_flow_project("Gated", date_start=date(2030, 3, 7))
        release = self.phases(project)[2]
        notes = self.new_task(project, "Draft notes", 1, flow_phase_id=release.id)
        spec = project.tasks.filtered(lambda t: t.name == "Write specification")
        with self.assertRaisesText(
            ValidationError, "cycle", "Draft notes", "Write specification", "Gate: Build"
        ):
            self.link(notes, spec)
        self.assertFalse(spec.depend_on_ids)

    # ------------------------------------------------------------------
    # Phases
    # ------------------------------------------------------------------
    def test_phase_dates_follow_their_tasks(self):
        """The template of common.py from Thursday 7 (see test_template for
        the layout by hand): Design 07-11, Build 12-18, Release 19-20.
        Implement takes 5 days instead of 3: Tue 12 - Tue 19 (Wednesday 13 is
        a holiday), Unit tests Wed 20, so Build ends Wed 20 and Release (its
        bar of 2 days: a phase keeps its own duration) runs Thu 21 - Fri 22."""
        project = self.create_flow_project("Phases", date_start=date(2030, 3, 7))
        design, build, release = self.phases(project)
        self.assertEqual((build.date_start, build.date_end), (date(2030, 3, 12), date(2030, 3, 18)))
        implement = build.task_ids.filtered(lambda t: t.name == "Implement")
        deploy = release.task_ids
        implement.flow_duration = 5
        self.assertEqual(
            [(p.date_start, p.date_end) for p in (design, build, release)],
            [
                (date(2030, 3, 7), date(2030, 3, 11)),
                (date(2030, 3, 12), date(2030, 3, 20)),
                (date(2030, 3, 21), date(2030, 3, 22)),
            ],
        )
        self.assertWindow(deploy, date(2030, 3, 21), date(2030, 3, 21))
        self.assertEqual(build.milestone_id.deadline, date(2030, 3, 20))
        self.assertEqual(release.milestone_id.deadline, date(2030, 3, 22))
        self.assertEqual((project.date_start, project.date), (date(2030, 3, 7), date(2030, 3, 22)))
        self.assertTrue(implement.flow_critical)

        # a longer phase pushes the next one even when its tasks are done early
        build.duration = 8
        self.assertEqual(build.date_end, date(2030, 3, 22), "8 working days from Tuesday 12")
        self.assertEqual(release.date_start, date(2030, 3, 25))

    # ------------------------------------------------------------------
    # Across projects, and from the portal
    # ------------------------------------------------------------------
    def test_predecessor_in_another_project(self):
        """A predecessor in another project is taken where it is planned; when
        it moves, the projects depending on it are rescheduled too."""
        upstream = self.new_project("Upstream")
        downstream = self.new_project("Downstream")
        supplier = self.new_task(upstream, "Supplier delivery", 2)
        assembly = self.new_task(downstream, "Assembly", 1)
        self.link(supplier, assembly)
        self.assertWindow(assembly, date(2030, 3, 6), date(2030, 3, 6))
        supplier.flow_duration = 4
        self.assertWindow(assembly, date(2030, 3, 8), date(2030, 3, 8))

    def test_portal_collaborator_moves_a_deadline(self):
        """Project sharing: a portal collaborator may write a task's deadline;
        the duration and the successors follow (the scheduler writes what the
        collaborator may not)."""
        portal = new_test_user(
            self.env,
            login="pf_sched_portal",
            name="Pan Portal",
            groups="base.group_portal",
            context={"no_reset_password": True},
        )
        project = self.create_flow_project("Shared", date_start=date(2030, 3, 7))
        project.write(
            {
                "privacy_visibility": "portal",
                "collaborator_ids": [Command.create({"partner_id": portal.partner_id.id})],
            }
        )
        project.message_subscribe(partner_ids=portal.partner_id.ids)
        spec = project.tasks.filtered(lambda t: t.name == "Write specification")
        review = project.tasks.filtered(lambda t: t.name == "Review specification")
        self.assertWindow(review, date(2030, 3, 11), date(2030, 3, 11))
        deadline = self.window(date(2030, 3, 11), date(2030, 3, 11))[1]
        spec.with_user(portal).write({"date_deadline": deadline})
        self.assertEqual(spec.flow_duration, 3)
        self.assertWindow(review, date(2030, 3, 12), date(2030, 3, 12))
