/**
 * Pixel maths of the project_flow Gantt: dates to pixels, zoom scales, the
 * timeline's header cells, non-working day shading, row layout and grouping,
 * dependency arrow routing and drag deltas.
 *
 * Plain functions on plain data (no OWL, no services, no DOM) so the Hoot
 * tests (static/tests/flow_gantt/) check them directly.  A date is an
 * integer "day number": days since 1970-01-01, so arithmetic is exact and
 * free of time zones (the server sends local dates of the project's
 * calendar as ISO strings).
 */

export const DAY_MS = 86400000;
export const ROW_HEIGHT = 32;
export const BAR_HEIGHT = 18;
export const ARROW_GAP = 8;

/** Zoom levels, from the closest to the farthest. */
export const ZOOMS = ["day", "week", "month", "quarter"];

/**
 * For each zoom: pixels per day, the unit of the lower header row (minor)
 * and of the upper one (major), and the margin (in minor units) kept
 * before and after the planned span.
 */
export const SCALES = {
    day: { pxPerDay: 36, minor: "day", major: "month", padding: 7 },
    week: { pxPerDay: 14, minor: "week", major: "month", padding: 2 },
    month: { pxPerDay: 4, minor: "month", major: "year", padding: 1 },
    quarter: { pxPerDay: 1.5, minor: "quarter", major: "year", padding: 1 },
};

/** "2026-03-10" -> day number (NaN-free: null for a missing date). */
export function toDay(iso) {
    if (!iso) {
        return null;
    }
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Day number -> "2026-03-10". */
export function fromDay(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Weekday of a day number, 0 = Monday .. 6 = Sunday (as Python's). */
export function weekday(day) {
    // 1970-01-01 was a Thursday (3)
    return (((day + 3) % 7) + 7) % 7;
}

function ymd(day) {
    const date = new Date(day * DAY_MS);
    return [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
}

function dayOf(year, month, date = 1) {
    return Math.round(Date.UTC(year, month, date) / DAY_MS);
}

/** The first day of the unit (day, week, month, quarter, year) holding ``day``. */
export function unitStart(day, unit) {
    const [y, m] = ymd(day);
    switch (unit) {
        case "day":
            return day;
        case "week":
            return day - weekday(day);
        case "month":
            return dayOf(y, m);
        case "quarter":
            return dayOf(y, m - (m % 3));
        case "year":
            return dayOf(y, 0);
    }
    throw new Error(`Unknown unit ${unit}`);
}

/** The first day of the unit after the one starting on ``start``. */
export function nextUnit(start, unit) {
    const [y, m] = ymd(start);
    switch (unit) {
        case "day":
            return start + 1;
        case "week":
            return start + 7;
        case "month":
            return dayOf(y, m + 1);
        case "quarter":
            return dayOf(y, m + 3);
        case "year":
            return dayOf(y + 1, 0);
    }
    throw new Error(`Unknown unit ${unit}`);
}

export function zoomIn(zoom) {
    return ZOOMS[Math.max(0, ZOOMS.indexOf(zoom) - 1)];
}

export function zoomOut(zoom) {
    return ZOOMS[Math.min(ZOOMS.length - 1, ZOOMS.indexOf(zoom) + 1)];
}

/**
 * The days shown: from the start of the minor unit holding the earliest
 * date (or today) less the padding, to the end of the unit holding the
 * latest, plus the padding.  ``end`` is exclusive.
 *
 * @param {number[]} days day numbers to include (starts, finishes, ...)
 * @param {string} zoom
 * @param {number} today
 */
export function computeRange(days, zoom, today) {
    const scale = SCALES[zoom];
    const known = days.filter((d) => d !== null && d !== undefined);
    let first = Math.min(today, ...known);
    let last = Math.max(today, ...known);
    let start = unitStart(first, scale.minor);
    for (let i = 0; i < scale.padding; i++) {
        start = unitStart(start - 1, scale.minor);
    }
    let end = nextUnit(unitStart(last, scale.minor), scale.minor);
    for (let i = 0; i < scale.padding; i++) {
        end = nextUnit(end, scale.minor);
    }
    first = start;
    last = end;
    return { start: first, end: last, width: (last - first) * scale.pxPerDay };
}

/** Left edge (px) of ``day`` on the timeline. */
export function dayToX(day, range, zoom) {
    return (day - range.start) * SCALES[zoom].pxPerDay;
}

/** The day under the pixel ``x`` of the timeline. */
export function xToDay(x, range, zoom) {
    return range.start + Math.floor(x / SCALES[zoom].pxPerDay);
}

/** Whole days a horizontal drag of ``dx`` pixels moves by. */
export function daysFromDx(dx, zoom) {
    const days = Math.round(dx / SCALES[zoom].pxPerDay);
    return days === 0 ? 0 : days; // no -0
}

/**
 * Geometry of a task's bar: ``x`` and ``width`` in px (the finish day is
 * included), a milestone is a point in the middle of its day.
 */
export function barGeometry(task, range, zoom) {
    const px = SCALES[zoom].pxPerDay;
    if (task.start === null || task.start === undefined) {
        return null;
    }
    const x = dayToX(task.start, range, zoom);
    if (task.milestone) {
        const center = x + px / 2;
        return { x: center, width: 0, center, milestone: true };
    }
    const finish = task.finish === null || task.finish === undefined ? task.start : task.finish;
    const width = Math.max(2, (finish - task.start + 1) * px);
    return { x, width, center: x + width / 2, milestone: false };
}

/** New start and finish of a task dragged by ``delta`` days (``mode``:
 * move the bar, or drag its ``start`` or its ``end``). */
export function applyDrag(task, mode, delta) {
    const { start, finish } = task;
    if (mode === "move") {
        return { start: start + delta, finish: finish + delta };
    }
    if (mode === "start") {
        return { start: Math.min(finish, start + delta), finish };
    }
    if (mode === "end") {
        return { start, finish: Math.max(start, finish + delta) };
    }
    throw new Error(`Unknown drag mode ${mode}`);
}

/**
 * Header cells of a row (``unit``) across the range: ``{start, x, width}``
 * (cells cut at the edges of the range).
 */
export function headerCells(range, zoom, unit) {
    const px = SCALES[zoom].pxPerDay;
    const cells = [];
    let start = unitStart(range.start, unit);
    while (start < range.end) {
        const next = nextUnit(start, unit);
        const from = Math.max(start, range.start);
        const to = Math.min(next, range.end);
        cells.push({ start, x: (from - range.start) * px, width: (to - from) * px });
        start = next;
    }
    return cells;
}

/**
 * Runs of consecutive non-working days in the range, as ``{x, width}`` px
 * (weekdays not in ``workdays``, and ``holidays``).  Empty in the quarter
 * zoom, where a day is narrower than a pixel or two.
 *
 * @param {number[]} workdays weekdays worked, 0 = Monday
 * @param {Set<number>} holidays day numbers
 */
export function nonWorkingRuns(range, zoom, workdays, holidays) {
    const px = SCALES[zoom].pxPerDay;
    if (px < 2) {
        return [];
    }
    const worked = new Set(workdays);
    const runs = [];
    let runStart = null;
    for (let day = range.start; day <= range.end; day++) {
        const off = day < range.end && (!worked.has(weekday(day)) || holidays.has(day));
        if (off && runStart === null) {
            runStart = day;
        } else if (!off && runStart !== null) {
            runs.push({ x: (runStart - range.start) * px, width: (day - runStart) * px });
            runStart = null;
        }
    }
    return runs;
}

/**
 * The rows of the chart: group header rows (when grouped) followed by their
 * tasks, ordered by start then name.
 *
 * @param {Object[]} tasks with id, name, start, and the group keys
 * @param {Object[]} groups [{key, label, sequence}] in display order, for
 *   ``groupKey(task)`` values; tasks with a key not in ``groups`` go to a
 *   trailing group labelled ``noneLabel``
 * @param {Function|null} groupKey task -> key (null: no grouping)
 * @returns {{rows: Object[], rowOf: Map<number, number>}}
 */
export function layoutRows(tasks, groups, groupKey, noneLabel = "") {
    const ordered = [...tasks].sort(
        (a, b) =>
            (a.start ?? Infinity) - (b.start ?? Infinity) ||
            String(a.name).localeCompare(String(b.name)) ||
            a.id - b.id
    );
    const rows = [];
    const rowOf = new Map();
    const push = (task) => {
        rowOf.set(task.id, rows.length);
        rows.push({ type: "task", task });
    };
    if (!groupKey) {
        ordered.forEach(push);
        return { rows, rowOf };
    }
    const byKey = new Map(groups.map((g) => [g.key, []]));
    const none = [];
    for (const task of ordered) {
        const key = groupKey(task);
        (byKey.has(key) ? byKey.get(key) : none).push(task);
    }
    for (const group of groups) {
        const members = byKey.get(group.key);
        if (!members.length && !group.keepEmpty) {
            continue;
        }
        rows.push({ type: "group", group, count: members.length });
        members.forEach(push);
    }
    if (none.length) {
        rows.push({ type: "group", group: { key: false, label: noneLabel }, count: none.length });
        none.forEach(push);
    }
    return { rows, rowOf };
}

/**
 * Anchors of a link: which end of each bar it leaves and enters.
 * FS: finish -> start, SS: start -> start, FF: finish -> finish,
 * SF: start -> finish.
 */
export function linkAnchors(type) {
    return {
        fromEnd: type === "FS" || type === "FF" ? "finish" : "start",
        toEnd: type === "FS" || type === "SS" ? "start" : "finish",
    };
}

/**
 * Orthogonal route of a dependency arrow between two bars.
 *
 * It leaves its end horizontally (right from a finish, left from a start)
 * by ``ARROW_GAP``, and enters the other bar horizontally in the direction
 * that points into it (from the left into a start, from the right into a
 * finish).  When the straight elbow would run backwards, it detours along
 * the boundary between the rows.
 *
 * @param {{x:number,width:number}} from bar geometry of the predecessor
 * @param {number} fromRow its row index
 * @param {{x:number,width:number}} to bar geometry of the successor
 * @param {number} toRow
 * @param {string} type FS, SS, FF or SF
 * @returns {{points: number[][], d: string}}
 */
export function arrowRoute(from, fromRow, to, toRow, type, rowHeight = ROW_HEIGHT) {
    const { fromEnd, toEnd } = linkAnchors(type);
    const x1 = fromEnd === "finish" ? from.x + from.width : from.x;
    const x2 = toEnd === "start" ? to.x : to.x + to.width;
    const y1 = fromRow * rowHeight + rowHeight / 2;
    const y2 = toRow * rowHeight + rowHeight / 2;
    const out = fromEnd === "finish" ? 1 : -1; // leaving direction
    const into = toEnd === "start" ? 1 : -1; // direction of travel when entering
    const p1x = x1 + out * ARROW_GAP;
    const preX = x2 - into * ARROW_GAP;
    let points;
    if ((x2 - p1x) * into >= ARROW_GAP && fromRow !== toRow) {
        // one elbow: across at the source's level, down, then in
        points = [
            [x1, y1],
            [p1x, y1],
            [p1x, y2],
            [x2, y2],
        ];
    } else {
        const yMid = toRow > fromRow ? (fromRow + 1) * rowHeight : fromRow * rowHeight;
        points = [
            [x1, y1],
            [p1x, y1],
            [p1x, yMid],
            [preX, yMid],
            [preX, y2],
            [x2, y2],
        ];
    }
    const d = points.map(([x, y], i) => `${i ? "L" : "M"}${round(x)} ${round(y)}`).join(" ");
    return { points, d };
}

function round(value) {
    return Math.round(value * 10) / 10;
}

/**
 * Rows to render for a scroll position (with ``overscan`` rows above and
 * below), as ``[first, last]`` inclusive.
 */
export function visibleRows(scrollTop, viewportHeight, total, rowHeight = ROW_HEIGHT, overscan = 10) {
    if (!total) {
        return [0, -1];
    }
    const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
    const last = Math.min(total - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
    return [first, last];
}

/**
 * The link type drawn by dragging from one end of a bar onto another bar:
 * from the finish handle onto the left half of the target is finish to
 * start, onto its right half finish to finish; from the start handle,
 * start to start or start to finish.
 */
export function linkTypeFor(fromEnd, targetGeometry, x) {
    const leftHalf = x < targetGeometry.x + targetGeometry.width / 2;
    if (fromEnd === "finish") {
        return leftHalf ? "FS" : "FF";
    }
    return leftHalf ? "SS" : "SF";
}
