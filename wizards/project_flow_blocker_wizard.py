from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ProjectFlowBlockerWizard(models.TransientModel):
    """Turn a check-in's blocker into something the project manages: a task
    dependency (the blocked task waits for the blocking one) or an entry in
    the project's risk and issue list."""

    _name = "project.flow.blocker.wizard"
    _description = "Resolve a Check-in Blocker"

    checkin_id = fields.Many2one("project.flow.checkin", required=True, readonly=True)
    project_id = fields.Many2one(related="checkin_id.project_id")
    blockers = fields.Text(related="checkin_id.blockers")
    resolution = fields.Selection(
        [("dependency", "Task dependency"), ("risk", "Risk or issue")],
        string="Turn into",
        required=True,
        default="risk",
    )
    blocked_task_id = fields.Many2one(
        "project.task",
        string="Blocked task",
        domain="[('project_id', '=', project_id)]",
        help="The task that cannot go on.",
    )
    blocking_task_id = fields.Many2one(
        "project.task",
        string="Blocking task",
        help="The task it waits for (it may belong to another project).",
    )
    risk_kind = fields.Selection(
        [("issue", "Issue"), ("risk", "Risk")], string="Kind", default="issue"
    )
    risk_name = fields.Char(string="Title")
    risk_description = fields.Text(string="Description")
    risk_user_id = fields.Many2one("res.users", string="Owner", domain="[('share', '=', False)]")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        checkin = self.env["project.flow.checkin"].browse(values.get("checkin_id"))
        if checkin:
            text = (checkin.blockers or "").strip()
            first = text.splitlines()[0].strip() if text else ""
            values.setdefault("risk_name", first[:100])
            values.setdefault("risk_description", text)
            values.setdefault("blocked_task_id", checkin.task_id.id)
            values.setdefault("risk_user_id", checkin.project_id.user_id.id or checkin.user_id.id)
        return values

    def action_confirm(self):
        self.ensure_one()
        checkin = self.checkin_id
        checkin.check_access("read")
        if self.resolution == "dependency":
            return self._flow_make_dependency()
        return self._flow_make_risk()

    def _flow_make_dependency(self):
        if not self.blocked_task_id or not self.blocking_task_id:
            raise UserError(
                _(
                    "Check-in %(checkin)s: choose the blocked task and the task it waits for "
                    "(fields Blocked task and Blocking task).",
                    checkin=self.checkin_id.display_name,
                )
            )
        if self.blocked_task_id == self.blocking_task_id:
            raise UserError(
                _(
                    "Task %(task)s cannot wait for itself (field Blocking task).",
                    task=self.blocked_task_id.display_name,
                )
            )
        # the link keeps Odoo's depend_on_ids in step and refuses a cycle,
        # naming the tasks in it
        self.env["project.task.link"].create(
            {
                "predecessor_id": self.blocking_task_id.id,
                "successor_id": self.blocked_task_id.id,
            }
        )
        self.checkin_id.message_post(
            body=_(
                "Blocker turned into a dependency: %(blocked)s waits for %(blocking)s.",
                blocked=self.blocked_task_id.display_name,
                blocking=self.blocking_task_id.display_name,
            )
        )
        return {"type": "ir.actions.act_window_close"}

    def _flow_make_risk(self):
        if not (self.risk_name or "").strip():
            raise UserError(
                _(
                    "Check-in %(checkin)s: give the risk or issue a title (field Title).",
                    checkin=self.checkin_id.display_name,
                )
            )
        risk = self.env["project.flow.risk"].create(
            {
                "name": self.risk_name.strip(),
                "kind": self.risk_kind or "issue",
                "project_id": self.checkin_id.project_id.id,
                "task_id": self.blocked_task_id.id,
                "user_id": self.risk_user_id.id,
                "description": self.risk_description,
                "checkin_id": self.checkin_id.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.flow.risk",
            "res_id": risk.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
