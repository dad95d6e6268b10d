import logging
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError

from ..engine import notify
from ..engine.notify.policy import digest_key

_logger = logging.getLogger(__name__)

CHANNEL_KINDS = [
    ("odoo", "Odoo (chatter, activity, email)"),
    ("dingtalk_robot", "DingTalk group robot"),
    ("dingtalk_work", "DingTalk work notification"),
    ("wecom_robot", "WeCom group robot"),
    ("feishu_bot", "Feishu / Lark bot"),
]
NOTIFICATION_STATES = [
    ("queued", "Queued"),
    ("retry", "Waiting to retry"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("unmapped", "Recipient not mapped"),
    ("cancelled", "Cancelled"),
]
DUE_STATES = ("queued", "retry")


class ProjectFlowNotification(models.Model):
    """The persistent outbox: every message to every channel is a row here.

    Producers (alerts, digests, approvals) call :meth:`_flow_notify`; a cron
    delivers queued rows through the channel classes of ``engine/notify``.
    A row's ``key`` is unique, so producing the same message twice (a cron
    re-run, two workers) creates it once and sends it once.

    Life of a row: ``queued`` -> ``sent``; or ``retry`` (transient error,
    next attempt after an exponential backoff) -> ... -> ``sent`` or
    ``failed`` after :data:`~engine.notify.MAX_ATTEMPTS`; or ``failed`` at
    once on a permanent error; or ``unmapped`` when the recipient has no
    account on the channel.  Rows are taken by one cron worker at a time
    (``FOR UPDATE SKIP LOCKED``) and the batch is committed before the next
    one, so nothing is sent twice and nothing is lost when a channel is down.
    """

    _name = "project.flow.notification"
    _description = "Project Flow Notification (outbox)"
    _order = "id desc"
    _rec_name = "subject"

    key = fields.Char(required=True, readonly=True, index=True, copy=False)
    kind = fields.Selection(CHANNEL_KINDS, required=True, readonly=True, index=True)
    channel_id = fields.Many2one(
        "project.flow.channel", readonly=True, ondelete="cascade", index="btree_not_null"
    )
    user_id = fields.Many2one("res.users", string="Recipient", readonly=True, ondelete="cascade")
    lang = fields.Char(readonly=True)
    subject = fields.Char(readonly=True)
    body = fields.Text(readonly=True, help="Markdown, in the recipient's language.")
    res_model = fields.Char(string="Related model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Related record", model_field="res_model", readonly=True
    )
    project_id = fields.Many2one(
        "project.project", readonly=True, ondelete="cascade", index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    state = fields.Selection(NOTIFICATION_STATES, required=True, default="queued", index=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True, default=fields.Datetime.now, index=True)
    sent_date = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True)
    # --- added by the delivery --------------------------------------------
    urgent = fields.Boolean(
        readonly=True, help="Urgent messages (level-3 alerts) are delivered during quiet hours."
    )
    activity = fields.Boolean(
        readonly=True, help="Odoo: also schedule a to-do activity for the recipient."
    )
    mention_user_ids = fields.Many2many(
        "res.users",
        "project_flow_notification_mention_rel",
        "notification_id",
        "user_id",
        string="@mentioned",
        readonly=True,
    )
    external_id = fields.Char(
        readonly=True, help="The channel's id of the sent message (DingTalk task_id)."
    )
    digest_key = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="Set when this message went out merged with others in one digest message.",
    )
    record_name = fields.Char(compute="_compute_record_name")
    record_url = fields.Char(compute="_compute_record_url")
    body_html = fields.Html(compute="_compute_body_html", sanitize=False)

    _sql_constraints = [
        ("key_uniq", "unique(key)", "A notification is queued only once."),
    ]

    def _compute_record_name(self):
        records = self._flow_records()
        for row in self:
            record = records[row.id]
            row.record_name = record.display_name if record else False

    def _compute_record_url(self):
        for row in self:
            row.record_url = row._flow_url()

    def _compute_body_html(self):
        for row in self:
            row.body_html = Markup(notify.markdown_to_html(row.body or ""))

    @api.model_create_multi
    def create(self, vals_list):
        rows = super().create(vals_list)
        rows._flow_apply_quiet_hours(fields.Datetime.now())
        return rows

    # ------------------------------------------------------------------
    # Producer API
    # ------------------------------------------------------------------
    @api.model
    def _flow_notify(
        self,
        record,
        key,
        users,
        render,
        project=None,
        kinds=None,
        chatter=False,
        urgent=False,
        activity=False,
    ):
        """Queue one message about ``record`` on every configured channel.

        :param record: the record the message is about (a single record); the
            message links back to it.
        :param str key: idempotency prefix, e.g. ``"alert:42:L2"``; the row key
            is ``key`` + channel + recipient, so calling twice queues once.
        :param users: ``res.users`` recipients (may be empty).
        :param render: ``render(lang) -> (subject, markdown_body)``, called once
            per language in the recipients' (and the company's) languages.
        :param project: project whose group channels (robots) also receive the
            message; defaults to ``record.project_id`` when it has one.
        :param kinds: restrict to these channel kinds (``None``: all).
        :param chatter: also post the message once on ``record``'s chatter (an
            ``odoo`` row without recipient), in the company's language.
        :param urgent: deliver even during quiet hours (level-3 alerts).
        :param activity: Odoo rows also schedule a to-do activity for each
            recipient on ``record``.
        :return: the newly queued notifications.
        """
        record.ensure_one()
        if project is None and "project_id" in record._fields:
            project = record.project_id
        if project is None and record._name == "project.project":
            project = record
        anchor = project or record
        company = anchor.company_id if "company_id" in anchor._fields else False
        company = company or self.env.company
        rendered = {}

        def text(lang):
            if lang not in rendered:
                rendered[lang] = render(lang)
            return rendered[lang]

        vals_list = []
        base = {
            "res_model": record._name,
            "res_id": record.id,
            "project_id": project.id if project else False,
            "company_id": company.id,
            "urgent": bool(urgent),
        }
        if kinds is None or "odoo" in kinds:
            for user in users:
                lang = user.lang or "en_US"
                subject, body = text(lang)
                vals_list.append(
                    {
                        **base,
                        "key": f"{key}:odoo:u{user.id}",
                        "kind": "odoo",
                        "user_id": user.id,
                        "lang": lang,
                        "subject": subject,
                        "body": body,
                        "activity": bool(activity),
                    }
                )
        if chatter and (kinds is None or "odoo" in kinds):
            lang = company.partner_id.lang or "en_US"
            subject, body = text(lang)
            vals_list.append(
                {
                    **base,
                    "key": f"{key}:odoo:chatter",
                    "kind": "odoo",
                    "lang": lang,
                    "subject": subject,
                    "body": body,
                }
            )
        channels = self.env["project.flow.channel"]._flow_channels_for(project, company, kinds)
        for channel in channels:
            vals_list.extend(channel._flow_notification_vals(key, users, text, base))
        if not vals_list:
            return self.browse()
        existing = set(
            self.sudo().search([("key", "in", [v["key"] for v in vals_list])]).mapped("key")
        )
        fresh = [v for v in vals_list if v["key"] not in existing]
        if not fresh:
            return self.browse()
        rows = self.sudo().create(fresh)
        rows._flow_trigger()
        return rows

    def _flow_trigger(self):
        """Ask the outbox cron to run soon for the rows due now."""
        now = fields.Datetime.now()
        cron = self.env.ref("project_flow.ir_cron_project_flow_notification", False)
        if cron and any(r.next_attempt and r.next_attempt <= now for r in self):
            cron.sudo()._trigger()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_retry_now(self):
        """Queue failed, unmapped, cancelled or waiting rows again, due now."""
        rows = self.filtered(lambda r: r.state != "sent")
        rows.write(
            {
                "state": "queued",
                "next_attempt": fields.Datetime.now(),
                "attempts": 0,
                "error": False,
            }
        )
        rows._flow_trigger()
        return True

    def action_cancel(self):
        sent = self.filtered(lambda r: r.state == "sent")
        if sent:
            raise UserError(
                _("%(subject)s was already sent and cannot be cancelled.", subject=sent[0].subject)
            )
        self.write({"state": "cancelled"})
        return True

    def action_open_record(self):
        self.ensure_one()
        record = self._flow_record()
        if not record:
            raise UserError(_("The record of %(subject)s no longer exists.", subject=self.subject))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_process(self, batch_size=20, max_batches=None):
        """Deliver the due rows, a batch at a time.

        Each batch is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` so
        several cron workers never deliver the same row, and committed
        before the next (not under tests): a crash rolls back only the batch
        in flight, whose rows are taken again by the next run (a DingTalk
        robot then gets the same ``msgUuid``).
        """
        done = 0
        seen = []
        batches = 0
        while max_batches is None or batches < max_batches:
            now = fields.Datetime.now()
            ids = self._flow_take_due(now, batch_size, seen)
            if not ids:
                break
            seen.extend(ids)
            rows = self.sudo().browse(ids)
            rows._flow_deliver()
            done += len(ids)
            batches += 1
            remaining = self.sudo().search_count(
                [("state", "in", DUE_STATES), ("next_attempt", "<=", now), ("id", "not in", seen)]
            )
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            if not (modules.module.current_test or self.env.registry.in_test_mode()):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    @api.model
    def _flow_take_due(self, now, limit, exclude=()):
        """Lock and return the ids of up to ``limit`` due rows that no other
        transaction holds (``FOR UPDATE SKIP LOCKED``): two cron workers
        never take the same row."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT id FROM project_flow_notification
             WHERE state IN %s AND next_attempt <= %s AND NOT (id = ANY(%s))
             ORDER BY next_attempt, id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [DUE_STATES, now, list(exclude), limit],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------
    def _flow_deliver(self):
        """Deliver these rows (locked by the caller)."""
        now = fields.Datetime.now()
        rows = self.filtered(lambda r: r.state in DUE_STATES)
        quiet = rows._flow_apply_quiet_hours(now)
        rows -= quiet
        rows.filtered(lambda r: r.kind == "odoo")._flow_deliver_odoo()
        for channel, group in rows.filtered("channel_id").grouped("channel_id").items():
            if not channel.active:
                group._flow_fail(_("Channel %(channel)s is archived.", channel=channel.name))
                continue
            engine = channel._flow_engine()
            missing = engine.check_config()
            if missing:
                labels = ", ".join(
                    channel._fields[channel._config_field(m)].string for m in missing
                )
                group._flow_fail(
                    _(
                        "Channel %(channel)s is not configured: %(fields)s missing.",
                        channel=channel.name,
                        fields=labels,
                    )
                )
            elif engine.per_user:
                group._flow_deliver_work(channel, engine)
            else:
                group._flow_deliver_group(channel, engine)
        rows.filtered(lambda r: r.kind != "odoo" and not r.channel_id)._flow_fail(
            _("The channel was deleted.")
        )

    # --- quiet hours ---------------------------------------------------
    def _flow_apply_quiet_hours(self, now):
        """Postpone the non-urgent rows that fall in their recipient's quiet
        hours to the end of them.  :return: the postponed rows."""
        by_time = {}
        for row in self:
            company = row.company_id
            if row.urgent or not company.flow_quiet_hours or row.state not in DUE_STATES:
                continue
            if row.kind == "odoo" and not row.user_id:
                continue  # a chatter post disturbs nobody
            until = notify.quiet_until(
                now, row._flow_tz(), company.flow_quiet_start, company.flow_quiet_end
            )
            if until and (not row.next_attempt or row.next_attempt < until):
                by_time.setdefault(until, []).append(row.id)
        postponed = self.browse()
        for until, ids in by_time.items():
            rows = self.browse(ids)
            rows.next_attempt = until
            postponed |= rows
        return postponed

    def _flow_tz(self):
        """Recipient's time zone; group channels use the project's calendar,
        then the company's."""
        self.ensure_one()
        if self.user_id and self.user_id.tz:
            return self.user_id.tz
        calendar = self.project_id.resource_calendar_id or self.company_id.resource_calendar_id
        return calendar.tz or self.company_id.partner_id.tz or "UTC"

    # --- outcomes ------------------------------------------------------
    def _flow_apply(self, outcome, retry_at=None):
        """Write the result of one delivery on these rows."""
        now = fields.Datetime.now()
        if outcome.ok:
            self.write(
                {
                    "state": "sent",
                    "sent_date": now,
                    "error": False,
                    "external_id": outcome.external_id or False,
                }
            )
            for row in self:
                row.attempts += 1
            return
        reason = _(
            "%(channel)s answered %(answer)s", channel=self._flow_label(), answer=outcome.describe()
        )
        if outcome.status == notify.UNMAPPED:
            self.write({"state": "unmapped", "error": reason})
        elif outcome.status == notify.TRANSIENT:
            for row in self:
                attempts = row.attempts + 1
                if attempts >= notify.MAX_ATTEMPTS:
                    row.write(
                        {
                            "state": "failed",
                            "attempts": attempts,
                            "error": _(
                                "Gave up after %(attempts)s attempts. Last error: %(reason)s",
                                attempts=attempts,
                                reason=reason,
                            ),
                        }
                    )
                    continue
                next_attempt = now + timedelta(seconds=notify.backoff_seconds(attempts))
                if retry_at and retry_at > next_attempt:
                    next_attempt = retry_at
                row.write(
                    {
                        "state": "retry",
                        "attempts": attempts,
                        "next_attempt": next_attempt,
                        "error": reason,
                    }
                )
        else:
            self._flow_fail(reason, count_attempt=True)

    def _flow_fail(self, reason, count_attempt=False):
        for row in self:
            row.write(
                {
                    "state": "failed",
                    "error": reason,
                    "attempts": row.attempts + (1 if count_attempt else 0),
                }
            )

    def _flow_postpone(self, when, reason=False):
        """Move these rows to ``when`` without counting an attempt."""
        vals = {"next_attempt": when}
        if reason:
            vals["error"] = reason
        self.write(vals)

    def _flow_label(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        channel = self[:1].channel_id
        return channel.name if channel else kinds.get(self[:1].kind, "")

    # --- links and messages ----------------------------------------------
    def _flow_record(self):
        self.ensure_one()
        return self._flow_records()[self.id]

    def _flow_records(self):
        """``{row id: related record or None}``, one existence query per model."""
        result = dict.fromkeys(self._ids)
        for model, rows in self.grouped("res_model").items():
            if not model or model not in self.env:
                continue
            existing = self.env[model].browse(rows.mapped("res_id")).exists()
            by_id = {record.id: record for record in existing}
            for row in rows:
                result[row.id] = by_id.get(row.res_id)
        return result

    def _flow_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        if not self.res_model or not self.res_id:
            return ""
        return f"{base.rstrip('/')}/odoo/{self.res_model}/{self.res_id}"

    def _flow_message(self, **extra):
        self.ensure_one()
        return notify.Message(
            title=self.subject or "",
            text=self.body or "",
            key=self.key,
            url=self._flow_url(),
            **extra,
        )

    # --- Odoo ------------------------------------------------------------
    def _flow_deliver_odoo(self):
        """Odoo itself, in the row's language.

        * no recipient: one internal note in the record's chatter;
        * a recipient who reads notifications by email: an email from the
          mail template ``mail_template_project_flow_notification``;
        * otherwise a personal notification to the recipient's partner on the
          record (``message_notify``: the Odoo inbox, not the chatter);
        * ``activity`` rows also schedule a to-do for the recipient.
        """
        template = self.env.ref("project_flow.mail_template_project_flow_notification", False)
        records = self._flow_records()
        for row in self:
            record = records[row.id]
            if record is None:
                row.write({"state": "cancelled", "error": _("The record no longer exists.")})
                continue
            lang = row.lang or "en_US"
            record = record.with_context(lang=lang)
            body = Markup(notify.markdown_to_html(row.body or ""))
            is_thread = hasattr(record, "message_post")
            user = row.user_id
            message_id = ""
            if not user:
                if not is_thread:
                    row._flow_fail(_("%(model)s has no chatter.", model=row.res_model))
                    continue
                message = record.message_post(
                    body=body,
                    subject=row.subject,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
                message_id = str(message.id)
            elif user.notification_type == "email" and template:
                if not user.email:
                    row._flow_fail(_("%(user)s has no email address.", user=user.name))
                    continue
                message_id = f"mail:{template.with_context(lang=lang).send_mail(row.id)}"
            else:
                thread = record if is_thread else self.env["mail.thread"].with_context(lang=lang)
                message = thread.message_notify(
                    partner_ids=user.partner_id.ids,
                    subject=row.subject,
                    body=body,
                    model=row.res_model,
                    res_id=row.res_id,
                )
                message_id = str(message.id)
            if row.activity and user and hasattr(record, "activity_schedule"):
                record.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=row.subject,
                    note=body,
                )
            row._flow_apply(notify.Outcome(notify.OK, external_id=message_id))

    # --- group robots ------------------------------------------------------
    def _flow_deliver_group(self, channel, engine):
        """One robot's due rows: respect its rate limit and penalty, merge a
        burst larger than the free slots into digest messages."""
        if not channel._flow_lock():
            return  # another worker is talking to this robot
        # The whole burst of this robot, not only this batch's share of it,
        # so that it is merged rather than spread over several minutes.
        self.env.cr.execute(
            """
            SELECT id FROM project_flow_notification
             WHERE channel_id = %s AND state IN %s AND next_attempt <= %s AND NOT (id = ANY(%s))
             ORDER BY id
             LIMIT 500
               FOR UPDATE SKIP LOCKED
            """,
            [channel.id, DUE_STATES, fields.Datetime.now(), self.ids],
        )
        now = fields.Datetime.now()
        extra = self.browse([row[0] for row in self.env.cr.fetchall()])
        self |= extra - extra._flow_apply_quiet_hours(now)
        if channel.penalty_until and channel.penalty_until > now:
            self._flow_postpone(channel.penalty_until)
            return
        limit, window = engine.rate_limit or (len(self), 60)
        epoch = time.time()
        slots, free_at = notify.rate_slots(channel._flow_history(), epoch, limit, window)
        wait_until = now + timedelta(seconds=max(free_at - epoch, 1))
        plan = notify.plan_burst(len(self), slots)
        if plan == "wait":
            self._flow_postpone(wait_until)
            return
        rows = self.sorted("id")
        if plan == "single":
            batches = [(row, row._flow_message(**row._flow_mentions())) for row in rows]
        else:
            merged = notify.merge_messages(
                [(r.subject or "", r.body or "") for r in rows],
                _("Project Flow: %(count)s notifications", count=len(rows)),
                engine.max_chars,
            )
            batches = []
            for indexes, title, text in merged:
                group = rows.browse([rows[i].id for i in indexes])
                if len(group) == 1:
                    batches.append((group, group._flow_message(**group._flow_mentions())))
                    continue
                batches.append(
                    (
                        group,
                        notify.Message(
                            title=title,
                            text=text,
                            key=digest_key(group.mapped("key")),
                            **group._flow_mentions(),
                        ),
                    )
                )
        sent = 0
        for index, (group, message) in enumerate(batches):
            if index >= slots:
                for later, _message in batches[index:]:
                    later._flow_postpone(wait_until)
                break
            outcome = engine.send(message)
            sent += 1
            if outcome.ok and len(group) > 1:
                group.write({"digest_key": message.key})
            if outcome.penalty:
                until = now + timedelta(seconds=outcome.penalty)
                channel.penalty_until = until
                group._flow_apply(outcome, retry_at=until)
                for later, _message in batches[index + 1 :]:
                    later._flow_postpone(until, group[:1].error)
                break
            group._flow_apply(outcome)
        channel._flow_record_sends(sent, epoch)

    def _flow_mentions(self):
        """``mobiles`` and ``user_ids`` to @mention for these rows (DingTalk)."""
        users = self.mention_user_ids
        if not users or self[:1].kind != "dingtalk_robot":
            return {}
        user_ids = tuple(u.dingtalk_user_id for u in users if u.dingtalk_user_id)
        mobiles = tuple(
            u.partner_id.mobile for u in users if not u.dingtalk_user_id and u.partner_id.mobile
        )
        return {"mobiles": mobiles, "user_ids": user_ids}

    # --- DingTalk work notification -----------------------------------------
    def _flow_deliver_work(self, channel, engine):
        """Person-to-person messages of an app: map the recipient (by mobile
        when needed), send with the shared access token, and on an expired
        token drop it and retry once."""
        outcome, token = channel._flow_access_token(engine)
        if not outcome.ok:
            self._flow_apply(outcome)
            return
        for row in self:
            user = row.user_id
            if not user:
                row._flow_fail(_("A work notification needs a recipient."))
                continue
            if not user.dingtalk_user_id:
                mobile = user.partner_id.mobile or user.partner_id.phone
                if not mobile:
                    row.write(
                        {
                            "state": "unmapped",
                            "error": _(
                                "%(user)s has no DingTalk user id and no mobile number.",
                                user=user.name,
                            ),
                        }
                    )
                    continue
                found = channel._flow_lookup(engine, token, mobile)
                if not found.ok:
                    row._flow_apply(found)
                    continue
                user.dingtalk_user_id = found.external_id
            message = row._flow_message(to_user=user.dingtalk_user_id)
            outcome = engine.send(message, token)
            if outcome.status == notify.TOKEN:
                refreshed, token = channel._flow_access_token(engine, force=True)
                outcome = engine.send(message, token) if refreshed.ok else refreshed
            row._flow_apply(outcome)
