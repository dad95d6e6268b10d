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
        figures = self.env["project.flow.baseline.line"]._flow_reference_figures(
            self,
            "phase_id",
            {phase.id: (phase.date_start or None, phase.date_end or None) for phase in self},
            domain=[("is_task", "=", False)],
        )
        for phase in self:
            (
                phase.baseline_start,
                phase.baseline_finish,
                phase.start_variance,
                phase.finish_variance,
            ) = figures[phase.id]

    def _flow_capture_gate_baseline(self, overridden=False):
        """Take a baseline of the project when this phase's gate is passed.

        Every passed gate takes one, an override included (reason "Gate
        passed by override"): the plan the next phase starts from is what
        later slips are measured against, however the gate was passed.
        """
        self.ensure_one()
        reason = "gate_override" if overridden else "gate"
        return self.project_id._flow_capture_baseline(reason, phase=self)
