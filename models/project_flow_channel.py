import json
import logging
import time
from datetime import timedelta, timezone

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import notify
from .project_flow_notification import CHANNEL_KINDS

_logger = logging.getLogger(__name__)

#: fields only system administrators may read or write (UI and RPC)
SECRET_GROUPS = "base.group_system"


class ProjectFlowChannel(models.Model):
    """An external messaging channel (a DingTalk robot, a DingTalk app for
    work notifications, a WeCom robot, a Feishu bot).  Secrets are readable
    by administrators only.

    Delivery logic (payloads, signing, classification) lives in
    ``engine/notify``; this model holds the configuration, the send history
    used for rate limiting, the throttling penalty and the app access token
    shared by every cron worker.
    """

    _name = "project.flow.channel"
    _description = "Project Flow Notification Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [k for k in CHANNEL_KINDS if k[0] != "odoo"], required=True, default="dingtalk_robot"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    project_ids = fields.Many2many(
        "project.project",
        string="Projects",
        help="Group channels post the messages of these projects; empty means every project.",
    )
    mention_users = fields.Boolean(
        string="@mention recipients",
        default=True,
        help="Group robots @mention the people a message is addressed to (DingTalk: by mobile "
        "or DingTalk user id).",
    )
    # --- secrets and endpoints: system administrators only -----------------
    api_base_url = fields.Char(
        string="API base URL",
        groups=SECRET_GROUPS,
        help="Host of the channel's API; empty uses the real one (https://oapi.dingtalk.com, "
        "https://qyapi.weixin.qq.com, https://open.feishu.cn). Change it only for a proxy, "
        "Lark (https://open.larksuite.com) or a test server.",
    )
    token = fields.Char(
        string="Webhook token",
        groups=SECRET_GROUPS,
        copy=False,
        help="DingTalk: the access_token of the robot's webhook URL. WeCom: the key of the "
        "webhook URL. Feishu: the last part of the hook URL.",
    )
    secret = fields.Char(
        string="Signing secret",
        groups=SECRET_GROUPS,
        copy=False,
        help="The robot's signature secret (DingTalk: starts with SEC; Feishu: signature "
        "verification). Empty when the robot does not sign.",
    )
    app_key = fields.Char(string="App key", groups=SECRET_GROUPS, copy=False)
    app_secret = fields.Char(string="App secret", groups=SECRET_GROUPS, copy=False)
    agent_id = fields.Char(string="Agent ID", groups=SECRET_GROUPS, copy=False)
    access_token = fields.Char(groups=SECRET_GROUPS, copy=False, readonly=True)
    access_token_expiry = fields.Datetime(groups=SECRET_GROUPS, copy=False, readonly=True)
    # --- delivery state ----------------------------------------------------
    send_history = fields.Text(
        groups=SECRET_GROUPS,
        copy=False,
        readonly=True,
        help="Epoch seconds of the recent sends (JSON), for the per-robot rate limit.",
    )
    penalty_until = fields.Datetime(
        string="Throttled until",
        copy=False,
        readonly=True,
        help="The channel refused messages for sending too fast; nothing is sent before this.",
    )
    last_test_result = fields.Text(copy=False, readonly=True)
    notification_count = fields.Integer(compute="_compute_notification_count")

    def _compute_notification_count(self):
        counts = dict(
            self.env["project.flow.notification"]._read_group(
                [("channel_id", "in", self.ids)], ["channel_id"], ["__count"]
            )
        )
        for channel in self:
            channel.notification_count = counts.get(channel, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send_test(self):
        """Send a test message now and show the channel's own answer
        (errcode and message) to the administrator."""
        self.ensure_one()
        self._check_flow_admin()
        channel = self.sudo()
        title = _("Project Flow test message")
        text = _(
            "This is a test message from %(company)s (%(channel)s).",
            company=channel.company_id.name,
            channel=channel.name,
        )
        engine = channel._flow_engine()
        missing = engine.check_config()
        if missing:
            raise UserError(
                _(
                    "Channel %(channel)s is missing: %(fields)s.",
                    channel=channel.name,
                    fields=", ".join(
                        channel._fields[channel._config_field(m)].string for m in missing
                    ),
                )
            )
        message = notify.Message(title=title, text=text, key=f"test:{channel.id}:{time.time_ns()}")
        if channel.kind == "dingtalk_work":
            outcome = channel._flow_test_work(engine, message)
        else:
            outcome = engine.send(message)
            channel._flow_record_sends(1)
        answer = outcome.describe()
        channel.last_test_result = f"{fields.Datetime.now()}: {answer}"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Test message sent") if outcome.ok else _("Test message refused"),
                "message": _(
                    "%(channel)s answered %(answer)s", channel=channel.name, answer=answer
                ),
                "type": "success" if outcome.ok else "danger",
                "sticky": not outcome.ok,
            },
        }

    def _flow_test_work(self, engine, message):
        outcome, token = self._flow_access_token(engine)
        if not outcome.ok:
            return outcome
        userid = self.env.user.sudo().dingtalk_user_id
        if not userid:
            return notify.Outcome(
                notify.OK,
                "0",
                _("access token obtained; set your own DingTalk user id to receive a test message"),
            )
        return engine.send(
            notify.Message(title=message.title, text=message.text, to_user=userid), token
        )

    def action_map_users(self):
        """Look up the DingTalk user id of every active internal user of the
        channel's company who has a mobile number and no id yet."""
        self.ensure_one()
        self._check_flow_admin()
        users = self.env["res.users"].search(
            [
                ("share", "=", False),
                ("company_ids", "in", self.company_id.ids),
                ("dingtalk_user_id", "=", False),
            ]
        )
        found, missing = self._flow_map_users(users)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("DingTalk user ids"),
                "message": _(
                    "%(found)s users mapped, %(missing)s not found.", found=found, missing=missing
                ),
                "type": "info",
            },
        }

    def action_open_notifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_notification"
        )
        action["domain"] = [("channel_id", "=", self.id)]
        action["context"] = {}
        return action

    def _check_flow_admin(self):
        if not (
            self.env.is_superuser()
            or self.env.user.has_group("project_flow.group_flow_admin")
            or self.env.user.has_group("base.group_system")
        ):
            raise AccessError(_("Only flow administrators may use notification channels."))

    # ------------------------------------------------------------------
    # Routing (the contract producers rely on)
    # ------------------------------------------------------------------
    @api.model
    def _flow_channels_for(self, project, company, kinds=None):
        """Active channels that receive a message about ``project``."""
        domain = [("company_id", "=", company.id)]
        if kinds is not None:
            domain.append(("kind", "in", list(kinds)))
        channels = self.sudo().search(domain)
        return channels.filtered(
            lambda c: not c.project_ids or (project and project in c.project_ids)
        )

    def _flow_notification_vals(self, key, users, text, base):
        """Outbox rows for this channel: one per group robot, one per user
        for per-person channels (work notifications)."""
        self.ensure_one()
        lang = self.company_id.partner_id.lang or "en_US"
        if self.kind == "dingtalk_work":
            rows = []
            for user in users:
                user_lang = user.lang or lang
                subject, body = text(user_lang)
                rows.append(
                    {
                        **base,
                        "key": f"{key}:c{self.id}:u{user.id}",
                        "kind": self.kind,
                        "channel_id": self.id,
                        "user_id": user.id,
                        "lang": user_lang,
                        "subject": subject,
                        "body": body,
                    }
                )
            return rows
        subject, body = text(lang)
        vals = {
            **base,
            "key": f"{key}:c{self.id}",
            "kind": self.kind,
            "channel_id": self.id,
            "lang": lang,
            "subject": subject,
            "body": body,
        }
        if self.mention_users and users:
            vals["mention_user_ids"] = [Command.set(users.ids)]
        return [vals]

    # ------------------------------------------------------------------
    # Delivery helpers (called by the outbox with sudo)
    # ------------------------------------------------------------------
    _CONFIG_FIELDS = {
        "base_url": "api_base_url",
        "token": "token",
        "secret": "secret",
        "app_key": "app_key",
        "app_secret": "app_secret",
        "agent_id": "agent_id",
    }

    def _config_field(self, name):
        return self._CONFIG_FIELDS.get(name, name)

    def _flow_transport(self):
        """HTTP transport with the configured timeout (seconds)."""
        timeout = float(
            self.env["ir.config_parameter"].sudo().get_param("project_flow.notify_timeout", 10)
        )
        return notify.Transport(timeout=(min(timeout, 5.0), timeout))

    def _flow_engine(self, transport=None):
        """The engine channel object for this record (secrets read as sudo)."""
        self.ensure_one()
        channel = self.sudo()
        config = {key: channel[fname] for key, fname in self._CONFIG_FIELDS.items()}
        return notify.CHANNELS[channel.kind](config, transport or channel._flow_transport())

    def _flow_history(self):
        try:
            history = json.loads(self.sudo().send_history or "[]")
        except ValueError:
            history = []
        return [float(t) for t in history if isinstance(t, int | float)]

    def _flow_record_sends(self, count, now=None):
        engine_cls = notify.CHANNELS[self.kind]
        if not engine_cls.rate_limit or not count:
            return
        window = engine_cls.rate_limit[1]
        history = notify.record_sends(self._flow_history(), now or time.time(), count, window)
        self.sudo().send_history = json.dumps(history)

    def _flow_lock(self):
        """Lock this channel's row for the rest of the transaction, or
        ``False`` when another worker holds it (its rows wait for the next
        run): one worker at a time talks to a rate-limited robot."""
        self.env.cr.execute(
            "SELECT id FROM project_flow_channel WHERE id = %s FOR UPDATE SKIP LOCKED", [self.id]
        )
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset()
        return True

    def _flow_access_token(self, engine, force=False):
        """The app's access token, cached in the database and shared by the
        cron workers; refreshed five minutes before it expires, under a row
        lock so that one worker refreshes it and the others reuse it.

        :return: ``(Outcome, token)``
        """
        channel = self.sudo()
        expiry = channel.access_token_expiry
        now = time.time()
        if not force and not notify.token_needs_refresh(channel.access_token, _epoch(expiry), now):
            return notify.Outcome(notify.OK), channel.access_token
        # Wait for a worker that is refreshing, then look again.
        channel.flush_recordset(["access_token", "access_token_expiry"])
        self.env.cr.execute(
            "SELECT access_token, access_token_expiry FROM project_flow_channel "
            "WHERE id = %s FOR UPDATE",
            [self.id],
        )
        token, expiry = self.env.cr.fetchone()
        if not force and token and not notify.token_needs_refresh(token, _epoch(expiry), now):
            channel.invalidate_recordset(["access_token", "access_token_expiry"])
            return notify.Outcome(notify.OK), token
        outcome, token, expires_in = engine.fetch_token()
        if not outcome.ok:
            channel.write({"access_token": False, "access_token_expiry": False})
            return outcome, ""
        channel.write(
            {
                "access_token": token,
                "access_token_expiry": fields.Datetime.now() + timedelta(seconds=expires_in),
            }
        )
        return outcome, token

    def _flow_map_users(self, users):
        """Fill ``dingtalk_user_id`` of ``users`` by their mobile number
        through this work-notification app.  :return: ``(found, not_found)``"""
        self.ensure_one()
        if self.kind != "dingtalk_work":
            raise UserError(
                _(
                    "Channel %(channel)s is not a DingTalk work notification app.",
                    channel=self.name,
                )
            )
        engine = self._flow_engine()
        outcome, token = self._flow_access_token(engine)
        if not outcome.ok:
            raise UserError(
                _(
                    "DingTalk refused the app of channel %(channel)s: %(answer)s",
                    channel=self.name,
                    answer=outcome.describe(),
                )
            )
        found = missing = 0
        for user in users.sudo():
            mobile = user.partner_id.mobile or user.partner_id.phone
            if not mobile:
                missing += 1
                continue
            result = self._flow_lookup(engine, token, mobile)
            if result.ok:
                user.dingtalk_user_id = result.external_id
                found += 1
            else:
                missing += 1
        return found, missing

    def _flow_lookup(self, engine, token, mobile):
        outcome = engine.lookup_mobile(mobile, token)
        if outcome.status == notify.TOKEN:
            outcome, token = self._flow_access_token(engine, force=True)
            if outcome.ok:
                outcome = engine.lookup_mobile(mobile, token)
        return outcome


def _epoch(value):
    """Epoch seconds of a naive UTC datetime as Odoo stores them (0 if unset)."""
    return value.replace(tzinfo=timezone.utc).timestamp() if value else 0
