from odoo import api, fields, models


# Delay alerts extend the task in a file of their own.
class ProjectTask(models.Model):
    _inherit = "project.task"  # pylint: disable=consider-merging-classes-inherited

    # groups: portal users (project sharing) have no access to alerts
    flow_alert_ids = fields.One2many(
        "project.flow.alert",
        "task_id",
        string="Delay alerts",
        groups="project_flow.group_flow_user",
    )
    flow_alert_count = fields.Integer(
        string="Open alerts",
        compute="_compute_flow_alert_count",
        compute_sudo=False,
        groups="project_flow.group_flow_user",
    )

    @api.depends("flow_alert_ids.state")
    def _compute_flow_alert_count(self):
        counts = dict(
            self.env["project.flow.alert"]._read_group(
                [("task_id", "in", self._origin.ids), ("state", "!=", "resolved")],
                ["task_id"],
                ["__count"],
            )
        )
        for task in self:
            task.flow_alert_count = counts.get(task._origin, 0)

    def action_flow_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_alert"
        )
        action["domain"] = [("task_id", "=", self.id)]
        action["context"] = {"search_default_filter_unresolved": 1}
        return action
