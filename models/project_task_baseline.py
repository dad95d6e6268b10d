from odoo import api, fields, models


# Baselines extend the model in a file of their own, apart from the
# scheduler's extension of it.
class ProjectTask(models.Model):
    """A task's dates in its project's reference baseline and how far the
    current plan has moved from them, in working days."""

    _inherit = "project.task"  # pylint: disable=consider-merging-classes-inherited

    flow_baseline_start = fields.Date(
        string="Baseline start",
        compute="_compute_flow_baseline",
        help="Start of this task in its project's reference baseline.",
    )
    flow_baseline_finish = fields.Date(
        string="Baseline finish",
        compute="_compute_flow_baseline",
        help="Finish of this task in its project's reference baseline.",
    )
    flow_start_variance = fields.Integer(
        string="Start variance",
        compute="_compute_flow_baseline",
        help="Working days from the baseline start to the planned start (positive: later).",
    )
    flow_finish_variance = fields.Integer(
        string="Finish variance",
        compute="_compute_flow_baseline",
        help="Working days from the baseline finish to the planned finish (positive: later).",
    )

    @api.depends("planned_date_begin", "date_deadline", "project_id.flow_baseline_id")
    def _compute_flow_baseline(self):
        figures = self.env["project.flow.baseline.line"]._flow_reference_figures(
            self, "task_id", self.env["project.project"]._flow_task_local_dates(self)
        )
        for task in self:
            (
                task.flow_baseline_start,
                task.flow_baseline_finish,
                task.flow_start_variance,
                task.flow_finish_variance,
            ) = figures[task.id]
