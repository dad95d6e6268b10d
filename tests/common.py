"""Shared fixtures of the project_flow Odoo suite.

``ProjectFlowCase`` builds once per class (``setUpClass``): one user per
security group, roles, a small three-phase flow template made in code, and
helpers that create a project from a template through the creation wizard
and drive it through its lifecycle and gates.

The template (its planned layout is checked by hand in ``test_template``)::

    Design  (hard gate, no approval, PM)  2 days
        deliverables: Specification (document, required),
                      Review checklist (checklist, required),
                      Mood board (checklist, optional)
        tasks: Write specification (2 d, PM) -> Review specification (1 d, QA)
    Build   (hard gate, any one of [approver], developer)  4 days
        deliverables: Code merged (checklist, required)
        tasks: Implement (3 d, dev; after Review specification)
               -> Unit tests (1 d, dev)
    Release (soft gate, all reviewers by role, QA)  2 days
        deliverables: Release notes (document, required)
        tasks: Deploy (1 d, QA; after Unit tests)
"""

import base64
from contextlib import contextmanager

from odoo import Command
from odoo.tests import Form, new_test_user
from odoo.tests.common import TransactionCase


class ProjectFlowCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        # A fixed time zone keeps the expected planned datetimes simple
        # (08:00 in Shanghai is 00:00 UTC).
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Asia/Shanghai"

        cls.user_flow = cls._new_user("pf_user", "Lin Flowuser", "project.group_project_user")
        cls.user_qa = cls._new_user("pf_qa", "Qiu Tester", "project.group_project_user")
        cls.user_manager = cls._new_user(
            "pf_manager", "Wang Manager", "project_flow.group_flow_manager"
        )
        cls.user_flow_admin = cls._new_user(
            "pf_admin", "Zhao Processowner", "project_flow.group_flow_admin"
        )
        cls.user_approver = cls._new_user(
            "pf_approver", "Chen Approver", "project.group_project_user"
        )
        cls.user_approver2 = cls._new_user(
            "pf_approver2", "Deng Approver", "project.group_project_user"
        )
        cls.user_approver3 = cls._new_user(
            "pf_approver3", "Feng Approver", "project.group_project_user"
        )
        cls.user_outsider = cls._new_user("pf_outsider", "Ou Outsider", None)

        cls.employee_flow = env["hr.employee"].create(
            {
                "name": cls.user_flow.name,
                "user_id": cls.user_flow.id,
                "company_id": cls.company.id,
            }
        )

        Role = env["project.flow.role"]
        cls.role_pm = Role.create({"name": "Test PM", "code": "T_PM", "sequence": 1})
        cls.role_dev = Role.create({"name": "Test developer", "code": "T_DEV", "sequence": 2})
        cls.role_qa = Role.create({"name": "Test QA", "code": "T_QA", "sequence": 3})
        cls.role_reviewer = Role.create(
            {"name": "Test reviewer", "code": "T_REVIEW", "sequence": 4}
        )

        cls.stage_todo = env.ref("project_flow.task_stage_todo")
        cls.stage_progress = env.ref("project_flow.task_stage_in_progress")
        cls.stage_review = env.ref("project_flow.task_stage_review")
        cls.stage_done = env.ref("project_flow.task_stage_done")

        cls.template = cls._build_template()
        cls.tphase_design, cls.tphase_build, cls.tphase_release = cls.template.phase_ids
        cls.ttask_spec, cls.ttask_review, cls.ttask_implement, cls.ttask_unit, cls.ttask_deploy = (
            cls.template.task_template_ids.sorted(lambda t: (t.phase_id.sequence, t.sequence))
        )
        cls.default_members = {
            cls.role_pm: cls.user_manager,
            cls.role_dev: cls.user_flow,
            cls.role_qa: cls.user_qa,
            cls.role_reviewer: cls.user_approver2 | cls.user_approver3,
        }
        cls.flush_tracking_cls()

    # ------------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------------
    @classmethod
    def _new_user(cls, login, name, group):
        groups = "base.group_user" + (f",{group}" if group else "")
        return new_test_user(
            cls.env,
            login=login,
            name=name,
            groups=groups,
            email=f"{login}@example.com",
            notification_type="inbox",
            tz="Asia/Shanghai",
            context={"no_reset_password": True},
        )

    @classmethod
    def _build_template(cls):
        env = cls.env
        template = env["project.flow.template"].create(
            {
                "name": "Test flow",
                "code": "TEST",
                "stage_ids": [
                    Command.set(
                        (
                            cls.stage_todo | cls.stage_progress | cls.stage_review | cls.stage_done
                        ).ids
                    )
                ],
                "phase_ids": [
                    Command.create(
                        {
                            "name": "Design",
                            "sequence": 10,
                            "duration": 2,
                            "role_id": cls.role_pm.id,
                            "gate_mode": "hard",
                            "approval_rule": "none",
                            "deliverable_ids": [
                                Command.create(
                                    {
                                        "name": "Specification",
                                        "deliverable_type": "attachment",
                                        "required": True,
                                        "sequence": 1,
                                    }
                                ),
                                Command.create(
                                    {
                                        "name": "Review checklist",
                                        "deliverable_type": "checklist",
                                        "required": True,
                                        "sequence": 2,
                                    }
                                ),
                                Command.create(
                                    {
                                        "name": "Mood board",
                                        "deliverable_type": "checklist",
                                        "required": False,
                                        "sequence": 3,
                                    }
                                ),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Build",
                            "sequence": 20,
                            "duration": 4,
                            "role_id": cls.role_dev.id,
                            "gate_mode": "hard",
                            "approval_rule": "any",
                            "approver_line_ids": [
                                Command.create(
                                    {"approver_type": "user", "user_id": cls.user_approver.id}
                                )
                            ],
                            "deliverable_ids": [
                                Command.create(
                                    {
                                        "name": "Code merged",
                                        "deliverable_type": "checklist",
                                        "required": True,
                                    }
                                )
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Release",
                            "sequence": 30,
                            "duration": 2,
                            "role_id": cls.role_qa.id,
                            "gate_mode": "soft",
                            "approval_rule": "all",
                            "approver_line_ids": [
                                Command.create(
                                    {"approver_type": "role", "role_id": cls.role_reviewer.id}
                                )
                            ],
                            "deliverable_ids": [
                                Command.create(
                                    {
                                        "name": "Release notes",
                                        "deliverable_type": "attachment",
                                        "required": True,
                                    }
                                )
                            ],
                        }
                    ),
                ],
            }
        )
        design, build, release = template.phase_ids
        Task = env["project.flow.template.task"]
        spec = Task.create(
            {
                "phase_id": design.id,
                "sequence": 1,
                "name": "Write specification",
                "duration": 2,
                "allocated_hours": 16,
                "role_id": cls.role_pm.id,
            }
        )
        review = Task.create(
            {
                "phase_id": design.id,
                "sequence": 2,
                "name": "Review specification",
                "duration": 1,
                "role_id": cls.role_qa.id,
                "depend_on_ids": [Command.set(spec.ids)],
            }
        )
        implement = Task.create(
            {
                "phase_id": build.id,
                "sequence": 1,
                "name": "Implement",
                "duration": 3,
                "role_id": cls.role_dev.id,
                "depend_on_ids": [Command.set(review.ids)],
            }
        )
        unit = Task.create(
            {
                "phase_id": build.id,
                "sequence": 2,
                "name": "Unit tests",
                "duration": 1,
                "role_id": cls.role_dev.id,
                "depend_on_ids": [Command.set(implement.ids)],
            }
        )
        Task.create(
            {
                "phase_id": release.id,
                "sequence": 1,
                "name": "Deploy",
                "duration": 1,
                "role_id": cls.role_qa.id,
                "depend_on_ids": [Command.set(unit.ids)],
            }
        )
        return template

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def flush_tracking_cls(cls):
        """Run the pre-commit hooks: chatter tracking values are written there."""
        cls.env.flush_all()
        cls.env.cr.flush()

    def flush_tracking(self):
        self.flush_tracking_cls()

    @contextmanager
    def assertRaisesText(self, exception, *texts, msg=None):
        """``assertRaises`` (which rolls the failed operation back, as a
        request would be) and check the error names ``texts``."""
        with self.assertRaises(exception, msg=msg) as context:
            yield context
        message = str(context.exception)
        for text in texts:
            self.assertIn(text, message, msg)

    @classmethod
    def create_flow_project(
        cls, name="Flow project", template=None, date_start=None, members=None, user=None
    ):
        """Create a project from ``template`` through the creation wizard, as
        a flow manager would in the form: pick the template (the onchange
        offers one line per role), fill who holds each role, confirm.

        :param members: dict role -> res.users (one or several users);
            defaults to ``default_members``
        """
        template = template or cls.template
        members = cls.default_members if members is None else members
        Wizard = cls.env["project.flow.create.wizard"].with_user(user or cls.user_manager)
        with Form(Wizard) as wizard_form:
            wizard_form.template_id = template
            wizard_form.name = name
            if date_start:
                wizard_form.date_start = date_start
            cls._fill_member_lines(wizard_form, members)
        action = wizard_form.record.action_confirm()
        return cls.env["project.project"].browse(action["res_id"])

    @classmethod
    def _fill_member_lines(cls, wizard_form, members):
        filled = set()
        for index in range(len(wizard_form.member_ids)):
            with wizard_form.member_ids.edit(index) as line:
                users = members.get(line.role_id)
                if users:
                    line.user_id = users[0]
                    filled.add(line.role_id)
        for role, users in members.items():
            extra = users[1:] if role in filled else users
            for user in extra:
                with wizard_form.member_ids.new() as line:
                    line.role_id = role
                    line.user_id = user

    @classmethod
    def start_flow_project(cls, project, user=None):
        """Submit a draft project for initiation; without an initiation policy
        it runs at once and its first phase opens."""
        project.with_user(user or cls.user_manager).action_flow_submit()
        return project

    @staticmethod
    def phases(project):
        return project.flow_phase_ids.sorted(lambda p: (p.sequence, p.id))

    def attach(self, deliverable, name="document.pdf", user=None):
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(b"%PDF-1.4 flow test"),
                "res_model": "project.flow.deliverable",
                "res_id": deliverable.id,
            }
        )
        deliverable.with_user(user or self.user_flow).write(
            {"attachment_ids": [Command.link(attachment.id)]}
        )
        return attachment

    def satisfy_deliverables(self, phase, required_only=False, user=None):
        for deliverable in phase.deliverable_ids:
            if required_only and not deliverable.required:
                continue
            if deliverable.deliverable_type == "checklist":
                deliverable.with_user(user or self.user_flow).is_checked = True
            else:
                self.attach(deliverable, user=user)

    def close_tasks(self, phase, user=None):
        phase.task_ids.with_user(user or self.user_manager).write({"state": "1_done"})

    def approve_all(self, phase_or_project, comment="OK"):
        """Let every approver whose turn has come approve, until none is left."""
        while True:
            if phase_or_project._name == "project.flow.phase":
                approvals = phase_or_project.approval_ids
            else:
                approvals = phase_or_project.flow_approval_ids
            pending = approvals.filtered(lambda a: a.state == "pending")
            if not pending:
                return
            pending[0].with_user(pending[0].user_id).action_approve(comment)

    def pass_gate(self, phase):
        """Meet every criterion of ``phase`` and get it through its gate."""
        self.satisfy_deliverables(phase)
        self.close_tasks(phase)
        phase.with_user(self.user_manager).action_submit_gate()
        self.approve_all(phase)
        self.assertEqual(phase.state, "done")

    def activities_of(self, record, user=None):
        activity_type = self.env.ref("project_flow.mail_activity_flow_approval")
        activities = record.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if user is not None:
            activities = activities.filtered(lambda a: a.user_id == user)
        return activities

    def message_bodies(self, record):
        return "\n".join(record.sudo().message_ids.mapped(lambda m: str(m.body)))

    def tracked_values(self, record, field_name):
        """(old, new) pairs of the tracking values of ``field_name``, oldest first."""
        trackings = (
            record.sudo()
            .message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == field_name)
            .sorted("id")
        )
        return [(t.old_value_char, t.new_value_char) for t in trackings]

    def complete_retrospective(self, project, user=None, lessons=(), **values):
        """Write and complete the closing retrospective of ``project`` through
        its form, as its project manager would (a flow project cannot be
        closed without it).

        :param lessons: iterable of dicts of lesson values
        """
        user = user or self.user_manager
        action = project.with_user(user).action_flow_open_retrospective()
        retro = self.env["project.flow.retrospective"].with_user(user).browse(action["res_id"])
        retro.write(
            {
                "results": values.pop("results", "<p>Delivered what was planned.</p>"),
                "went_well": values.pop("went_well", "<p>The team worked well together.</p>"),
                "lesson_ids": [Command.create(dict(lesson)) for lesson in lessons],
                **values,
            }
        )
        retro.action_done()
        return retro
