from odoo import api, fields, models

from ..engine import tracking

ACHIEVEMENTS = [
    (tracking.ON_TIME, "Reached on time"),
    (tracking.LATE, "Reached late"),
    (tracking.MISSED, "Missed"),
    (tracking.OPEN, "Open"),
]


class ProjectMilestone(models.Model):
    _inherit = "project.milestone"

    flow_achievement = fields.Selection(
        ACHIEVEMENTS,
        string="Achievement",
        compute="_compute_flow_achievement",
        store=True,
        index=True,
        help="Reached on time: reached on or before its deadline (or without one). Reached "
        "late: reached after its deadline. Missed: the deadline has passed and it is not "
        "reached. Open: not reached, deadline not passed.",
    )
    flow_days_late = fields.Integer(
        string="Days late",
        compute="_compute_flow_achievement",
        store=True,
        help="Calendar days past the deadline: until it was reached, or until today when missed.",
    )

    @api.depends("is_reached", "reached_date", "deadline")
    def _compute_flow_achievement(self):
        today = fields.Date.context_today(self)
        for milestone in self:
            milestone.flow_achievement, milestone.flow_days_late = tracking.milestone_achievement(
                milestone.is_reached, milestone.reached_date, milestone.deadline, today
            )

    @api.model
    def _flow_refresh_achievement(self):
        """Time moves on: open milestones whose deadline has passed become
        missed, and missed ones grow later. Run by the daily digest cron."""
        today = fields.Date.context_today(self)
        milestones = self.sudo().search([("is_reached", "=", False), ("deadline", "<", today)])
        if milestones:
            for name in ("flow_achievement", "flow_days_late"):
                self.env.add_to_compute(milestones._fields[name], milestones)
            milestones._recompute_recordset(["flow_achievement", "flow_days_late"])
        return milestones
