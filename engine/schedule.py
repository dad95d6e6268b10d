"""Critical-path scheduling: forward and backward pass over typed links.

Time model
----------
Everything is computed on integer *working-day indexes* of a ``WorkCalendar``:
index 0 is the first working day on or after ``project_start``, index 1 the
next working day, -1 the working day before index 0, and so on. Each distinct
date is converted once (``WorkCalendar.offset`` and ``WorkCalendar.shift``,
both independent of the span's length; result dates step from the previous
one when it is at most 3 working days before), so nothing walks day by day.
Durations and lags are integers (``operator.index``: a float is a
``TypeError``).

An activity of duration ``d`` starting at index ``S`` occupies ``[S, S + d)``:
its exclusive end is ``E = S + d`` and its finish date is the working day
``S + d - 1``. A milestone (``d == 0``) sits on ``S`` and its finish date is
its start date. As in MS Project, a successor FS-linked to a task starts the
working day after the task's finish date, and one FS-linked to a milestone may
start on the milestone's day (a milestone FS-linked after a task therefore
sits on the working day after the task's finish date).

Links (``lag`` in working days, negative for a lead), ``E = S + d``:

- ``FS``: ``succ.S >= pred.E + lag``
- ``SS``: ``succ.S >= pred.S + lag``
- ``FF``: ``succ.E >= pred.E + lag``
- ``SF``: ``succ.E >= pred.S + lag``

Each is ``succ.S >= pred.S + w`` for a constant ``w``, so the passes are a
longest-path computation over one topological order (linear in activities
plus links).

Dates given as input: a start date (``project_start``, ``fixed_start``,
``start_no_earlier``) on a non-working day means the next working day, a
finish date (``project_finish``, ``finish_no_later``) on a non-working day
means the previous one. ``datetime`` values are truncated to their date, and
``None`` or ``False`` (an empty Odoo field) means "not set".

Passes
------
- Forward: ``ES`` is the largest of the project start, ``start_no_earlier`` and
  what every incoming link requires. A ``fixed_start`` activity (pinned: manual
  scheduling or work already started) keeps its date, before the project start
  too; when a link requires a later start it is reported as a
  ``fixed_date_violates_link`` conflict, never moved.
- Backward: every activity must finish (its finish date, ``LF``) no later than
  the project's late finish (``project_finish`` if given, else the latest
  early finish) and its ``finish_no_later`` date, and start late enough for
  every outgoing link. A pinned activity's late start is its pinned date,
  unless something later in the network requires an earlier one.
- ``total_float = LS - ES`` and ``critical = total_float <= 0``. A negative
  total float is a ``negative_float`` conflict, and the missed date that
  causes it is a ``constraint_violated`` conflict on the activity that misses
  it (``finish_no_later``, or the given ``project_finish``).
- ``free_float``: how far an activity can slip without moving any successor or
  the project's late finish: the least of every outgoing link's slack in the
  early schedule and ``project late finish - EF``. Without constraints,
  ``0 <= free_float <= total_float``.

Summaries
---------
An activity named as ``parent`` by another is a summary; its own duration
(and ``duration`` is still checked for being negative) is ignored. Its early
and late dates are the envelope of its leaf descendants (``ES``/``LS`` the
least, ``EF``/``LF`` the largest), and its ``total_float`` and ``free_float``
are the least of its leaf descendants', so a summary is critical exactly when
it holds a critical activity. Links to or from a summary apply to every leaf
descendant (MS-Project semantics): an FS/SS link into a summary holds every
leaf's start, an FF/SF link into it every leaf's finish; a successor of a
summary's finish (FS/FF) waits for the latest leaf finish, and one of its
start (SS/SF) for the latest leaf start (each leaf, as the rule says, not the
earliest one). They go through internal milestones (at most four per summary,
nested summaries chained), so the cost stays linear. A summary's
``fixed_start`` and ``start_no_earlier`` act as ``start_no_earlier`` on its
leaves and its ``finish_no_later`` as theirs; a link between a summary and
one of its own descendants is a ``self_link`` error. Conflicts are reported
on leaves only.

Results
-------
Dates are calendar dates on working days. ``critical_path`` is the driving
chain (every link in it tight in the early schedule) ending at the activity
that finishes last (the least total float first, then a task before a
milestone on the same day, then input order), walked back to an activity
that starts on its own bound (project start, a constraint or a pin); it
holds leaves only. The project's ``start`` is the earliest of index 0 and the
activities' early starts, its ``finish`` the latest early finish.
Everything is deterministic: where there is a choice, input order
(through the topological order) decides; scheduling again with every
activity pinned on its early start gives the same early dates and no new
``fixed_date_violates_link`` (with ``start_no_earlier`` = early start
instead: the very same result).

Errors: ``ScheduleError`` (a ``ValueError``) with a ``code`` and ``params``;
a dependency cycle raises ``graph.CycleError`` with the activity keys in
order (a summary stands for its internal milestones).
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain
from operator import eq
from operator import index as _integer

from .errors import CodedError
from .graph import CycleError, find_cycle

FS, SS, FF, SF = "FS", "SS", "FF", "SF"
LINK_TYPES = (FS, SS, FF, SF)

_LINK_TYPE_SET = frozenset(LINK_TYPES)
_INT_TYPE_SET = frozenset((int,))
_TIMING_NEW = object.__new__

_ONE_DAY = timedelta(days=1)
_NEG = -(1 << 60)
_POS = 1 << 60

_MESSAGES = {
    "negative_duration": "Activity %(key)r (%(name)s) has a negative duration (%(duration)s)",
    "unknown_activity": "Unknown activity %(key)r",
    "duplicate_activity": "Activity %(key)r is given twice",
    "bad_link_type": (
        "Link %(predecessor)r \u2192 %(successor)r has type %(type)r, not one of FS, SS, FF, SF"
    ),
    "self_link": "Link %(predecessor)r \u2192 %(successor)r links %(key)r to itself",
    "summary_activity": "Activity %(key)r is a summary: it has no duration of its own",
}


class ScheduleError(CodedError):
    """Input the scheduler cannot work with.

    ``code`` and ``params`` (the values a translated message needs; models map
    the code to their own text):

    - ``negative_duration``: ``key``, ``name``, ``duration``
    - ``unknown_activity``: ``key`` (a link end, a ``parent`` or ``impact``'s key)
    - ``duplicate_activity``: ``key``
    - ``bad_link_type``: ``predecessor``, ``successor``, ``type``
    - ``self_link``: ``key``, ``predecessor``, ``successor`` (a link from an
      activity to itself, or between a summary and one of its descendants;
      ``key`` is the summary, or the activity)
    - ``summary_activity``: ``key`` (``impact`` on a summary)
    """

    messages = _MESSAGES


@dataclass(frozen=True)
class Activity:
    """An activity to schedule; see the module docstring for the semantics."""

    key: Hashable
    name: str = ""
    duration: int = 0
    parent: Hashable | None = None
    fixed_start: date | None = None
    start_no_earlier: date | None = None
    finish_no_later: date | None = None


@dataclass(frozen=True)
class Link:
    """A typed dependency; ``lag`` in working days (negative: a lead)."""

    predecessor: Hashable
    successor: Hashable
    type: str = FS
    lag: int = 0


@dataclass(frozen=True, slots=True)
class Timing:
    """Computed dates (working days) and floats (working days) of one activity."""

    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    total_float: int
    free_float: int
    critical: bool


_TIMING_SLOTS = tuple(getattr(Timing, name).__set__ for name in Timing.__slots__)


@dataclass(frozen=True)
class Conflict:
    """A schedule that cannot honour everything it was given (not an error).

    ``code`` and ``params``:

    - ``negative_float``: ``total_float`` (negative working days)
    - ``constraint_violated``: ``constraint`` (``"finish_no_later"``,
      ``"project_finish"`` or ``"start_no_earlier"``, the latter for a pin
      before it), ``date`` (the constraint's working day), ``early_start`` /
      ``early_finish`` and ``days`` (by how many working days it is missed)
    - ``fixed_date_violates_link``: ``fixed_start``, ``required_start`` (what
      the links require), ``predecessor`` (key of the driving predecessor) and
      ``days``
    """

    key: Hashable
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ScheduleResult:
    """``timings`` maps every activity key (input order) to its ``Timing``."""

    timings: dict
    start: date
    finish: date
    critical_path: tuple
    conflicts: tuple


@dataclass(frozen=True)
class Impact:
    """What a slip changes.

    ``project_finish_shift``: working days the project's early finish moves;
    ``moved``: key -> working days its early finish moves, for every activity
    (summaries included) that moves, in input order; ``milestones``: keys of
    the moved 0-duration activities, in input order.
    """

    project_finish_shift: int
    moved: dict
    milestones: tuple


def _as_date(value):
    """A date, or None for an unset value (None or an empty Odoo field)."""
    if value is None or value is False:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"Expected a date, got {value!r}")


class _Days:
    """Date <-> working-day index conversions, cached per distinct value."""

    __slots__ = ("_calendar", "_dates", "_finishes", "_origin", "_starts")

    def __init__(self, calendar, origin):
        self._calendar = calendar
        self._origin = calendar.next_working_day(_as_date(origin))
        self._starts = {}
        self._finishes = {}
        self._dates = {0: self._origin}

    def start(self, value):
        """Index of a start date (a non-working day means the next working day)."""
        value = _as_date(value)
        index = self._starts.get(value)
        if index is None:
            index = self._starts[value] = self._calendar.offset(self._origin, value)
        return index

    def finish(self, value):
        """Index of a finish date (a non-working day means the previous working day)."""
        value = _as_date(value)
        index = self._finishes.get(value)
        if index is None:
            day = self._calendar.previous_working_day(value)
            index = self._finishes[value] = self._calendar.offset(self._origin, day)
        return index

    def date(self, index):
        day = self._dates.get(index)
        if day is None:
            day = self._dates[index] = self._calendar.shift(self._origin, index)
        return day

    def dates(self, indexes):
        """``{index: date}`` for all ``indexes`` (an iterable of ints).

        In increasing order, an index at most 3 working days after the
        previous one is reached by stepping over the days between them (a
        few, unless a long holiday lies there), a farther one by ``shift``.
        """
        known = self._dates
        is_working_day = self._calendar.is_working_day
        one_day = _ONE_DAY
        previous = None
        for index in sorted(set(indexes)):
            day = known.get(index)
            if day is None:
                if previous is not None and index - previous <= 3:
                    day = known[previous]
                    for _ in range(index - previous):
                        day += one_day
                        while not is_working_day(day):
                            day += one_day
                else:
                    day = self._calendar.shift(self._origin, index)
                known[index] = day
            previous = index
        return known


class _Forest:
    """The parent/child structure of the activities."""

    __slots__ = ("children", "first", "last", "topdown")

    def __init__(self, keys, parents):
        n = len(keys)
        children = [None] * n
        roots = []
        for i, parent in enumerate(parents):
            if parent < 0:
                roots.append(i)
            elif children[parent] is None:
                children[parent] = [i]
            else:
                children[parent].append(i)
        # Pre-order walk: parents before children, each subtree contiguous.
        first = [-1] * n
        last = [-1] * n
        topdown = []
        for root in roots:
            stack = [root]
            while stack:
                node = stack.pop()
                first[node] = len(topdown)
                topdown.append(node)
                kids = children[node]
                if kids:
                    stack.extend(reversed(kids))
        if len(topdown) < n:
            _raise_parent_cycle(keys, parents, first)
        for node in reversed(topdown):
            kids = children[node]
            last[node] = last[kids[-1]] if kids else first[node]
        self.children = children
        self.first = first
        self.last = last
        self.topdown = topdown

    def contains(self, ancestor, node):
        return self.first[ancestor] <= self.first[node] <= self.last[ancestor]


def _raise_parent_cycle(keys, parents, visited):
    start = next(i for i, seen in enumerate(visited) if seen < 0)
    path, seen = [], {}
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = parents[node]
    raise CycleError([keys[i] for i in path[seen[node] :]])


class _Network:
    """Activities and links as integer nodes and weighted edges, validated.

    Node ``i < n`` is activity ``i``; nodes after them are the internal
    milestones of summaries. An edge ``(u, v, w)`` means ``S[v] >= S[u] + w``.
    """

    def __init__(self, activities, links, durations=None):
        self.activities = list(activities)
        self.n = len(self.activities)
        self.keys = [a.key for a in self.activities]
        self._read_activities(durations)
        self._read_parents()
        # Graph: successor lists of (node, weight) and in-degrees.
        self.succ = [[] for _ in range(self.n)]  # successor nodes of each node
        self.weight = [[] for _ in range(self.n)]  # the weight of each of those edges
        self.indeg = [0] * self.n
        self.owner = []  # summary index of each internal milestone (node n + k)
        self.kind = []  # "in" or "out" side of each internal milestone
        self._milestones = {}
        self._read_links(links)
        self.size = len(self.succ)

    def _read_activities(self, durations):
        acts, keys, n = self.activities, self.keys, self.n
        position = dict(zip(keys, range(n), strict=True))
        if len(position) < n:
            seen = set()
            for key in keys:
                if key in seen:
                    raise ScheduleError("duplicate_activity", {"key": key})
                seen.add(key)
        duration = list(map(_integer, [a.duration for a in acts]))
        for i, d in (durations or {}).items():
            duration[i] = d
        if duration and min(duration) < 0:
            i = next(i for i, d in enumerate(duration) if d < 0)
            raise ScheduleError(
                "negative_duration", {"key": keys[i], "name": acts[i].name, "duration": duration[i]}
            )
        self.position = position
        self.duration = duration

    def _read_parents(self):
        parent_keys = [a.parent for a in self.activities]
        self.forest = None
        self.summary = [False] * self.n
        if all(parent is None or parent is False for parent in parent_keys):
            return
        parents = [-1] * self.n
        for i, parent in enumerate(parent_keys):
            if parent is None or parent is False:
                continue
            j = self.position.get(parent)
            if j is None:
                raise ScheduleError("unknown_activity", {"key": parent})
            parents[i] = j
        self.forest = _Forest(self.keys, parents)
        for i, kids in enumerate(self.forest.children):
            if kids:
                self.summary[i] = True
                self.duration[i] = 0

    def _read_links(self, links):
        """Turn the links into weighted edges, checking them.

        The common case (leaves only, valid input) goes through C-level
        ``map``/``zip`` passes; anything else takes the link-by-link loop,
        which also raises the first error in input order.
        """
        links = links if isinstance(links, (list, tuple)) else list(links)
        if not links:
            return
        pkeys = [link.predecessor for link in links]
        skeys = [link.successor for link in links]
        kinds = [link.type for link in links]
        lags = [link.lag for link in links]
        get = self.position.get
        preds = list(map(get, pkeys))
        succs = list(map(get, skeys))
        summary = self.summary
        if (
            not _LINK_TYPE_SET.issuperset(kinds)
            or None in preds
            or None in succs
            or any(map(eq, preds, succs))
            or (
                self.forest is not None
                and (any(map(summary.__getitem__, preds)) or any(map(summary.__getitem__, succs)))
            )
        ):
            self._read_links_one_by_one(links)
            return
        if not _INT_TYPE_SET.issuperset(map(type, lags)):
            lags = list(map(_integer, lags))
        duration, succ, weight, indeg = self.duration, self.succ, self.weight, self.indeg
        for p, s, kind, lag in zip(preds, succs, kinds, lags, strict=True):
            if kind == FS:
                w = duration[p] + lag
            elif kind == SS:
                w = lag
            elif kind == FF:
                w = duration[p] + lag - duration[s]
            else:
                w = lag - duration[s]
            succ[p].append(s)
            weight[p].append(w)
            indeg[s] += 1

    def _read_links_one_by_one(self, links):
        position, duration, summary = self.position, self.duration, self.summary
        for link in links:
            pkey, skey, kind = link.predecessor, link.successor, link.type
            if kind not in LINK_TYPES:
                raise ScheduleError(
                    "bad_link_type", {"predecessor": pkey, "successor": skey, "type": kind}
                )
            p = position.get(pkey)
            if p is None:
                raise ScheduleError("unknown_activity", {"key": pkey})
            s = position.get(skey)
            if s is None:
                raise ScheduleError("unknown_activity", {"key": skey})
            if p == s:
                raise ScheduleError(
                    "self_link", {"key": pkey, "predecessor": pkey, "successor": skey}
                )
            lag = _integer(link.lag)
            if summary[p] or summary[s]:
                p, s, w = self._summary_link(p, s, kind, lag)
            elif kind == FS:
                w = duration[p] + lag
            elif kind == SS:
                w = lag
            elif kind == FF:
                w = duration[p] + lag - duration[s]
            else:
                w = lag - duration[s]
            self._edge(p, s, w)

    def _edge(self, u, v, w):
        self.succ[u].append(v)
        self.weight[u].append(w)
        self.indeg[v] += 1

    def _summary_link(self, p, s, kind, lag):
        """Resolve a link with a summary end to (node, node, weight) through its milestones."""
        summary, forest, keys = self.summary, self.forest, self.keys
        for outer, inner in ((p, s), (s, p)):
            if summary[outer] and forest.contains(outer, inner):
                raise ScheduleError(
                    "self_link",
                    {"key": keys[outer], "predecessor": keys[p], "successor": keys[s]},
                )
        from_finish = kind == FS or kind == FF
        to_finish = kind == FF or kind == SF
        w = lag
        if summary[p]:
            p = self._milestone(p, "out", from_finish)
        elif from_finish:
            w += self.duration[p]
        if summary[s]:
            s = self._milestone(s, "in", to_finish)
        elif to_finish:
            w -= self.duration[s]
        return p, s, w

    def _milestone(self, summary, side, finish):
        """The internal milestone of ``summary`` for one side (in/out) and end (start/finish).

        - in/start: every leaf descendant starts no earlier than it;
        - in/finish: every leaf descendant finishes (E) no earlier than it;
        - out/finish: it is no earlier than every leaf descendant's E;
        - out/start: it is no earlier than every leaf descendant's start.

        Nested summaries chain their own milestones, so each is built in time
        linear in its direct children.
        """
        found = self._milestones.get((summary, side, finish))
        if found is not None:
            return found
        duration = self.duration
        children = self.forest.children
        todo = [summary]
        node = self._new_milestone(summary, side, finish)
        while todo:
            current = todo.pop()
            here = self._milestones[current, side, finish]
            for child in children[current]:
                if children[child]:
                    there = self._milestones.get((child, side, finish))
                    if there is None:
                        there = self._new_milestone(child, side, finish)
                        todo.append(child)
                    w = 0
                else:
                    there = child
                    w = duration[child] if finish else 0
                if side == "in":
                    self._edge(here, there, -w)
                else:
                    self._edge(there, here, w)
        return node

    def _new_milestone(self, summary, side, finish):
        node = len(self.succ)
        self.succ.append([])
        self.weight.append([])
        self.indeg.append(0)
        self.owner.append(summary)
        self.kind.append(side)
        self._milestones[summary, side, finish] = node
        return node

    def key_of(self, node):
        return self.keys[node] if node < self.n else self.keys[self.owner[node - self.n]]

    def raise_cycle(self, indeg):
        remaining = [u for u in range(self.size) if indeg[u] > 0]
        edges = [(u, v) for u in remaining for v in self.succ[u] if indeg[v] > 0]
        cycle = [self.key_of(u) for u in find_cycle(remaining, edges)]
        collapsed = [key for i, key in enumerate(cycle) if key != cycle[i - 1]]
        raise CycleError(collapsed or cycle[:1])


class _Solution:
    """Both passes over a ``_Network``, as working-day indexes per activity."""

    def __init__(self, activities, links, calendar, project_start, project_finish, durations=None):
        self.days = _Days(calendar, project_start)
        self.net = net = _Network(activities, links, durations)
        self.leaves = [i for i in range(net.n) if not net.summary[i]]
        self.deadline = project_finish is not None and project_finish is not False
        self._bounds()
        self._forward()
        self.tail = [d - 1 if d else 0 for d in net.duration]  # finish index = start + tail
        start, tail = self.start, self.tail
        self.early_finish = max((start[i] + tail[i] for i in self.leaves), default=0)
        self.late_finish = self.days.finish(project_finish) if self.deadline else self.early_finish
        self.project_start = min(0, min((start[i] for i in self.leaves), default=0))
        self._backward()
        self._roll_up()

    def _bounds(self):
        """``snet``/``fixed``/``finish_by`` per node; a summary's flow down to its leaves."""
        net, days = self.net, self.days
        size = net.size
        snet = [_NEG] * size
        fixed = [None] * size
        finish_by = [_POS] * size
        acts = net.activities
        for array, values, convert in (
            (snet, [a.start_no_earlier for a in acts], days.start),
            (fixed, [a.fixed_start for a in acts], days.start),
            (finish_by, [a.finish_no_later for a in acts], days.finish),
        ):
            if values.count(None) == len(values):
                continue
            for i, value in enumerate(values):
                if value is not None and value is not False:
                    array[i] = convert(value)
        if net.forest is not None:
            children = net.forest.children
            for i in net.forest.topdown:
                kids = children[i]
                if not kids:
                    continue
                bound = snet[i] if fixed[i] is None else max(snet[i], fixed[i])
                fixed[i] = None
                by = finish_by[i]
                for kid in kids:
                    if bound > snet[kid]:
                        snet[kid] = bound
                    if by < finish_by[kid]:
                        finish_by[kid] = by
        low = [bound if bound > 0 else 0 for bound in snet]
        for u in range(net.n, size):
            low[u] = _NEG  # internal milestones: only their links bound them
        self.snet, self.fixed, self.finish_by, self.low = snet, fixed, finish_by, low

    def _forward(self):
        """Early starts, in one topological order (Kahn's algorithm, FIFO)."""
        net = self.net
        size, succ, weight, fixed, low = net.size, net.succ, net.weight, self.fixed, self.low
        indeg = list(net.indeg)
        req = [_NEG] * size  # the latest start any incoming link requires
        driver = [-1] * size  # the first predecessor node requiring it
        start = [0] * size
        order = [u for u in range(size) if not indeg[u]]
        for u in order:  # grows while it is walked: a FIFO queue
            pin = fixed[u]
            if pin is None:
                s = req[u]
                if s < low[u]:
                    s = low[u]
            else:
                s = pin
            start[u] = s
            for v, w in zip(succ[u], weight[u], strict=True):
                t = s + w
                if t > req[v]:
                    req[v] = t
                    driver[v] = u
                indeg[v] -= 1
                if not indeg[v]:
                    order.append(v)
        if len(order) < size:
            net.raise_cycle(indeg)
        self.order, self.start, self.req, self.driver = order, start, req, driver

    def _backward(self):
        """Late starts and, on the way, free floats (slack through internal milestones)."""
        net = self.net
        n, size, succ, weight, summary = net.n, net.size, net.succ, net.weight, net.summary
        start, tail, fixed, finish_by = self.start, self.tail, self.fixed, self.finish_by
        late_finish = self.late_finish
        late = [0] * size
        free = [0] * size  # leaves: free float
        through = [0] * size  # internal milestones: least slack of the links out of them
        for u in reversed(self.order):
            su = start[u]
            if u < n:
                if summary[u]:
                    continue
                tu = tail[u]
                lim = late_finish - tu
                if finish_by[u] - tu < lim:
                    lim = finish_by[u] - tu
                slack = late_finish - su - tu
            else:
                lim = slack = _POS
            for v, w in zip(succ[u], weight[u], strict=True):
                t = late[v] - w
                if t < lim:
                    lim = t
                t = start[v] - su - w + through[v]
                if t < slack:
                    slack = t
            pin = fixed[u]
            if pin is not None and pin < lim:
                lim = pin
            late[u] = lim
            if u < n:
                free[u] = slack
            else:
                through[u] = slack
        self.late, self.free = late, free

    def _roll_up(self):
        """Per activity, as indexes; summaries are the envelope of their children."""
        n = self.net.n
        start, late, tail = self.start, self.late, self.tail
        es = start[:n]
        ef = [start[i] + tail[i] for i in range(n)]
        ls = self.late[:n]
        lf = [late[i] + tail[i] for i in range(n)]
        tf = [late[i] - start[i] for i in range(n)]
        ff = self.free[:n]
        forest = self.net.forest
        if forest is not None:
            for i in reversed(forest.topdown):
                kids = forest.children[i]
                if kids:
                    es[i] = min(es[k] for k in kids)
                    ef[i] = max(ef[k] for k in kids)
                    ls[i] = min(ls[k] for k in kids)
                    lf[i] = max(lf[k] for k in kids)
                    tf[i] = min(tf[k] for k in kids)
                    ff[i] = min(ff[k] for k in kids)
        self.es, self.ef, self.ls, self.lf, self.tf, self.ff = es, ef, ls, lf, tf, ff

    def critical_path(self):
        """Leaf indexes of the driving chain ending at the last-finishing activity."""
        if not self.leaves:
            return []
        ef, tf, duration = self.ef, self.tf, self.net.duration
        # On the finish day, a task ends after a milestone (it ends that evening).
        last = min(
            (i for i in self.leaves if ef[i] == self.early_finish),
            key=lambda i: (tf[i], -duration[i], i),
        )
        n, start, req, driver = self.net.n, self.start, self.req, self.driver
        path = []
        u = last
        while True:
            if u < n:
                path.append(u)
            d = driver[u]
            if d < 0 or req[u] != start[u]:  # the driving link is not tight
                break
            u = d
        path.reverse()
        return path

    def conflicts(self):
        net, days = self.net, self.days
        n, keys, start = net.n, net.keys, self.start
        result = []
        # A missed date makes the total float negative; a pin may break a link.
        tf, fixed = self.tf, self.fixed
        for i in [i for i in self.leaves if tf[i] < 0 or fixed[i] is not None]:
            key = keys[i]
            pin = fixed[i]
            if pin is not None and self.req[i] > pin:
                d = self.driver[i]
                while d >= n and net.kind[d - n] == "in":
                    d = self.driver[d]
                result.append(
                    Conflict(
                        key,
                        "fixed_date_violates_link",
                        {
                            "fixed_start": days.date(pin),
                            "required_start": days.date(self.req[i]),
                            "predecessor": net.key_of(d),
                            "days": self.req[i] - pin,
                        },
                    )
                )
            if pin is not None and pin < self.snet[i]:
                result.append(
                    Conflict(
                        key,
                        "constraint_violated",
                        {
                            "constraint": "start_no_earlier",
                            "date": days.date(self.snet[i]),
                            "early_start": days.date(start[i]),
                            "days": self.snet[i] - pin,
                        },
                    )
                )
            finish = self.ef[i]
            if finish > self.finish_by[i]:
                result.append(
                    Conflict(
                        key,
                        "constraint_violated",
                        {
                            "constraint": "finish_no_later",
                            "date": days.date(self.finish_by[i]),
                            "early_finish": days.date(finish),
                            "days": finish - self.finish_by[i],
                        },
                    )
                )
            if self.deadline and finish > self.late_finish:
                result.append(
                    Conflict(
                        key,
                        "constraint_violated",
                        {
                            "constraint": "project_finish",
                            "date": days.date(self.late_finish),
                            "early_finish": days.date(finish),
                            "days": finish - self.late_finish,
                        },
                    )
                )
            if self.tf[i] < 0:
                result.append(Conflict(key, "negative_float", {"total_float": self.tf[i]}))
        return result

    def result(self):
        keys = self.net.keys
        es, ef, ls, lf, tf, ff = self.es, self.ef, self.ls, self.lf, self.tf, self.ff
        convert = self.days.date
        dates = self.days.dates(chain(es, ef, ls, lf))
        new = _TIMING_NEW
        # The same objects as Timing(...) builds, minus the frozen dataclass's
        # object.__setattr__ per field (two thirds of the time): each slot is
        # set through its descriptor.
        s0, s1, s2, s3, s4, s5, s6 = _TIMING_SLOTS
        timings = {}
        for i, key in enumerate(keys):
            total = tf[i]
            timing = new(Timing)
            s0(timing, dates[es[i]])
            s1(timing, dates[ef[i]])
            s2(timing, dates[ls[i]])
            s3(timing, dates[lf[i]])
            s4(timing, total)
            s5(timing, ff[i])
            s6(timing, total <= 0)
            timings[key] = timing
        return ScheduleResult(
            timings=timings,
            start=convert(self.project_start),
            finish=convert(self.early_finish),
            critical_path=tuple(keys[i] for i in self.critical_path()),
            conflicts=tuple(self.conflicts()),
        )


def schedule(activities, links, calendar, project_start, project_finish=None):
    """Schedule ``activities`` (``Activity``) linked by ``links`` (``Link``) on ``calendar``.

    ``project_start`` is the earliest start of every unpinned activity;
    ``project_finish``, if given, is the late finish of the project (else the
    latest early finish). Returns a ``ScheduleResult``; raises
    ``ScheduleError`` or ``graph.CycleError``. See the module docstring.
    """
    return _Solution(activities, links, calendar, project_start, project_finish).result()


def impact(activities, links, calendar, project_start, key, slip_days, project_finish=None):
    """What happens if activity ``key`` takes ``slip_days`` more working days.

    Schedules twice, as given and with the activity's duration extended
    (``slip_days`` may be negative for an activity finishing early, as long as
    the duration stays >= 0), and returns an ``Impact``. ``key`` must be a leaf
    (``ScheduleError`` ``unknown_activity`` or ``summary_activity``).
    """
    activities = list(activities)
    links = list(links)
    before = _Solution(activities, links, calendar, project_start, project_finish)
    net = before.net
    index = net.position.get(key)
    if index is None:
        raise ScheduleError("unknown_activity", {"key": key})
    if net.summary[index]:
        raise ScheduleError("summary_activity", {"key": key})
    slipped = net.duration[index] + _integer(slip_days)
    after = _Solution(activities, links, calendar, project_start, project_finish, {index: slipped})
    moved = {}
    milestones = []
    for i, name in enumerate(net.keys):
        shift = after.ef[i] - before.ef[i]
        if shift:
            moved[name] = shift
            if not net.summary[i] and not net.duration[i]:
                milestones.append(name)
    return Impact(
        project_finish_shift=after.early_finish - before.early_finish,
        moved=moved,
        milestones=tuple(milestones),
    )
