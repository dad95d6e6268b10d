from odoo import api, fields, models


class ProjectFlowMember(models.Model):
    """Who holds which role in one project."""

    _name = "project.flow.member"
    _description = "Project Flow Member"
    _order = "project_id, role_sequence, id"

    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    role_id = fields.Many2one("project.flow.role", required=True, ondelete="restrict")
    role_sequence = fields.Integer(related="role_id.sequence", store=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)

    _sql_constraints = [
        (
            "member_uniq",
            "unique(project_id, role_id, user_id)",
            "A person holds a role only once per project.",
        ),
    ]

    # Calendar events of milestones -----------------------------------------

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
