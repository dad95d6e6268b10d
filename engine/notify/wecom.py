"""WeCom (企业微信) group robot.

``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`` with
``{"msgtype": "markdown", "markdown": {"content": …}}``; the answer is
``{"errcode": 0, "errmsg": "ok"}``.  A robot sends at most 20 messages per
minute (errcode 45009 "api freq out of limit"); 93000 is an invalid or
removed webhook key.  (WeCom "群机器人配置说明",
developer.work.weixin.qq.com/document/path/91770.)
"""

from .base import Channel

THROTTLED = {45009, 45033}
PERMANENT_CODES = {93000, 93004, 93008, 40008, 40058, 44004, 40001, 40014}


class WeComRobot(Channel):
    kind = "wecom_robot"
    default_base_url = "https://qyapi.weixin.qq.com"
    rate_limit = (20, 60)
    penalty = 60
    throttled_codes = THROTTLED
    permanent_codes = PERMANENT_CODES
    # markdown content is limited to 4096 bytes (UTF-8): stay well below
    max_chars = 1300
    required = ("token",)

    def payload(self, message):
        text = (
            f"**{message.title}**\n\n{message.markdown()}" if message.title else message.markdown()
        )
        return {"msgtype": "markdown", "markdown": {"content": text}}

    def classify(self, status, data, text=""):
        http = self.classify_http(status, data, text)
        if http:
            return http
        try:
            code = int(data.get("errcode", 0))
        except (TypeError, ValueError):
            code = -1
        return self.classify_code(code, str(data.get("errmsg") or ""), data)

    def send(self, message):
        return self.post(
            "/cgi-bin/webhook/send",
            params={"key": self.config.get("token") or ""},
            json=self.payload(message),
        )
