"""DingTalk: the group robot (custom robot webhook) and the work notification
of an internal app.

Endpoints (legacy ``oapi`` host, https://oapi.dingtalk.com):

* Group robot -- ``POST /robot/send?access_token=…&timestamp=…&sign=…`` with a
  ``markdown`` message and ``at.atMobiles`` / ``at.atUserIds``.  The robot
  answers HTTP 200 with ``errcode`` (0 = ok).  "Each robot may send at most
  20 messages per minute; beyond that it is throttled for 10 minutes"
  (errcode 130101 "send too fast, exceed 20 times per minute"); DingTalk
  recommends merging bursts into one markdown summary.  (DingTalk "自定义机器人
  接入", open.dingtalk.com/document/robots/custom-robot-access, quoted in
  juejin.cn/post/7129698690297495583 and blog.csdn.net/jialiuyang/article/
  details/118615052.)
* Signature -- ``sign = base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp_ms}\\n{secret}"))``, URL-encoded once; with ``requests``
  the raw base64 goes in ``params``, which encodes it.
* Work notification -- ``GET /gettoken?appkey=…&appsecret=…`` (``access_token``,
  ``expires_in`` 7200 s), then ``POST /topapi/message/corpconversation/
  asyncsend_v2?access_token=…`` with ``agent_id``, ``userid_list`` and ``msg``;
  the answer carries ``task_id``.  ``POST /topapi/v2/user/getbymobile`` with
  ``mobile`` returns ``result.userid``; errcode 60121 "User not found"
  (help.dingtalk.io/open/development/obtain-the-userid-of-your-mobile-phone-number).

Idempotency: the outbox never sends a row twice (row lock + state); the row
key is also passed to the robot as ``msgUuid`` so that a retry after a lost
answer can be recognised downstream.  The pages found document no
deduplication by the robot itself, so the outbox's own guarantee is what
counts.  (The work notification dedupes identical content to the same user
within a day on DingTalk's side.)
"""

import base64
import hashlib
import hmac

from .base import OK, PERMANENT, TOKEN, TRANSIENT, UNMAPPED, Channel, Outcome, TransportError


def dingtalk_sign(secret, timestamp_ms):
    """Robot signature, base64 and not yet URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


#: robot throttled (20 messages per minute, 10-minute penalty)
ROBOT_THROTTLED = {130101, 410100}
#: robot token missing / robot disabled / security settings refuse the call
ROBOT_PERMANENT = {300001, 300005, 310000, 400101, 400102, 400105, 40035}
#: expired or invalid access token of an app
TOKEN_ERRORS = {40001, 40014, 41001, 42001}
#: a user not found by mobile
USER_NOT_FOUND = {60121}
#: app key/secret wrong, app disabled, no permission, bad agent id
APP_PERMANENT = {40089, 40078, 43008, 60011, 60020, 60122, 88, 400002, 40104}
#: system busy / frequency limits of the open platform
APP_TRANSIENT = {-1, 90002, 90006, 90018, 130101}


def _errcode(data):
    try:
        return int(data.get("errcode", 0))
    except (TypeError, ValueError):
        return -1


class DingTalkRobot(Channel):
    """Custom group robot with signature security."""

    kind = "dingtalk_robot"
    default_base_url = "https://oapi.dingtalk.com"
    rate_limit = (20, 60)
    penalty = 600
    throttled_codes = ROBOT_THROTTLED
    permanent_codes = ROBOT_PERMANENT
    max_chars = 4000
    required = ("token",)

    def payload(self, message):
        text = message.markdown()
        mentions = [f"@{m}" for m in (*message.mobiles, *message.user_ids)]
        if mentions:
            # Markdown robots highlight @people only when the text names them.
            text = f"{text}\n\n{' '.join(mentions)}"
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": message.title[:100], "text": text},
            "at": {
                "atMobiles": list(message.mobiles),
                "atUserIds": list(message.user_ids),
                "isAtAll": False,
            },
        }
        if message.key:
            payload["msgUuid"] = message.key
        return payload

    def params(self, timestamp_ms=None):
        params = {"access_token": self.config.get("token") or ""}
        secret = self.config.get("secret")
        if secret:
            timestamp_ms = timestamp_ms or int(self.clock() * 1000)
            params["timestamp"] = str(timestamp_ms)
            params["sign"] = dingtalk_sign(secret, timestamp_ms)
        return params

    def classify(self, status, data, text=""):
        http = self.classify_http(status, data, text)
        if http:
            return http
        return self.classify_code(_errcode(data), str(data.get("errmsg") or ""), data)

    def send(self, message):
        return self.post("/robot/send", params=self.params(), json=self.payload(message))


class DingTalkWork(Channel):
    """Work notification of an internal app (app key, app secret, agent id).

    The access token is cached by the caller (in the database, shared by
    workers): :meth:`fetch_token` gets a new one, :meth:`send` and
    :meth:`lookup_mobile` take it and answer ``TOKEN`` when it is expired or
    invalid so the caller drops it and retries once.
    """

    kind = "dingtalk_work"
    default_base_url = "https://oapi.dingtalk.com"
    rate_limit = None
    per_user = True
    max_chars = 4000
    required = ("app_key", "app_secret", "agent_id")

    def classify(self, status, data, text=""):
        http = self.classify_http(status, data, text)
        if http:
            return http
        code = _errcode(data)
        msg = str(data.get("errmsg") or "")
        if code == 0:
            return Outcome(
                OK, "0", msg or "ok", external_id=str(data.get("task_id") or ""), data=data
            )
        if code in TOKEN_ERRORS:
            return Outcome(TOKEN, str(code), msg, data=data)
        if code in USER_NOT_FOUND:
            return Outcome(UNMAPPED, str(code), msg, data=data)
        if code in APP_PERMANENT:
            return Outcome(PERMANENT, str(code), msg, data=data)
        return Outcome(TRANSIENT, str(code), msg, data=data)

    def fetch_token(self):
        """``(Outcome, token, expires_in)``; the outcome is OK on success."""
        params = {"appkey": self.config.get("app_key"), "appsecret": self.config.get("app_secret")}
        try:
            resp = self.transport.request("GET", self.base_url + "/gettoken", params=params)
        except TransportError as exc:
            return Outcome(TRANSIENT, "network", self.redact(exc)), "", 0
        outcome = self.classify(resp.status, resp.data, resp.text)
        if outcome.status == TOKEN:
            # gettoken itself never answers "token expired": wrong credentials
            outcome = Outcome(PERMANENT, outcome.code, outcome.message)
        if not outcome.ok:
            return outcome, "", 0
        token = resp.data.get("access_token") or ""
        if not token:
            return Outcome(TRANSIENT, "no token", "gettoken answered without access_token"), "", 0
        return outcome, token, int(resp.data.get("expires_in") or 7200)

    def payload(self, message):
        return {
            "agent_id": int(self.config.get("agent_id") or 0),
            "userid_list": message.to_user,
            "msg": {
                "msgtype": "markdown",
                "markdown": {"title": message.title[:100], "text": message.markdown()},
            },
        }

    def send(self, message, token):
        if not message.to_user:
            return Outcome(UNMAPPED, "no user", "recipient has no DingTalk user id")
        return self.post(
            "/topapi/message/corpconversation/asyncsend_v2",
            params={"access_token": token},
            json=self.payload(message),
        )

    def lookup_mobile(self, mobile, token):
        """Outcome with ``external_id`` = the DingTalk user id of ``mobile``."""
        outcome = self.post(
            "/topapi/v2/user/getbymobile", params={"access_token": token}, json={"mobile": mobile}
        )
        if outcome.ok:
            userid = (outcome.data.get("result") or {}).get("userid") or ""
            if not userid:
                return Outcome(UNMAPPED, "60121", "no user id in the answer")
            return Outcome(OK, "0", "ok", external_id=userid, data=outcome.data)
        return outcome
