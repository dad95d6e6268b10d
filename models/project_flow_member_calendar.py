from odoo import api, models


# The calendar sync extends the model in a file of its own.
class ProjectFlowMember(models.Model):
    """A change of the project's members changes who attends its milestone
    events."""

    _inherit = "project.flow.member"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members.project_id._flow_sync_milestone_events()
        return members

    def write(self, vals):
        projects = self.project_id
        result = super().write(vals)
        (projects | self.project_id)._flow_sync_milestone_events()
        return result

    def unlink(self):
        projects = self.project_id
        result = super().unlink()
        projects.exists()._flow_sync_milestone_events()
        return result
