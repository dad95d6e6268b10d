# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..engine import people

FIGURES = (
    "tasks_closed",
    "on_time_rate",
    "effort_ratio",
    "estimate_accuracy",
    "rework_count",
    "checkin_count",
    "comment_count",
    "approval_count",
    "hours_logged",
)
SUMMED = (
    "tasks_closed",
    "deadline_count",
    "on_time_count",
    "allocated_hours",
    "effective_hours",
    "estimate_gap_hours",
    "rework_count",
    "checkin_count",
    "comment_count",
    "approval_count",
    "hours_logged",
)


class ProjectFlowProfile(models.TransientModel):
    """A person's effectiveness profile for a period, against the previous one.

    The figures are read from ``project.flow.kpi.person`` with the rights of
    the current user, and the profile itself can only be opened by those
    allowed to read the person's rows (the person, their managers, system
    administrators): opening another person's profile raises an AccessError.
    """

    _name = "project.flow.profile"
    _description = "Project Flow Effectiveness Profile"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", string="Person", required=True, default=lambda self: self.env.user
    )
    employee_id = fields.Many2one(
        "hr.employee", compute="_compute_employee", string="Employee", compute_sudo=True
    )
    department_id = fields.Many2one(
        "hr.department", compute="_compute_employee", string="Department", compute_sudo=True
    )
    manager_id = fields.Many2one(
        "hr.employee", compute="_compute_employee", string="Manager", compute_sudo=True
    )
    period = fields.Selection(
        [("month", "This month"), ("quarter", "This quarter"), ("year", "This year")],
        required=True,
        default="month",
    )
    date = fields.Date(
        string="Day in the period",
        required=True,
        default=lambda self: fields.Date.context_today(self),
        help="The period shown is the month, quarter or year containing this day.",
    )
    date_start = fields.Date(compute="_compute_figures", string="From")
    date_end = fields.Date(compute="_compute_figures", string="To")
    previous_start = fields.Date(compute="_compute_figures", string="Previous from")
    previous_end = fields.Date(compute="_compute_figures", string="Previous to")

    tasks_closed = fields.Integer(compute="_compute_figures", string="Tasks closed")
    on_time_rate = fields.Float(compute="_compute_figures", string="On-time rate (%)")
    effort_ratio = fields.Float(
        compute="_compute_figures",
        string="Effort vs estimate (%)",
        help="Hours spent on the closed tasks that had an estimate, against the estimate "
        "(100 %: as estimated; more: underestimated).",
    )
    estimate_accuracy = fields.Float(
        compute="_compute_figures",
        string="Estimate accuracy (%)",
        help="100 − Σ|spent − estimated| / Σ estimated, on closed tasks with an estimate.",
    )
    rework_count = fields.Integer(compute="_compute_figures", string="Rework")
    checkin_count = fields.Integer(compute="_compute_figures", string="Check-ins")
    comment_count = fields.Integer(compute="_compute_figures", string="Comments")
    approval_count = fields.Integer(compute="_compute_figures", string="Approvals given")
    hours_logged = fields.Float(compute="_compute_figures", string="Hours logged")

    tasks_closed_previous = fields.Integer(compute="_compute_figures", string="Tasks (before)")
    on_time_rate_previous = fields.Float(compute="_compute_figures", string="On time (before)")
    effort_ratio_previous = fields.Float(compute="_compute_figures", string="Effort (before)")
    estimate_accuracy_previous = fields.Float(
        compute="_compute_figures", string="Accuracy (before)"
    )
    rework_count_previous = fields.Integer(compute="_compute_figures", string="Rework (before)")
    checkin_count_previous = fields.Integer(compute="_compute_figures", string="Check-ins (before)")
    comment_count_previous = fields.Integer(compute="_compute_figures", string="Comments (before)")
    approval_count_previous = fields.Integer(
        compute="_compute_figures", string="Approvals (before)"
    )
    hours_logged_previous = fields.Float(compute="_compute_figures", string="Hours (before)")
    has_on_time = fields.Boolean(compute="_compute_figures")
    has_estimate = fields.Boolean(compute="_compute_figures")
    comparison_html = fields.Html(compute="_compute_figures", sanitize=False, string="Comparison")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("user_id")
    def _compute_employee(self):
        for profile in self:
            user = profile.user_id
            employees = user.employee_ids
            employee = (
                employees.filtered(lambda e, company=user.company_id: e.company_id == company)[:1]
                or employees[:1]
            )
            profile.employee_id = employee
            profile.department_id = employee.department_id
            profile.manager_id = employee.parent_id

    @api.depends("user_id", "period", "date")
    def _compute_figures(self):
        for profile in self:
            day = profile.date or fields.Date.context_today(profile)
            current = people.period_bounds(profile.period or "month", day)
            previous = people.previous_period(profile.period or "month", day)
            profile.date_start, profile.date_end = current.start, current.end
            profile.previous_start, profile.previous_end = previous.start, previous.end
            now = people.profile_figures(profile._flow_sums(current.start, current.end))
            before = people.profile_figures(profile._flow_sums(previous.start, previous.end))
            for name in FIGURES:
                profile[name] = now[name] or 0
                profile[f"{name}_previous"] = before[name] or 0
            profile.has_on_time = now["on_time_rate"] is not None
            profile.has_estimate = now["effort_ratio"] is not None
            profile.comparison_html = profile._flow_comparison_html(now, before)

    def _flow_sums(self, date_from, date_to):
        """Column sums of the person's rows between two days (both included),
        read with the current user's rights."""
        if not self.user_id:
            return {}
        self._flow_check_profile_access()
        # the view reads other models' tables: write pending changes first
        self.env.flush_all()
        rows = self.env["project.flow.kpi.person"]._read_group(
            [
                ("user_id", "=", self.user_id.id),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            [],
            [f"{name}:sum" for name in SUMMED],
        )
        return dict(zip(SUMMED, rows[0], strict=True)) if rows else {}

    def _flow_comparison_html(self, now, before):
        labels = self._flow_figure_labels()
        percent = {"on_time_rate", "effort_ratio", "estimate_accuracy"}
        hours = {"hours_logged"}
        lower_is_better = {"rework_count"}

        def fmt(name, value):
            if value is None:
                return "—"
            if name in percent:
                return f"{value:.0f} %"
            if name in hours:
                return f"{value:.1f} h"
            return f"{value:.0f}"

        rows = []
        for name in FIGURES:
            change = people.trend(now[name], before[name])
            css = ""
            arrow = ""
            if change:
                better = change < 0 if name in lower_is_better else change > 0
                if name == "effort_ratio":
                    # closer to 100 % is better for the effort against estimate
                    better = abs(now[name] - 100) < abs(before[name] - 100)
                css = "text-success" if better else "text-danger"
                arrow = "▲" if change > 0 else "▼"
            rows.append(
                f"<tr><td>{labels[name]}</td>"
                f'<td class="text-end fw-bold">{fmt(name, now[name])}</td>'
                f'<td class="text-end text-muted">{fmt(name, before[name])}</td>'
                f'<td class="text-end {css}">{arrow}</td></tr>'
            )
        return (
            '<table class="table table-sm o_flow_profile_table"><thead><tr>'
            f"<th>{_('Figure')}</th><th class='text-end'>{_('This period')}</th>"
            f"<th class='text-end'>{_('Previous')}</th><th></th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _flow_figure_labels(self):
        return {name: self._fields[name].get_description(self.env)["string"] for name in FIGURES}

    def _flow_check_profile_access(self):
        for profile in self:
            user = profile.user_id
            if user and not user._flow_profile_visible_to(self.env.user):
                raise AccessError(
                    _(
                        "You may not read the effectiveness profile of %(person)s: only the "
                        "person and their managers can.",
                        person=user.display_name,
                    )
                )

    @api.constrains("user_id")
    def _check_user_id(self):
        self._flow_check_profile_access()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def action_flow_open_for_user(self, user=None):
        """Open the profile of ``user`` (default: the current user)."""
        user = user or self.env.user
        profile = self.create({"user_id": user.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("Profile of %(person)s", person=user.sudo().display_name),
            "res_model": self._name,
            "res_id": profile.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def action_flow_open_my_profile(self):
        return self.action_flow_open_for_user(self.env.user)

    def action_flow_rows(self):
        """Drill down to the rows behind the figures (``flow_kind`` in the
        context narrows to one kind), this period."""
        self.ensure_one()
        domain = [
            ("user_id", "=", self.user_id.id),
            ("date", ">=", self.date_start),
            ("date", "<=", self.date_end),
        ]
        kind = self.env.context.get("flow_kind")
        if kind:
            domain.append(("kind", "=", kind))
        return {
            "type": "ir.actions.act_window",
            "name": _("%(person)s: activity", person=self.user_id.display_name),
            "res_model": "project.flow.kpi.person",
            "view_mode": "list,pivot,graph",
            "views": [(False, "list"), (False, "pivot"), (False, "graph")],
            "domain": domain,
            "context": {"create": False},
        }
