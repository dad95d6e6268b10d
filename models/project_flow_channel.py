from odoo import api, fields, models

from .project_flow_notification import CHANNEL_KINDS


class ProjectFlowChannel(models.Model):
    """An external messaging channel (a DingTalk robot, a DingTalk app for
    work notifications, a WeCom robot, a Feishu bot).  Secrets are readable
    by administrators only."""

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
        return [
            {
                **base,
                "key": f"{key}:c{self.id}",
                "kind": self.kind,
                "channel_id": self.id,
                "lang": lang,
                "subject": subject,
                "body": body,
            }
        ]
