from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProjectFlowTemplateTask(models.Model):
    """A task created in each project of the template, in its phase, with its
    dependencies on other task templates of the same template."""

    _name = "project.flow.template.task"
    _description = "Project Flow Template Task"
    _order = "phase_id, sequence, id"

    phase_id = fields.Many2one(
        "project.flow.template.phase", required=True, ondelete="cascade", index=True
    )
    template_id = fields.Many2one(
        related="phase_id.template_id", store=True, index=True, string="Template"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Html(translate=True)
    duration = fields.Integer(string="Duration (working days)", default=1)
    allocated_hours = fields.Float(string="Allocated hours")
    role_id = fields.Many2one(
        "project.flow.role",
        string="Assignee role",
        help="The task is assigned to the project members holding this role.",
    )
    depend_on_ids = fields.Many2many(
        "project.flow.template.task",
        "project_flow_template_task_dep_rel",
        "task_id",
        "depends_on_id",
        string="Depends on",
        domain="[('template_id', '=', template_id), ('id', '!=', id)]",
        # not copied as is: a copy would depend on the original template's
        # tasks; project.flow.template.copy() re-links them to the copies
        copy=False,
    )

    _sql_constraints = [
        (
            "duration_positive",
            "CHECK(duration >= 0)",
            "The duration of a task template cannot be negative.",
        ),
    ]

    @api.depends("name", "phase_id.name")
    def _compute_display_name(self):
        for task in self:
            task.display_name = (
                f"{task.phase_id.name} / {task.name}" if task.phase_id else task.name
            )

    @api.constrains("duration")
    def _check_duration(self):
        for task in self:
            if task.duration < 0:
                raise ValidationError(
                    _(
                        "Task template %(task)s: the field Duration cannot be negative.",
                        task=task.display_name,
                    )
                )

    @api.constrains("depend_on_ids", "phase_id")
    def _check_depend_on_ids(self):
        for task in self:
            for dep in task.depend_on_ids:
                if dep.template_id != task.template_id:
                    raise ValidationError(
                        _(
                            "Task template %(task)s: the field Depends on may only name tasks "
                            "of the same template (%(other)s is not).",
                            task=task.display_name,
                            other=dep.display_name,
                        )
                    )
                if (dep.phase_id.sequence, dep.phase_id.id) > (
                    task.phase_id.sequence,
                    task.phase_id.id,
                ):
                    raise ValidationError(
                        _(
                            "Task template %(task)s: the field Depends on names %(other)s, "
                            "which belongs to a later phase.",
                            task=task.display_name,
                            other=dep.display_name,
                        )
                    )
        self.template_id._flow_check_cycles()

    def _flow_task_values(self, project, flow_phase, dates, members_by_role):
        """Values of the project task created from this template task.

        :param dates: (first day, last day) of its planned window, or None
            to leave the window to the project's scheduler
        """
        self.ensure_one()
        users = members_by_role.get(self.role_id.id) if self.role_id else None
        begin, end = project._flow_datetime_window(*dates) if dates else (False, False)
        return {
            "name": self.name,
            "description": self.description,
            "project_id": project.id,
            "flow_phase_id": flow_phase.id,
            "flow_template_task_id": self.id,
            "milestone_id": flow_phase.milestone_id.id,
            "sequence": self.sequence,
            "allocated_hours": self.allocated_hours,
            "flow_duration": self.duration,
            "planned_date_begin": begin,
            "date_deadline": end,
            "user_ids": [fields.Command.set(users.ids)] if users else [fields.Command.clear()],
        }
