# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ReportProjectFlowStatus(models.AbstractModel):
    """Values of the project status report: the projects the user may read
    (an AccessError otherwise, never a half report) and what each page shows,
    read for all the printed projects at once."""

    _name = "report.project_flow.report_project_flow_status"
    _description = "Project status report"

    @api.model
    def _get_report_values(self, docids, data=None):
        projects = self.env["project.project"].browse(docids)
        projects.check_access("read")
        today = fields.Date.context_today(self)
        return {
            "doc_ids": projects.ids,
            "doc_model": "project.project",
            "docs": projects,
            "status": projects._flow_status_report_values(today=today),
            "report_date": today,
            "fmt": projects._flow_status_format,
        }
