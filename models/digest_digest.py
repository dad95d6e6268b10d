# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..engine import status as status_engine


class DigestDigest(models.Model):
    """Flow KPIs in Odoo's periodic digest emails, the way Odoo's own apps
    add theirs: a ``kpi_<name>`` checkbox and its ``kpi_<name>_value``
    computed over the period the digest puts in the context
    (``start_datetime`` .. ``end_datetime``), for the companies of the
    digest. Tasks count in flow projects only; the definitions are those of
    the KPI dashboard (closing date = ``project.task.date_end``)."""

    _inherit = "digest.digest"

    kpi_project_flow_task_closed = fields.Boolean(string="Flow tasks closed")
    kpi_project_flow_task_closed_value = fields.Integer(
        compute="_compute_kpi_project_flow_task_closed_value"
    )
    kpi_project_flow_on_time_rate = fields.Boolean(string="Flow on-time rate (%)")
    kpi_project_flow_on_time_rate_value = fields.Float(
        compute="_compute_kpi_project_flow_on_time_rate_value"
    )
    kpi_project_flow_alert_open = fields.Boolean(string="Open delay alerts")
    kpi_project_flow_alert_open_value = fields.Integer(
        compute="_compute_kpi_project_flow_alert_open_value"
    )
    kpi_project_flow_red_project = fields.Boolean(string="Red projects")
    kpi_project_flow_red_project_value = fields.Integer(
        compute="_compute_kpi_project_flow_red_project_value"
    )
    kpi_project_flow_checkin = fields.Boolean(string="Check-ins")
    kpi_project_flow_checkin_value = fields.Integer(
        compute="_compute_kpi_project_flow_checkin_value"
    )

    # ------------------------------------------------------------------
    # KPI values
    # ------------------------------------------------------------------
    def _flow_check_digest_access(self):
        # the digest skips a KPI whose compute raises AccessError
        if not self.env.user.has_group("project_flow.group_flow_user"):
            raise AccessError(_("Do not have access, skip this data for user's digest email"))

    @api.model
    def _flow_digest_task_domain(self):
        """Tasks of flow projects (``project.project._flow_project_domain``)."""
        return self.env["project.project"]._flow_project_domain("project_id.")

    def _flow_digest_closed_domain(self):
        start, end, companies = self._get_kpi_compute_parameters()
        return [
            ("company_id", "in", companies.ids),
            ("state", "=", "1_done"),
            ("date_end", ">=", start),
            ("date_end", "<", end),
            *self._flow_digest_task_domain(),
        ]

    def _compute_kpi_project_flow_task_closed_value(self):
        self._flow_check_digest_access()
        count = self.env["project.task"].search_count(self._flow_digest_closed_domain())
        self.kpi_project_flow_task_closed_value = count

    def _compute_kpi_project_flow_on_time_rate_value(self):
        """Tasks closed in the period with a deadline, closed on or before it
        (one query, the user's record rules applied)."""
        self._flow_check_digest_access()
        query = self.env["project.task"]._search(
            [*self._flow_digest_closed_domain(), ("date_deadline", "!=", False)]
        )
        tz = (self.company_id or self.env.company).resource_calendar_id.tz or "UTC"
        self.env.cr.execute(
            query.select(
                SQL("COUNT(*)"),
                # on time: closed on or before the deadline's day, in the
                # company calendar's time zone (as the KPI dashboard counts)
                SQL(
                    "COUNT(*) FILTER (WHERE (%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date"
                    " <= (%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date)",
                    SQL.identifier(query.table, "date_end"),
                    tz,
                    SQL.identifier(query.table, "date_deadline"),
                    tz,
                ),
            )
        )
        with_deadline, on_time = self.env.cr.fetchone()
        self.kpi_project_flow_on_time_rate_value = (
            status_engine.percent(on_time, with_deadline) or 0.0
        )

    def _compute_kpi_project_flow_alert_open_value(self):
        """Delay alerts detected in the period and not resolved yet."""
        self._flow_check_digest_access()
        self._calculate_company_based_kpi(
            "project.flow.alert",
            "kpi_project_flow_alert_open_value",
            date_field="detected_date",
            additional_domain=[("state", "!=", "resolved")],
        )

    def _compute_kpi_project_flow_red_project_value(self):
        """Running flow projects whose health is red now (a state, not a
        flow: the same in every column of the digest)."""
        self._flow_check_digest_access()
        __, __, companies = self._get_kpi_compute_parameters()
        self.kpi_project_flow_red_project_value = self.env["project.project"].search_count(
            [
                ("company_id", "in", companies.ids),
                ("flow_state", "=", "running"),
                ("flow_health", "=", "red"),
            ]
        )

    def _compute_kpi_project_flow_checkin_value(self):
        """Check-ins of the days in the period (a check-in has a day, not a
        time: the days from the start's to the day before the end's)."""
        self._flow_check_digest_access()
        start, end, companies = self._get_kpi_compute_parameters()
        self.kpi_project_flow_checkin_value = self.env["project.flow.checkin"].search_count(
            [
                ("company_id", "in", companies.ids),
                ("date", ">=", fields.Datetime.to_datetime(start).date()),
                ("date", "<", fields.Datetime.to_datetime(end).date()),
            ]
        )

    # ------------------------------------------------------------------
    # Links of the email
    # ------------------------------------------------------------------
    def _compute_kpis_actions(self, company, user):
        res = super()._compute_kpis_actions(company, user)
        menu = f"&menu_id={self.env.ref('project.menu_main_pm').id}"
        res.update(
            {
                "kpi_project_flow_task_closed": f"project.action_view_all_task{menu}",
                "kpi_project_flow_on_time_rate": f"project.action_view_all_task{menu}",
                "kpi_project_flow_alert_open": f"project_flow.action_project_flow_alert{menu}",
                "kpi_project_flow_red_project": f"project.open_view_project_all{menu}",
                "kpi_project_flow_checkin": f"project_flow.action_project_flow_checkin{menu}",
            }
        )
        return res

    # ------------------------------------------------------------------
    # Installation
    # ------------------------------------------------------------------
    @api.model
    def _flow_subscribe_flow_managers(self):
        """At installation, the flow managers (internal users) receive the
        "Project Flow weekly KPIs" digest; others subscribe themselves."""
        digest = self.env.ref("project_flow.digest_digest_flow_weekly", raise_if_not_found=False)
        if not digest:
            return
        users = self.env.ref("project_flow.group_flow_manager").users.filtered(
            lambda u: u.active and not u.share
        )
        digest._action_subscribe_users(users)
