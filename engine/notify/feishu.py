"""Feishu / Lark custom bot.

``POST https://open.feishu.cn/open-apis/bot/v2/hook/<token>`` (Lark:
``https://open.larksuite.com``) with ``timestamp`` (seconds), ``sign`` and an
``interactive`` card whose element is markdown.  Signature:
``base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))`` -- the string
is the key and the message is empty, unlike DingTalk.  The answer is
``{"code": 0, "msg": "success"}`` (older bots: ``StatusCode``).  19021: sign
mismatch or timestamp older than an hour; 19024: keyword check failed;
9499 / 11232: frequency limited (100 per minute, 5 per second per bot).
(Feishu "自定义机器人使用指南", open.feishu.cn/document/client-docs/bot-v3/
add-custom-bot.)
"""

import base64
import hashlib
import hmac

from .base import Channel


def feishu_sign(secret, timestamp):
    """Bot signature for ``timestamp`` in seconds."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


THROTTLED = {9499, 11232, 11233}
PERMANENT_CODES = {19001, 19002, 19021, 19022, 19024, 19007, 11246}


class FeishuBot(Channel):
    kind = "feishu_bot"
    default_base_url = "https://open.feishu.cn"
    rate_limit = (100, 60)
    penalty = 60
    throttled_codes = THROTTLED
    permanent_codes = PERMANENT_CODES
    # the request body is limited to 20 KB
    max_chars = 6000
    required = ("token",)

    def payload(self, message, timestamp=None):
        payload = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": message.title[:200]}},
                "elements": [{"tag": "markdown", "content": message.markdown()}],
            },
        }
        secret = self.config.get("secret")
        if secret:
            timestamp = timestamp or int(self.clock())
            payload["timestamp"] = str(timestamp)
            payload["sign"] = feishu_sign(secret, timestamp)
        return payload

    def classify(self, status, data, text=""):
        if status == 400 and data is not None:
            status = 200  # Feishu answers some errors with HTTP 400 and a code
        http = self.classify_http(status, data, text)
        if http:
            return http
        raw = data.get("code", data.get("StatusCode", 0))
        try:
            code = int(raw)
        except (TypeError, ValueError):
            code = -1
        msg = str(data.get("msg") or data.get("StatusMessage") or "")
        return self.classify_code(code, msg, data, ok_message="success")

    def send(self, message):
        token = self.config.get("token") or ""
        return self.post(f"/open-apis/bot/v2/hook/{token}", json=self.payload(message))
