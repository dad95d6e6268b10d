from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine.delay import DEFAULT_LEVEL2_FACTOR, DEFAULT_LEVEL3_FACTOR, DEFAULT_THRESHOLD
from ..engine.health import HealthThresholds, HealthWeights


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

    # Delay alerts ----------------------------------------------------------

    flow_delay_threshold = fields.Integer(
        string="Delay threshold (working days)",
        default=DEFAULT_THRESHOLD,
        help="Work this many working days late raises a level 1 alert, unless its flow "
        "template or phase sets another threshold.",
    )
    flow_delay_level2_factor = fields.Float(
        string="Level 2 at (× threshold)",
        default=DEFAULT_LEVEL2_FACTOR,
        digits=(3, 1),
        help="Level 2 (project manager, department managers, sponsor) starts at this multiple "
        "of the threshold.",
    )
    flow_delay_level3_factor = fields.Float(
        string="Level 3 at (× threshold)",
        default=DEFAULT_LEVEL3_FACTOR,
        digits=(3, 1),
        help="Level 3 (sponsor and management) starts at this multiple of the threshold.",
    )
    flow_alert_management_user_ids = fields.Many2many(
        "res.users",
        "res_company_flow_alert_management_rel",
        "company_id",
        "user_id",
        string="Management (level 3 alerts)",
        help="Who receives the level 3 delay alerts with the sponsors. Empty: the sponsors only.",
    )

    @api.constrains("flow_delay_threshold", "flow_delay_level2_factor", "flow_delay_level3_factor")
    def _check_flow_delay_ladder(self):
        for company in self:
            if company.flow_delay_threshold < 1:
                raise ValidationError(
                    _(
                        "Company %(company)s: the field Delay threshold must be at least 1 "
                        "working day.",
                        company=company.name,
                    )
                )
            if not (1 <= company.flow_delay_level2_factor <= company.flow_delay_level3_factor):
                raise ValidationError(
                    _(
                        "Company %(company)s: the escalation factors must satisfy "
                        "1 ≤ Level 2 ≤ Level 3 (got %(level2)s and %(level3)s).",
                        company=company.name,
                        level2=company.flow_delay_level2_factor,
                        level3=company.flow_delay_level3_factor,
                    )
                )

    # My work workspace -----------------------------------------------------

    flow_workspace_home = fields.Boolean(
        string="Open My work after login",
        default=True,
        help="Flow users of this company who have not chosen a home action land on My work "
        "after login (system administrators keep Odoo's start page). Turning it off gives "
        "them Odoo's default landing page back; users who chose another home action keep it "
        "either way.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "flow_workspace_home" in vals:
            self._flow_apply_workspace_home()
        return result

    @api.model
    def _flow_apply_workspace_home_all(self):
        """At installation: My work becomes the landing page of the flow users
        of the companies that want it (all, by default)."""
        self.sudo().search([])._flow_apply_workspace_home()

    def _flow_apply_workspace_home(self):
        """Set (or clear) My work as home action of the companies' flow
        users, leaving alone the users who picked another home action and,
        when setting it, the system administrators (they keep Odoo's start
        page to configure the database)."""
        action = self.env.ref(
            "project_flow.action_project_flow_workspace", raise_if_not_found=False
        )
        if not action:
            return
        Users = self.env["res.users"].sudo().with_context(active_test=True)
        group = self.env.ref("project_flow.group_flow_user")
        for enabled, companies in (
            (True, self.filtered("flow_workspace_home")),
            (False, self.filtered(lambda c: not c.flow_workspace_home)),
        ):
            if not companies:
                continue
            domain = [
                ("share", "=", False),
                ("company_id", "in", companies.ids),
                ("groups_id", "in", group.ids),
                ("action_id", "=", False if enabled else action.id),
            ]
            if enabled:
                domain.append(("groups_id", "not in", self.env.ref("base.group_system").ids))
            users = Users.search(domain)
            # sudo: an administrator sets other users' home action
            users.write({"action_id": action.id if enabled else False})

    # Delay risk and health -------------------------------------------------

    flow_risk_alert_level = fields.Integer(
        string="At-risk alert level",
        default=70,
        help="Open tasks whose delay risk reaches this score (0-100) raise a level 0 "
        '"at risk" alert.',
    )
    flow_health_weight_schedule = fields.Float(
        string="Health weight: schedule", default=0.5, digits=(3, 2)
    )
    flow_health_weight_budget = fields.Float(
        string="Health weight: budget", default=0.3, digits=(3, 2)
    )
    flow_health_weight_quality = fields.Float(
        string="Health weight: quality", default=0.2, digits=(3, 2)
    )
    flow_health_schedule_yellow = fields.Float(
        string="Schedule yellow at (%)",
        default=5.0,
        help="Forecast delay against the baseline, in percent of the planned duration, "
        "above which the schedule is yellow.",
    )
    flow_health_schedule_red = fields.Float(string="Schedule red at (%)", default=15.0)
    flow_health_budget_yellow = fields.Float(
        string="Budget yellow at (%)",
        default=5.0,
        help="Timesheet cost over the budget, in percent of the budget, above which the budget "
        "is yellow.",
    )
    flow_health_budget_red = fields.Float(string="Budget red at (%)", default=15.0)
    flow_health_rework_yellow = fields.Float(
        string="Rework yellow at (%)",
        default=10.0,
        help="Reworked tasks (reopened, moved back a stage, defect-tagged) in percent of the "
        "tasks, above which quality is yellow.",
    )
    flow_health_rework_red = fields.Float(string="Rework red at (%)", default=25.0)
    flow_health_green_score = fields.Integer(
        string="Green from score", default=70, help="A health score (0-100) from this is green."
    )
    flow_health_yellow_score = fields.Integer(
        string="Yellow from score",
        default=40,
        help="A health score (0-100) from this (and below the green one) is yellow; below, red.",
    )
    flow_health_defect_tag_id = fields.Many2one(
        "project.tags",
        string="Defect tag",
        help="Tasks with this tag count as rework in the project health, besides tags named "
        "like defect, bug or 缺陷.",
    )

    @api.constrains(
        "flow_risk_alert_level",
        "flow_health_weight_schedule",
        "flow_health_weight_budget",
        "flow_health_weight_quality",
        "flow_health_schedule_yellow",
        "flow_health_schedule_red",
        "flow_health_budget_yellow",
        "flow_health_budget_red",
        "flow_health_rework_yellow",
        "flow_health_rework_red",
        "flow_health_green_score",
        "flow_health_yellow_score",
    )
    def _check_flow_health_settings(self):
        for company in self:
            if not 1 <= company.flow_risk_alert_level <= 100:
                raise ValidationError(
                    _(
                        "Company %(company)s: the field At-risk alert level must be between "
                        "1 and 100.",
                        company=company.name,
                    )
                )
            weights = (
                company.flow_health_weight_schedule,
                company.flow_health_weight_budget,
                company.flow_health_weight_quality,
            )
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(
                    _(
                        "Company %(company)s: the health weights must be positive or zero, "
                        "and not all zero.",
                        company=company.name,
                    )
                )
            try:
                company._flow_health_thresholds().validate()
            except ValueError as error:
                raise ValidationError(
                    _(
                        "Company %(company)s: the health thresholds must satisfy 0 < yellow < red "
                        "for schedule, budget and rework, and 0 < Yellow from score < Green from "
                        "score < 100 (%(detail)s).",
                        company=company.name,
                        detail=str(error),
                    )
                ) from error

    def _flow_health_weights(self):
        self.ensure_one()
        return HealthWeights(
            schedule=self.flow_health_weight_schedule,
            budget=self.flow_health_weight_budget,
            quality=self.flow_health_weight_quality,
        )

    def _flow_health_thresholds(self):
        self.ensure_one()
        return HealthThresholds(
            schedule_yellow=self.flow_health_schedule_yellow / 100.0,
            schedule_red=self.flow_health_schedule_red / 100.0,
            budget_yellow=self.flow_health_budget_yellow / 100.0,
            budget_red=self.flow_health_budget_red / 100.0,
            rework_yellow=self.flow_health_rework_yellow / 100.0,
            rework_red=self.flow_health_rework_red / 100.0,
            green_score=float(self.flow_health_green_score),
            yellow_score=float(self.flow_health_yellow_score),
        )
