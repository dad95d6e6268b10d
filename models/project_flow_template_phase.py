from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine import gate


class ProjectFlowTemplatePhase(models.Model):
    """A phase of a flow template, with its gate: deliverables, approval rule
    and gate mode."""

    _name = "project.flow.template.phase"
    _description = "Project Flow Template Phase"
    _inherit = ["project.flow.approval.mixin"]
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "project.flow.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    duration = fields.Integer(
        string="Planned duration (working days)",
        default=5,
        help="Planned length of the phase in working days of the project's calendar.",
    )
    role_id = fields.Many2one("project.flow.role", string="Responsible role")
    gate_mode = fields.Selection(
        [(gate.HARD, "Hard gate"), (gate.SOFT, "Soft gate")],
        string="Gate mode",
        required=True,
        default=gate.HARD,
        help="Hard: the phase cannot be completed until its tasks and required deliverables "
        "are done. Soft: the same checks only warn.",
    )
    delay_threshold = fields.Integer(
        string="Delay threshold (working days)",
        default=0,
        help="Work of this phase this many working days late raises a delay alert. "
        "0: the template's threshold, else the company's.",
    )
    deliverable_ids = fields.One2many(
        "project.flow.template.deliverable", "phase_id", string="Deliverables", copy=True
    )
    task_template_ids = fields.One2many(
        "project.flow.template.task", "phase_id", string="Task templates", copy=True
    )
    approver_line_ids = fields.One2many(
        "project.flow.approver", "template_phase_id", string="Approvers", copy=True
    )

    _sql_constraints = [
        (
            "duration_positive",
            "CHECK(duration >= 0)",
            "The planned duration of a phase cannot be negative.",
        ),
        (
            "delay_threshold_positive",
            "CHECK(delay_threshold >= 0)",
            "The delay threshold of a phase cannot be negative.",
        ),
    ]

    @api.depends("template_id.name", "name")
    def _compute_display_name(self):
        for phase in self:
            phase.display_name = (
                f"{phase.template_id.name} / {phase.name}" if phase.template_id else phase.name
            )

    @api.constrains("duration", "delay_threshold")
    def _check_duration(self):
        for phase in self:
            if phase.duration < 0:
                raise ValidationError(
                    _(
                        "Phase %(phase)s: the field Planned duration cannot be negative.",
                        phase=phase.display_name,
                    )
                )

    def _flow_phase_values(self, project, milestone, dates):
        """Values of the project phase created from this template phase."""
        self.ensure_one()
        return {
            "project_id": project.id,
            "template_phase_id": self.id,
            "sequence": self.sequence,
            "name": self.name,
            "description": self.description,
            "duration": self.duration,
            "role_id": self.role_id.id,
            "gate_mode": self.gate_mode,
            "delay_threshold": self.delay_threshold,
            "approval_rule": self.approval_rule,
            "approval_min": self.approval_min,
            "approver_line_ids": self._flow_approver_line_commands(),
            "deliverable_ids": [
                fields.Command.create(deliverable._flow_deliverable_values())
                for deliverable in self.deliverable_ids
            ],
            "milestone_id": milestone.id,
            "date_start": dates[0],
            "date_end": dates[1],
        }
