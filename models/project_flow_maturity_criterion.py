# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

MATURITY_MEASURES = [
    ("phases_on_time", "Phases on time (%)"),
    ("overrun", "Average phase overrun (working days)"),
    ("gate_rejections", "Gate rejections per phase"),
    ("overrides", "Gates overridden (%)"),
    ("rework", "Rework per phase"),
    ("retrospectives", "Retrospectives done (%)"),
    ("manual", "Judged by the assessor"),
]


class ProjectFlowMaturityCriterion(models.Model):
    """A criterion of the process maturity assessment of a flow template,
    scored 1 (ad hoc) to 5 (optimised). Criteria with a measure get the
    measured figure and a suggested score pre-filled in new assessments."""

    _name = "project.flow.maturity.criterion"
    _description = "Project Flow Maturity Criterion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    measure = fields.Selection(
        MATURITY_MEASURES,
        required=True,
        default="manual",
        help="The figure measured from the template's projects for this criterion.",
    )
    description = fields.Text(translate=True, help="What a high score means.")
