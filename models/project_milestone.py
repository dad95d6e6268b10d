from odoo import _, api, fields, models

from ..engine import tracking

ACHIEVEMENTS = [
    (tracking.ON_TIME, "Reached on time"),
    (tracking.LATE, "Reached late"),
    (tracking.MISSED, "Missed"),
    (tracking.OPEN, "Open"),
]

# Fields of a milestone the calendar event follows.
CALENDAR_SYNC_FIELDS = frozenset({"name", "deadline", "project_id", "is_reached"})


class ProjectMilestone(models.Model):
    """Milestone achievement (reached on time / late / missed / open), and
    milestones (phase gates among them) as all-day calendar events of the
    project's members, kept in step with the milestone's date: Odoo's
    ``calendar`` then carries them to Google / Outlook when users sync."""

    _inherit = "project.milestone"

    flow_achievement = fields.Selection(
        ACHIEVEMENTS,
        string="Achievement",
        compute="_compute_flow_achievement",
        store=True,
        index=True,
        help="Reached on time: reached on or before its deadline (or without one). Reached "
        "late: reached after its deadline. Missed: the deadline has passed and it is not "
        "reached. Open: not reached, deadline not passed.",
    )
    flow_days_late = fields.Integer(
        string="Days late",
        compute="_compute_flow_achievement",
        store=True,
        help="Calendar days past the deadline: until it was reached, or until today when missed.",
    )

    @api.depends("is_reached", "reached_date", "deadline")
    def _compute_flow_achievement(self):
        today = fields.Date.context_today(self)
        for milestone in self:
            milestone.flow_achievement, milestone.flow_days_late = tracking.milestone_achievement(
                milestone.is_reached, milestone.reached_date, milestone.deadline, today
            )

    @api.model
    def _flow_refresh_achievement(self):
        """Time moves on: open milestones whose deadline has passed become
        missed, and missed ones grow later. Run by the daily digest cron."""
        today = fields.Date.context_today(self)
        milestones = self.sudo().search([("is_reached", "=", False), ("deadline", "<", today)])
        if milestones:
            for name in ("flow_achievement", "flow_days_late"):
                self.env.add_to_compute(milestones._fields[name], milestones)
            milestones._recompute_recordset(["flow_achievement", "flow_days_late"])
        return milestones

    # Calendar events ---------------------------------------------------

    flow_calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Calendar event",
        copy=False,
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        milestones = super().create(vals_list)
        milestones._flow_sync_calendar()
        return milestones

    def write(self, vals):
        result = super().write(vals)
        if CALENDAR_SYNC_FIELDS & vals.keys():
            self._flow_sync_calendar()
        return result

    def unlink(self):
        events = self.sudo().flow_calendar_event_id
        result = super().unlink()
        events.exists().with_context(no_mail_to_attendees=True).unlink()
        return result

    @api.model
    def _flow_sync_calendar_all(self):
        """Give every dated milestone its event (run at install and update:
        milestones that existed before keep no date unsynced); safe to run
        again, it only writes what differs."""
        self.sudo().search([("deadline", "!=", False)])._flow_sync_calendar()

    def _flow_event_values(self, partners, is_gate):
        self.ensure_one()
        label = self.name
        if is_gate:
            kind = _("Gate reached") if self.is_reached else _("Gate")
            # gate milestones are named "Gate: <phase>": say "Gate" once
            prefix = _("Gate") + ":"
            if label.startswith(prefix):
                label = label[len(prefix) :].strip()
        else:
            kind = _("Milestone reached") if self.is_reached else _("Milestone")
        return {
            "name": _(
                "%(kind)s: %(milestone)s (%(project)s)",
                kind=kind,
                milestone=label,
                project=self.project_id.display_name,
            ),
            "allday": True,
            "start": fields.Datetime.to_datetime(self.deadline),
            "stop": fields.Datetime.to_datetime(self.deadline),
            "start_date": self.deadline,
            "stop_date": self.deadline,
            "partner_ids": [fields.Command.set(partners.ids)],
            "user_id": self.project_id.user_id.id or False,
            "res_model_id": self.env["ir.model"]._get_id("project.milestone"),
            "res_id": self.id,
            "show_as": "free",
        }

    def _flow_sync_calendar(self):
        """Create, move or remove the calendar events of these milestones:
        one event per milestone with a deadline in an active project,
        attended by the project's members (flow roles and the project
        manager).  Invitations are not mailed: the events are reminders that
        follow the schedule, which moves often."""
        Event = (
            self.env["calendar.event"]
            .sudo()
            .with_context(no_mail_to_attendees=True, mail_create_nolog=True, mail_notrack=True)
        )
        milestones = self.sudo().exists()
        gone = milestones.filtered(lambda m: not (m.deadline and m.project_id))
        if gone.flow_calendar_event_id:
            events = gone.flow_calendar_event_id
            gone.flow_calendar_event_id = False
            Event.browse(events.ids).unlink()
        todo = milestones - gone
        if not todo:
            return
        partners = todo.project_id._flow_calendar_partners()
        gate_ids = set(
            self.env["project.flow.phase"]
            .sudo()
            .search([("milestone_id", "in", todo.ids)])
            .milestone_id.ids
        )
        to_create = todo.filtered(lambda m: not m.flow_calendar_event_id)
        for milestone in todo - to_create:
            values = milestone._flow_event_values(
                partners[milestone.project_id.id], milestone.id in gate_ids
            )
            event = Event.browse(milestone.flow_calendar_event_id.id)
            if (
                event.start_date != values["start_date"]
                or event.name != values["name"]
                or set(event.partner_ids.ids) != set(partners[milestone.project_id.id].ids)
            ):
                event.write(values)
        if to_create:
            events = Event.create(
                [
                    m._flow_event_values(partners[m.project_id.id], m.id in gate_ids)
                    for m in to_create
                ]
            )
            for milestone, event in zip(to_create, events, strict=True):
                milestone.flow_calendar_event_id = event
