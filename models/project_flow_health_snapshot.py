from datetime import timedelta

from odoo import api, fields, models

from .project_project_health import HEALTH_COLORS


class ProjectFlowHealthSnapshot(models.Model):
    """The health of a project one week: kept for trends (the weekly cron
    writes one per running project and week, a re-run changes nothing)."""

    _name = "project.flow.health.snapshot"
    _description = "Project Flow Health Snapshot"
    _order = "date desc, id desc"
    _rec_name = "date"

    project_id = fields.Many2one(
        "project.project", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    date = fields.Date(required=True, readonly=True, help="Monday of the week of the snapshot.")
    score = fields.Integer(string="Health score", readonly=True, aggregator="avg")
    color = fields.Selection(HEALTH_COLORS, string="Health", readonly=True)
    components = fields.Json(readonly=True)
    on_time_probability = fields.Float(
        string="On-time probability (%)", digits=(5, 0), readonly=True, aggregator="avg"
    )
    on_time_probability_raw = fields.Float(
        string="On-time probability before calibration (%)", digits=(5, 0), readonly=True
    )
    spi_t = fields.Float(string="SPI(t)", digits=(4, 2), readonly=True, aggregator="avg")
    forecast_finish = fields.Date(string="Forecast finish", readonly=True)

    _sql_constraints = [
        (
            "project_date_uniq",
            "unique(project_id, date)",
            "One health snapshot per project and week.",
        )
    ]

    @api.model
    def _cron_snapshot(self, today=None, batch_size=200):
        """Weekly: recompute the running projects' forecast and health and
        keep this week's snapshot of each (batches; safe to re-run)."""
        today = today or fields.Date.context_today(self)
        monday = today - timedelta(days=today.weekday())
        Project = self.env["project.project"].sudo()
        project_ids = Project._flow_running_flow_project_ids()
        self.env.cr.execute(
            "SELECT project_id FROM project_flow_health_snapshot WHERE date = %s", [monday]
        )
        taken = {row[0] for row in self.env.cr.fetchall()}
        todo = [pid for pid in project_ids if pid not in taken]
        created = self.browse()
        for start in range(0, len(todo), batch_size):
            projects = Project.browse(todo[start : start + batch_size])
            projects._flow_recompute_forecast_health(today=today)
            created |= self.sudo().create(
                [
                    {
                        "project_id": project.id,
                        "date": monday,
                        "score": project.flow_health_score,
                        "color": project.flow_health,
                        "components": (project.flow_health_data or {}).get("components", {}),
                        "on_time_probability": project.flow_on_time_probability,
                        "on_time_probability_raw": project.flow_on_time_probability_raw,
                        "spi_t": project.flow_spi_t,
                        "forecast_finish": project.flow_forecast_finish,
                    }
                    for project in projects
                ]
            )
            done = start + len(projects)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(todo) - done)
        return created
