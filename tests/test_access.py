from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowAccess(ProjectFlowCase):
    """Access rights per group, record rules, and bad input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.start_flow_project(cls.create_flow_project("Shared"))
        cls.design = cls.phases(cls.project)[0]

    # ------------------------------------------------------------------
    # Groups
    # ------------------------------------------------------------------
    def test_groups_implied(self):
        self.assertTrue(self.user_flow.has_group("project_flow.group_flow_user"))
        self.assertFalse(self.user_flow.has_group("project_flow.group_flow_manager"))
        self.assertTrue(self.user_manager.has_group("project.group_project_user"))
        self.assertTrue(self.user_flow_admin.has_group("project_flow.group_flow_manager"))
        self.assertFalse(self.user_outsider.has_group("project_flow.group_flow_user"))
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("project_flow.group_flow_admin"))

    def test_flow_user_reads_but_cannot_edit_templates(self):
        template = self.template.with_user(self.user_flow)
        self.assertEqual(template.read(["name"])[0]["name"], "Test flow")
        self.assertEqual(len(template.phase_ids), 3)
        with self.assertRaises(AccessError):
            template.write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            self.tphase_design.with_user(self.user_flow).write({"duration": 1})
        with self.assertRaises(AccessError):
            self.env["project.flow.template"].with_user(self.user_flow).create({"name": "New"})
        with self.assertRaises(AccessError):
            self.env["project.flow.template.task"].with_user(self.user_flow).create(
                {"phase_id": self.tphase_design.id, "name": "Extra"}
            )
        with self.assertRaises(AccessError):
            self.env["project.flow.role"].with_user(self.user_flow).create({"name": "Boss"})
        self.assertEqual(self.template.name, "Test flow")

    def test_flow_manager_cannot_edit_templates(self):
        with self.assertRaises(AccessError):
            self.template.with_user(self.user_manager).write({"name": "Managed"})

    def test_flow_user_cannot_create_phases(self):
        with self.assertRaises(AccessError):
            self.env["project.flow.phase"].with_user(self.user_flow).create(
                {"project_id": self.project.id, "name": "Extra phase"}
            )
        build = self.phases(self.project)[1]
        self.assertEqual(build.state, "draft")
        with self.assertRaises(AccessError):
            build.with_user(self.user_flow).unlink()
        self.assertEqual(len(self.project.flow_phase_ids), 3)

    def test_flow_user_ticks_deliverables(self):
        checklist = self.design.deliverable_ids.filtered(
            lambda d: d.deliverable_type == "checklist"
        )[0]
        checklist.with_user(self.user_flow).action_toggle_checked()
        self.assertTrue(checklist.is_checked)
        self.assertEqual(checklist.done_user_id, self.user_flow)
        document = self.design.deliverable_ids.filtered(
            lambda d: d.deliverable_type == "attachment"
        )
        self.attach(document, user=self.user_flow)
        self.assertTrue(document.is_satisfied)

    def test_flow_user_submits_gate(self):
        self.satisfy_deliverables(self.design)
        self.close_tasks(self.design, user=self.user_flow)
        self.design.with_user(self.user_flow).action_submit_gate()
        self.assertEqual(self.design.state, "done")

    def test_outsider_has_no_flow_access(self):
        for record in (self.design, self.design.deliverable_ids[:1], self.template):
            with self.assertRaises(AccessError, msg=record._name):
                record.with_user(self.user_outsider).read(["name"])
        with self.assertRaises(AccessError):
            self.design.deliverable_ids[:1].with_user(self.user_outsider).write(
                {"is_checked": True}
            )
        with self.assertRaises(AccessError):
            self.env["project.flow.create.wizard"].with_user(self.user_outsider).create(
                {"template_id": self.template.id, "name": "Nope"}
            )

    def test_flow_admin_edits_templates(self):
        template = self.template.with_user(self.user_flow_admin)
        template.write(
            {
                "name": "Test flow v2",
                "phase_ids": [
                    Command.create({"name": "Hypercare", "sequence": 40, "duration": 5}),
                ],
            }
        )
        self.assertEqual(template.phase_count, 4)
        hypercare = template.phase_ids.filtered(lambda p: p.name == "Hypercare")
        task = (
            self.env["project.flow.template.task"]
            .with_user(self.user_flow_admin)
            .create(
                {
                    "phase_id": hypercare.id,
                    "name": "Watch the logs",
                    "depend_on_ids": [Command.set(self.ttask_deploy.ids)],
                }
            )
        )
        self.assertEqual(task.template_id, self.template)
        self.env["project.flow.role"].with_user(self.user_flow_admin).create({"name": "Watcher"})
        policy = (
            self.env["project.flow.approval.policy"]
            .with_user(self.user_flow_admin)
            .create({"name": "Any admin", "approval_rule": "none"})
        )
        template.initiation_policy_id = policy
        self.assertEqual(self.template.initiation_policy_id, policy)

    def test_flow_manager_creates_from_template_and_overrides(self):
        project = self.create_flow_project("By the manager", user=self.user_manager)
        self.assertEqual(len(project.flow_phase_ids), 3)
        self.assertEqual(project.create_uid, self.user_manager)
        self.start_flow_project(project, user=self.user_manager)
        design = self.phases(project)[0]
        design.with_user(self.user_manager)._flow_override("Kick-off done offline")
        self.assertEqual(design.state, "done")

    def test_flow_user_cannot_create_from_template(self):
        with self.assertRaises(AccessError):
            self.env["project.flow.create.wizard"].with_user(self.user_flow).create(
                {"template_id": self.template.id, "name": "Mine"}
            )

    # ------------------------------------------------------------------
    # Record rules: followers-only projects
    # ------------------------------------------------------------------
    def test_private_project_flow_records_hidden(self):
        self.project.privacy_visibility = "followers"
        self.satisfy_deliverables(self.design, user=self.user_manager)
        self.close_tasks(self.design)
        self.design.with_user(self.user_manager).action_submit_gate()
        build = self.phases(self.project)[1]
        self.assertEqual(build.state, "open")
        self.satisfy_deliverables(build, user=self.user_manager)
        self.close_tasks(build)
        build.with_user(self.user_manager).action_submit_gate()
        approval = build.approval_ids
        self.assertTrue(approval)
        self.assertNotIn(self.user_flow.partner_id, self.project.message_partner_ids)

        Phase = self.env["project.flow.phase"].with_user(self.user_flow)
        self.assertFalse(Phase.search([("project_id", "=", self.project.id)]))
        with self.assertRaises(AccessError):
            build.with_user(self.user_flow).read(["name"])
        with self.assertRaises(AccessError):
            build.deliverable_ids.with_user(self.user_flow).read(["name"])
        with self.assertRaises(AccessError):
            build.deliverable_ids[:1].with_user(self.user_flow).write({"is_checked": False})
        Approval = self.env["project.flow.approval"].with_user(self.user_flow)
        self.assertFalse(Approval.search([("project_id", "=", self.project.id)]))
        with self.assertRaises(AccessError):
            approval.with_user(self.user_flow).read(["state"])

        # the approver still sees the request addressed to them
        self.assertEqual(
            self.env["project.flow.approval"]
            .with_user(self.user_approver)
            .search([("project_id", "=", self.project.id)]),
            approval,
        )
        # managers see everything
        self.assertEqual(
            self.env["project.flow.phase"]
            .with_user(self.user_manager)
            .search([("project_id", "=", self.project.id)]),
            self.project.flow_phase_ids,
        )
        # once invited, the user sees the flow records
        self.project.message_subscribe(partner_ids=self.user_flow.partner_id.ids)
        self.assertEqual(
            Phase.search([("project_id", "=", self.project.id)]), self.project.flow_phase_ids
        )
        self.assertEqual(build.with_user(self.user_flow).read(["name"])[0]["name"], "Build")

    # ------------------------------------------------------------------
    # Portal collaborators (project sharing)
    # ------------------------------------------------------------------
    def test_portal_collaborator_moves_tasks_within_the_gates(self):
        portal = new_test_user(
            self.env,
            login="pf_portal",
            name="Pei Portal",
            groups="base.group_portal",
            context={"no_reset_password": True},
        )
        self.project.write(
            {
                "privacy_visibility": "portal",
                "collaborator_ids": [Command.create({"partner_id": portal.partner_id.id})],
            }
        )
        self.project.message_subscribe(partner_ids=portal.partner_id.ids)
        tasks = {t.flow_template_task_id: t for t in self.project.tasks}
        spec, implement = tasks[self.ttask_spec], tasks[self.ttask_implement]

        spec.with_user(portal).write({"stage_id": self.stage_progress.id})
        self.assertEqual(spec.stage_id, self.stage_progress, "tasks of an open phase move")
        with self.assertRaisesText(UserError, "cannot be started"):
            implement.with_user(portal).write({"stage_id": self.stage_progress.id})
        with self.assertRaises(AccessError):
            spec.with_user(portal).write({"flow_phase_id": implement.flow_phase_id.id})
        self.assertEqual(implement.stage_id, self.stage_todo)
        self.assertEqual(spec.flow_phase_id, self.design)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_cycle_between_task_templates(self):
        with self.assertRaises(ValidationError) as error:
            self.ttask_spec.with_user(self.user_flow_admin).write(
                {"depend_on_ids": [Command.set(self.ttask_review.ids)]}
            )
        message = str(error.exception)
        self.assertIn("Test flow", message)
        self.assertIn("Depends on", message)
        self.assertIn("Write specification", message)
        self.assertIn("Review specification", message)
        self.ttask_spec.invalidate_recordset()
        self.assertFalse(self.ttask_spec.depend_on_ids)

    def test_self_dependency_is_a_cycle(self):
        with self.assertRaisesText(ValidationError, "Write specification"):
            self.ttask_spec.write({"depend_on_ids": [Command.set(self.ttask_spec.ids)]})

    def test_dependency_on_later_phase_refused(self):
        with self.assertRaises(ValidationError) as error:
            self.ttask_implement.write({"depend_on_ids": [Command.link(self.ttask_deploy.id)]})
        message = str(error.exception)
        self.assertIn("Implement", message)
        self.assertIn("Deploy", message)
        self.assertIn("later phase", message)
        self.ttask_implement.invalidate_recordset()
        self.assertEqual(self.ttask_implement.depend_on_ids, self.ttask_review)

    def test_dependency_on_other_template_refused(self):
        other = self.env["project.flow.template"].create(
            {"name": "Other", "phase_ids": [Command.create({"name": "Only"})]}
        )
        with self.assertRaisesText(ValidationError, "same template"):
            self.env["project.flow.template.task"].create(
                {
                    "phase_id": other.phase_ids.id,
                    "name": "Stranger",
                    "depend_on_ids": [Command.set(self.ttask_spec.ids)],
                }
            )

    def test_phase_without_name(self):
        Phase = self.env["project.flow.template.phase"]
        # an import names the field that is missing and writes nothing
        with mute_logger("odoo.sql_db"):
            result = Phase.load(
                ["template_id/.id", "name", "duration"], [[str(self.template.id), "", "3"]]
            )
        self.assertFalse(result["ids"])
        self.assertIn("Name", result["messages"][0]["message"])
        # the ORM refuses it too
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Phase.create({"template_id": self.template.id, "name": False})
        self.assertEqual(len(self.template.phase_ids), 3)

    def test_negative_duration_refused(self):
        with self.assertRaisesText(ValidationError, "Duration"):
            self.ttask_spec.write({"duration": -1})
        with self.assertRaisesText(ValidationError, "Planned duration"):
            self.tphase_design.write({"duration": -2})

    def test_approver_line_needs_its_target(self):
        with self.assertRaisesText(ValidationError, "Role"):
            self.tphase_build.write(
                {"approver_line_ids": [Command.create({"approver_type": "role"})]}
            )
