from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.flow_guard import allow_transition


class ProjectFlowCreateWizard(models.TransientModel):
    """Create a project from a flow template, or apply a template to an
    existing project: name, start date and who holds each role."""

    _name = "project.flow.create.wizard"
    _description = "Create a Project from a Flow Template"

    mode = fields.Selection(
        [("create", "Create a new project"), ("apply", "Apply to an existing project")],
        required=True,
        default="create",
    )
    template_id = fields.Many2one("project.flow.template", string="Template", required=True)
    project_id = fields.Many2one("project.project", string="Project")
    name = fields.Char(string="Project name")
    date_start = fields.Date(string="Start date", required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="Project manager", default=lambda self: self.env.user
    )
    member_ids = fields.One2many(
        "project.flow.create.wizard.member", "wizard_id", string="Members by role"
    )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        """Offer one line per role the template uses, so the members can be
        filled at once."""
        roles = (
            self.template_id.phase_ids.role_id
            | self.template_id.task_template_ids.role_id
            | self.template_id.phase_ids.approver_line_ids.role_id
        )
        existing = self.member_ids.role_id
        self.member_ids = [fields.Command.create({"role_id": role.id}) for role in roles - existing]

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "create" and not (self.name or "").strip():
            raise UserError(_("The field Project name is required to create a project."))
        if self.mode == "apply" and not self.project_id:
            raise UserError(_("The field Project is required to apply a template."))
        members = [(line.role_id, line.user_id) for line in self.member_ids if line.user_id]
        # Flow managers are project users, not project administrators: Odoo
        # lets them neither create nor write projects (nor their analytic
        # accounts).  This wizard is reserved to flow managers by its access
        # rights, so the project itself is created / updated as superuser;
        # sudo() keeps the manager as the author of every record.
        if self.mode == "create":
            project = (
                allow_transition(self.env["project.project"])
                .sudo()
                .create(
                    {
                        "name": self.name.strip(),
                        "user_id": self.user_id.id,
                        "flow_state": "draft",
                    }
                )
            )
        else:
            self.project_id.check_access("read")
            project = self.project_id.sudo()
        self.template_id._flow_apply(project, self.date_start, members=members)
        if project.flow_state == "running":
            project._flow_open_next_phase()
        project.message_post(
            body=_(
                "Flow template %(template)s applied from %(date)s.",
                template=self.template_id.display_name,
                date=fields.Date.to_string(self.date_start),
            )
        )
        # Show the team the lessons of earlier projects of this template.
        self.env["project.project"].browse(project.id)._flow_announce_lessons()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.project",
            "res_id": project.id,
            "view_mode": "form",
            "target": "current",
        }


class ProjectFlowCreateWizardMember(models.TransientModel):
    _name = "project.flow.create.wizard.member"
    _description = "Create a Project from a Flow Template: Member"

    wizard_id = fields.Many2one("project.flow.create.wizard", required=True, ondelete="cascade")
    role_id = fields.Many2one("project.flow.role", required=True)
    user_id = fields.Many2one("res.users", string="User")
