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
        """One read of the baseline lines of all the tasks, then one working
        calendar per project calendar for the variances."""
        Project = self.env["project.project"]
        references = self.project_id.flow_baseline_id
        lines = {}
        if references:
            # sudo: whoever may see the task may see where it was planned
            for line in (
                self.env["project.flow.baseline.line"]
                .sudo()
                .search_read(
                    [
                        ("baseline_id", "in", references.ids),
                        ("task_id", "in", self._origin.ids),
                    ],
                    ["baseline_id", "task_id", "date_start", "date_finish"],
                )
            ):
                lines[(line["baseline_id"][0], line["task_id"][0])] = line
        current = Project._flow_task_local_dates(self)
        baseline_dates = {}
        items = []
        for task in self:
            line = lines.get((task.project_id.flow_baseline_id.id, task._origin.id))
            start = (line and line["date_start"]) or None
            finish = (line and line["date_finish"]) or None
            baseline_dates[task] = (start, finish)
            if line:
                current_start, current_finish = current[task.id]
                items.append(((task.id, "start"), task.project_id.id, start, current_start))
                items.append(((task.id, "finish"), task.project_id.id, finish, current_finish))
        variances = Project._flow_working_day_variances(items)
        for task in self:
            task.flow_baseline_start, task.flow_baseline_finish = baseline_dates[task]
            task.flow_start_variance = variances.get((task.id, "start")) or 0
            task.flow_finish_variance = variances.get((task.id, "finish")) or 0
