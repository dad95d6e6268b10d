from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    # The task's row in the KPI view (one row per task of a flow project):
    # the dashboard's drill-downs list tasks with a domain on it, so the list
    # holds exactly the tasks a KPI counted.
    flow_kpi_ids = fields.One2many("project.flow.kpi.task", "task_id", string="KPI rows")
