from collections import defaultdict

from odoo import models


# The calendar sync extends the model in a file of its own.
class ProjectProject(models.Model):
    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    def _flow_calendar_partners(self):
        """``{project id: res.partner}``: who gets the project's milestone
        events (its flow members and its project manager)."""
        result = defaultdict(lambda: self.env["res.partner"])
        members = self.env["project.flow.member"].sudo().search([("project_id", "in", self.ids)])
        for member in members:
            result[member.project_id.id] |= member.user_id.partner_id
        for project in self.sudo():
            result[project.id] |= project.user_id.partner_id
        return result

    def _flow_sync_milestone_events(self):
        """Re-sync the events of these projects' milestones (members changed)."""
        milestones = self.env["project.milestone"].sudo().search([("project_id", "in", self.ids)])
        milestones._flow_sync_calendar()
