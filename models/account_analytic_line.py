from odoo import _, api, models
from odoo.exceptions import ValidationError


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    @api.constrains("project_id", "task_id", "unit_amount")
    def _check_flow_project_running(self):
        """Time is logged only on running projects and on tasks whose phase
        has started, whichever way the line is written."""
        states = dict(
            self.env["project.project"]._fields["flow_state"]._description_selection(self.env)
        )
        for line in self.filtered("project_id"):
            project = line.project_id
            if project.flow_state != "running":
                raise ValidationError(
                    _(
                        "Timesheet %(line)s: project %(project)s is %(state)s; time can be "
                        "logged only on a running project (field Project).",
                        line=line.name or "",
                        project=project.display_name,
                        state=states.get(project.flow_state),
                    )
                )
            phase = line.task_id.flow_phase_id
            if phase and phase.state == "draft":
                raise ValidationError(
                    _(
                        "Timesheet %(line)s: task %(task)s belongs to phase %(phase)s, which has "
                        "not started (field Task).",
                        line=line.name or "",
                        task=line.task_id.display_name,
                        phase=phase.display_name,
                    )
                )
