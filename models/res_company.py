from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    flow_require_initiation = fields.Boolean(
        string="Every project needs initiation approval",
        help="When set, projects without a flow template also start as drafts and must be "
        "approved (立项) before time can be logged on them.",
    )
    flow_initiation_policy_id = fields.Many2one(
        "project.flow.approval.policy", string="Default initiation approval"
    )
    flow_closing_policy_id = fields.Many2one(
        "project.flow.approval.policy", string="Default closing approval"
    )

    # Notification outbox: quiet hours, in the recipient's time zone.
    flow_quiet_hours = fields.Boolean(
        string="Quiet hours",
        help="Messages queued during quiet hours (in the recipient's time zone; group robots use "
        "the project's or the company's) wait until they end. Urgent alerts still go out.",
    )
    flow_quiet_start = fields.Float(string="Quiet from", default=22.0)
    flow_quiet_end = fields.Float(string="Quiet until", default=8.0)

    @api.constrains("flow_quiet_start", "flow_quiet_end")
    def _check_flow_quiet_hours(self):
        for company in self:
            for value in (company.flow_quiet_start, company.flow_quiet_end):
                if not 0 <= value < 24:
                    raise ValidationError(
                        _(
                            "Quiet hours of %(company)s must be between 00:00 and 23:59.",
                            company=company.name,
                        )
                    )
