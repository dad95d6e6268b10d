from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowGate(ProjectFlowCase):
    """Phase gates: completion criteria, hard vs soft, order of phases, and
    tasks of phases that have not opened - enforced on every path in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.start_flow_project(cls.create_flow_project("Gatekeeper"))
        cls.design, cls.build, cls.release = cls.phases(cls.project)
        tasks = {t.flow_template_task_id: t for t in cls.project.tasks}
        cls.task_spec = tasks[cls.ttask_spec]
        cls.task_review = tasks[cls.ttask_review]
        cls.task_implement = tasks[cls.ttask_implement]
        cls.task_unit = tasks[cls.ttask_unit]
        cls.task_deploy = tasks[cls.ttask_deploy]
        cls.deliv_spec, cls.deliv_checklist, cls.deliv_moodboard = cls.design.deliverable_ids
        cls.flush_tracking_cls()

    def test_running_project_opens_first_phase(self):
        self.assertEqual(self.project.flow_state, "running")
        self.assertEqual(
            (self.design.state, self.build.state, self.release.state), ("open", "draft", "draft")
        )
        self.assertTrue(self.design.date_actual_start)
        self.assertEqual(self.project.flow_current_phase_id, self.design)

    def test_phase_progress(self):
        design = self.design
        self.assertEqual(
            (design.task_count, design.task_closed_count, design.progress), (2, 0, 0.0)
        )
        self.task_spec.with_user(self.user_flow).write({"state": "1_done"})
        self.assertEqual(
            (design.task_count, design.task_closed_count, design.progress), (2, 1, 50.0)
        )
        self.assertEqual(self.build.progress, 0.0)

    def test_forms_render_for_the_team(self):
        """The forms a flow user opens compute every field they show."""
        for record in (self.design, self.project, self.task_spec, self.template):
            form = Form(record.with_user(self.user_flow))
            self.assertTrue(form.id)
        self.assertIn("Specification", Form(self.design.with_user(self.user_flow)).gate_status)

    # ------------------------------------------------------------------
    # Completion criteria
    # ------------------------------------------------------------------
    def test_hard_gate_needs_required_deliverables(self):
        self.close_tasks(self.design)
        submit = self.design.with_user(self.user_manager).action_submit_gate
        with self.assertRaises(UserError) as error:
            submit()
        message = str(error.exception)
        self.assertIn("Gatekeeper / Design", message)
        self.assertIn("Specification", message)
        self.assertIn("Review checklist", message)
        self.assertNotIn("Mood board", message, "optional deliverables never block")
        self.assertEqual(self.design.state, "open")

        self.deliv_checklist.with_user(self.user_flow).is_checked = True
        with self.assertRaises(UserError) as error:
            submit()
        self.assertIn("Specification", str(error.exception))
        self.assertNotIn("Review checklist", str(error.exception))

        # a document deliverable is satisfied by an attachment, not by ticking it
        self.deliv_spec.with_user(self.user_flow).is_checked = True
        self.assertFalse(self.deliv_spec.is_satisfied)
        with self.assertRaisesText(UserError, "Specification"):
            submit()

        self.attach(self.deliv_spec)
        self.assertTrue(self.deliv_spec.is_satisfied)
        self.assertEqual(self.deliv_spec.done_user_id, self.user_flow)
        submit()
        self.assertEqual(self.design.state, "done")
        self.assertTrue(self.design.date_actual_end)
        self.assertTrue(self.design.milestone_id.is_reached, "the gate milestone is reached")
        # the optional deliverable left open is mentioned, not blocking
        self.assertIn("Mood board", self.message_bodies(self.design))

    def test_hard_gate_needs_closed_tasks(self):
        self.satisfy_deliverables(self.design)
        submit = self.design.with_user(self.user_manager).action_submit_gate
        with self.assertRaises(UserError) as error:
            submit()
        self.assertIn("Write specification", str(error.exception))
        self.assertIn("Review specification", str(error.exception))

        self.task_spec.with_user(self.user_manager).write({"state": "1_done"})
        with self.assertRaises(UserError) as error:
            submit()
        self.assertNotIn("Write specification", str(error.exception))
        self.assertIn("Review specification", str(error.exception))
        self.assertEqual(self.design.state, "open")

        # a cancelled task is closed too
        self.task_review.with_user(self.user_manager).write({"state": "1_canceled"})
        submit()
        self.assertEqual(self.design.state, "done")

    def test_gate_needs_approval(self):
        self.pass_gate(self.design)
        self.assertEqual(self.build.state, "open", "the next phase opens once Design is done")
        self.satisfy_deliverables(self.build)
        self.close_tasks(self.build)
        self.build.with_user(self.user_flow).action_submit_gate()
        self.assertEqual(self.build.state, "approval")
        self.assertEqual(self.release.state, "draft")
        self.assertIn("pending", self.build.gate_status)
        with self.assertRaisesText(UserError, "previous phases are not done"):
            self.release.with_user(self.user_manager).action_open()

        approval = self.build.approval_ids
        self.assertEqual(approval.user_id, self.user_approver)
        approval.with_user(self.user_approver).action_approve("Looks good")
        self.assertEqual(self.build.state, "done")
        self.assertEqual(self.release.state, "open")

    def test_submit_twice_does_not_open_a_second_round(self):
        self.pass_gate(self.design)
        self.satisfy_deliverables(self.build)
        self.close_tasks(self.build)
        self.build.with_user(self.user_manager).action_submit_gate()
        with self.assertRaises(UserError):
            self.build.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(len(self.build.approval_ids), 1)
        self.assertEqual(self.build.approval_round, 1)

    def test_soft_gate_warns_in_chatter(self):
        self.pass_gate(self.design)
        self.pass_gate(self.build)
        self.assertEqual(self.release.state, "open")
        # Release notes missing, Deploy still open: a soft gate only warns
        self.release.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(self.release.state, "approval")
        bodies = self.message_bodies(self.release)
        self.assertIn("with warnings", bodies)
        self.assertIn("Release notes", bodies)
        self.assertIn("Deploy", bodies)
        # the approval is still required, by both reviewers (rule: all, by role)
        self.assertEqual(
            self.release.approval_ids.user_id, self.user_approver2 | self.user_approver3
        )
        self.approve_all(self.release)
        self.assertEqual(self.release.state, "done")
        self.assertFalse(self.task_deploy.is_closed)
        self.assertEqual(self.project.flow_phase_progress, 100.0)

    def test_soft_gate_still_needs_an_open_phase(self):
        with self.assertRaisesText(UserError, "not in progress"):
            self.release.with_user(self.user_manager).action_submit_gate()
        self.assertEqual(self.release.state, "draft")

    def test_next_phase_opens_only_after_predecessor(self):
        for phase in (self.build, self.release):
            with self.assertRaisesText(UserError, "previous phases are not done"):
                phase.with_user(self.user_manager).action_open()
            self.assertEqual(phase.state, "draft")
        with self.assertRaisesText(UserError, "already been opened"):
            self.design.with_user(self.user_manager).action_open()
        self.pass_gate(self.design)
        self.assertEqual(self.build.state, "open")
        self.assertEqual(self.release.state, "draft")
        self.assertEqual(self.project.flow_current_phase_id, self.build)

    def test_done_phase_deliverables_frozen(self):
        self.pass_gate(self.design)
        with self.assertRaisesText(UserError, "Review checklist"):
            self.deliv_checklist.with_user(self.user_flow).is_checked = False
        self.assertTrue(self.deliv_checklist.is_checked)

    # ------------------------------------------------------------------
    # Tasks of a phase that has not opened: every path
    # ------------------------------------------------------------------
    def _assert_task_untouched(self, task, stage=None, state="04_waiting_normal"):
        task.invalidate_recordset()
        self.assertEqual(task.stage_id, stage or self.stage_todo)
        self.assertEqual(task.state, state)

    def test_task_start_refused_by_write(self):
        task = self.task_implement
        for user in (self.user_flow, self.user_manager):
            with self.assertRaisesText(UserError, "cannot be started") as error:
                task.with_user(user).write({"stage_id": self.stage_progress.id})
            self.assertIn("Implement", str(error.exception))
            self.assertIn("Build", str(error.exception))
        self._assert_task_untouched(task)

    def test_task_close_refused_by_write(self):
        task = self.task_implement
        for state in ("1_done", "1_canceled"):
            with self.assertRaisesText(UserError, "cannot be closed"):
                task.with_user(self.user_flow).write({"state": state})
        with self.assertRaisesText(UserError, "cannot be closed"):
            task.with_user(self.user_flow).write(
                {"stage_id": self.stage_done.id, "state": "1_done"}
            )
        self._assert_task_untouched(task)

    def test_task_kanban_drag_refused(self):
        """The web client saves a kanban drag (stage column or state) with web_save."""
        task = self.task_implement.with_user(self.user_flow)
        with self.assertRaisesText(UserError, "cannot be started"):
            task.web_save({"stage_id": self.stage_review.id}, {})
        with self.assertRaisesText(UserError, "cannot be closed"):
            task.web_save({"state": "1_done"}, {})
        self._assert_task_untouched(self.task_implement)

    def test_task_form_save_refused(self):
        with self.assertRaisesText(UserError, "cannot be started"):
            with Form(self.task_implement.with_user(self.user_flow)) as form:
                form.stage_id = self.stage_progress
        with self.assertRaisesText(UserError, "cannot be closed"):
            with Form(self.task_unit.with_user(self.user_flow)) as form:
                form.state = "1_done"
        self._assert_task_untouched(self.task_implement)
        self._assert_task_untouched(self.task_unit)

    def test_task_forged_context_refused(self):
        for token in ("guess", True, 1, "0" * 32):
            forged = self.task_implement.with_user(self.user_flow).with_context(
                project_flow_transition=token
            )
            with self.assertRaisesText(UserError, "cannot be closed"):
                forged.write({"state": "1_done"})
            with self.assertRaisesText(UserError, "cannot be started"):
                forged.write({"stage_id": self.stage_progress.id})
        self._assert_task_untouched(self.task_implement)

    def test_task_import_refused(self):
        Task = self.env["project.task"].with_user(self.user_flow)
        result = Task.load([".id", "state"], [[str(self.task_implement.id), "1_done"]])
        self.assertFalse(result["ids"])
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        self.assertIn("cannot be closed", errors[0]["message"])

        result = Task.load(
            [".id", "stage_id/.id"], [[str(self.task_implement.id), str(self.stage_progress.id)]]
        )
        self.assertFalse(result["ids"])
        self.assertIn("cannot be started", result["messages"][0]["message"])
        self._assert_task_untouched(self.task_implement)

    def test_task_sudo_write_refused(self):
        """Another module writing with sudo goes through the same guard."""
        with self.assertRaisesText(UserError, "cannot be closed"):
            self.task_implement.sudo().write({"state": "1_done"})
        with self.assertRaisesText(UserError, "cannot be started"):
            self.task_implement.sudo().write({"stage_id": self.stage_progress.id})
        self._assert_task_untouched(self.task_implement)

    def test_task_created_closed_in_draft_phase_refused(self):
        Task = self.env["project.task"].with_user(self.user_manager)
        count = Task.search_count([("flow_phase_id", "=", self.build.id)])
        values = {"name": "Sneaky", "project_id": self.project.id, "flow_phase_id": self.build.id}
        with self.assertRaisesText(UserError, "Sneaky"):
            Task.create(dict(values, state="1_done"))
        with self.assertRaisesText(UserError, "cannot be closed"):
            Task.sudo().create(dict(values, state="1_canceled"))
        with self.assertRaisesText(UserError, "cannot be started"):
            Task.create(dict(values, stage_id=self.stage_progress.id))
        self.assertEqual(Task.search_count([("flow_phase_id", "=", self.build.id)]), count)
        # a task created not started in a draft phase is fine
        task = Task.create(values)
        self.assertEqual(task.stage_id, self.stage_todo)

    def test_task_moved_into_draft_phase_refused(self):
        self.task_spec.with_user(self.user_flow).write({"stage_id": self.stage_progress.id})
        with self.assertRaisesText(UserError, "cannot be started"):
            self.task_spec.with_user(self.user_manager).write({"flow_phase_id": self.build.id})
        self.task_spec.with_user(self.user_flow).write({"state": "1_done"})
        with self.assertRaisesText(UserError, "cannot be closed"):
            self.task_spec.with_user(self.user_manager).write({"flow_phase_id": self.release.id})
        self.assertEqual(self.task_spec.flow_phase_id, self.design)

    def test_tasks_of_open_phase_move_freely(self):
        with Form(self.task_spec.with_user(self.user_flow)) as form:
            form.stage_id = self.stage_progress
        self.assertEqual(self.task_spec.stage_id, self.stage_progress)
        self.task_spec.with_user(self.user_flow).web_save({"state": "1_done"}, {})
        self.assertEqual(self.task_spec.state, "1_done")
        self.assertEqual(self.task_review.state, "01_in_progress", "no longer waiting")
        # draft-phase tasks may still be edited without starting them
        self.task_implement.with_user(self.user_flow).write(
            {"name": "Implement it", "stage_id": self.stage_todo.id}
        )
        self.assertEqual(self.task_implement.name, "Implement it")

    # ------------------------------------------------------------------
    # Phase state and project lifecycle: no direct write
    # ------------------------------------------------------------------
    def test_phase_state_write_refused(self):
        attempts = [
            ("manager", self.design.with_user(self.user_manager)),
            ("sudo", self.design.sudo()),
            (
                "forged",
                self.design.with_user(self.user_manager).with_context(project_flow_transition="x"),
            ),
        ]
        for label, phase in attempts:
            with self.assertRaisesText(UserError, "State", msg=label):
                phase.write({"state": "done"})
            with self.assertRaisesText(UserError, "State", msg=label):
                phase.web_save({"state": "done"}, {})
        result = self.env["project.flow.phase"].load(
            [".id", "state"], [[str(self.design.id), "done"]]
        )
        self.assertFalse(result["ids"])
        self.assertIn("State", result["messages"][0]["message"])
        with self.assertRaisesText(UserError, "State"):
            self.build.sudo().write({"state": "open"})
        with self.assertRaisesText(UserError, "State"):
            with Form(self.design.with_user(self.user_manager)) as form:
                form.state = "done"
        self.design.invalidate_recordset()
        self.assertEqual(self.design.state, "open")
        self.assertEqual(self.build.state, "draft")
        # re-writing the current value (e.g. re-importing an export) is harmless
        self.design.with_user(self.user_manager).write({"state": "open", "description": "Same"})
        self.assertEqual(self.design.description, "Same")

    def test_phase_created_started_refused(self):
        with self.assertRaisesText(UserError, "State"):
            self.env["project.flow.phase"].create(
                {"project_id": self.project.id, "name": "Sideload", "state": "done"}
            )
        self.assertEqual(len(self.project.flow_phase_ids), 3)

    def test_project_lifecycle_write_refused(self):
        attempts = [
            ("sudo", self.project.sudo()),
            ("forged", self.project.sudo().with_context(project_flow_transition="guess")),
        ]
        for label, project in attempts:
            with self.assertRaisesText(UserError, "Lifecycle", msg=label):
                project.write({"flow_state": "closed"})
            with self.assertRaisesText(UserError, "Lifecycle", msg=label):
                project.web_save({"flow_state": "closing"}, {})
        result = self.env["project.project"].load(
            [".id", "flow_state"], [[str(self.project.id), "closed"]]
        )
        self.assertFalse(result["ids"])
        self.assertIn("Lifecycle", result["messages"][0]["message"])
        self.project.invalidate_recordset()
        self.assertEqual(self.project.flow_state, "running")

    # ------------------------------------------------------------------
    # Override
    # ------------------------------------------------------------------
    def test_override_by_manager_logged(self):
        action = self.design.with_user(self.user_manager).action_override()
        wizard_model = self.env[action["res_model"]].with_user(self.user_manager)
        with Form(wizard_model.with_context(**action["context"])) as wizard:
            wizard.reason = "Customer demo tomorrow, spec signed on paper"
        wizard.record.action_confirm()

        self.assertEqual(self.design.state, "done")
        self.assertTrue(self.design.is_overridden)
        self.assertEqual(self.build.state, "open", "the next phase opens after an override")
        for record in (self.design, self.project):
            bodies = self.message_bodies(record)
            self.assertIn("Customer demo tomorrow, spec signed on paper", bodies)
            self.assertIn("override", bodies)
            self.assertIn(self.user_manager.name, bodies)
            # what was bypassed
            self.assertIn("Specification", bodies)
            self.assertIn("Write specification", bodies)

    def test_override_open_phase_early(self):
        wizard = (
            self.env["project.flow.override.wizard"]
            .with_user(self.user_manager)
            .create({"phase_id": self.build.id, "operation": "open", "reason": "Parallel start"})
        )
        wizard.action_confirm()
        self.assertEqual(self.build.state, "open")
        self.assertIn("Parallel start", self.message_bodies(self.build))
        self.assertIn("previous phases are not done", self.message_bodies(self.project))

    def test_override_without_reason_refused(self):
        wizard = (
            self.env["project.flow.override.wizard"]
            .with_user(self.user_manager)
            .create({"phase_id": self.design.id, "reason": "   "})
        )
        with self.assertRaisesText(UserError, "Reason"):
            wizard.action_confirm()
        with self.assertRaisesText(UserError, "Reason"):
            self.design.with_user(self.user_manager)._flow_override("")
        self.assertEqual(self.design.state, "open")
        self.assertFalse(self.design.is_overridden)

    def test_override_by_non_manager_refused(self):
        for user in (self.user_flow, self.user_approver):
            with self.assertRaises(AccessError):
                self.design.with_user(user).action_override()
            with self.assertRaises(AccessError):
                self.design.with_user(user)._flow_override("I want to")
            with self.assertRaises(AccessError):
                self.env["project.flow.override.wizard"].with_user(user).create(
                    {"phase_id": self.design.id, "reason": "I want to"}
                )
        self.assertEqual(self.design.state, "open")
        self.assertFalse(self.design.is_overridden)
