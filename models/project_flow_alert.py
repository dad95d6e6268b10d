from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from .flow_delay_detector import DelayDetector

ALERT_KINDS = [
    ("task", "Task late"),
    ("phase", "Phase late"),
    ("phase_sla", "Phase over its planned duration"),
    ("milestone", "Milestone missed"),
]
ALERT_LEVELS = [
    ("0", "At risk"),
    ("1", "Level 1"),
    ("2", "Level 2"),
    ("3", "Level 3"),
]
ALERT_STATES = [
    ("open", "Open"),
    ("acknowledged", "Acknowledged"),
    ("resolved", "Resolved"),
]
RESOLUTIONS = [
    ("done", "Work done"),
    ("replanned", "Replanned: no longer late at this level"),
    ("cancelled", "Cancelled or no longer running"),
]
BATCH_SIZE = 1000


class ProjectFlowAlert(models.Model):
    """One escalation level reached by one piece of late work: a task past
    its planned finish, a phase past its planned end or open longer than
    its planned duration, a milestone missed.

    Alerts are made by the delay cron (:meth:`_cron_detect_delays`), never
    by hand: at most one per object and level (SQL unique constraint on
    ``object_ref`` and ``level``), so a re-run or a second cron worker
    creates nothing twice, and each new alert queues its notifications once
    in the outbox (``project.flow.notification``).  An alert is resolved by
    the cron when the work is done, cancelled, or no longer late enough for
    its level (replanned); it can be acknowledged with a comment meanwhile.

    The delay arithmetic (working days of the project's calendar,
    thresholds, escalation ladder) lives in ``engine/delay.py``.
    """

    _name = "project.flow.alert"
    _description = "Project Flow Delay Alert"
    _inherit = ["mail.thread"]
    _order = "state_sequence, level desc, delay_days desc, id desc"

    name = fields.Char(string="Late work", required=True, readonly=True)
    object_ref = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        index=True,
        help="The late object (model and id; a phase's duration overrun has its own reference).",
    )
    kind = fields.Selection(ALERT_KINDS, required=True, readonly=True, index=True)
    level = fields.Selection(ALERT_LEVELS, required=True, readonly=True, index=True)
    project_id = fields.Many2one(
        "project.project", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    task_id = fields.Many2one(
        "project.task", readonly=True, ondelete="cascade", index="btree_not_null"
    )
    phase_id = fields.Many2one(
        "project.flow.phase", readonly=True, ondelete="cascade", index="btree_not_null"
    )
    milestone_id = fields.Many2one(
        "project.milestone", readonly=True, ondelete="cascade", index="btree_not_null"
    )
    planned_date = fields.Date(
        string="Planned finish",
        readonly=True,
        help="The planned finish the delay is counted from (for a duration overrun: the "
        "actual start of the phase).",
    )
    baseline_date = fields.Date(
        string="Baseline finish",
        readonly=True,
        help="The finish in the project's reference baseline.",
    )
    delay_days = fields.Integer(
        string="Delay (working days)",
        readonly=True,
        aggregator="max",
        help="Working days late against the current plan, in the project's calendar, "
        "at the last check.",
    )
    delay_baseline_days = fields.Integer(
        string="Delay against baseline (working days)",
        readonly=True,
        aggregator="max",
        help="Working days late against the reference baseline at the last check "
        "(0 without a baseline).",
    )
    threshold = fields.Integer(
        string="Threshold (working days)",
        readonly=True,
        help="The delay threshold that applied: phase, else template, else company.",
    )
    recipient_user_ids = fields.Many2many(
        "res.users",
        "project_flow_alert_res_users_rel",
        "alert_id",
        "user_id",
        string="Recipients",
        readonly=True,
        help="Who is asked to act at this level.",
    )
    state = fields.Selection(
        ALERT_STATES, required=True, default="open", readonly=True, index=True, tracking=True
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    detected_date = fields.Datetime(
        string="Detected on", readonly=True, default=fields.Datetime.now
    )
    last_check_date = fields.Datetime(string="Last checked", readonly=True)
    acknowledged_by_id = fields.Many2one("res.users", string="Acknowledged by", readonly=True)
    acknowledged_date = fields.Datetime(string="Acknowledged on", readonly=True)
    acknowledge_comment = fields.Text(string="Acknowledgement comment", readonly=True)
    resolved_date = fields.Datetime(string="Resolved on", readonly=True)
    resolution = fields.Selection(RESOLUTIONS, readonly=True, tracking=True)

    _sql_constraints = [
        (
            "object_level_uniq",
            "unique(object_ref, level)",
            "There is one alert per late object and level.",
        ),
        (
            "one_object",
            "CHECK(num_nonnulls(task_id, phase_id, milestone_id) = 1)",
            "An alert is about exactly one task, phase or milestone.",
        ),
    ]

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"open": 0, "acknowledged": 1, "resolved": 2}
        for alert in self:
            alert.state_sequence = order.get(alert.state, 3)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        """Open the acknowledgement wizard (the comment is required)."""
        self._flow_check_can_acknowledge()
        return {
            "type": "ir.actions.act_window",
            "name": _("Acknowledge alerts"),
            "res_model": "project.flow.alert.acknowledge.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_alert_ids": self.ids},
        }

    def action_open_object(self):
        self.ensure_one()
        record = self.task_id or self.phase_id or self.milestone_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------
    def _flow_can_acknowledge(self, user):
        """Recipients acknowledge their alerts; the project's manager and flow
        managers acknowledge any alert of the projects they see."""
        self.ensure_one()
        if user in self.recipient_user_ids or user == self.project_id.user_id:
            return True
        return user.has_group("project_flow.group_flow_manager")

    def _flow_check_can_acknowledge(self):
        user = self.env.user
        for alert in self:
            if alert.state == "resolved":
                raise UserError(
                    _(
                        "Alert %(alert)s is already resolved (%(reason)s): there is nothing to "
                        "acknowledge.",
                        alert=alert.display_name,
                        reason=dict(
                            self._fields["resolution"]._description_selection(self.env)
                        ).get(alert.resolution, ""),
                    )
                )
            if not alert._flow_can_acknowledge(user):
                raise AccessError(
                    _(
                        "Alert %(alert)s: only its recipients, the project manager and flow "
                        "managers can acknowledge it.",
                        alert=alert.display_name,
                    )
                )

    def _flow_acknowledge(self, comment):
        """Acknowledge the alerts with a comment, posted in their chatter."""
        comment = (comment or "").strip()
        if not comment:
            raise UserError(_("Acknowledging an alert needs a comment: say what is being done."))
        self._flow_check_can_acknowledge()
        user = self.env.user
        # sudo: recipients may acknowledge without write access on alerts
        self.sudo().write(
            {
                "state": "acknowledged",
                "acknowledged_by_id": user.id,
                "acknowledged_date": fields.Datetime.now(),
                "acknowledge_comment": comment,
            }
        )
        for alert in self.sudo():
            alert.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (_("Acknowledged by %(user)s:", user=user.name), comment),
                author_id=user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    def _flow_render_message(self, lang):
        """Subject and Markdown body of this alert's notification in ``lang``."""
        self.ensure_one()
        if self.level == "0":
            return self._flow_render_risk_message(lang)
        alert = self.with_context(lang=lang)
        env = alert.env
        level = alert.level
        kinds = dict(alert._fields["kind"]._description_selection(env))
        actions = {
            "1": env._("the assignees and the project manager: finish the work or replan it"),
            "2": env._(
                "the project manager, the department managers and the sponsor: decide on help, "
                "scope or a new plan"
            ),
            "3": env._("the sponsor and management: decide how the project goes on"),
        }
        who = ", ".join(alert.recipient_user_ids.mapped("name")) or env._("nobody found")
        subject = env._(
            "[Level %(level)s] %(kind)s: %(object)s is %(days)s working days late",
            level=level,
            kind=kinds[alert.kind],
            object=alert.name,
            days=alert.delay_days,
        )
        lines = [
            env._(
                "**%(object)s** (project %(project)s) was planned to finish on %(date)s and is "
                "%(days)s working days late (threshold %(threshold)s working days).",
                object=alert.name,
                project=alert.project_id.name,
                date=format_date(env, alert.planned_date, lang_code=lang),
                days=alert.delay_days,
                threshold=alert.threshold,
            )
        ]
        if alert.kind == "phase_sla":
            lines = [
                env._(
                    "**%(object)s** (project %(project)s) started on %(date)s and has been open "
                    "%(days)s working days longer than its planned duration (threshold "
                    "%(threshold)s working days).",
                    object=alert.name,
                    project=alert.project_id.name,
                    date=format_date(env, alert.planned_date, lang_code=lang),
                    days=alert.delay_days,
                    threshold=alert.threshold,
                )
            ]
        if alert.baseline_date:
            lines.append(
                env._(
                    "Against the baseline (%(date)s): %(days)s working days late.",
                    date=format_date(env, alert.baseline_date, lang_code=lang),
                    days=alert.delay_baseline_days,
                )
            )
        lines.append(
            env._(
                "Escalation level %(level)s: to act, %(who)s (%(names)s).",
                level=level,
                who=actions.get(level, ""),
                names=who,
            )
        )
        return subject, "\n\n".join(lines)

    def _flow_queue_notifications(self):
        """Queue each alert's message in the outbox, once (keyed by alert)."""
        Notification = self.env["project.flow.notification"].sudo()
        for alert in self:
            Notification._flow_notify(
                alert,
                key=f"alert:{alert.id}",
                users=alert.recipient_user_ids,
                render=alert._flow_render_message,
                project=alert.project_id,
            )

    # ------------------------------------------------------------------
    # The delay cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_detect_delays(self, batch_size=BATCH_SIZE, now=None):
        """Find late tasks, phases and milestones, create the alerts of the
        escalation levels they reached, resolve the alerts that no longer
        hold, and queue the notifications of the new ones.

        Works in batches of ``batch_size`` objects: candidates come from
        one query on indexed columns, each batch is read with a fixed number
        of queries, and its delays are computed in memory on one working
        calendar per resource calendar.  Outside tests each batch is
        committed, so a long run keeps its progress.

        :param now: the moment of the check (a UTC datetime; tests pass one)
        :return: dict of counters (created, resolved, reopened, checked)
        """
        detector = DelayDetector(self.sudo(), now or fields.Datetime.now(), batch_size)
        return detector.run()

    # ------------------------------------------------------------------
    # Level 0: delay risk (raised by the daily risk scoring, see
    # flow_risk_scorer.RiskScorer.sync_alerts)
    # ------------------------------------------------------------------
    risk_score = fields.Integer(
        string="Delay risk",
        readonly=True,
        help="The task's delay-risk score (0-100) at the last scoring (level 0 alerts).",
    )

    def _flow_render_risk_message(self, lang):
        """Subject and Markdown body of a level-0 "at risk" alert in ``lang``."""
        self.ensure_one()
        alert = self.with_context(lang=lang)
        env = alert.env
        task = alert.task_id
        subject = env._(
            "[At risk] %(object)s: delay risk %(score)s / 100",
            object=alert.name,
            score=alert.risk_score,
        )
        lines = [
            env._(
                "**%(object)s** (project %(project)s) may finish late: its delay risk is "
                "%(score)s / 100.",
                object=alert.name,
                project=alert.project_id.name,
                score=alert.risk_score,
            )
        ]
        explanation = task.with_context(lang=lang).flow_risk_explanation if task else ""
        if explanation:
            lines.append(
                env._("Why:") + "\n" + "\n".join(f"- {r}" for r in explanation.splitlines())
            )
        return subject, "\n\n".join(lines)
