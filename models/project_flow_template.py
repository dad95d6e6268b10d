from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import graph
from .flow_schedule_guard import scheduler


class ProjectFlowTemplate(models.Model):
    """A flow template: the ordered phases, gates and task templates of one
    project type (product R&D, marketing campaign, IT go-live...)."""

    _name = "project.flow.template"
    _description = "Project Flow Template"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(translate=True)
    project_type = fields.Char(
        string="Project type", translate=True, help="The kind of project this template models."
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    owner_id = fields.Many2one(
        "res.users",
        string="Template owner",
        default=lambda self: self.env.user,
        tracking=True,
        help="Process owner who maintains this template.",
    )
    phase_ids = fields.One2many(
        "project.flow.template.phase", "template_id", string="Phases", copy=False
    )
    task_template_ids = fields.One2many(
        "project.flow.template.task", "template_id", string="Task templates", copy=False
    )
    stage_ids = fields.Many2many(
        "project.task.type",
        string="Task stages",
        help="Task stages given to projects created from this template.",
    )
    initiation_policy_id = fields.Many2one(
        "project.flow.approval.policy",
        string="Initiation approval",
        help="Who approves the initiation (立项) of a project of this type. "
        "Empty: the company default applies.",
    )
    closing_policy_id = fields.Many2one(
        "project.flow.approval.policy",
        string="Closing approval",
        help="Who approves the closing (结项) of a project of this type.",
    )
    phase_count = fields.Integer(compute="_compute_counts")
    task_template_count = fields.Integer(compute="_compute_counts")
    project_count = fields.Integer(compute="_compute_project_count")
    planned_duration = fields.Integer(
        string="Planned duration (working days)", compute="_compute_counts"
    )

    @api.depends("phase_ids.duration", "task_template_ids")
    def _compute_counts(self):
        for template in self:
            template.phase_count = len(template.phase_ids)
            template.task_template_count = len(template.task_template_ids)
            template.planned_duration = sum(template.phase_ids.mapped("duration"))

    def _compute_project_count(self):
        counts = dict(
            self.env["project.project"]._read_group(
                [("flow_template_id", "in", self.ids)], ["flow_template_id"], ["__count"]
            )
        )
        for template in self:
            template.project_count = counts.get(template, 0)

    def _flow_check_cycles(self):
        """Raise when the task templates' dependencies form a cycle, naming
        the tasks in it."""
        Task = self.env["project.flow.template.task"]
        for template in self:
            tasks = template.task_template_ids
            edges = [(pred.id, task.id) for task in tasks for pred in task.depend_on_ids]
            cycle = graph.find_cycle(tasks.ids, edges)
            if cycle:
                names = " → ".join(Task.browse(cycle + cycle[:1]).mapped("name"))
                raise ValidationError(
                    _(
                        "Template %(template)s: the field Depends on of its task templates "
                        "forms a cycle: %(cycle)s.",
                        template=template.display_name,
                        cycle=names,
                    )
                )

    def copy(self, default=None):
        """Copy phases and task templates and re-link the task dependencies to
        the copied task templates (a plain copy would point at the originals)."""
        new_templates = super().copy(default)
        for old, new in zip(self, new_templates, strict=True):
            task_map = {}
            for phase in old.phase_ids:
                new_phase = phase.copy({"template_id": new.id})
                for old_task, new_task in zip(
                    phase.task_template_ids, new_phase.task_template_ids, strict=True
                ):
                    task_map[old_task] = new_task
            for old_task, new_task in task_map.items():
                if old_task.depend_on_ids:
                    new_task.depend_on_ids = [
                        fields.Command.set([task_map[dep].id for dep in old_task.depend_on_ids])
                    ]
        return new_templates

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if default and "name" in default:
            return vals_list
        return [
            dict(vals, name=self.env._("%(name)s (copy)", name=template.name))
            for template, vals in zip(self, vals_list, strict=True)
        ]

    def action_view_projects(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("project.open_view_project_all")
        # no default template here: a template is applied through the wizard,
        # which also creates the phases
        action["domain"] = [("flow_template_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_create_project(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_create_wizard"
        )
        action["context"] = {"default_template_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Instantiation
    # ------------------------------------------------------------------
    def _flow_apply(self, project, start_date, members=None):
        """Lay this template out on ``project`` from ``start_date``.

        Creates the phases (with deliverables and approvers), a gate milestone
        per phase, and the tasks with their dependencies, in a handful of
        batched statements whatever the number of tasks, then plans them once
        with the project's scheduler (``project.project._flow_reschedule``):
        phases in order, each task as soon as its dependencies and its phase
        allow, on the project's working calendar.

        :param members: optional list of (role, user) pairs to add first
        :return: the created ``project.flow.phase`` records
        """
        self.ensure_one()
        project.ensure_one()
        if project.flow_phase_ids:
            raise UserError(
                _(
                    "Project %(project)s already has flow phases; a template can be applied "
                    "only to a project without phases.",
                    project=project.display_name,
                )
            )
        if not self.phase_ids:
            raise UserError(
                _("Template %(template)s has no phase to apply.", template=self.display_name)
            )
        create_ctx = {
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_notrack": True,
            "tracking_disable": True,
        }
        project_vals = {
            "flow_template_id": self.id,
            "allow_milestones": True,
            "allow_task_dependencies": True,
            # Odoo keeps a start date only with an end date: the scheduler
            # sets the real end below
            "date_start": start_date,
            "date": start_date,
        }
        if self.stage_ids:
            project_vals["type_ids"] = [fields.Command.link(stage.id) for stage in self.stage_ids]
        if members:
            project_vals["flow_member_ids"] = [
                fields.Command.create({"role_id": role.id, "user_id": user.id})
                for role, user in members
            ]
        caller_env = project.env
        # everything below is planned once at the end
        project = scheduler(project)
        project.write(project_vals)

        phases = self.phase_ids
        tasks = self.task_template_ids
        self._flow_check_cycles()
        members_by_role = project._flow_members_by_role()

        milestones = (
            scheduler(self.env["project.milestone"])
            .with_context(**create_ctx)
            .create(
                [
                    {
                        "name": self.env._("Gate: %(phase)s", phase=phase.name),
                        "project_id": project.id,
                    }
                    for phase in phases
                ]
            )
        )
        flow_phases = (
            scheduler(self.env["project.flow.phase"])
            .with_context(**create_ctx)
            .create(
                [
                    phase._flow_phase_values(project, milestone, (False, False))
                    for phase, milestone in zip(phases, milestones, strict=True)
                ]
            )
        )
        phase_map = dict(zip(phases, flow_phases, strict=True))

        # One batch for all tasks (in topological order, so ids follow the
        # flow), then every dependency at once.
        edges = [(pred.id, task.id) for task in tasks for pred in task.depend_on_ids]
        order = graph.topological_order(tasks.ids, edges)
        by_id = {task.id: task for task in tasks}
        created = (
            scheduler(self.env["project.task"])
            .with_context(**create_ctx)
            .create(
                [
                    by_id[task_id]._flow_task_values(
                        project,
                        phase_map[by_id[task_id].phase_id],
                        None,
                        members_by_role,
                    )
                    for task_id in order
                ]
            )
        )
        task_by_template = dict(zip(order, created.ids, strict=True))
        created._flow_add_dependencies(
            [(task_by_template[pred], task_by_template[succ]) for pred, succ in edges]
        )
        project.with_context(**create_ctx)._flow_reschedule()
        return flow_phases.with_env(caller_env)

    # Delay alerts ----------------------------------------------------------

    delay_threshold = fields.Integer(
        string="Delay threshold (working days)",
        default=0,
        help="Work this many working days late raises a delay alert in projects of this "
        "type. 0: the company's threshold. A phase may set its own.",
    )

    @api.constrains("delay_threshold")
    def _check_delay_threshold(self):
        for template in self:
            if template.delay_threshold < 0:
                raise ValidationError(
                    _(
                        "Template %(template)s: the field Delay threshold cannot be negative.",
                        template=template.display_name,
                    )
                )

    # Improvement proposals and template changes ----------------------------

    proposal_ids = fields.One2many(
        "project.flow.proposal", "template_id", string="Improvement proposals"
    )
    change_ids = fields.One2many(
        "project.flow.template.change", "template_id", string="Template changes", readonly=True
    )
    proposal_count = fields.Integer(string="Proposals", compute="_compute_improvement_counts")
    proposal_accepted_count = fields.Integer(
        string="Accepted proposals", compute="_compute_improvement_counts"
    )
    proposal_rejected_count = fields.Integer(
        string="Rejected proposals", compute="_compute_improvement_counts"
    )
    change_count = fields.Integer(string="Changes", compute="_compute_improvement_counts")

    @api.depends("proposal_ids.state", "change_ids")
    def _compute_improvement_counts(self):
        # Counted as superuser: these are process figures of the template,
        # not a list of proposals (which each user sees per record rules).
        Proposal = self.env["project.flow.proposal"].sudo()
        by_state = {}
        for template, state, count in Proposal._read_group(
            [("template_id", "in", self.ids)], ["template_id", "state"], ["__count"]
        ):
            by_state.setdefault(template.id, {})[state] = count
        changes = {
            template.id: count
            for template, count in self.env["project.flow.template.change"]
            .sudo()
            ._read_group([("template_id", "in", self.ids)], ["template_id"], ["__count"])
        }
        for template in self:
            states = by_state.get(template.id, {})
            template.proposal_count = sum(states.values())
            template.proposal_accepted_count = states.get("accepted", 0)
            template.proposal_rejected_count = states.get("rejected", 0)
            template.change_count = changes.get(template.id, 0)

    def action_view_proposals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_proposal"
        )
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {"default_template_id": self.id}
        return action

    def action_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_template_change"
        )
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {}
        return action
