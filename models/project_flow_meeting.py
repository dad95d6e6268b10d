import re
from collections import defaultdict

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine.minutes import extract, html_to_lines

MEETING_STATES = [("draft", "Draft"), ("done", "Done")]

# Separators of the "other names" of a user (aliases).
_ALIAS_SEPARATORS = re.compile(r"[,，;；、\n]+")


class ProjectFlowMeeting(models.Model):
    """A meeting of a project: who met, the minutes as rich text, and the
    decisions, action items and risks extracted from them for review.

    The extraction rules live in ``engine/minutes.py``; this model only reads
    the minutes and the people of the project, and writes the items."""

    _name = "project.flow.meeting"
    _description = "Project Flow Meeting"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(string="Subject", required=True, tracking=True)
    project_id = fields.Many2one(
        "project.project", required=True, ondelete="cascade", index=True, tracking=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    phase_id = fields.Many2one(
        "project.flow.phase",
        string="Phase",
        domain="[('project_id', '=', project_id)]",
        ondelete="set null",
        index="btree_not_null",
        tracking=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    organizer_id = fields.Many2one(
        "res.users",
        string="Organizer",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    attendee_ids = fields.Many2many(
        "res.users",
        "project_flow_meeting_attendee_rel",
        "meeting_id",
        "user_id",
        string="Attendees",
        domain="[('share', '=', False)]",
    )
    external_attendees = fields.Char(help="People from outside the company, as free text.")
    minutes = fields.Html()
    state = fields.Selection(MEETING_STATES, required=True, default="draft", tracking=True)
    item_ids = fields.One2many("project.flow.meeting.item", "meeting_id", string="Items")
    extracted_on = fields.Datetime(readonly=True, copy=False)
    decision_count = fields.Integer(compute="_compute_item_counts")
    action_count = fields.Integer(compute="_compute_item_counts")
    risk_count = fields.Integer(compute="_compute_item_counts")
    task_count = fields.Integer(compute="_compute_item_counts", string="Tasks")
    attachment_count = fields.Integer(compute="_compute_attachment_count", string="Files")

    @api.depends("item_ids.kind", "item_ids.state", "item_ids.task_id")
    def _compute_item_counts(self):
        for meeting in self:
            live = meeting.item_ids.filtered(lambda i: i.state != "discarded")
            meeting.decision_count = len(live.filtered(lambda i: i.kind == "decision"))
            meeting.action_count = len(live.filtered(lambda i: i.kind == "action"))
            meeting.risk_count = len(live.filtered(lambda i: i.kind == "risk"))
            meeting.task_count = len(meeting.item_ids.task_id)

    def _compute_attachment_count(self):
        # The meeting's files are the chatter's attachments.
        counts = dict(
            self.env["ir.attachment"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        for meeting in self:
            meeting.attachment_count = counts.get(meeting.id, 0)

    @api.constrains("phase_id", "project_id")
    def _check_phase_id(self):
        for meeting in self:
            if meeting.phase_id and meeting.phase_id.project_id != meeting.project_id:
                raise ValidationError(
                    _(
                        "Meeting %(meeting)s: the field Phase must be a phase of the project "
                        "%(project)s (%(phase)s is not).",
                        meeting=meeting.display_name,
                        project=meeting.project_id.display_name,
                        phase=meeting.phase_id.display_name,
                    )
                )

    @api.onchange("project_id")
    def _onchange_project_id(self):
        if self.phase_id and self.phase_id.project_id != self.project_id:
            self.phase_id = False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_extract(self):
        """(Re-)extract the items of the minutes. Items still to review are
        replaced; accepted, discarded and converted ones are kept, and an
        item already kept is not extracted again."""
        self._flow_extract()
        return True

    def action_create_tasks(self):
        """Turn every action item that is accepted or still to review, and
        not converted yet, into a task of the project (in one click)."""
        self.ensure_one()
        items = self.item_ids.filtered(
            lambda i: i.kind == "action" and i.state in ("to_review", "accepted")
        )
        if not items:
            raise UserError(
                _(
                    "Meeting %(meeting)s has no action item left to turn into a task: "
                    "converted items are never converted twice and discarded ones are skipped.",
                    meeting=self.display_name,
                )
            )
        items._flow_convert()
        return self.action_view_tasks()

    def action_create_risks(self):
        """Turn every risk that is accepted or still to review into a row of
        the project's risk list."""
        self.ensure_one()
        items = self.item_ids.filtered(
            lambda i: i.kind == "risk" and i.state in ("to_review", "accepted")
        )
        if not items:
            raise UserError(
                _(
                    "Meeting %(meeting)s has no risk left to add to the risk list.",
                    meeting=self.display_name,
                )
            )
        items._flow_convert()
        return True

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_draft(self):
        self.write({"state": "draft"})
        return True

    def action_view_tasks(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Tasks from %(meeting)s", meeting=self.name),
            "res_model": "project.task",
            "view_mode": "list,form",
            "domain": [("id", "in", self.item_ids.task_id.ids)],
            "context": {"default_project_id": self.project_id.id},
        }

    def action_view_attachments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Files of %(meeting)s", meeting=self.name),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _flow_extract(self):
        people_of = self._flow_minutes_people()
        now = fields.Datetime.now()
        for meeting in self:
            result = extract(
                html_to_lines(meeting.minutes),
                today=meeting._flow_minutes_day(),
                people=people_of[meeting.id],
            )
            kept = meeting.item_ids.filtered(lambda i: i.state != "to_review")
            known = {(item.kind, item.source_text or item.text) for item in kept}
            commands = [Command.unlink(item.id) for item in meeting.item_ids - kept]
            for sequence, item in enumerate(result.items, start=1):
                if (item.kind, item.text) in known:
                    continue
                commands.append(
                    Command.create(
                        {
                            "sequence": sequence,
                            "kind": item.kind,
                            "text": item.title,
                            "source_text": item.text,
                            "owner_name": item.owner or False,
                            "owner_id": item.person or False,
                            "date_deadline": item.due or False,
                        }
                    )
                )
            meeting.write({"item_ids": commands, "extracted_on": now})

    def _flow_minutes_day(self):
        """The meeting's day in its project's time zone: relative dates of
        the minutes ("明天", "next Friday") are read from it."""
        self.ensure_one()
        tz = self.project_id._flow_schedule_tz() if self.project_id else pytz.utc
        moment = self.date or fields.Datetime.now()
        return pytz.utc.localize(moment).astimezone(tz).date()

    def _flow_minutes_people(self):
        """Who an owner named in the minutes may be, per meeting:
        ``{meeting id: [(user id, names)]}`` with the internal users of the
        project (its manager, flow members, followers) and of the meeting
        (organizer, attendees); names are the user's name, login, e-mail
        name and other names (``flow_alias_names``).

        Names are read as superuser: a member may not read every user."""
        members = (
            self.env["project.flow.member"]
            .sudo()
            ._read_group(
                [("project_id", "in", self.project_id.ids)], ["project_id"], ["user_id:array_agg"]
            )
        )
        member_ids = {project.id: set(user_ids) for project, user_ids in members}
        users_of = {}
        all_users = self.env["res.users"].sudo()
        for meeting in self.sudo():
            project = meeting.project_id
            users = (
                project.user_id
                | project.message_partner_ids.user_ids
                | meeting.organizer_id
                | meeting.attendee_ids
                | all_users.browse(member_ids.get(project.id, ()))
            ).filtered(lambda u: not u.share)
            users_of[meeting.id] = users
            all_users |= users
        names_of = {user.id: user._flow_minutes_names() for user in all_users}
        return {
            meeting_id: [(user.id, names_of[user.id]) for user in users]
            for meeting_id, users in users_of.items()
        }

    @api.model
    def _flow_dossier_html(self, projects):
        """The meetings of ``projects`` for the closing dossier:
        ``{project id: html}`` with the list of meetings, their decisions and
        action items (and the tasks made of them). Reads with the caller's
        rights."""
        meetings = self.search([("project_id", "in", projects.ids)], order="date, id")
        by_project = defaultdict(lambda: self.browse())
        for meeting in meetings:
            by_project[meeting.project_id.id] |= meeting
        QWeb = self.env["ir.qweb"]
        result = {}
        for project in projects:
            project_meetings = by_project[project.id]
            items = project_meetings.item_ids.filtered(lambda i: i.state != "discarded")
            result[project.id] = QWeb._render(
                "project_flow.project_flow_meeting_dossier",
                {
                    "project": project,
                    "meetings": project_meetings,
                    "decisions": items.filtered(lambda i: i.kind == "decision"),
                    "actions": items.filtered(lambda i: i.kind == "action"),
                    "format_datetime": lambda value: fields.Datetime.context_timestamp(
                        self, value
                    ).strftime("%Y-%m-%d %H:%M"),
                },
            )
        return result


def split_aliases(value):
    """The other names of a user, as a list (``"陈莉, lily"``)."""
    return [name.strip() for name in _ALIAS_SEPARATORS.split(value or "") if name.strip()]
