import { describe, expect, test } from "@odoo/hoot";
import {
    ARROW_GAP,
    ROW_HEIGHT,
    SCALES,
    applyDrag,
    arrowRoute,
    barGeometry,
    computeRange,
    daysFromDx,
    dayToX,
    fromDay,
    headerCells,
    layoutRows,
    linkAnchors,
    linkTypeFor,
    nonWorkingRuns,
    toDay,
    unitStart,
    visibleRows,
    weekday,
    xToDay,
    zoomIn,
    zoomOut,
} from "@project_flow/views/flow_gantt/gantt_layout";

// 2030-03-04 is a Monday
const MON = toDay("2030-03-04");

describe("project_flow gantt layout: dates", () => {
    test("ISO dates and day numbers round-trip, weekdays as Python's", () => {
        expect(toDay("1970-01-01")).toBe(0);
        expect(fromDay(MON)).toBe("2030-03-04");
        expect(toDay(null)).toBe(null);
        expect(weekday(MON)).toBe(0);
        expect(weekday(MON + 6)).toBe(6);
        expect(weekday(toDay("1969-12-31"))).toBe(2);
    });

    test("units start on Monday, the 1st of the month, of the quarter", () => {
        const thursday = toDay("2030-05-16");
        expect(fromDay(unitStart(thursday, "week"))).toBe("2030-05-13");
        expect(fromDay(unitStart(thursday, "month"))).toBe("2030-05-01");
        expect(fromDay(unitStart(thursday, "quarter"))).toBe("2030-04-01");
        expect(fromDay(unitStart(thursday, "year"))).toBe("2030-01-01");
    });
});

describe("project_flow gantt layout: dates to pixels", () => {
    test("range covers the dates and today, snapped and padded by the zoom", () => {
        const range = computeRange([MON + 2, MON + 10, null], "week", MON);
        // two weeks of padding before the week of Monday 4 March
        expect(fromDay(range.start)).toBe("2030-02-18");
        // the week of the 14th, then two more weeks (exclusive end)
        expect(fromDay(range.end)).toBe("2030-04-01");
        expect(range.width).toBe((range.end - range.start) * SCALES.week.pxPerDay);
        const month = computeRange([MON], "month", MON);
        expect(fromDay(month.start)).toBe("2030-02-01");
        expect(fromDay(month.end)).toBe("2030-05-01");
    });

    test("days to pixels and back", () => {
        const range = { start: MON, end: MON + 28 };
        expect(dayToX(MON, range, "day")).toBe(0);
        expect(dayToX(MON + 3, range, "day")).toBe(3 * SCALES.day.pxPerDay);
        expect(xToDay(3 * SCALES.day.pxPerDay + 5, range, "day")).toBe(MON + 3);
        expect(xToDay(dayToX(MON + 9, range, "week"), range, "week")).toBe(MON + 9);
    });

    test("bar includes its finish day; a milestone is the middle of its day", () => {
        const range = { start: MON, end: MON + 28 };
        const px = SCALES.day.pxPerDay;
        expect(barGeometry({ start: MON + 1, finish: MON + 3 }, range, "day")).toEqual({
            x: px,
            width: 3 * px,
            center: px + 1.5 * px,
            milestone: false,
        });
        const milestone = barGeometry({ start: MON + 2, finish: MON + 2, milestone: true }, range, "day");
        expect(milestone.x).toBe(2.5 * px);
        expect(milestone.width).toBe(0);
        expect(barGeometry({ start: null }, range, "day")).toBe(null);
        // never thinner than 2px, even a day in the quarter zoom
        expect(barGeometry({ start: MON, finish: MON }, range, "quarter").width).toBe(2);
    });

    test("header cells cut at the edges of the range", () => {
        const range = { start: toDay("2030-03-18"), end: toDay("2030-05-06") };
        const months = headerCells(range, "week", "month");
        expect(months.map((c) => fromDay(c.start))).toEqual(["2030-03-01", "2030-04-01", "2030-05-01"]);
        expect(months[0].x).toBe(0);
        expect(months[0].width).toBe(14 * SCALES.week.pxPerDay);
        expect(months[2].width).toBe(5 * SCALES.week.pxPerDay);
        const weeks = headerCells(range, "week", "week");
        expect(weeks.length).toBe(7);
        expect(weeks.every((c) => c.width === 7 * SCALES.week.pxPerDay)).toBe(true);
    });

    test("non-working days: weekends and holidays in runs, none in the quarter zoom", () => {
        const range = { start: MON, end: MON + 14 };
        const holidays = new Set([MON + 9]); // Wednesday of the second week
        const runs = nonWorkingRuns(range, "day", [0, 1, 2, 3, 4], holidays);
        const px = SCALES.day.pxPerDay;
        expect(runs).toEqual([
            { x: 5 * px, width: 2 * px },
            { x: 9 * px, width: px },
            { x: 12 * px, width: 2 * px },
        ]);
        expect(nonWorkingRuns(range, "quarter", [0, 1, 2, 3, 4], holidays)).toEqual([]);
    });
});

describe("project_flow gantt layout: zoom and drag", () => {
    test("zoom in and out stop at the ends", () => {
        expect(zoomIn("week")).toBe("day");
        expect(zoomIn("day")).toBe("day");
        expect(zoomOut("month")).toBe("quarter");
        expect(zoomOut("quarter")).toBe("quarter");
    });

    test("a drag moves by whole days of the zoom", () => {
        expect(daysFromDx(3 * SCALES.day.pxPerDay + 4, "day")).toBe(3);
        expect(daysFromDx(-2 * SCALES.week.pxPerDay, "week")).toBe(-2);
        expect(daysFromDx(1, "day")).toBe(0);
        expect(Object.is(daysFromDx(-1, "day"), -0)).toBe(false);
    });

    test("move, resize from either end, never inverted", () => {
        const task = { start: MON, finish: MON + 2 };
        expect(applyDrag(task, "move", 3)).toEqual({ start: MON + 3, finish: MON + 5 });
        expect(applyDrag(task, "end", 2)).toEqual({ start: MON, finish: MON + 4 });
        expect(applyDrag(task, "end", -5)).toEqual({ start: MON, finish: MON });
        expect(applyDrag(task, "start", 5)).toEqual({ start: MON + 2, finish: MON + 2 });
        expect(applyDrag(task, "start", -1)).toEqual({ start: MON - 1, finish: MON + 2 });
    });

    test("dropping a link on the left or right half of a bar", () => {
        const target = { x: 100, width: 50 };
        expect(linkTypeFor("finish", target, 110)).toBe("FS");
        expect(linkTypeFor("finish", target, 140)).toBe("FF");
        expect(linkTypeFor("start", target, 110)).toBe("SS");
        expect(linkTypeFor("start", target, 140)).toBe("SF");
    });
});

describe("project_flow gantt layout: rows and arrows", () => {
    test("rows grouped in the groups' order, by start inside, unknown keys last", () => {
        const tasks = [
            { id: 1, name: "B", start: MON + 2, phase: 10 },
            { id: 2, name: "A", start: MON, phase: 20 },
            { id: 3, name: "C", start: MON, phase: 10 },
            { id: 4, name: "D", start: null, phase: false },
        ];
        const groups = [
            { key: 10, label: "Design" },
            { key: 20, label: "Build" },
            { key: 30, label: "Empty" },
        ];
        const { rows, rowOf } = layoutRows(tasks, groups, (t) => t.phase, "No phase");
        expect(rows.map((r) => (r.type === "group" ? r.group.label : r.task.name))).toEqual([
            "Design",
            "C",
            "B",
            "Build",
            "A",
            "No phase",
            "D",
        ]);
        expect(rowOf.get(1)).toBe(2);
        const flat = layoutRows(tasks, [], null);
        expect(flat.rows.map((r) => r.task.id)).toEqual([2, 3, 1, 4]);
    });

    test("anchors of the four link types", () => {
        expect(linkAnchors("FS")).toEqual({ fromEnd: "finish", toEnd: "start" });
        expect(linkAnchors("SS")).toEqual({ fromEnd: "start", toEnd: "start" });
        expect(linkAnchors("FF")).toEqual({ fromEnd: "finish", toEnd: "finish" });
        expect(linkAnchors("SF")).toEqual({ fromEnd: "start", toEnd: "finish" });
    });

    test("finish to start with room: one elbow", () => {
        const from = { x: 0, width: 100 };
        const to = { x: 150, width: 50 };
        const { points, d } = arrowRoute(from, 0, to, 2, "FS");
        const mid = ROW_HEIGHT / 2;
        expect(points).toEqual([
            [100, mid],
            [100 + ARROW_GAP, mid],
            [100 + ARROW_GAP, 2 * ROW_HEIGHT + mid],
            [150, 2 * ROW_HEIGHT + mid],
        ]);
        expect(d.startsWith("M100 16 L108 16")).toBe(true);
    });

    test("finish to start going back: detour between the rows", () => {
        const from = { x: 0, width: 100 };
        const to = { x: 50, width: 100 };
        const { points } = arrowRoute(from, 1, to, 3, "FS");
        expect(points.length).toBe(6);
        // along the boundary under the predecessor's row
        expect(points[2][1]).toBe(2 * ROW_HEIGHT);
        expect(points[3]).toEqual([50 - ARROW_GAP, 2 * ROW_HEIGHT]);
        expect(points[5]).toEqual([50, 3 * ROW_HEIGHT + ROW_HEIGHT / 2]);
    });

    test("start to start leaves leftwards, finish to finish enters from the right", () => {
        const from = { x: 100, width: 50 };
        const ss = arrowRoute(from, 0, { x: 120, width: 50 }, 1, "SS").points;
        expect(ss[0]).toEqual([100, ROW_HEIGHT / 2]);
        expect(ss[1][0]).toBe(100 - ARROW_GAP);
        expect(ss.at(-1)).toEqual([120, ROW_HEIGHT * 1.5]);
        const ff = arrowRoute(from, 0, { x: 100, width: 100 }, 1, "FF").points;
        expect(ff[0]).toEqual([150, ROW_HEIGHT / 2]);
        expect(ff.at(-1)).toEqual([200, ROW_HEIGHT * 1.5]);
        // entering a finish from the right: the last step goes leftwards
        expect(ff.at(-2)[0]).toBeGreaterThan(200);
        const sf = arrowRoute(from, 2, { x: 0, width: 60 }, 0, "SF").points;
        expect(sf[0]).toEqual([100, 2.5 * ROW_HEIGHT]);
        expect(sf.at(-1)).toEqual([60, ROW_HEIGHT / 2]);
        // upwards with room: one elbow
        expect(sf.length).toBe(4);
        expect(sf[1][0]).toBe(100 - ARROW_GAP);
    });

    test("visible rows with overscan, clamped", () => {
        expect(visibleRows(0, 10 * ROW_HEIGHT, 1000, ROW_HEIGHT, 5)).toEqual([0, 15]);
        expect(visibleRows(100 * ROW_HEIGHT, 10 * ROW_HEIGHT, 1000, ROW_HEIGHT, 5)).toEqual([95, 115]);
        expect(visibleRows(0, 500, 3)).toEqual([0, 2]);
        expect(visibleRows(0, 500, 0)).toEqual([0, -1]);
    });
});
