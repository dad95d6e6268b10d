"""What every channel shares: the message, the outcome of one delivery, the
HTTP transport and the channel base class."""

import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote

#: Outcome statuses.  ``OK``: delivered.  ``TRANSIENT``: try again later
#: (network down, throttled, server busy).  ``PERMANENT``: never retry (bad
#: token, robot disabled, bad payload).  ``UNMAPPED``: the recipient has no
#: account on the channel.  ``TOKEN``: the access token is expired or invalid;
#: the caller drops its cached token and retries once.
OK = "ok"
TRANSIENT = "transient"
PERMANENT = "permanent"
UNMAPPED = "unmapped"
TOKEN = "token"


@dataclass(frozen=True)
class Message:
    """One message to deliver.

    ``key`` is the outbox row's idempotency key (or a digest of the keys of
    merged rows); ``url`` links back to the record in Odoo; ``mobiles`` and
    ``user_ids`` are the people to @-mention in a group; ``to_user`` is the
    recipient's channel user id for person-to-person channels.
    """

    title: str
    text: str
    key: str = ""
    url: str = ""
    mobiles: tuple = ()
    user_ids: tuple = ()
    to_user: str = ""

    def markdown(self):
        """The body with the link back to Odoo appended."""
        text = self.text or ""
        if self.url:
            text = f"{text}\n\n[{self.url}]({self.url})" if text else f"[{self.url}]({self.url})"
        return text


@dataclass(frozen=True)
class Outcome:
    """The classified answer of a channel to one request."""

    status: str
    code: str = ""
    message: str = ""
    external_id: str = ""
    #: seconds to wait at least before the next request to this channel
    #: (a throttling penalty), 0 when none
    penalty: int = 0
    data: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def ok(self):
        return self.status == OK

    def describe(self):
        """``"130101: send too fast"`` -- what an administrator reads."""
        if self.code and self.message:
            return f"{self.code}: {self.message}"
        return str(self.code or self.message or self.status)


class TransportError(Exception):
    """The request did not get an answer (timeout, refused, DNS): transient."""


@dataclass
class Response:
    status: int
    data: dict | None
    text: str = ""


#: configuration keys whose values never appear in an error message
SECRET_KEYS = ("token", "secret", "app_key", "app_secret")
_QUERY = re.compile(r"\?[^\s'\"()<>]*")


def redact(text, secrets=()):
    """``text`` without secrets: every value of ``secrets`` (as written and
    url-encoded) becomes ``***`` and query strings (which carry access
    tokens and signatures) are cut.  Error messages of ``requests`` quote
    the whole URL; they end up in the outbox, which flow managers read.

    >>> redact("GET /hook/abc123?access_token=t0k&sign=x failed", ["abc123"])
    'GET /hook/***?… failed'
    """
    text = str(text or "")
    for value in secrets:
        if value and len(str(value)) >= 3:
            value = str(value)
            text = text.replace(quote(value, safe=""), "***").replace(value, "***")
    return _QUERY.sub("?…", text)


class Transport:
    """Thin HTTP layer over ``requests`` with timeouts; engine classes take it
    as a parameter so tests can inject a fake one."""

    def __init__(self, timeout=(5, 15), session=None):
        self.timeout = timeout
        self.session = session

    def request(self, method, url, params=None, json=None):
        import requests  # imported here: the engine loads without it

        sender = self.session or requests
        try:
            resp = sender.request(method, url, params=params, json=json, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        try:
            data = resp.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = None
        return Response(resp.status_code, data, resp.text[:500])


class Channel:
    """Base of the channel classes.

    ``config`` holds the channel record's values (``base_url``, ``token``,
    ``secret``, ``app_key``, ``app_secret``, ``agent_id``).  ``rate_limit`` is
    ``(messages, seconds)`` per channel or ``None``; ``penalty`` the seconds
    a channel blocks a sender that exceeded it.
    """

    kind = None
    default_base_url = ""
    rate_limit = None
    penalty = 0
    #: limit of one message body (characters), for burst merging
    max_chars = 4000
    #: the channel addresses one person per message (work notifications)
    per_user = False

    def __init__(self, config, transport=None, clock=None):
        self.config = dict(config or {})
        self.transport = transport or Transport()
        self.clock = clock or time.time

    @property
    def base_url(self):
        return (self.config.get("base_url") or self.default_base_url).rstrip("/")

    def post(self, path, params=None, json=None):
        """POST and classify: every failure becomes an :class:`Outcome`."""
        try:
            resp = self.transport.request("POST", self.base_url + path, params=params, json=json)
        except TransportError as exc:
            return Outcome(TRANSIENT, "network", self.redact(exc))
        return self.classify(resp.status, resp.data, resp.text)

    def redact(self, text):
        """``text`` without this channel's secrets (see :func:`redact`)."""
        return redact(text, [self.config.get(key) for key in SECRET_KEYS])

    def classify_http(self, status, data, text):
        """Shared handling of HTTP-level failures; ``None`` when the HTTP
        status is fine and the body must be read."""
        if status == 429 or status >= 500:
            return Outcome(TRANSIENT, f"http {status}", text[:200])
        if status in (401, 403, 404):
            return Outcome(PERMANENT, f"http {status}", text[:200])
        if status >= 400:
            return Outcome(PERMANENT, f"http {status}", text[:200])
        if data is None:
            return Outcome(TRANSIENT, f"http {status}", "answer is not JSON: " + text[:200])
        return None

    def classify(self, status, data, text=""):
        raise NotImplementedError

    #: provider codes that mean "too many messages" (retried after the penalty)
    throttled_codes = frozenset()
    #: provider codes that no retry can fix (bad token, robot removed, …)
    permanent_codes = frozenset()

    def classify_code(self, code, msg, data, ok_message="ok"):
        """The outcome of a provider's answer code: 0 is success, throttling
        is transient with the channel's penalty, a permanent code fails,
        anything else is retried."""
        if code == 0:
            return Outcome(OK, "0", msg or ok_message, data=data)
        if code in self.throttled_codes:
            return Outcome(TRANSIENT, str(code), msg, penalty=self.penalty, data=data)
        if code in self.permanent_codes:
            return Outcome(PERMANENT, str(code), msg, data=data)
        return Outcome(TRANSIENT, str(code), msg, data=data)

    def send(self, message):
        """Deliver ``message``; return an :class:`Outcome`."""
        raise NotImplementedError

    def check_config(self):
        """Names of missing configuration values (empty when complete)."""
        return [name for name in self.required if not self.config.get(name)]

    required = ()
