from odoo import fields, models

DELIVERABLE_STAGES = [("entry", "Entry criterion"), ("exit", "Exit criterion")]
DELIVERABLE_TYPES = [("attachment", "Document"), ("checklist", "Checklist item")]


class ProjectFlowTemplateDeliverable(models.Model):
    """An entry or exit criterion of a template phase: a document to attach
    or a checklist item to tick."""

    _name = "project.flow.template.deliverable"
    _description = "Project Flow Template Deliverable"
    _order = "phase_id, stage desc, sequence, id"

    phase_id = fields.Many2one(
        "project.flow.template.phase", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    stage = fields.Selection(
        DELIVERABLE_STAGES,
        string="Criterion",
        required=True,
        default="exit",
        help="Entry criteria must be met to open the phase, exit criteria to complete it.",
    )
    deliverable_type = fields.Selection(
        DELIVERABLE_TYPES, string="Type", required=True, default="attachment"
    )
    required = fields.Boolean(default=True)

    def _flow_deliverable_values(self):
        self.ensure_one()
        return {
            "template_deliverable_id": self.id,
            "sequence": self.sequence,
            "name": self.name,
            "description": self.description,
            "stage": self.stage,
            "deliverable_type": self.deliverable_type,
            "required": self.required,
        }
