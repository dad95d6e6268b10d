from odoo import api, fields, models

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


class ProjectFlowNotification(models.Model):
    """The persistent outbox: every message to every channel is a row here.

    Producers (alerts, digests, approvals) call :meth:`_flow_notify`; a cron
    delivers queued rows through the channel classes of ``engine/notify``.
    A row's ``key`` is unique, so producing the same message twice (a cron
    re-run, two workers) creates it once and sends it once.
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

    _sql_constraints = [
        ("key_uniq", "unique(key)", "A notification is queued only once."),
    ]

    @api.model
    def _flow_notify(self, record, key, users, render, project=None, kinds=None, chatter=False):
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
        return self.sudo().create(fresh) if fresh else self.browse()
