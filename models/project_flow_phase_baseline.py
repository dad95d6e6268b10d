from odoo import api, fields, models


class ProjectFlowPhase(models.Model):
    """A phase's dates in its project's reference baseline and how far the
    current plan has moved from them, in working days."""

    _inherit = "project.flow.phase"

    baseline_start = fields.Date(
        string="Baseline start",
        compute="_compute_baseline",
        help="Planned start of this phase in the project's reference baseline.",
    )
    baseline_finish = fields.Date(
        string="Baseline finish",
        compute="_compute_baseline",
        help="Planned end of this phase in the project's reference baseline.",
    )
    start_variance = fields.Integer(
        compute="_compute_baseline",
        help="Working days from the baseline start to the planned start (positive: later).",
    )
    finish_variance = fields.Integer(
        compute="_compute_baseline",
        help="Working days from the baseline end to the planned end (positive: later).",
    )

    @api.depends("date_start", "date_end", "project_id.flow_baseline_id")
    def _compute_baseline(self):
        """One read of the phase lines of the reference baselines, then one
        working calendar per project calendar for the variances."""
        references = self.project_id.flow_baseline_id
        lines = {}
        if references:
            for line in (
                self.env["project.flow.baseline.line"]
                .sudo()
                .search_read(
                    [
                        ("baseline_id", "in", references.ids),
                        ("is_task", "=", False),
                        ("phase_id", "in", self._origin.ids),
                    ],
                    ["baseline_id", "phase_id", "date_start", "date_finish"],
                )
            ):
                lines[(line["baseline_id"][0], line["phase_id"][0])] = line
        baseline_dates = {}
        items = []
        for phase in self:
            line = lines.get((phase.project_id.flow_baseline_id.id, phase._origin.id))
            start = (line and line["date_start"]) or None
            finish = (line and line["date_finish"]) or None
            baseline_dates[phase] = (start, finish)
            if line:
                project_id = phase.project_id.id
                items.append(((phase.id, "start"), project_id, start, phase.date_start or None))
                items.append(((phase.id, "finish"), project_id, finish, phase.date_end or None))
        variances = self.env["project.project"]._flow_working_day_variances(items)
        for phase in self:
            phase.baseline_start, phase.baseline_finish = baseline_dates[phase]
            phase.start_variance = variances.get((phase.id, "start")) or 0
            phase.finish_variance = variances.get((phase.id, "finish")) or 0

    def _flow_capture_gate_baseline(self, overridden=False):
        """Take a baseline of the project when this phase's gate is passed.

        Every passed gate takes one, an override included (reason "Gate
        passed by override"): the plan the next phase starts from is what
        later slips are measured against, however the gate was passed.
        """
        self.ensure_one()
        reason = "gate_override" if overridden else "gate"
        return self.project_id._flow_capture_baseline(reason, phase=self)
