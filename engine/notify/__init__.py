"""Notification channels: payloads, signing, answer classification, backoff,
rate limiting, burst merging and quiet hours -- pure Python, no ``odoo``.

The Odoo outbox (``project.flow.notification``) reads rows and channel
records, builds a :class:`Message`, and asks a channel class from
:data:`CHANNELS` to deliver it through a :class:`Transport` (``requests`` with
timeouts).  Tests inject a fake transport or point the base URL at a fake
server.
"""

from .base import (
    OK,
    PERMANENT,
    TOKEN,
    TRANSIENT,
    UNMAPPED,
    Channel,
    Message,
    Outcome,
    Transport,
    TransportError,
)
from .dingtalk import DingTalkRobot, DingTalkWork, dingtalk_sign
from .feishu import FeishuBot, feishu_sign
from .policy import (
    MAX_ATTEMPTS,
    backoff_seconds,
    markdown_to_html,
    merge_messages,
    plan_burst,
    quiet_until,
    rate_slots,
    record_sends,
    token_needs_refresh,
)
from .wecom import WeComRobot

CHANNELS = {cls.kind: cls for cls in (DingTalkRobot, DingTalkWork, WeComRobot, FeishuBot)}

__all__ = [
    "CHANNELS",
    "MAX_ATTEMPTS",
    "OK",
    "PERMANENT",
    "TOKEN",
    "TRANSIENT",
    "UNMAPPED",
    "Channel",
    "DingTalkRobot",
    "DingTalkWork",
    "FeishuBot",
    "Message",
    "Outcome",
    "Transport",
    "TransportError",
    "WeComRobot",
    "backoff_seconds",
    "dingtalk_sign",
    "feishu_sign",
    "markdown_to_html",
    "merge_messages",
    "plan_burst",
    "quiet_until",
    "rate_slots",
    "record_sends",
    "token_needs_refresh",
]
