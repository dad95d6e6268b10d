from odoo import api, fields, models


class ProjectFlowBaselineLine(models.Model):
    """One task or one phase of a baseline, as planned when it was taken.

    Task lines keep the task's name: the task may be deleted later
    (``task_id`` is then emptied) and the baseline still reads. Phase lines
    have a phase and no task.
    """

    _name = "project.flow.baseline.line"
    _description = "Project Flow Baseline Line"
    _order = "baseline_id, is_task, date_start, id"

    baseline_id = fields.Many2one(
        "project.flow.baseline", required=True, ondelete="cascade", index=True
    )
    project_id = fields.Many2one(related="baseline_id.project_id", store=True, index=True)
    company_id = fields.Many2one(related="baseline_id.company_id", store=True)
    baseline_date = fields.Datetime(related="baseline_id.date", string="Baseline date")
    is_task = fields.Boolean(string="Task line", required=True, default=True)
    name = fields.Char(required=True)
    task_id = fields.Many2one("project.task", ondelete="set null", index="btree_not_null")
    phase_id = fields.Many2one("project.flow.phase", string="Phase", ondelete="set null")
    date_start = fields.Date(string="Start")
    date_finish = fields.Date(string="Finish")
    duration = fields.Integer(string="Duration (working days)")
    allocated_hours = fields.Float(string="Allocated hours")
    current_date_start = fields.Date(
        string="Current start", compute="_compute_current", help="The start planned now."
    )
    current_date_finish = fields.Date(
        string="Current finish", compute="_compute_current", help="The finish planned now."
    )
    start_variance = fields.Integer(
        string="Start variance",
        compute="_compute_current",
        help="Working days from this baseline's start to the start planned now (positive: later).",
    )
    finish_variance = fields.Integer(
        string="Finish variance",
        compute="_compute_current",
        help="Working days from this baseline's finish to the finish planned now "
        "(positive: later).",
    )

    @api.depends(
        "task_id.planned_date_begin",
        "task_id.date_deadline",
        "phase_id.date_start",
        "phase_id.date_end",
    )
    def _compute_current(self):
        """Compare each line with the plan of today, in one pass: the current
        dates of the tasks are read at once and the working days counted on
        one calendar per project calendar."""
        Project = self.env["project.project"]
        task_lines = self.filtered(lambda line: line.is_task and line.task_id)
        task_dates = Project._flow_task_local_dates(task_lines.task_id)
        current = {}
        for line in self:
            if line.is_task:
                current[line] = task_dates.get(line.task_id.id, (None, None))
            elif line.phase_id:
                current[line] = (line.phase_id.date_start or None, line.phase_id.date_end or None)
            else:
                current[line] = (None, None)
        items = []
        for line, (start, finish) in current.items():
            project_id = line.project_id.id
            items.append(((line.id, "start"), project_id, line.date_start or None, start))
            items.append(((line.id, "finish"), project_id, line.date_finish or None, finish))
        variances = Project._flow_working_day_variances(items)
        for line, (start, finish) in current.items():
            line.current_date_start = start
            line.current_date_finish = finish
            line.start_variance = variances.get((line.id, "start")) or 0
            line.finish_variance = variances.get((line.id, "finish")) or 0

    @api.model
    def _flow_reference_figures(self, records, field, current, domain=()):
        """Where ``records`` (tasks or phases) stood in their project's
        reference baseline, and how far their current dates have moved.

        One read of the reference lines, then one working calendar per
        project calendar for the variances.

        :param field: the lines' link to the records (``task_id``, ``phase_id``)
        :param current: ``{record id: (start, finish)}``, the current dates
        :return: ``{record id: (start, finish, start variance, finish variance)}``
        """
        references = records.project_id.flow_baseline_id
        lines = {}
        if references:
            # sudo: whoever may see the record may see where it was planned
            for line in self.sudo().search_read(
                [
                    ("baseline_id", "in", references.ids),
                    (field, "in", records._origin.ids),
                    *domain,
                ],
                ["baseline_id", field, "date_start", "date_finish"],
            ):
                lines[(line["baseline_id"][0], line[field][0])] = line
        dates = {}
        items = []
        for record in records:
            line = lines.get((record.project_id.flow_baseline_id.id, record._origin.id))
            start = (line and line["date_start"]) or None
            finish = (line and line["date_finish"]) or None
            dates[record.id] = (start, finish)
            if line:
                current_start, current_finish = current[record.id]
                project_id = record.project_id.id
                items.append(((record.id, "start"), project_id, start, current_start))
                items.append(((record.id, "finish"), project_id, finish, current_finish))
        variances = self.env["project.project"]._flow_working_day_variances(items)
        return {
            record_id: (
                start,
                finish,
                variances.get((record_id, "start")) or 0,
                variances.get((record_id, "finish")) or 0,
            )
            for record_id, (start, finish) in dates.items()
        }
