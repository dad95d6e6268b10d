from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine.delay import DEFAULT_LEVEL2_FACTOR, DEFAULT_LEVEL3_FACTOR, DEFAULT_THRESHOLD


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
        help="Flow users of this company who have not chosen a home action land on My work "
        "after login. Turning it off gives them Odoo's default landing page back; users who "
        "chose another home action keep it either way.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "flow_workspace_home" in vals:
            self._flow_apply_workspace_home()
        return result

    def _flow_apply_workspace_home(self):
        """Set (or clear) My work as home action of the companies' flow
        users, leaving alone the users who picked another home action."""
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
            users = Users.search(
                [
                    ("share", "=", False),
                    ("company_id", "in", companies.ids),
                    ("groups_id", "in", group.ids),
                    ("action_id", "=", False if enabled else action.id),
                ]
            )
            # sudo: an administrator sets other users' home action
            users.write({"action_id": action.id if enabled else False})
