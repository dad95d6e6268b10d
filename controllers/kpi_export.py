import json

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request
from odoo.tools import osutil
from odoo.tools.misc import format_date

from ..engine.kpi_xlsx import dashboard_workbook, pivot_workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FlowKpiExport(http.Controller):
    """Formatted XLSX files of the KPI dashboard and of any KPI pivot view,
    in the user's language (labels translated here, in the request's
    language; the workbooks are built by ``engine/kpi_xlsx.py``).

    Both routes are POST forms with Odoo's CSRF token, as Odoo's own export
    routes (``download()`` in the web client adds it)."""

    @http.route("/project_flow/kpi/dashboard.xlsx", type="http", auth="user", methods=["POST"])
    def flow_kpi_dashboard_xlsx(self, filters="{}", **kw):
        try:
            parsed = json.loads(filters or "{}")
        except ValueError as error:
            raise UserError(_("Invalid filters for the KPI dashboard export.")) from error
        if not isinstance(parsed, dict):
            raise UserError(_("Invalid filters for the KPI dashboard export."))
        data = request.env["project.flow.dashboard"].get_data(parsed)
        content = dashboard_workbook(data, self._dashboard_labels())
        label = (data.get("period") or {}).get("label") or ""
        filename = _("KPI dashboard %(period)s", period=label).strip()
        return self._xlsx_response(content, filename)

    @http.route(
        "/project_flow/kpi/pivot.xlsx", type="http", auth="user", methods=["POST"], readonly=True
    )
    def flow_kpi_pivot_xlsx(self, data="{}", **kw):
        try:
            table = json.loads(data or "{}")
        except ValueError as error:
            raise UserError(_("Invalid pivot table for the XLSX export.")) from error
        if not isinstance(table, dict) or not isinstance(table.get("rows"), list):
            raise UserError(_("Invalid pivot table for the XLSX export."))
        self._describe_measures(table)
        model_name = self._model_description(table.get("model"))
        today = format_date(request.env, fields.Date.context_today(request.env.user))
        labels = {
            "chart_sheet": _("Chart"),
            "subtitle": _("%(model)s, exported on %(date)s", model=model_name, date=today)
            if model_name
            else _("Exported on %(date)s", date=today),
        }
        content = pivot_workbook(table, labels)
        title = table.get("title") or model_name or _("Pivot")
        return self._xlsx_response(content, title)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _xlsx_response(self, content, name):
        today = fields.Date.context_today(request.env.user)
        filename = osutil.clean_filename(f"{name} {today}") + ".xlsx"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    def _model_description(self, model):
        """The model's name in the user's language, when the user may read it."""
        if not model or model not in request.env:
            return ""
        records = request.env[model]
        if not records.has_access("read"):
            return ""
        return request.env["ir.model"]._get(model).name or ""

    def _describe_measures(self, table):
        """Complete the measures' type and label from the model's fields (a
        payload from Odoo's own export only carries the header titles): the
        number format follows the field type, the chart title its label."""
        model = table.get("model")
        measures = table.get("measures")
        if not isinstance(measures, list) or not model or model not in request.env:
            return
        field_infos = request.env[model].fields_get(attributes=["string", "type"])
        for measure in measures:
            if not isinstance(measure, dict):
                continue
            name = measure.get("name")
            if name == "__count":
                measure.setdefault("type", "integer")
                measure.setdefault("string", _("Count"))
                continue
            info = field_infos.get(name)
            if info:
                measure["type"] = info["type"]
                measure.setdefault("string", info["string"])
                if not measure.get("string"):
                    measure["string"] = info["string"]

    def _selection_labels(self, model, field_name):
        if model not in request.env or field_name not in request.env[model]._fields:
            return {}
        field = request.env[model]._fields[field_name]
        return dict(field._description_selection(request.env))

    def _dashboard_labels(self):
        today = format_date(request.env, fields.Date.context_today(request.env.user))
        return {
            "title": _("KPI dashboard"),
            "period": _("Period"),
            "previous_period": _("Previous period"),
            "filters": _("Filters"),
            "all": _("All"),
            "departments": _("Departments"),
            "templates": _("Templates"),
            "managers": _("Managers"),
            "kpi_sheet": _("KPIs"),
            "kpi": _("KPI"),
            "value": _("Value"),
            "previous": _("Previous"),
            "change": _("Change"),
            "help": _("Definition"),
            # unit suffixes of hours and days in number formats (whole words:
            # one-letter terms are not exported for translation)
            "hours": _("hours"),
            "days": _("days"),
            "portfolio_sheet": _("Portfolio"),
            "project": _("Project"),
            "health": _("Health"),
            "health_score": _("Health score"),
            "progress": _("Progress"),
            "manager": _("Manager"),
            "department": _("Department"),
            "open_alerts": _("Open alerts"),
            "forecast_delay": _("Forecast delay (days)"),
            "state": _("State"),
            "reasons": _("Reasons"),
            "health_green": _("Green"),
            "health_yellow": _("Yellow"),
            "health_red": _("Red"),
            "review_sheet": _("Monthly review"),
            "review_title": _("Monthly review: teams side by side"),
            "chart_data_sheet": _("Chart data"),
            "charts_sheet": _("Charts"),
            "cycle_trend": _("Delivery cycle trend (days)"),
            "cycle_task": _("Task cycle"),
            "cycle_project": _("Project cycle"),
            "on_time_by_department": _("On-time rate by department"),
            "on_time_rate": _("On-time rate"),
            "workload": _("Workload per person"),
            "person": _("Person"),
            "open_tasks": _("Open tasks"),
            "logged_hours": _("Hours"),
            "risks_sheet": _("Top risks"),
            "task": _("Task"),
            "risk_score": _("Risk score"),
            "alerts_sheet": _("Alerts"),
            "alert": _("Alert"),
            "level": _("Level"),
            "delay_days": _("Delay (days)"),
            "detected": _("Detected"),
            "bottlenecks_sheet": _("Bottlenecks"),
            "phase": _("Phase"),
            "template": _("Template"),
            "avg_overrun_days": _("Average overrun (days)"),
            "phase_count": _("Phases"),
            "empty": _("Nothing to show for this period."),
            "generated": _("Exported on %(date)s", date=today),
            "states": self._selection_labels("project.project", "flow_state"),
            "levels": self._selection_labels("project.flow.alert", "level"),
        }
