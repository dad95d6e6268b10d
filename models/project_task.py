from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import gate
from .flow_guard import transition_allowed


class ProjectTask(models.Model):
    _inherit = "project.task"

    flow_phase_id = fields.Many2one(
        "project.flow.phase",
        string="Phase",
        index="btree_not_null",
        domain="[('project_id', '=', project_id)]",
        tracking=True,
    )
    flow_phase_state = fields.Selection(related="flow_phase_id.state", string="Phase state")
    flow_template_id = fields.Many2one(
        related="project_id.flow_template_id", string="Flow template"
    )
    flow_template_task_id = fields.Many2one(
        "project.flow.template.task", string="Task template", copy=True, readonly=True
    )
    # Same name and type as Enterprise's project_enterprise, so the planned
    # window also shows in Enterprise's own Gantt when it is installed.
    planned_date_begin = fields.Datetime(string="Start date", tracking=True)
    flow_duration = fields.Integer(
        string="Duration (working days)", help="Planned duration in working days."
    )

    @api.constrains("flow_phase_id", "project_id")
    def _check_flow_phase_project(self):
        for task in self.filtered("flow_phase_id"):
            if task.flow_phase_id.project_id != task.project_id:
                raise ValidationError(
                    _(
                        "Task %(task)s: the field Phase must be a phase of its project "
                        "(%(phase)s is not).",
                        task=task.display_name,
                        phase=task.flow_phase_id.display_name,
                    )
                )

    @api.constrains("planned_date_begin", "date_deadline")
    def _check_flow_planned_window(self):
        for task in self:
            if (
                task.planned_date_begin
                and task.date_deadline
                and task.date_deadline < task.planned_date_begin
            ):
                raise ValidationError(
                    _(
                        "Task %(task)s: the field Deadline is before the field Start date.",
                        task=task.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        if not transition_allowed(self):
            # sudo: portal users (project sharing) may not read the phase fields
            tasks.sudo()._flow_check_created()
        return tasks

    def copy_data(self, default=None):
        """When a whole project is copied, put each task copy in the copy of
        its phase (``flow_phase_mapping``, see ``project.project.map_tasks``)."""
        vals_list = super().copy_data(default=default)
        phase_mapping = self.env.context.get("flow_phase_mapping")
        if phase_mapping:
            for vals in vals_list:
                if vals.get("flow_phase_id") in phase_mapping:
                    vals["flow_phase_id"] = phase_mapping[vals["flow_phase_id"]]
        return vals_list

    def _flow_check_created(self):
        """A task created in a phase that has not opened is neither started
        (in a later stage than the project's first, e.g. a kanban quick
        create in that column) nor closed, whatever its values came from
        (given, defaults from the context, computed)."""
        for task in self.filtered(lambda t: t.flow_phase_id.state == "draft"):
            first_stage = task.project_id.type_ids.sorted(lambda s: (s.sequence, s.id))[:1]
            starting = bool(task.stage_id) and task.stage_id != first_stage
            closing = task.state in CLOSED_STATES
            if starting or closing:
                self._flow_check_phase(task.flow_phase_id, starting, closing, task.display_name)

    def write(self, vals):
        if not transition_allowed(self) and (
            "state" in vals or "stage_id" in vals or "flow_phase_id" in vals
        ):
            if self.env.user._is_portal() and not self.env.su:
                # project sharing: refuse the fields a portal user may not
                # write first, as Odoo's own write would
                self._ensure_fields_are_accessible(
                    vals.keys(), operation="write", check_group_user=False
                )
            # sudo: portal users may not read the phase fields
            self.sudo()._flow_check_gate(vals)
        return super().write(vals)

    def _flow_check_gate(self, vals):
        """Refuse to start or close a task whose phase has not opened, whatever
        the path (form, kanban drag, import, RPC, another module).

        Starting means leaving the project's first stage; closing means moving
        into a closed state (done or cancelled)."""
        new_phase = (
            self.env["project.flow.phase"].browse(vals["flow_phase_id"])
            if vals.get("flow_phase_id")
            else None
        )
        new_stage = vals.get("stage_id")
        new_state = vals.get("state")
        for task in self:
            phase = new_phase if "flow_phase_id" in vals else task.flow_phase_id
            if not phase:
                continue
            first_stage = task.project_id.type_ids.sorted(lambda s: (s.sequence, s.id))[:1]
            starting = (
                bool(new_stage) and new_stage != first_stage.id and (new_stage != task.stage_id.id)
            )
            if new_phase and task.stage_id and task.stage_id != first_stage:
                starting = True
            closing = bool(new_state in CLOSED_STATES and task.state not in CLOSED_STATES) or (
                new_phase is not None and task.state in CLOSED_STATES
            )
            self._flow_check_phase(phase, starting, closing, task.display_name)

    def _flow_add_dependencies(self, pairs):
        """Link ``(predecessor id, successor id)`` pairs in one statement.

        Used when a template is laid out: writing ``depend_on_ids`` task by
        task costs a write, a cycle check and a recompute per task.  The
        template already guarantees the graph is acyclic; after the insert the
        ORM is told what changed, so Odoo's own computed fields (the waiting
        state, dependency counts) are recomputed as after a normal write.
        """
        if not pairs:
            return
        self.env.cr.execute(
            """
            INSERT INTO task_dependencies_rel (depends_on_id, task_id)
            SELECT * FROM unnest(%s::int[], %s::int[])
            ON CONFLICT DO NOTHING
            """,
            ([pred for pred, _succ in pairs], [succ for _pred, succ in pairs]),
        )
        touched = self.browse({task_id for pair in pairs for task_id in pair})
        touched.invalidate_recordset(["depend_on_ids", "dependent_ids"])
        touched.modified(["depend_on_ids", "dependent_ids"])

    @api.model
    def _flow_check_phase(self, phase, starting, closing, task_name):
        reason = gate.task_change_blocker(phase.state, starting=starting, closing=closing)
        if reason:
            if closing:
                msg = _(
                    "Task %(task)s cannot be closed: its phase %(phase)s has not started "
                    "(field Phase).",
                    task=task_name,
                    phase=phase.display_name,
                )
            else:
                msg = _(
                    "Task %(task)s cannot be started: its phase %(phase)s has not started "
                    "(field Phase).",
                    task=task_name,
                    phase=phase.display_name,
                )
            raise UserError(msg)
