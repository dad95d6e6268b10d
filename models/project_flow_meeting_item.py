from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

ITEM_KINDS = [("decision", "Decision"), ("action", "Action item"), ("risk", "Risk")]
ITEM_STATES = [
    ("to_review", "To review"),
    ("accepted", "Accepted"),
    ("discarded", "Discarded"),
    ("converted", "Converted"),
]


class ProjectFlowMeetingItem(models.Model):
    """A decision, action item or risk found in a meeting's minutes.

    Items are extracted "to review"; the user accepts or discards them, and
    turns action items into tasks and risks into rows of the project's risk
    list. A converted item keeps its task or risk and is never converted
    again."""

    _name = "project.flow.meeting.item"
    _description = "Project Flow Meeting Item"
    _order = "meeting_id, sequence, id"
    _rec_name = "text"

    meeting_id = fields.Many2one(
        "project.flow.meeting", required=True, ondelete="cascade", index=True
    )
    project_id = fields.Many2one(related="meeting_id.project_id", store=True, index=True)
    company_id = fields.Many2one(related="meeting_id.company_id", store=True)
    meeting_date = fields.Datetime(related="meeting_id.date", string="Meeting date")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(ITEM_KINDS, required=True, default="action")
    text = fields.Char(required=True)
    source_text = fields.Char(
        string="As written", readonly=True, help="The line of the minutes the item comes from."
    )
    owner_name = fields.Char(
        string="Owner as written", help="The owner's name or handle as the minutes give it."
    )
    owner_id = fields.Many2one("res.users", string="Owner", domain="[('share', '=', False)]")
    date_deadline = fields.Date(string="Deadline")
    state = fields.Selection(ITEM_STATES, required=True, default="to_review")
    task_id = fields.Many2one("project.task", readonly=True, ondelete="set null", copy=False)
    risk_id = fields.Many2one("project.flow.risk", readonly=True, ondelete="set null", copy=False)

    @api.constrains("state", "kind", "task_id", "risk_id")
    def _check_state(self):
        for item in self:
            if item.state != "converted":
                continue
            if item.kind == "decision" or not (item.task_id or item.risk_id):
                raise ValidationError(
                    _(
                        "Item %(item)s of meeting %(meeting)s: only an action item made into "
                        "a task or a risk added to the risk list is converted.",
                        item=item.text,
                        meeting=item.meeting_id.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_converted(self):
        # Deleting a converted item and extracting again would convert the
        # same line a second time. (Deleting the meeting deletes its items.)
        converted = self.filtered(lambda i: i.state == "converted")
        if converted:
            raise UserError(
                _(
                    "Item %(item)s of meeting %(meeting)s is converted (%(record)s): it cannot "
                    "be deleted.",
                    item=converted[0].text,
                    meeting=converted[0].meeting_id.display_name,
                    record=(converted[0].task_id or converted[0].risk_id).display_name or "",
                )
            )

    def write(self, vals):
        # A converted item stays converted: un-converting it would let it be
        # converted a second time.
        if "state" in vals and vals["state"] != "converted":
            converted = self.filtered(lambda i: i.state == "converted")
            if converted:
                raise UserError(
                    _(
                        "Item %(item)s of meeting %(meeting)s is already converted; its state "
                        "cannot change.",
                        item=converted[0].text,
                        meeting=converted[0].meeting_id.display_name,
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_accept(self):
        self._flow_check_open()
        self.write({"state": "accepted"})
        return True

    def action_discard(self):
        self._flow_check_open()
        self.write({"state": "discarded"})
        return True

    def action_convert(self):
        """Turn this action item into a task, or this risk into a row of the
        risk list."""
        self.ensure_one()
        self._flow_convert()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _flow_check_open(self):
        for item in self:
            if item.state == "converted":
                raise UserError(
                    _(
                        "Item %(item)s of meeting %(meeting)s is already converted.",
                        item=item.text,
                        meeting=item.meeting_id.display_name,
                    )
                )

    def _flow_check_convertible(self):
        for item in self:
            meeting = item.meeting_id
            if not item.project_id:
                raise UserError(
                    _(
                        "Meeting %(meeting)s has no project: its items cannot become tasks "
                        "or risks.",
                        meeting=meeting.display_name,
                    )
                )
            if item.state == "converted" or item.task_id or item.risk_id:
                raise UserError(
                    _(
                        "Item %(item)s of meeting %(meeting)s is already converted "
                        "(%(record)s): it is never converted twice.",
                        item=item.text,
                        meeting=meeting.display_name,
                        record=(item.task_id or item.risk_id).display_name,
                    )
                )
            if item.state == "discarded":
                raise UserError(
                    _(
                        "Item %(item)s of meeting %(meeting)s is discarded: accept it first.",
                        item=item.text,
                        meeting=meeting.display_name,
                    )
                )
            if item.kind == "decision":
                raise UserError(
                    _(
                        "Item %(item)s of meeting %(meeting)s is a decision: only action "
                        "items become tasks and only risks join the risk list.",
                        item=item.text,
                        meeting=meeting.display_name,
                    )
                )

    def _flow_convert(self):
        """Make tasks of the action items and risks of the risk items.

        Runs with the user's rights: the user must be allowed to change the
        meeting and to create tasks (or risks) in its project, which Odoo's
        own rules on ``project.task`` decide. The items are locked first, so
        two clicks at once cannot convert an item twice.
        """
        if not self:
            return
        self.check_access("write")
        self.project_id.check_access("read")
        self.env.cr.execute(
            "SELECT id FROM project_flow_meeting_item WHERE id IN %s FOR UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(["state", "task_id", "risk_id"])
        self._flow_check_convertible()
        actions = self.filtered(lambda i: i.kind == "action")
        risks = self.filtered(lambda i: i.kind == "risk")
        if actions:
            # One planned-window converter per project: the calendar is read once.
            window_of = {
                project: project._flow_window_converter() for project in actions.project_id
            }
            tasks = self.env["project.task"].create(
                [item._flow_task_values(window_of[item.project_id]) for item in actions]
            )
            for item, task in zip(actions, tasks, strict=True):
                item.write({"state": "converted", "task_id": task.id})
        if risks:
            new_risks = self.env["project.flow.risk"].create(
                [item._flow_risk_values() for item in risks]
            )
            for item, risk in zip(risks, new_risks, strict=True):
                item.write({"state": "converted", "risk_id": risk.id})
        for meeting in self.meeting_id:
            converted = self.filtered(lambda i, m=meeting: i.meeting_id == m)
            lines = Markup("").join(
                Markup("<li>%s</li>") % (item.task_id or item.risk_id)._get_html_link()
                for item in converted
            )
            meeting.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (_("Converted from the minutes:"), lines),
                subtype_xmlid="mail.mt_note",
            )

    def _flow_origin_html(self):
        meeting = self.meeting_id
        # A Markup argument makes _() escape the translation and return Markup.
        return Markup("<p>%s</p><blockquote>%s</blockquote>") % (
            _(
                "From the meeting %(meeting)s of %(date)s.",
                meeting=meeting._get_html_link(),
                date=fields.Date.to_string(meeting._flow_minutes_day()),
            ),
            self.source_text or self.text,
        )

    def _flow_task_values(self, window):
        """Values of the task made of this action item.

        :param window: the project's ``_flow_window_converter()``: the
            deadline is the last working hour of the due day
        """
        self.ensure_one()
        meeting = self.meeting_id
        project = meeting.project_id
        deadline = window(self.date_deadline, None)[1] if self.date_deadline else False
        return {
            "name": self.text,
            "project_id": project.id,
            "flow_phase_id": meeting.phase_id.id or False,
            "user_ids": [Command.set(self.owner_id.ids)],
            "date_deadline": deadline,
            "description": self._flow_origin_html(),
        }

    def _flow_risk_values(self):
        self.ensure_one()
        meeting = self.meeting_id
        origin = _(
            "From the meeting %(meeting)s of %(date)s: %(text)s",
            meeting=meeting.name,
            date=fields.Date.to_string(meeting._flow_minutes_day()),
            text=self.source_text or self.text,
        )
        return {
            "name": self.text,
            "kind": "risk",
            "project_id": meeting.project_id.id,
            "phase_id": meeting.phase_id.id or False,
            "user_id": self.owner_id.id or False,
            "description": origin,
        }
