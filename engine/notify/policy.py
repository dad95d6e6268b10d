"""Delivery policy: retry backoff, per-channel rate limiting, merging bursts
into one digest, quiet hours, token expiry and a small markdown renderer."""

import hashlib
import html
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

#: attempts before a transiently failing row is marked failed
MAX_ATTEMPTS = 8
BACKOFF_BASE = 60
BACKOFF_FACTOR = 2
BACKOFF_CAP = 6 * 3600


def backoff_seconds(attempts, base=BACKOFF_BASE, factor=BACKOFF_FACTOR, cap=BACKOFF_CAP):
    """Delay before the next try after ``attempts`` failed tries (>= 1):
    1 min, 2, 4, 8, 16, 32, 64 min, then capped at 6 hours."""
    attempts = max(int(attempts), 1)
    return int(min(cap, base * factor ** (attempts - 1)))


# ---------------------------------------------------------------------------
# rate limiting
# ---------------------------------------------------------------------------
def rate_slots(history, now, limit, window):
    """How many messages may go now, and when the next slot opens.

    :param history: epoch seconds of the channel's recent sends
    :param limit: messages allowed per ``window`` seconds
    :return: ``(slots, next_free_at)``; ``next_free_at`` is ``now`` when a
        slot is free, else the moment the oldest send leaves the window.
    """
    recent = sorted(t for t in history if now - t < window)
    slots = max(limit - len(recent), 0)
    if slots:
        return slots, now
    return 0, recent[len(recent) - limit] + window


def record_sends(history, now, count, window):
    """The send history after ``count`` sends at ``now``, pruned to the window."""
    return sorted([t for t in history if now - t < window] + [now] * count)


def merge_messages(items, heading, max_chars):
    """Merge ``(title, text)`` pairs into digest bodies of at most
    ``max_chars`` characters each (an item longer than that is cut).

    :return: list of ``(indexes, title, text)``, one per digest.
    """
    groups = []
    current, parts, size = [], [], 0
    for index, (title, text) in enumerate(items):
        block = f"#### {title}\n\n{text}".strip()
        if len(block) > max_chars:
            block = block[: max_chars - 1] + "…"
        if current and size + len(block) + 8 > max_chars:
            groups.append((current, parts))
            current, parts, size = [], [], 0
        current.append(index)
        parts.append(block)
        size += len(block) + 8
    if current:
        groups.append((current, parts))
    result = []
    for indexes, blocks in groups:
        title = f"{heading} ({len(indexes)})"
        result.append((indexes, title, f"### {title}\n\n" + "\n\n---\n\n".join(blocks)))
    return result


def plan_burst(count, slots):
    """Decide how ``count`` due messages of one channel go out with ``slots``
    free sends: ``"single"`` (each on its own), ``"merge"`` (one or more
    digests, at most ``slots``) or ``"wait"`` (no slot: try later)."""
    if not count:
        return "single"
    if slots <= 0:
        return "wait"
    if count <= slots:
        return "single"
    return "merge"


def digest_key(keys):
    """A stable idempotency key for a digest of rows: same rows, same key."""
    return "digest-" + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:32]


# ---------------------------------------------------------------------------
# quiet hours
# ---------------------------------------------------------------------------
def quiet_until(now, tz_name, start, end):
    """End of the quiet hours ``now`` falls in, or ``None``.

    :param now: naive UTC datetime (as Odoo stores them)
    :param tz_name: the recipient's time zone (``None``: UTC)
    :param start: hour of day the quiet hours start (float, 22.5 = 22:30)
    :param end: hour they end; ``start > end`` spans midnight, ``start == end``
        means no quiet hours
    :return: naive UTC datetime of the end, or ``None`` outside quiet hours
    """
    if start == end:
        return None
    try:
        zone = ZoneInfo(tz_name or "UTC")
    except (KeyError, ValueError, OSError):
        zone = ZoneInfo("UTC")
    local = now.replace(tzinfo=timezone.utc).astimezone(zone)
    hour = local.hour + local.minute / 60 + local.second / 3600
    if start < end:
        inside = start <= hour < end
    else:
        inside = hour >= start or hour < end
    if not inside:
        return None
    end_h, end_m = int(end), round((end - int(end)) * 60)
    day = local.date()
    if start > end and hour >= start:
        day = day + timedelta(days=1)
    end_local = datetime(day.year, day.month, day.day, end_h, end_m, tzinfo=zone)
    return end_local.astimezone(timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------------------
# access tokens
# ---------------------------------------------------------------------------
TOKEN_MARGIN = 300


def token_needs_refresh(token, expires_at, now, margin=TOKEN_MARGIN):
    """A cached token is refreshed ``margin`` seconds before it expires."""
    return not token or not expires_at or expires_at - margin <= now


# ---------------------------------------------------------------------------
# markdown for Odoo's chatter and mail
# ---------------------------------------------------------------------------
_LINK = re.compile(r"\[([^\]]+)\]\(((?:https?://|/)[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text):
    text = html.escape(text, quote=True)
    text = _LINK.sub(r'<a href="\2">\1</a>', text)
    return _BOLD.sub(r"<strong>\1</strong>", text)


def markdown_to_html(text):
    """The small markdown subset producers write (headings, bold, links,
    bullet lists, rules, paragraphs) as safe HTML; everything else escaped."""
    out, items, para = [], [], []

    def flush():
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()
        if para:
            out.append("<p>" + "<br/>".join(para) + "</p>")
            para.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if not line:
            flush()
        elif line == "---":
            flush()
            out.append("<hr/>")
        elif heading:
            flush()
            level = min(len(heading.group(1)) + 2, 6)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line[:2] in ("- ", "* "):
            if para:
                flush()
            items.append(_inline(line[2:]))
        else:
            if items:
                flush()
            para.append(_inline(line))
    flush()
    return "".join(out)
