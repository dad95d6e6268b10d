"""Notification channels: signatures, payloads, classification, backoff,
rate limiting, burst merging, quiet hours and token refresh."""

import base64
import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote_plus

import pytest

from ..notify import (
    OK,
    PERMANENT,
    TOKEN,
    TRANSIENT,
    UNMAPPED,
    DingTalkRobot,
    DingTalkWork,
    FeishuBot,
    Message,
    TransportError,
    WeComRobot,
    backoff_seconds,
    dingtalk_sign,
    feishu_sign,
    markdown_to_html,
    merge_messages,
    plan_burst,
    quiet_until,
    rate_slots,
    record_sends,
    token_needs_refresh,
)
from ..notify.base import Response, redact
from ..notify.policy import digest_key


class FakeTransport:
    """Records requests and answers from a queue of (status, data) or raises."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, params=None, json=None):
        self.calls.append((method, url, params, json))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, data = answer
        return Response(status, data, str(data))


MSG = Message(
    title="Task late",
    text="**Design** is late",
    key="alert:1:odoo",
    url="http://x/odoo/project.task/7",
)


# ---------------------------------------------------------------------------
# signatures
# ---------------------------------------------------------------------------
def test_dingtalk_signature_known_vector():
    sign = dingtalk_sign("SEC0123456789abcdef", 1577836800000)
    assert sign == "VIkrYXpqM66nY2agvTap17lAqEfAZw77OqD62+Mh1G0="
    # URL-encoded once in the query string
    assert quote_plus(sign) == "VIkrYXpqM66nY2agvTap17lAqEfAZw77OqD62%2BMh1G0%3D"


def test_dingtalk_robot_params_carry_raw_base64_sign():
    robot = DingTalkRobot(
        {"token": "tok", "secret": "SEC0123456789abcdef"}, clock=lambda: 1577836800.0
    )
    params = robot.params()
    assert params == {
        "access_token": "tok",
        "timestamp": "1577836800000",
        "sign": "VIkrYXpqM66nY2agvTap17lAqEfAZw77OqD62+Mh1G0=",
    }
    assert "timestamp" not in DingTalkRobot({"token": "tok"}).params()


def test_feishu_signature_is_hmac_keyed_by_timestamp_and_secret_over_nothing():
    expected = base64.b64encode(hmac.new(b"1599360473\nabc", b"", hashlib.sha256).digest()).decode()
    assert feishu_sign("abc", 1599360473) == expected
    assert expected == "cgtpJzI2j6bUDggbdGYjskCK3FPgKpTkwosfWsMzKqM="
    # not DingTalk's scheme (key=secret over "ts\nsecret")
    assert feishu_sign("abc", 1599360473) != dingtalk_sign("abc", 1599360473)


# ---------------------------------------------------------------------------
# payloads
# ---------------------------------------------------------------------------
def test_dingtalk_robot_payload_markdown_mentions_and_link():
    robot = DingTalkRobot({"token": "t"})
    msg = Message(
        title="T",
        text="body",
        key="k1",
        url="http://o/odoo/x/1",
        mobiles=("13800000000",),
        user_ids=("u1",),
    )
    payload = robot.payload(msg)
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"] == "T"
    text = payload["markdown"]["text"]
    assert text.startswith("body")
    assert "(http://o/odoo/x/1)" in text
    assert "@13800000000" in text and "@u1" in text
    assert payload["at"] == {"atMobiles": ["13800000000"], "atUserIds": ["u1"], "isAtAll": False}
    assert payload["msgUuid"] == "k1"


def test_dingtalk_work_payload():
    work = DingTalkWork({"app_key": "a", "app_secret": "s", "agent_id": "42"})
    payload = work.payload(Message(title="T", text="b", to_user="uid7"))
    assert payload == {
        "agent_id": 42,
        "userid_list": "uid7",
        "msg": {"msgtype": "markdown", "markdown": {"title": "T", "text": "b"}},
    }


def test_wecom_and_feishu_payloads():
    wecom = WeComRobot({"token": "k"}).payload(MSG)
    assert wecom["msgtype"] == "markdown"
    assert wecom["markdown"]["content"].startswith("**Task late**")
    bot = FeishuBot({"token": "h", "secret": "abc"}, clock=lambda: 1599360473.2)
    payload = bot.payload(MSG)
    assert payload["msg_type"] == "interactive"
    assert payload["timestamp"] == "1599360473"
    assert payload["sign"] == feishu_sign("abc", 1599360473)
    assert payload["card"]["elements"][0]["content"].startswith("**Design**")


def test_send_uses_endpoints_and_base_url():
    transport = FakeTransport((200, {"errcode": 0, "errmsg": "ok"}))
    robot = DingTalkRobot({"token": "t", "base_url": "http://127.0.0.1:9/"}, transport)
    assert robot.send(MSG).ok
    method, url, params, _json = transport.calls[0]
    assert (method, url, params["access_token"]) == ("POST", "http://127.0.0.1:9/robot/send", "t")

    transport = FakeTransport((200, {"errcode": 0}))
    WeComRobot({"token": "key1"}, transport).send(MSG)
    assert transport.calls[0][1] == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    assert transport.calls[0][2] == {"key": "key1"}

    transport = FakeTransport((200, {"code": 0, "msg": "success"}))
    FeishuBot({"token": "hook1"}, transport).send(MSG)
    assert transport.calls[0][1] == "https://open.feishu.cn/open-apis/bot/v2/hook/hook1"


# ---------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "data", "expected", "penalty"),
    [
        (200, {"errcode": 0, "errmsg": "ok"}, OK, 0),
        (
            200,
            {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
            TRANSIENT,
            600,
        ),
        (200, {"errcode": 300001, "errmsg": "token is not exist"}, PERMANENT, 0),
        (200, {"errcode": 310000, "errmsg": "sign not match"}, PERMANENT, 0),
        (200, {"errcode": 400102, "errmsg": "robot stopped"}, PERMANENT, 0),
        (200, {"errcode": -1, "errmsg": "system busy"}, TRANSIENT, 0),
        (502, None, TRANSIENT, 0),
        (404, None, PERMANENT, 0),
        (200, None, TRANSIENT, 0),
    ],
)
def test_dingtalk_robot_classification(status, data, expected, penalty):
    outcome = DingTalkRobot({}).classify(status, data, "")
    assert outcome.status == expected
    assert outcome.penalty == penalty


def test_dingtalk_work_classification():
    work = DingTalkWork({})
    assert work.classify(200, {"errcode": 0, "task_id": 99}).external_id == "99"
    assert work.classify(200, {"errcode": 42001, "errmsg": "expired"}).status == TOKEN
    assert work.classify(200, {"errcode": 40014}).status == TOKEN
    assert work.classify(200, {"errcode": 60121, "errmsg": "user not found"}).status == UNMAPPED
    assert work.classify(200, {"errcode": 40089, "errmsg": "invalid appkey"}).status == PERMANENT
    assert work.classify(200, {"errcode": 90018}).status == TRANSIENT


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"errcode": 0}, OK),
        ({"errcode": 45009, "errmsg": "api freq out of limit"}, TRANSIENT),
        ({"errcode": 93000, "errmsg": "invalid webhook url"}, PERMANENT),
    ],
)
def test_wecom_classification(data, expected):
    assert WeComRobot({}).classify(200, data).status == expected


@pytest.mark.parametrize(
    ("status", "data", "expected"),
    [
        (200, {"code": 0, "msg": "success"}, OK),
        (200, {"StatusCode": 0, "StatusMessage": "success"}, OK),
        (200, {"code": 11232, "msg": "frequency limited"}, TRANSIENT),
        (400, {"code": 19021, "msg": "sign match fail"}, PERMANENT),
        (200, {"code": 19024, "msg": "Key Words Not Found"}, PERMANENT),
    ],
)
def test_feishu_classification(status, data, expected):
    assert FeishuBot({}).classify(status, data).status == expected


def test_network_errors_are_transient():
    transport = FakeTransport(TransportError("ReadTimeout"))
    outcome = WeComRobot({"token": "k"}, transport).send(MSG)
    assert outcome.status == TRANSIENT
    assert "ReadTimeout" in outcome.describe()


def test_network_errors_never_show_secrets():
    """requests quotes the whole URL in its errors; the outbox (read by flow
    managers) must not learn the webhook token, key or signature from it."""
    error = TransportError(
        "ConnectionError: HTTPConnectionPool(host='oapi.dingtalk.com', port=443): Max retries "
        "exceeded with url: /robot/send?access_token=tok-SECRET1&timestamp=1&sign=c2ln%2B "
        "(Caused by NewConnectionError('refused'))"
    )
    robot = DingTalkRobot({"token": "tok-SECRET1", "secret": "SECabc123"}, FakeTransport(error))
    outcome = robot.send(MSG)
    assert outcome.status == TRANSIENT
    text = outcome.describe()
    assert "tok-SECRET1" not in text and "sign=" not in text
    assert "ConnectionError" in text and "/robot/send?…" in text
    # a token in the URL path (Feishu's webhook) is masked as well
    hook = TransportError("ConnectTimeout: /open-apis/bot/v2/hook/f00d-beef-token timed out")
    bot = FeishuBot({"token": "f00d-beef-token", "secret": "s3cr3t"}, FakeTransport(hook))
    assert "f00d-beef-token" not in bot.send(MSG).describe()
    assert redact("app_secret=a%2Fb failed", ["a/b"]) == "app_secret=*** failed"


# ---------------------------------------------------------------------------
# token logic
# ---------------------------------------------------------------------------
def test_fetch_token_and_errors():
    work = DingTalkWork(
        {"app_key": "a", "app_secret": "s", "agent_id": 1},
        FakeTransport(
            (200, {"errcode": 0, "access_token": "T1", "expires_in": 7200}),
            (200, {"errcode": 40089, "errmsg": "invalid appkey or appsecret"}),
            TransportError("timeout"),
        ),
    )
    outcome, token, expires = work.fetch_token()
    assert (outcome.ok, token, expires) == (True, "T1", 7200)
    assert work.transport.calls[0][2] == {"appkey": "a", "appsecret": "s"}
    assert work.fetch_token()[0].status == PERMANENT
    assert work.fetch_token()[0].status == TRANSIENT


def test_token_refresh_before_expiry():
    assert token_needs_refresh("", 0, 100)
    assert not token_needs_refresh("T", 10_000, 1_000)
    # refreshed five minutes before it expires
    assert token_needs_refresh("T", 1_299, 1_000)
    assert not token_needs_refresh("T", 1_301, 1_000)


def test_lookup_mobile():
    work = DingTalkWork(
        {},
        FakeTransport(
            (200, {"errcode": 0, "result": {"userid": "zhangsan"}}),
            (200, {"errcode": 60121, "errmsg": "找不到该用户"}),
        ),
    )
    found = work.lookup_mobile("13800000000", "T")
    assert (found.status, found.external_id) == (OK, "zhangsan")
    assert work.transport.calls[0][3] == {"mobile": "13800000000"}
    assert work.lookup_mobile("13900000000", "T").status == UNMAPPED


def test_work_send_without_user_is_unmapped():
    assert DingTalkWork({}).send(Message(title="t", text="x"), "T").status == UNMAPPED


# ---------------------------------------------------------------------------
# backoff, rate limiting, bursts
# ---------------------------------------------------------------------------
def test_backoff_schedule():
    assert [backoff_seconds(n) for n in range(1, 10)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3840,
        7680,
        15360,
    ]
    assert backoff_seconds(20) == 6 * 3600
    assert backoff_seconds(0) == 60


def test_rate_slots():
    assert rate_slots([], 100.0, 20, 60) == (20, 100.0)
    history = [50.0 + i for i in range(20)]  # 20 sends between 50 and 69
    slots, free_at = rate_slots(history, 100.0, 20, 60)
    assert (slots, free_at) == (0, 110.0)
    # the oldest send left the window: one slot
    assert rate_slots(history, 110.5, 20, 60)[0] == 1
    assert record_sends(history, 120.0, 2, 60) == [61.0 + i for i in range(9)] + [120.0, 120.0]


def test_plan_burst():
    assert plan_burst(3, 20) == "single"
    assert plan_burst(25, 20) == "merge"
    assert plan_burst(5, 0) == "wait"
    assert plan_burst(0, 0) == "single"


def test_merge_messages_respects_size():
    items = [(f"Alert {i}", "x" * 100) for i in range(10)]
    merged = merge_messages(items, "Project Flow digest", 400)
    assert [i for indexes, _t, _x in merged for i in indexes] == list(range(10))
    assert all(len(text) <= 400 + 60 for _i, _t, text in merged)
    one = merge_messages(items[:3], "Digest", 4000)
    assert len(one) == 1
    indexes, title, text = one[0]
    assert title == "Digest (3)"
    assert "#### Alert 0" in text and "#### Alert 2" in text


def test_digest_key_is_stable():
    assert digest_key(["b", "a"]) == digest_key(["a", "b"])
    assert digest_key(["a"]) != digest_key(["a", "b"])


# ---------------------------------------------------------------------------
# quiet hours
# ---------------------------------------------------------------------------
def test_quiet_hours_over_midnight_in_recipient_zone():
    # 23:00 in Shanghai = 15:00 UTC; quiet 22:00-08:00 ends 08:00 Shanghai = 00:00 UTC
    assert quiet_until(datetime(2026, 3, 2, 15, 0), "Asia/Shanghai", 22, 8) == datetime(
        2026, 3, 3, 0, 0
    )
    # 07:30 in Shanghai = 23:30 UTC the day before
    assert quiet_until(datetime(2026, 3, 1, 23, 30), "Asia/Shanghai", 22, 8) == datetime(
        2026, 3, 2, 0, 0
    )
    # 10:00 in Shanghai: not quiet
    assert quiet_until(datetime(2026, 3, 2, 2, 0), "Asia/Shanghai", 22, 8) is None
    # the same instant is quiet in Paris (03:00) but not in Shanghai
    assert quiet_until(datetime(2026, 3, 2, 2, 0), "Europe/Paris", 22, 8) == datetime(
        2026, 3, 2, 7, 0
    )


def test_quiet_hours_within_a_day_and_disabled():
    assert quiet_until(datetime(2026, 3, 2, 12, 30), "UTC", 12, 13.5) == datetime(
        2026, 3, 2, 13, 30
    )
    assert quiet_until(datetime(2026, 3, 2, 12, 30), "UTC", 8, 8) is None
    assert quiet_until(datetime(2026, 3, 2, 12, 30), "Not/AZone", 12, 13) == datetime(
        2026, 3, 2, 13, 0
    )


def test_markdown_to_html_escapes_and_links():
    html = markdown_to_html(
        "### Late\n**Design** <b>x</b>\n- one\n- [two](http://o/odoo/a/1)\n---\nend"
    )
    assert "<h5>Late</h5>" in html
    assert "<strong>Design</strong> &lt;b&gt;x&lt;/b&gt;" in html
    assert '<li><a href="http://o/odoo/a/1">two</a></li>' in html
    assert "<hr/>" in html and "<p>end</p>" in html
    assert 'href="javascript' not in markdown_to_html("[x](javascript:alert(1))")
