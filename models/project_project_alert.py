from odoo import fields, models


# Delay alerts extend the project in a file of their own.
class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    flow_alert_count = fields.Integer(
        string="Open alerts",
        compute="_compute_flow_alert_count",
        groups="project_flow.group_flow_user",
    )

    def _compute_flow_alert_count(self):
        counts = dict(
            self.env["project.flow.alert"]._read_group(
                [("project_id", "in", self.ids), ("state", "!=", "resolved")],
                ["project_id"],
                ["__count"],
            )
        )
        for project in self:
            project.flow_alert_count = counts.get(project, 0)

    def action_flow_view_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_alert"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"search_default_filter_unresolved": 1}
        return action
