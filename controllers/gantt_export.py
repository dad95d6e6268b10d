import json

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

FORMATS = {
    "xlsx": (
        "flow_gantt_export_xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pdf": ("flow_gantt_export_pdf", "application/pdf"),
}


class FlowGanttExport(http.Controller):
    """One-click downloads of the Gantt (the view posts its domain, zoom and
    grouping); the rows come from ``project.task.flow_gantt_data``, so the
    user's access rules apply."""

    @http.route(
        "/project_flow/gantt/<string:file_format>", type="http", auth="user", methods=["POST"]
    )
    def flow_gantt_export(self, file_format, domain="[]", scale="week", group_by="phase", **kw):
        if file_format not in FORMATS:
            raise request.not_found()
        try:
            parsed = json.loads(domain)
        except ValueError as error:
            raise UserError(_("Invalid domain for the Gantt export.")) from error
        method, mimetype = FORMATS[file_format]
        content = getattr(request.env["project.task"], method)(
            parsed, scale=scale, group_by=group_by
        )
        filename = f"gantt-{fields.Date.context_today(request.env.user)}.{file_format}"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
