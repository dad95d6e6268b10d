# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine import maturity

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class ProjectFlowMaturityAssessment(models.Model):
    """A periodic process maturity assessment of a flow template.

    Created as a draft with one line per active criterion, each pre-filled
    with the figure measured over the assessed period (the month, quarter or
    year up to the assessment date) and a suggested score; the assessor sets
    the scores and comments and marks it done. The overall score is the
    average of the line scores (1-5). Done assessments are the history shown
    on the template.
    """

    _name = "project.flow.maturity.assessment"
    _description = "Project Flow Maturity Assessment"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    template_id = fields.Many2one(
        "project.flow.template", string="Flow template", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        default=lambda self: self.env.company,
    )
    date = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self), tracking=True
    )
    assessor_id = fields.Many2one(
        "res.users",
        string="Assessor",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="quarter",
        help="The figures are measured over this period, up to the assessment date.",
    )
    date_start = fields.Date(string="Measured from", compute="_compute_date_start", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")], required=True, default="draft", tracking=True
    )
    line_ids = fields.One2many(
        "project.flow.maturity.assessment.line", "assessment_id", string="Criteria", copy=True
    )
    score = fields.Float(
        string="Overall score",
        compute="_compute_score",
        store=True,
        aggregator="avg",
        digits=(3, 1),
        help="Average of the criteria scores, 1 (ad hoc) to 5 (optimised).",
    )
    score_percent = fields.Float(
        string="Score (%)",
        compute="_compute_score",
        store=True,
        aggregator="avg",
        help="The overall score on a 0-100 scale (1 → 0 %, 5 → 100 %).",
    )
    bottlenecks = fields.Char(
        readonly=True, help="The slowest phases of the template when the assessment was made."
    )
    comments = fields.Html()

    @api.depends("template_id", "date")
    def _compute_name(self):
        for assessment in self:
            assessment.name = _(
                "%(template)s, %(date)s",
                template=assessment.template_id.name or "",
                date=assessment.date or "",
            )

    @api.depends("template_id")
    def _compute_company_id(self):
        for assessment in self:
            if assessment.template_id.company_id:
                assessment.company_id = assessment.template_id.company_id

    @api.depends("date", "period")
    def _compute_date_start(self):
        for assessment in self:
            months = PERIOD_MONTHS.get(assessment.period, 3)
            assessment.date_start = (
                assessment.date - relativedelta(months=months) + relativedelta(days=1)
                if assessment.date
                else False
            )

    @api.depends("line_ids.score")
    def _compute_score(self):
        for assessment in self:
            average, percent = maturity.overall_score(assessment.line_ids.mapped("score"))
            assessment.score = average or 0.0
            assessment.score_percent = percent or 0.0

    @api.model_create_multi
    def create(self, vals_list):
        assessments = super().create(vals_list)
        assessments.filtered(lambda a: not a.line_ids)._flow_prefill()
        return assessments

    def _flow_prefill(self):
        """(Re)create the lines from the active criteria with the measured
        figures of the period, and note the bottlenecks."""
        criteria = self.env["project.flow.maturity.criterion"].search([])
        for assessment in self:
            data = assessment.template_id._flow_maturity_data(
                assessment.date_start, assessment.date
            )[assessment.template_id.id]
            figures = data["figures"]
            commands = [fields.Command.clear()]
            for criterion in criteria:
                value = figures.get(criterion.measure)
                commands.append(
                    fields.Command.create(
                        {
                            "criterion_id": criterion.id,
                            "sequence": criterion.sequence,
                            "measured_value": value or 0.0,
                            "measured": self._flow_format_measure(criterion, value),
                            "suggested_score": maturity.suggest_score(criterion.measure, value)
                            or 0,
                            "score": maturity.suggest_score(criterion.measure, value) or 0,
                        }
                    )
                )
            assessment.write(
                {
                    "line_ids": commands,
                    "bottlenecks": ", ".join(s.name for s in data["bottlenecks"]) or False,
                }
            )

    @api.model
    def _flow_format_measure(self, criterion, value):
        if criterion.measure == "manual":
            return False
        if value is None:
            return _("%(criterion)s: no data", criterion=criterion.name)
        if criterion.measure in ("phases_on_time", "overrides", "retrospectives"):
            return _("%(criterion)s: %(value)s %%", criterion=criterion.name, value=round(value))
        return _("%(criterion)s: %(value)s", criterion=criterion.name, value=round(value, 2))

    def action_flow_refresh(self):
        """Measure again (draft only): the lines are re-created."""
        if self.filtered(lambda a: a.state != "draft"):
            raise UserError(_("Only draft assessments can be measured again."))
        self._flow_prefill()
        return True

    def action_flow_done(self):
        for assessment in self:
            missing = assessment.line_ids.filtered(lambda line: not line.score)
            if missing:
                raise UserError(
                    _(
                        "Assessment %(assessment)s: give a score to %(criteria)s first.",
                        assessment=assessment.display_name,
                        criteria=", ".join(missing.criterion_id.mapped("name")),
                    )
                )
        self.write({"state": "done"})
        return True

    def action_flow_draft(self):
        self.write({"state": "draft"})
        return True
