"""Extract decisions, action items and risks from meeting minutes.

Deterministic rules, no network service, Chinese and English (and both mixed
in one document). The input is plain text (one line per paragraph or list
item); :func:`html_to_lines` turns the rich-text minutes of the web editor
into such lines first.

What makes a line an item
-------------------------
* A **heading** opens a section: a short line that, once its numbering
  (``1.``, ``一、``, ``#``, ``**``) and trailing colon are removed, is one of
  the section names: 决定/决议/结论/会议决议/Decisions/Agreed/Resolutions
  (decisions), 行动项/待办/待办事项/后续行动/TODO/Action items/Next steps/AI
  (actions), 风险/隐患/风险与问题/Risks/Concerns/Blockers/Risks and issues
  (risks). Any other heading (a ``#`` line, or a short line ending with a
  colon and nothing after it, e.g. ``Attendees:``, ``议题：``) closes the
  section. Every other line inside a section is an item of its kind.
* A **line prefix** makes one line an item wherever it is:
  ``决定：…``, ``Decision: …``, ``Agreed: …``, ``【决议】…``, ``Action: …``,
  ``AI: …``, ``AI-2: …``, ``TODO …``, ``待办：…``, ``风险：…``,
  ``Blocker: …``, ``[Risk] …``.
* Outside sections, a line with an inline ``action:`` (the item is the text
  after it), an explicit owner marker (``负责人：张三``, ``Owner: Bob``) or a
  check box (``- [ ] …``) is an action item.
* Inside a section, a line made only of owner/due markers (``Owner: Bob, due
  Friday``) completes the item above it instead of making a new one.
* Headings that announce a list count too: 会议决定如下：, 行动项如下：, We
  agreed on the following:.
* Tables (optional): :func:`html_to_lines` gives one line per row, cells
  joined with `` | ``, header rows (only ``<th>``) dropped; a cell that is
  a known person is the row's owner.

Owners (actions and risks)
--------------------------
First match wins: an explicit marker (负责人/责任人/执行人/跟进人/Owner/
Assignee/Responsible followed by ``:`` or ``：``), then ``@handle``, then a
name in parentheses (``(Bob)``, ``（张三）``), then a subject naming the owner
(``张三负责…``, ``由张三负责…``, and ``Bob to …`` / ``Bob will …`` when Bob is
one of ``people``). Several owners (``张三、李四``): the first is kept. The
owner is returned as written; ``person`` is the key of the matching entry of
``people`` (names, logins and aliases compared without case, spaces or a
leading ``@``; a first name counts when only one person has it), or ``None``
when it matches none or several.

Due dates (actions only)
------------------------
The first date with a due marker (截止/截止日期/完成时间/期限/deadline/due/by/
before/ETA before it, or 前/之前/以前 right after it); otherwise the last date
of the item. Dates are read relative to ``today``:

* ``2026-12-01``, ``2026/12/1``, ``2026.12.1``, ``2026年12月1日``: as written.
* ``12/1`` is **month/day** (12 December; 1 December is ``1/12`` only in the
  day-first convention, which these rules do not use), ``11月30日``,
  ``12月3号``, ``Dec 3``, ``December 3rd``, ``3 December``: a month and day
  without a year are **never in the past**: this year when on or after
  ``today``, else next year (minutes on 28 December that say "1/5" mean 5
  January of next year). An explicit year is kept even when in the past.
* 今天/today/EOD, 明天/tomorrow, 后天/day after tomorrow, 大后天,
  ``N天内``/``N天后``/``in N days``.
* Weekdays: ``周五``/``星期五``/``本周五``/``这周五``/``Friday``/``this
  Friday``: the first such day on or after ``today``; ``下周五``/``next
  Friday``: the Friday of the next calendar week (weeks start on Monday);
  ``下下周五``: the week after. ``end of week``/``EOW``: the coming Friday.
* 月底/本月底/月末/end of month/EOM: the last day of this month; 下月底/
  下个月底: of next month; 年底/年末/end of year: 31 December.
"""

import calendar
import datetime
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

DECISION = "decision"
ACTION = "action"
RISK = "risk"
KINDS = (DECISION, ACTION, RISK)

_ONE_DAY = datetime.timedelta(days=1)

# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One extracted item.

    :ivar kind: ``decision``, ``action`` or ``risk``
    :ivar text: the line as written, without its list marker and kind prefix
    :ivar title: ``text`` without the owner and due-date markers (a task name)
    :ivar owner: the owner's name or handle as written (without ``@``), or None
    :ivar person: key of the matching entry of ``people``, or None
    :ivar due: a :class:`datetime.date`, or None
    :ivar line: index of the source line (0-based)
    """

    kind: str
    text: str
    title: str
    owner: str | None = None
    person: object = None
    due: datetime.date | None = None
    line: int = 0


@dataclass(frozen=True)
class Minutes:
    decisions: tuple = ()
    actions: tuple = ()
    risks: tuple = ()

    @property
    def items(self):
        """All items in the order of the document."""
        return tuple(sorted(self.decisions + self.actions + self.risks, key=lambda i: i.line))


@dataclass
class _Draft:
    kind: str
    text: str
    line: int
    owner: str | None = None
    person: object = None
    due: datetime.date | None = None
    removals: list = field(default_factory=list)


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "pre",
    "section",
    "hr",
}
_SKIP_TAGS = {"script", "style", "head", "title"}
# What a list item's line starts with before its text.
_LIST_MARKERS = ("-", "- [ ]", "- [x]")


class _LineParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self.current = []
        self.skip = 0
        # A table's header row (only <th> cells) names columns: not a line.
        self.header_row = False
        # One flag per open <ul>/<ol>: is it the editor's check list?
        self.lists = []

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text and text not in _LIST_MARKERS:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            # <li><p>…</p></li>: the paragraph stays on the list item's line.
            if tag != "li" and "".join(self.current).strip() in _LIST_MARKERS:
                return
            self._flush()
            if tag in ("ul", "ol"):
                classes = (dict(attrs).get("class") or "").split()
                self.lists.append("o_checklist" in classes)
            if tag == "li":
                if self.lists and self.lists[-1]:
                    # The web editor's check list: "- [ ] …" (see _CHECKBOX_RE).
                    classes = (dict(attrs).get("class") or "").split()
                    self.current.append("- [x] " if "o_checked" in classes else "- [ ] ")
                else:
                    self.current.append("- ")
            elif tag == "tr":
                self.header_row = True
        elif tag in ("td", "th"):
            if tag == "td":
                self.header_row = False
            if self.current:
                self.current.append(" | ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            if tag == "tr" and self.header_row:
                self.current = []
                self.header_row = False
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)

    def close(self):
        result = super().close()
        self._flush()
        return result


def html_to_lines(value):
    """The text lines of rich-text minutes: one per paragraph, ``<br>``,
    heading and list item (list items start with ``- ``, items of the web
    editor's check lists with ``- [ ]`` or ``- [x]``); entities decoded,
    blank lines dropped, spaces collapsed."""
    if not value:
        return []
    parser = _LineParser()
    parser.feed(str(value))
    parser.close()
    return parser.lines


def text_to_lines(value):
    """The non-blank lines of plain text, stripped."""
    return [line.strip() for line in html.unescape(value or "").splitlines() if line.strip()]


# ---------------------------------------------------------------------------
# Lines, headings and prefixes
# ---------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_BULLET_RE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*"
    r"(?:[-*•·●▪◦–—+]\s*|\d{1,3}(?:\.\d{1,3})*[.)、．]\s*|[(（]\d{1,3}[)）]\s*"
    rf"|[{_CN_NUM}]{{1,3}}[、.．]\s*|[a-z][.)]\s+)?"
)
_CHECKBOX_RE = re.compile(r"^\[( |x|X)?\]\s*")
_MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s")
_COLON = r"\s*[:：]"

_HEADINGS = (
    (
        DECISION,
        r"(?:经讨论[,，]?\s*)?(?:会议|主要|关键)?(?:决定|决议|结论|决策)(?:事项|内容)?(?:如下)?"
        r"|(?:key\s+|main\s+)?decisions?(?:\s+(?:made|taken))?"
        r"|(?:we\s+|the\s+team\s+)?agreed(?:\s+on)?(?:\s+the\s+following)?"
        r"|agreements?|resolutions?|resolved",
    ),
    (
        ACTION,
        r"(?:会后)?(?:行动项|行动计划|后续行动|后续工作|待办|待办事项|跟进事项|下一步)(?:事项)?(?:如下)?"
        r"|todos?|to-dos?|action\s+items?|actions?|next\s+steps?|ais?|follow[- ]?ups?",
    ),
    (
        RISK,
        r"(?:主要)?(?:风险|隐患|风险与问题|风险和问题|问题与风险|风险/问题|风险及问题|阻塞)"
        r"(?:事项|点)?(?:如下)?|risks?|concerns?|blockers?|risks?\s*(?:and|&|/)\s*issues?"
        r"|issues?\s*(?:and|&|/)\s*risks?|risks?\s*(?:and|&|/)\s*concerns?",
    ),
)
_HEADING_RES = tuple(
    (kind, re.compile(rf"^(?:{words})$", re.IGNORECASE)) for kind, words in _HEADINGS
)

_PREFIXES = (
    (DECISION, r"决定|决议|结论|decision|decided|agreed|resolved|resolution"),
    (ACTION, r"行动项|行动|待办|todo|to-do|action(?:\s+item)?(?:\s*\d+)?"),
    (RISK, r"风险|隐患|risk|concern|blocker"),
)
_PREFIX_RES = tuple(
    (
        kind,
        re.compile(
            rf"^(?:[【\[]\s*(?:{words})\s*[】\]]\s*[:：]?|(?:{words})\s*[:：])\s*", re.IGNORECASE
        ),
    )
    for kind, words in _PREFIXES
)
# "AI" is an action item only in capitals (AI: / AI-2: / AI3:).
_AI_PREFIX_RE = re.compile(r"^AI(?:[-#]?\d{1,3})?\s*[:：]\s*")
_TODO_PREFIX_RE = re.compile(r"^TODO\b[:：]?\s*")
_INLINE_ACTION_RE = re.compile(r"(?:^|[\s;；,，。.])(?:action|行动项)\s*[:：]\s*", re.IGNORECASE)


def _strip_marker(line):
    """The line without its list marker (bullet, number, check box)."""
    rest = line[_BULLET_RE.match(line).end() :]
    checkbox = _CHECKBOX_RE.match(rest)
    if checkbox:
        rest = rest[checkbox.end() :]
    return rest.strip(), bool(checkbox)


def _heading(line, body):
    """``(True, kind or None)`` when the line is a heading, else ``(False, None)``."""
    name = body.strip().strip("*").strip()
    had_colon = name.endswith((":", "："))
    name = name.rstrip(":：").strip()
    name = re.sub(r"^(?:\d{1,3}[.、．)]|[" + _CN_NUM + r"]{1,3}[、.．])\s*", "", name)
    # Bilingual headings: "Decisions / 决定", "行动项 | Action items", "风险（Risks）".
    parts = [part for part in re.split(r"\s*[/|｜()（）]\s*", name) if part]
    for candidate in [name] + (parts if len(parts) > 1 else []):
        for kind, pattern in _HEADING_RES:
            if pattern.match(candidate):
                return True, kind
    if _MD_HEADING_RE.match(line) or (had_colon and len(name) <= 30):
        return True, None
    return False, None


def _prefixed(body):
    """``(kind, rest)`` when the line starts with a kind prefix, else ``(None, body)``."""
    match = _AI_PREFIX_RE.match(body) or _TODO_PREFIX_RE.match(body)
    if match:
        return ACTION, body[match.end() :]
    for kind, pattern in _PREFIX_RES:
        match = pattern.match(body)
        if match and body[match.end() :].strip():
            return kind, body[match.end() :]
    return None, body


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


def _norm(name):
    return re.sub(r"\s+", "", (name or "").strip().lstrip("@")).casefold()


class _Directory:
    """Names -> person keys. ``people``: iterable of ``(key, names)``."""

    def __init__(self, people):
        by_name = {}
        first_names = {}
        people_list = [(key, tuple(names)) for key, names in people]
        for key, names in people_list:
            for name in names:
                if not name:
                    continue
                by_name.setdefault(_norm(name), set()).add(key)
                parts = name.split()
                if len(parts) > 1 and parts[0].isascii():
                    first_names.setdefault(_norm(parts[0]), set()).add(key)
        for name, keys in first_names.items():
            by_name.setdefault(name, set()).update(keys)
        self.by_name = by_name
        # As written (spaces kept, case folded), longest first: names glued
        # to the next word (负责人：张三截止…) and "Bob Smith" before "Bob".
        spelled = {
            " ".join(name.split()).lstrip("@").casefold()
            for _key, names in people_list
            for name in names
            if name
        }
        spelled.update(first_names)
        self.names = sorted(
            (name for name in spelled if self.resolve(name) is not None), key=len, reverse=True
        )

    def resolve(self, name):
        keys = self.by_name.get(_norm(name))
        if keys and len(keys) == 1:
            return next(iter(keys))
        return None

    def known_prefix(self, text):
        """The longest known name ``text`` starts with (case-insensitive), as
        written in ``text``."""
        folded = text.casefold()
        for name in self.names:
            if folded.startswith(name):
                after = text[len(name) : len(name) + 1]
                if name.isascii() and after and (after.isalnum() or after == "_"):
                    continue
                return text[: len(name)]
        return None


# ---------------------------------------------------------------------------
# Owners
# ---------------------------------------------------------------------------

_HAN = r"\u4e00-\u9fff"
_OWNER_MARKER_RE = re.compile(
    r"(?:负责人|责任人|执行人|跟进人|负责|owners?|assignee|responsible|who)\s*[:：]\s*",
    re.IGNORECASE,
)
_EN_NAME_RE = re.compile(
    r"[A-Za-z][\w\-]*(?:\.[\w\-]+)*"
    r"(?:\s+(?!(?:Due|By|Before|Deadline|ETA|On|To|Will|And)\b)[A-Z][A-Za-z\-]*)?"
)
_HANDLE_NAME_RE = re.compile(r"[A-Za-z0-9_][\w\-]*(?:\.[A-Za-z0-9_\-]+)*", re.ASCII)
_CN_NAME_RE = re.compile(rf"[{_HAN}·]{{2,4}}")
_CN_NAME_STOP = ("截止", "完成", "负责", "跟进", "牵头", "前", "于", "在", "和", "及", "等")
_HANDLE_RE = re.compile(r"(?<![\w.@])@(?=\S)")
_PAREN_RE = re.compile(r"[(（]\s*([^()（）]{1,30}?)\s*[)）]")
_CN_SUBJECT_RE = re.compile(rf"^(?:由)?([{_HAN}]{{2,3}}?)(?:负责|牵头|跟进)")
_CN_SUBJECT_STOP = {"会后", "我们", "大家", "团队", "双方", "各方", "项目组", "本组", "由"}
_EN_SUBJECT_RE = re.compile(r"^([A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)\s+(?:to|will|should)\s")
_NAME_COLON_RE = re.compile(
    rf"^([A-Za-z][\w\-]*(?:\s+[A-Z][\w\-]*)?|[{_HAN}]{{2,4}})\s*[:：]\s*(?=\S)"
)
# Between several owners; not the Chinese comma, which also ends the clause
# ("负责人：张三，截止：…").
_SUBJECT_VERB_RE = re.compile(r"\s*(?:(?:to|will|should)\s+)?")
_OWNER_SEPARATORS_RE = re.compile(r"\s*(?:[、,/&]|\band\b|和|及)\s*")


def _name_at(text, directory):
    """The owner name at the start of ``text`` (a marker's value)."""
    known = directory.known_prefix(text)
    if known:
        return known
    match = _CN_NAME_RE.match(text)
    if match:
        name = match.group()
        if name.startswith(_CN_NAME_STOP):
            return None
        for stop in _CN_NAME_STOP:
            index = name.find(stop, 1)
            if index > 0:
                name = name[:index]
        return name if len(name) >= 2 else None
    match = _EN_NAME_RE.match(text)
    if match:
        return match.group().rstrip(".-") or None
    return None


def _handle_at(text, directory):
    """The handle right after an ``@``: a known name, Chinese characters, or
    an ASCII login (``bob.smith``)."""
    known = directory.known_prefix(text)
    if known:
        return known
    if _CN_NAME_RE.match(text):
        return _name_at(text, directory)
    match = _HANDLE_NAME_RE.match(text)
    return match.group().rstrip(".-") if match else None


# Words a parenthesis at the end of an item holds that are not people.
_NOT_NAMES = {
    "draft",
    "optional",
    "tbd",
    "tbc",
    "wip",
    "urgent",
    "high",
    "medium",
    "low",
    "done",
    "blocked",
    "pending",
    "new",
    "update",
    "updated",
    "cancelled",
    "canceled",
    "critical",
    "草稿",
    "可选",
    "待定",
    "紧急",
    "已完成",
    "进行中",
    "高",
    "中",
    "低",
}


def _looks_like_name(value, directory):
    if directory.resolve(value) is not None:
        return True
    if value.casefold() in _NOT_NAMES:
        return False
    if re.fullmatch(rf"[{_HAN}]{{2,3}}", value):
        return True
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", value))


def _marker_owner(text, match, directory):
    value = text[match.end() :]
    if value.startswith("@"):
        name = _handle_at(value[1:], directory)
        skip = 1
    else:
        name = _name_at(value, directory)
        skip = 0
    if not name:
        return None, None
    end = match.end() + skip + len(name)
    # "负责人：张三、李四": the first owner is kept, the whole clause goes.
    while True:
        sep = _OWNER_SEPARATORS_RE.match(text, end)
        if not sep or not sep.group().strip():
            break
        other = _name_at(text[sep.end() :].lstrip("@"), directory)
        if not other or not _looks_like_name(other, directory):
            break
        end = sep.end() + len(other) + text[sep.end() :].startswith("@")
    return name, (match.start(), end)


def _find_owner(text, directory, today):  # noqa: C901 - one branch per convention
    """``(owner as written, (start, end) of the clause to drop from the
    title, or None)``; ``(None, None)`` when the text names no owner."""
    match = _OWNER_MARKER_RE.search(text)
    if match:
        name, clause = _marker_owner(text, match, directory)
        if name:
            return name, clause
    for match in _HANDLE_RE.finditer(text):
        name = _handle_at(text[match.end() :], directory)
        if name:
            # A leading or trailing handle ("@李四 下周五前…", "@carol to
            # review…", "更新周报 @lisi") is not part of the title.
            end = match.end() + len(name)
            clause = None
            if match.start() == 0:
                clause = (0, _SUBJECT_VERB_RE.match(text, end).end())
            elif not text[end:].strip(" .。;；"):
                clause = (match.start() - 1, end)
            return name, clause
    stripped = text.rstrip(" .。;；")
    for match in _PAREN_RE.finditer(text):
        inner = _OWNER_SEPARATORS_RE.split(match.group(1))[0].lstrip("@")
        if find_dates(inner, today):
            continue
        known = directory.resolve(inner) is not None
        trailing = match.end() == len(stripped)
        if known or (trailing and _looks_like_name(inner, directory)):
            return inner, match.span()
    match = _NAME_COLON_RE.match(text)
    if match and directory.resolve(match.group(1)) is not None:
        return match.group(1), match.span()
    match = _CN_SUBJECT_RE.match(text)
    if match:
        offset = 1 if text.startswith("由") else 0
        known = directory.known_prefix(text[offset:])
        if known:
            return known, None
        if match.group(1) not in _CN_SUBJECT_STOP:
            return match.group(1), None
    match = _EN_SUBJECT_RE.match(text)
    if match:
        known = directory.known_prefix(text)
        if known:
            return known, (0, _SUBJECT_VERB_RE.match(text, len(known)).end())
    # A table row (html_to_lines joins cells with " | "): a cell that is a
    # known person.
    if " | " in text:
        for cell in text.split(" | ")[1:]:
            if directory.resolve(cell.strip()) is not None:
                return cell.strip(), None
    return None, None


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_WORD = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS_EN = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_WEEKDAYS_CN = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_CN_DIGITS = {"两": 2, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "十": 10}

_DATE_PATTERNS = (
    (
        "ymd",
        re.compile(
            r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*[日号])?(?!\d)"
        ),
    ),
    ("md_cn", re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("md_slash", re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?![\d/])")),
    (
        "mon_d",
        re.compile(
            rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE
        ),
    ),
    (
        "d_mon",
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD}\b(?:,?\s+(\d{{4}})\b)?",
            re.IGNORECASE,
        ),
    ),
    ("cn_rel", re.compile(r"今天|今日|明天|明日|大后天|后天")),
    (
        "cn_days",
        re.compile(r"(\d{1,3}|[两一二三四五六七十])\s*(?:个工作日|天)\s*(内|后|之内|以内)"),
    ),
    ("cn_week", re.compile(r"(下下|下个|下|本|这个|这)?\s*(?:周|星期|礼拜)([一二三四五六日天])")),
    ("cn_month_end", re.compile(r"(下个?月|本月|这个月)底|(下个?月|本月|这个月)?(?:月底|月末)")),
    ("cn_year_end", re.compile(r"(?:今年|本年)?(?:年底|年末)")),
    (
        "en_rel",
        re.compile(
            r"\b(?:(the\s+)?day\s+after\s+tomorrow|today|tonight|tomorrow|EOD|end\s+of\s+(?:the\s+)?day)\b",
            re.IGNORECASE,
        ),
    ),
    ("en_days", re.compile(r"\bin\s+(\d{1,3})\s+days?\b", re.IGNORECASE)),
    (
        "en_week",
        re.compile(
            r"\b(?:(next|this|coming)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "en_period_end",
        re.compile(
            r"\b(?:(?:the\s+)?end\s+of\s+(?:(this|next|the)\s+)?(week|month|year)|(EOW|EOM|EOY))\b",
            re.IGNORECASE,
        ),
    ),
)


def _month_day(today, month, day):
    """A month and day without a year: never before ``today``."""
    for year in (today.year, today.year + 1):
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            continue
        if value >= today:
            return value
    return None


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _next_weekday(today, weekday):
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)


def _week_day(today, weekday, weeks_ahead):
    monday = today - datetime.timedelta(days=today.weekday())
    return monday + datetime.timedelta(days=7 * weeks_ahead + weekday)


def _safe_date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _interpret(kind, match, today):  # noqa: C901 - one branch per pattern
    groups = match.groups()
    if kind == "ymd":
        return _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
    if kind in ("md_cn", "md_slash"):
        month, day = int(groups[0]), int(groups[1])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _month_day(today, month, day)
    if kind in ("mon_d", "d_mon"):
        word, day, year = (groups[0], groups[1], groups[2])
        if kind == "d_mon":
            day, word = groups[0], groups[1]
        if word.lower() == "may" and word[0] != "M":
            return None  # the verb, not the month
        month = _MONTHS[word.lower().rstrip(".")[:3]]
        if year:
            return _safe_date(int(year), month, int(day))
        return _month_day(today, month, int(day))
    if kind == "cn_rel":
        offset = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}[match.group()]
        return today + datetime.timedelta(days=offset)
    if kind == "cn_days":
        count = int(groups[0]) if groups[0].isdigit() else _CN_DIGITS[groups[0]]
        return today + datetime.timedelta(days=count)
    if kind == "cn_week":
        weekday = _WEEKDAYS_CN[groups[1]]
        qualifier = groups[0] or ""
        if qualifier == "下下":
            return _week_day(today, weekday, 2)
        if qualifier.startswith("下"):
            return _week_day(today, weekday, 1)
        return _next_weekday(today, weekday)
    if kind == "cn_month_end":
        qualifier = groups[0] or groups[1] or ""
        if qualifier.startswith("下"):
            year, month = (
                (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            )
            return _month_end(year, month)
        return _month_end(today.year, today.month)
    if kind == "cn_year_end":
        return datetime.date(today.year, 12, 31)
    if kind == "en_rel":
        text = match.group().lower()
        if "after" in text:
            return today + 2 * _ONE_DAY
        return today + _ONE_DAY if text == "tomorrow" else today
    if kind == "en_days":
        return today + datetime.timedelta(days=int(groups[0]))
    if kind == "en_week":
        weekday = _WEEKDAYS_EN[groups[1].lower()]
        if (groups[0] or "").lower() == "next":
            return _week_day(today, weekday, 1)
        return _next_weekday(today, weekday)
    if kind == "en_period_end":
        qualifier = (groups[0] or "").lower()
        period = (
            groups[1] or {"eow": "week", "eom": "month", "eoy": "year"}[groups[2].lower()]
        ).lower()
        if period == "week":
            return _week_day(today, 4, 1) if qualifier == "next" else _next_weekday(today, 4)
        if period == "month":
            if qualifier == "next":
                year, month = (
                    (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
                )
                return _month_end(year, month)
            return _month_end(today.year, today.month)
        return datetime.date(today.year + (qualifier == "next"), 12, 31)
    return None  # pragma: no cover


def find_dates(text, today):
    """``[(start, end, date)]`` of the dates in ``text``, in order, without
    overlaps (the earlier, then the longer match wins); relative dates and
    dates without a year are read from ``today`` (see the module's doc)."""
    found = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _interpret(kind, match, today)
            if value is not None:
                found.append((match.start(), match.end(), value))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result = []
    for start, end, value in found:
        if result and start < result[-1][1]:
            continue
        result.append((start, end, value))
    return result


_DUE_BEFORE_RE = re.compile(
    r"(?:截止(?:日期|时间)?|完成(?:时间|日期)|期限|交付(?:时间|日期)|计划完成|于"
    r"|deadline|due(?:\s+date)?(?:\s+on)?|by|before|until|eta|no\s+later\s+than)"
    r"\s*[:：]?\s*(?:on\s+|the\s+)?$",
    re.IGNORECASE,
)
_DUE_AFTER_RE = re.compile(r"^\s*(?:前|之前|以前|截止|完成|交付|到期)")
# The clause a due date sits in, dropped from the title.
_DUE_CLAUSE_BEFORE_RE = re.compile(
    r"(?:[,，;；]\s*)?(?:截止(?:日期|时间)?|完成(?:时间|日期)|期限|deadline|due(?:\s+date)?|eta)"
    r"\s*[:：]?\s*(?:on\s+)?$",
    re.IGNORECASE,
)


def _find_due(text, today):
    """``(date, (start, end) of the clause to drop or None)``."""
    dates = find_dates(text, today)
    if not dates:
        return None, None
    for start, end, value in dates:
        before = text[max(0, start - 20) : start]
        if _DUE_BEFORE_RE.search(before) or _DUE_AFTER_RE.match(text[end:]):
            clause = _DUE_CLAUSE_BEFORE_RE.search(before)
            if clause:
                return value, (start - (len(before) - clause.start()), end)
            return value, None
    return dates[-1][2], None


# ---------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------


def _title(text, removals):
    """``text`` without the marker clauses in ``removals``, tidied."""
    for start, end in sorted(removals, reverse=True):
        text = text[:start] + text[end:]
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,，;；。.])", r"\1", text)
    text = re.sub(r"([,，;；])\s*([,，;；。.]|$)", r"\2", text)
    text = re.sub(r"[(（]\s*[)）]", "", text)
    text = text.strip(" ,，;；:：-—|")
    # "update the spec" -> "Update the spec" (a task name).
    if text[:1].isascii() and text[:1].islower():
        text = text[0].upper() + text[1:]
    return text


def _fill(draft, directory, today):
    body = draft.text
    owner, clause = _find_owner(body, directory, today) if draft.kind != DECISION else (None, None)
    if owner:
        draft.owner = owner
        draft.person = directory.resolve(owner)
        if clause:
            draft.removals.append(clause)
    if draft.kind == ACTION:
        due, clause = _find_due(body, today)
        draft.due = due
        if clause and not any(s < clause[1] and clause[0] < e for s, e in draft.removals):
            draft.removals.append(clause)


_MARKER_WORDS_RE = re.compile(
    r"(?:截止(?:日期|时间)?|完成(?:时间|日期)?|期限|之前|以前|前|deadline|due(?:\s+date)?|by|before|eta"
    r"|[,，;；:：.。\-\s@()（）])+",
    re.IGNORECASE,
)


def _is_markers_only(body, directory, today):
    """``(True, draft)`` when ``body`` only names an owner and/or a due
    date (``Owner: Bob, due Friday``): it completes the item above it."""
    draft = _Draft(ACTION, body, 0)
    _fill(draft, directory, today)
    if not (draft.owner or draft.due):
        return False, draft
    rest = body
    for start, end, _value in reversed(find_dates(rest, today)):
        rest = rest[:start] + " " + rest[end:]
    marker = _OWNER_MARKER_RE.search(rest)
    if marker:
        rest = rest[: marker.start()] + " " + rest[marker.end() :]
    if draft.owner:
        rest = rest.replace(draft.owner, " ")
    return not _MARKER_WORDS_RE.sub("", rest).strip(), draft


def extract(text, *, today, people=()):
    """Decisions, action items and risks of minutes.

    :param text: plain text, or a list of lines (see :func:`html_to_lines`)
    :param today: :class:`datetime.date` relative dates are read from
        (usually the meeting's date)
    :param people: iterable of ``(key, names)``: who owners may be, with
        their names, logins and aliases
    :return: :class:`Minutes`
    """
    lines = text_to_lines(text) if isinstance(text, str) else [str(line).strip() for line in text]
    directory = _Directory(people)
    section = None
    drafts = []
    for index, line in enumerate(lines):
        if not line:
            continue
        body, checkbox = _strip_marker(line)
        if not body:
            continue
        is_heading, heading_kind = _heading(line, body)
        if is_heading:
            section = heading_kind
            continue
        kind, rest = _prefixed(body)
        if kind is None and section is None:
            inline = _INLINE_ACTION_RE.search(body)
            if inline and body[inline.end() :].strip():
                kind, rest = ACTION, body[inline.end() :]
            elif checkbox or _OWNER_MARKER_RE.search(body):
                kind = ACTION
        if kind is None and section is not None:
            markers_only, extra = _is_markers_only(body, directory, today)
            previous = drafts[-1] if drafts else None
            if markers_only and previous is not None and previous.kind == section:
                if not previous.owner and previous.kind != DECISION:
                    previous.owner, previous.person = extra.owner, extra.person
                if previous.kind == ACTION:
                    previous.due = previous.due or extra.due
                continue
            kind = section
        if kind is None:
            continue
        rest = rest.strip()
        if not rest:
            continue
        draft = _Draft(kind, rest, index)
        _fill(draft, directory, today)
        drafts.append(draft)
    items = [
        Item(
            kind=d.kind,
            text=d.text,
            title=_title(d.text, d.removals) or d.text,
            owner=d.owner,
            person=d.person,
            due=d.due,
            line=d.line,
        )
        for d in drafts
    ]
    return Minutes(
        decisions=tuple(i for i in items if i.kind == DECISION),
        actions=tuple(i for i in items if i.kind == ACTION),
        risks=tuple(i for i in items if i.kind == RISK),
    )
