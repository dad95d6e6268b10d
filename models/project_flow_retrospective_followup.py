from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import UserError


class ProjectFlowRetrospectiveFollowup(models.Model):
    """A follow-up action decided in a retrospective: a task to create in
    another project, or an improvement to make to the flow template."""

    _name = "project.flow.retrospective.followup"
    _description = "Project Flow Retrospective Follow-up Action"
    _order = "retrospective_id, sequence, id"

    retrospective_id = fields.Many2one(
        "project.flow.retrospective", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="retrospective_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("task", "Task in a project"), ("template", "Template improvement")],
        string="Type",
        required=True,
        default="task",
    )
    name = fields.Char(string="Action", required=True)
    project_id = fields.Many2one(
        "project.project",
        string="Target project",
        help="The project the task is created in (not the project being closed).",
    )
    user_id = fields.Many2one("res.users", string="Owner")
    date_deadline = fields.Date(string="Deadline")
    note = fields.Text()
    template_id = fields.Many2one(related="retrospective_id.template_id", string="Flow template")
    task_id = fields.Many2one("project.task", string="Created task", readonly=True, copy=False)

    def _flow_check(self):
        for line in self:
            if line.kind != "task":
                continue
            if not line.project_id:
                raise UserError(
                    _(
                        "Follow-up action %(action)s: the field Target project is required "
                        "for a task.",
                        action=line.name,
                    )
                )
            if line.project_id == line.retrospective_id.project_id:
                raise UserError(
                    _(
                        "Follow-up action %(action)s: the field Target project must be another "
                        "project than %(project)s, which is closing.",
                        action=line.name,
                        project=line.project_id.display_name,
                    )
                )

    def _flow_execute(self):
        """Create the follow-up tasks (with the current user's rights on
        the target project) and log the template improvements on the
        template."""
        Task = self.env["project.task"]
        for line in self.filtered(lambda line: line.kind == "task" and not line.task_id):
            source = line.retrospective_id.project_id
            description = Markup("<p>%s</p>") % _(
                "Follow-up of the retrospective of %(project)s.", project=source.display_name
            )
            if line.note:
                description += Markup("<p>%s</p>") % line.note
            line.task_id = Task.create(
                {
                    "name": line.name,
                    "project_id": line.project_id.id,
                    "user_ids": [fields.Command.set(line.user_id.ids)],
                    "date_deadline": line.date_deadline,
                    "description": description,
                }
            )
        for line in self.filtered(lambda line: line.kind == "template" and line.template_id):
            line.template_id.sudo().message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    _(
                        "Improvement proposed by the retrospective of %(project)s: %(action)s",
                        project=line.retrospective_id.project_id.display_name,
                        action=line.name,
                    ),
                    line.note or "",
                ),
                author_id=self.env.user.partner_id.id,
            )
