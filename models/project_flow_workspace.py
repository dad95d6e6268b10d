from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import html2plaintext

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import workspace

TASK_LIMIT = 80
ACTIVITY_LIMIT = 15
ALERT_LIMIT = 10
TASK_FIELDS = [
    "name",
    "project_id",
    "date_deadline",
    "planned_date_begin",
    "state",
    "priority",
    "stage_id",
    "flow_phase_id",
]


class ProjectFlowWorkspace(models.AbstractModel):
    """The "My work" workspace of the current user, served to the OWL client
    action ``project_flow.workspace`` in one call.

    Everything is read with the user's own rights (no sudo around record
    rules), with a fixed number of queries whatever the number of projects,
    tasks, approvals or alerts: searches and ``_read_group`` over the whole
    set, never one query per record.
    """

    _name = "project.flow.workspace"
    _description = "Project Flow My Work Workspace"

    @api.model
    def get_data(self):
        """All the data of the workspace of the current user.

        :return: a dict with ``user``, ``today``, ``overdue_tasks``,
            ``today_tasks``, ``projects`` (with current phase, schedule
            status and today's check-in state), ``approvals``, ``alerts``
            and ``activity``
        """
        user = self.env.user
        today = fields.Date.context_today(self)
        day_start, day_end = self._flow_day_bounds(today)
        overdue, today_tasks = self._flow_my_tasks(day_start, day_end)
        projects = self._flow_my_projects()
        alerts, alert_count = self._flow_my_alerts()
        return {
            "user": {"id": user.id, "name": user.name},
            "today": fields.Date.to_string(today),
            "overdue_tasks": overdue,
            "today_tasks": today_tasks,
            "projects": self._flow_project_cards(projects, today),
            "approvals": self._flow_my_approvals(),
            "alerts": alerts,
            "alert_count": alert_count,
            "activity": self._flow_activity(projects),
        }

    # ------------------------------------------------------------------
    # Parts
    # ------------------------------------------------------------------
    @api.model
    def _flow_day_bounds(self, day):
        """Start of ``day`` and of the next day in the user's time zone, as
        naive UTC datetimes (how datetimes are stored)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
        end = tz.localize(datetime.combine(day + timedelta(days=1), time.min)).astimezone(pytz.utc)
        return start.replace(tzinfo=None), end.replace(tzinfo=None)

    @api.model
    def _flow_my_tasks(self, day_start, day_end):
        """My open tasks that are overdue, and those due today or planned
        over today (``planned_date_begin`` to ``date_deadline``)."""
        tasks = self.env["project.task"].search_read(
            [
                ("user_ids", "in", self.env.uid),
                ("state", "not in", list(CLOSED_STATES)),
                ("project_id", "!=", False),
                "|",
                ("date_deadline", "<", day_end),
                ("planned_date_begin", "<", day_end),
            ],
            TASK_FIELDS,
            order="date_deadline asc, priority desc, id",
            limit=TASK_LIMIT,
        )
        return workspace.split_due(tasks, day_start, day_end)

    @api.model
    def _flow_my_projects(self):
        """Running flow projects I work in: flow member, project manager,
        follower or assignee of one of their tasks (who may check in)."""
        user = self.env.user
        # flow projects only (the others are plain Odoo projects)
        managed = self.env["project.project"]._flow_project_domain()
        return self.env["project.project"].search(
            [
                ("flow_state", "=", "running"),
                *managed,
                "|",
                "|",
                "|",
                ("user_id", "=", user.id),
                ("flow_member_ids.user_id", "=", user.id),
                ("message_partner_ids", "in", user.partner_id.ids),
                ("task_ids.user_ids", "in", user.id),
            ],
            order="sequence, name, id",
        )

    @api.model
    def _flow_project_cards(self, projects, today):
        if not projects:
            return []
        ids = projects.ids
        checked_in = {
            checkin["project_id"][0]: checkin["id"]
            for checkin in self.env["project.flow.checkin"].search_read(
                [("project_id", "in", ids), ("user_id", "=", self.env.uid), ("date", "=", today)],
                ["project_id"],
            )
        }
        max_level = {}
        for project, level, _count in self.env["project.flow.alert"]._read_group(
            [("project_id", "in", ids), ("state", "!=", "resolved")],
            ["project_id", "level"],
            ["__count"],
        ):
            max_level[project.id] = max(int(level), max_level.get(project.id, -1))
        late_tasks = {
            project.id: count
            for project, count in self.env["project.task"]._read_group(
                [
                    ("project_id", "in", ids),
                    ("state", "not in", list(CLOSED_STATES)),
                    ("date_deadline", "<", fields.Datetime.now()),
                ],
                ["project_id"],
                ["__count"],
            )
        }
        milestones = defaultdict(dict)
        for project, achievement, count in self.env["project.milestone"]._read_group(
            [("project_id", "in", ids)], ["project_id", "flow_achievement"], ["__count"]
        ):
            milestones[project.id][achievement] = count
        health_labels = dict(projects._fields["flow_health"]._description_selection(self.env))
        cards = []
        for project in projects:
            counts = milestones[project.id]
            due = counts.get("on_time", 0) + counts.get("late", 0) + counts.get("missed", 0)
            cards.append(
                {
                    "id": project.id,
                    "name": project.name,
                    "manager": project.user_id.name or "",
                    "phase_id": project.flow_current_phase_id.id,
                    "phase": project.flow_current_phase_id.name or "",
                    "phase_progress": project.flow_phase_progress,
                    "phase_count": project.flow_phase_count,
                    "checkin_id": checked_in.get(project.id, False),
                    "schedule": workspace.schedule_status(
                        max_level.get(project.id),
                        late_tasks.get(project.id, 0),
                        counts.get("missed", 0),
                    ),
                    "health": project.flow_health or False,
                    "health_label": health_labels.get(project.flow_health, ""),
                    "health_reasons": project.flow_health_reasons or "",
                    "on_time_probability": project.flow_on_time_probability,
                    "alert_level": max_level.get(project.id, -1),
                    "late_task_count": late_tasks.get(project.id, 0),
                    "milestone_on_time_rate": (
                        round(counts.get("on_time", 0) * 100.0 / due) if due else None
                    ),
                }
            )
        return cards

    @api.model
    def _flow_my_approvals(self):
        approvals = self.env["project.flow.approval"].search(
            [("is_mine", "=", True), ("state", "=", "pending")], order="requested_date, id"
        )
        kinds = dict(approvals._fields["kind"]._description_selection(self.env))
        return [
            {
                "id": approval.id,
                "subject": approval.subject,
                "kind": approval.kind,
                "kind_label": kinds.get(approval.kind, ""),
                "project_id": approval.project_id.id,
                "project": approval.project_id.name,
                "phase_id": approval.phase_id.id,
                "requested_date": fields.Datetime.to_string(approval.requested_date),
            }
            for approval in approvals
        ]

    @api.model
    def _flow_my_alerts(self):
        """My unresolved alerts, open ones and highest levels first (at most
        ``ALERT_LIMIT``), and how many there are in all."""
        domain = [("recipient_user_ids", "in", self.env.uid), ("state", "!=", "resolved")]
        Alert = self.env["project.flow.alert"]
        alerts = Alert.search(domain, limit=ALERT_LIMIT)
        count = Alert.search_count(domain)
        levels = dict(alerts._fields["level"]._description_selection(self.env))
        kinds = dict(alerts._fields["kind"]._description_selection(self.env))
        states = dict(alerts._fields["state"]._description_selection(self.env))
        return [
            {
                "id": alert.id,
                "name": alert.name,
                "kind": alert.kind,
                "kind_label": kinds.get(alert.kind, ""),
                "level": alert.level,
                "level_label": levels.get(alert.level, ""),
                "state": alert.state,
                "state_label": states.get(alert.state, ""),
                "delay_days": alert.delay_days,
                "project_id": alert.project_id.id,
                "project": alert.project_id.name,
                "task_id": alert.task_id.id,
            }
            for alert in alerts
        ], count

    @api.model
    def _flow_activity(self, projects):
        """The latest messages (comments and tracked changes) on my projects
        and on my tasks, newest first."""
        my_tasks = self.env["project.task"].search(
            [("user_ids", "in", self.env.uid), ("project_id", "!=", False)]
        )
        if not projects and not my_tasks:
            return []
        messages = self.env["mail.message"].search(
            [
                ("message_type", "in", ["comment", "notification"]),
                "|",
                "&",
                ("model", "=", "project.project"),
                ("res_id", "in", projects.ids),
                "&",
                ("model", "=", "project.task"),
                ("res_id", "in", my_tasks.ids),
            ],
            order="id desc",
            limit=ACTIVITY_LIMIT,
        )
        # tracking values are admin-only records: read them as chatter does,
        # keeping only the fields this user may read
        trackings = messages.sudo().tracking_value_ids._filter_has_field_access(self.env)
        message_of = {tracking.id: tracking.mail_message_id.id for tracking in trackings}
        changes = defaultdict(list)
        for value in trackings._tracking_value_format():
            changes[message_of[value["id"]]].append(
                {
                    "field": value["changedField"],
                    "old": self._flow_tracking_text(value["oldValue"]["value"]),
                    "new": self._flow_tracking_text(value["newValue"]["value"]),
                }
            )
        # record names, one read per model (messages do not always store it)
        res_ids = defaultdict(set)
        for message in messages:
            res_ids[message.model].add(message.res_id)
        names = {
            model: {record.id: record.display_name for record in self.env[model].browse(ids)}
            for model, ids in res_ids.items()
        }
        return [
            {
                "id": message.id,
                "model": message.model,
                "res_id": message.res_id,
                "record_name": names[message.model].get(message.res_id)
                or message.record_name
                or "",
                "author": message.author_id.name or "",
                "date": fields.Datetime.to_string(message.date),
                "body": html2plaintext(message.body or "").strip()[:280],
                "changes": changes.get(message.id, []),
            }
            for message in messages
        ]

    @staticmethod
    def _flow_tracking_text(value):
        if value in (None, False):
            return ""
        return str(value)
