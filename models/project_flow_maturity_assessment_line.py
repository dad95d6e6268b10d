# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProjectFlowMaturityAssessmentLine(models.Model):
    """One scored criterion of a maturity assessment: the figure measured
    when the assessment was made (kept as history), the suggested score and
    the assessor's score and comment."""

    _name = "project.flow.maturity.assessment.line"
    _description = "Project Flow Maturity Assessment Line"
    _order = "sequence, id"

    assessment_id = fields.Many2one(
        "project.flow.maturity.assessment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="assessment_id.company_id", store=True)
    state = fields.Selection(related="assessment_id.state")
    sequence = fields.Integer(default=10)
    criterion_id = fields.Many2one(
        "project.flow.maturity.criterion", required=True, ondelete="restrict"
    )
    measure = fields.Selection(related="criterion_id.measure")
    measured_value = fields.Float(string="Measured value", readonly=True)
    measured = fields.Char(
        readonly=True,
        help="The figure measured from the template's projects when the assessment was made.",
    )
    suggested_score = fields.Integer(
        readonly=True, help="Score the measured figure gives on the 1-5 scale."
    )
    score = fields.Integer(help="1 (ad hoc) to 5 (optimised).")
    comment = fields.Text()

    @api.constrains("score")
    def _check_score(self):
        for line in self:
            if line.score and not 1 <= line.score <= 5:
                raise ValidationError(
                    _(
                        "Assessment %(assessment)s, criterion %(criterion)s: the field Score "
                        "must be between 1 and 5.",
                        assessment=line.assessment_id.display_name,
                        criterion=line.criterion_id.display_name,
                    )
                )
