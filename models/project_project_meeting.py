from odoo import fields, models


# Meetings extend the model in a file of their own.
class ProjectProject(models.Model):
    """The meetings of a project: a count for the smart button."""

    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    flow_meeting_ids = fields.One2many("project.flow.meeting", "project_id", string="Meetings")
    flow_meeting_count = fields.Integer(
        compute="_compute_flow_meeting_count", string="Number of meetings"
    )

    def _compute_flow_meeting_count(self):
        counts = dict(
            self.env["project.flow.meeting"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.flow_meeting_count = counts.get(project, 0)

    def action_flow_view_meetings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_meeting"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action
