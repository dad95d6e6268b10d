from odoo import api, fields, models


class ProjectFlowAlert(models.Model):
    """Response time of delay alerts, stored so that pivots and the dashboard
    average it in SQL. Computed when an alert is acknowledged or resolved;
    existing alerts are filled when the field is created."""

    _inherit = "project.flow.alert"

    response_hours = fields.Float(
        string="Response time (hours)",
        compute="_compute_response_hours",
        store=True,
        aggregator="avg",
        help="Hours from detection to acknowledgement (else to resolution); 0 while open: "
        "average it over the answered alerts.",
    )

    responded = fields.Boolean(
        string="Answered",
        compute="_compute_response_hours",
        store=True,
        help="Acknowledged or resolved: the alerts whose response time counts.",
    )

    @api.depends("detected_date", "acknowledged_date", "resolved_date")
    def _compute_response_hours(self):
        for alert in self:
            answered = alert.acknowledged_date or alert.resolved_date
            alert.responded = bool(answered and alert.detected_date)
            if answered and alert.detected_date:
                alert.response_hours = max(
                    (answered - alert.detected_date).total_seconds() / 3600.0, 0.0
                )
            else:
                alert.response_hours = 0.0
