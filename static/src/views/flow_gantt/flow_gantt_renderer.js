import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    onWillUpdateProps,
    useRef,
    useState,
} from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { download } from "@web/core/network/download";
import { useService } from "@web/core/utils/hooks";
import { deepEqual } from "@web/core/utils/objects";
import { user } from "@web/core/user";
import {
    DAY_MS,
    ROW_HEIGHT,
    SCALES,
    ZOOMS,
    applyDrag,
    arrowRoute,
    barGeometry,
    computeRange,
    daysFromDx,
    dayToX,
    fromDay,
    headerCells,
    layoutRows,
    linkTypeFor,
    nonWorkingRuns,
    toDay,
    visibleRows,
    zoomIn,
    zoomOut,
} from "./gantt_layout";

const { DateTime } = luxon;

/** Search panel group-bys the Gantt understands, and its own names for them. */
/** Height of the header: major and minor scale rows and the milestone strip. */
export const HEADER_HEIGHT = ROW_HEIGHT * 2 + 24;

const GROUP_BY_FIELDS = { flow_phase_id: "phase", user_ids: "user", project_id: "project" };

export const STATE_LABELS = {
    "01_in_progress": _t("In progress"),
    "02_changes_requested": _t("Changes requested"),
    "03_approved": _t("Approved"),
    "04_waiting_normal": _t("Waiting"),
    "1_done": _t("Done"),
    "1_canceled": _t("Cancelled"),
};

export const HEALTH_LABELS = {
    ok: _t("On track"),
    at_risk: _t("At risk (critical or little float)"),
    late: _t("Late"),
    conflict: _t("Schedule conflict"),
    done: _t("Closed"),
};

export class FlowGanttRenderer extends Component {
    static template = "project_flow.FlowGanttRenderer";
    static props = {
        resModel: String,
        domain: Array,
        context: { type: Object, optional: true },
        groupBy: { type: Array, optional: true },
        archInfo: Object,
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.ui = useService("ui");
        this.bodyRef = useRef("body");
        const context = this.props.context || {};
        this.state = useState({
            data: null,
            zoom: context.flow_gantt_scale || this.props.archInfo.defaultScale || "week",
            groupBy: context.flow_gantt_group_by || this.props.archInfo.defaultGroupBy || "phase",
            showLegend: false,
            showBaseline: true,
            scrollTop: 0,
            viewportHeight: 800,
            drag: null,
            lastAction: null,
            moved: [],
            busy: false,
        });
        this.nameWidth = this.env.isSmall ? 120 : 240;
        onWillStart(() => this.load(this.props.domain));
        onWillUpdateProps((next) => {
            if (!deepEqual(next.domain, this.props.domain)) {
                return this.load(next.domain);
            }
        });
        this.onPointerMove = this.onPointerMove.bind(this);
        this.onPointerUp = this.onPointerUp.bind(this);
        this.onResize = () => this.measure();
        onMounted(() => {
            this.measure();
            window.addEventListener("resize", this.onResize);
            this.scrollToToday();
        });
        onWillUnmount(() => {
            window.removeEventListener("resize", this.onResize);
            this.stopDrag();
        });
    }

    // ------------------------------------------------------------------
    // Data
    // ------------------------------------------------------------------
    async load(domain) {
        const data = await this.orm.call(this.props.resModel, "flow_gantt_data", [domain], {
            context: this.props.context,
        });
        this.setData(data);
    }

    setData(data) {
        const tasks = data.tasks.map((task) => ({
            ...task,
            start: toDay(task.start),
            finish: toDay(task.finish),
            baselineStart: toDay(task.baseline_start),
            baselineFinish: toDay(task.baseline_finish),
        }));
        this.state.data = {
            ...data,
            tasks,
            taskById: new Map(tasks.map((t) => [t.id, t])),
            today: toDay(data.today),
            holidays: new Set(data.calendar.holidays.map(toDay)),
            phases: data.phases.map((p) => ({ ...p, start: toDay(p.start), finish: toDay(p.finish) })),
            milestones: data.milestones.map((m) => ({ ...m, day: toDay(m.date) })),
        };
    }

    get data() {
        return this.state.data;
    }

    get readonly() {
        return this.env.isSmall || !this.props.archInfo.canEdit || !this.data.can_write;
    }

    // ------------------------------------------------------------------
    // Layout (all pixel maths in gantt_layout.js)
    // ------------------------------------------------------------------
    /** The grouping asked in the search panel, when the Gantt knows it. */
    get searchGroupBy() {
        const known = (this.props.groupBy || []).map((g) => GROUP_BY_FIELDS[g.split(":")[0]]);
        return known.find(Boolean) || null;
    }

    get effectiveGroupBy() {
        return this.searchGroupBy || this.state.groupBy;
    }

    get range() {
        const days = [];
        for (const task of this.data.tasks) {
            days.push(task.start, task.finish);
            if (this.state.showBaseline) {
                days.push(task.baselineStart, task.baselineFinish);
            }
        }
        for (const phase of this.data.phases) {
            days.push(phase.start, phase.finish);
        }
        return computeRange(days, this.state.zoom, this.data.today);
    }

    get groups() {
        const data = this.data;
        switch (this.effectiveGroupBy) {
            case "phase":
                return {
                    key: (task) => task.phase_id,
                    groups: [...data.phases]
                        .sort((a, b) => a.project_id - b.project_id || a.sequence - b.sequence || a.id - b.id)
                        .map((phase) => ({ key: phase.id, label: phase.name, phase })),
                    none: _t("No phase"),
                };
            case "user":
                return {
                    key: (task) => task.user_ids[0] || false,
                    groups: Object.entries(data.users)
                        .map(([id, name]) => ({ key: Number(id), label: name }))
                        .sort((a, b) => a.label.localeCompare(b.label)),
                    none: _t("Unassigned"),
                };
            case "project":
                return {
                    key: (task) => task.project_id,
                    groups: Object.entries(data.projects)
                        .map(([id, name]) => ({ key: Number(id), label: name }))
                        .sort((a, b) => a.label.localeCompare(b.label)),
                    none: _t("No project"),
                };
        }
        return null;
    }

    get headerHeight() {
        return HEADER_HEIGHT;
    }

    /** The layout of this render (kept for the link preview). */
    get currentLayout() {
        this._layout = this.layout;
        return this._layout;
    }

    /** Everything the template draws, computed once per render. */
    get layout() {
        const data = this.data;
        const zoom = this.state.zoom;
        const range = this.range;
        const grouping = this.groups;
        const tasks = data.tasks.map((task) => this.previewTask(task));
        const { rows, rowOf } = layoutRows(
            tasks,
            grouping ? grouping.groups : [],
            grouping ? grouping.key : null,
            grouping ? grouping.none : ""
        );
        const [first, last] = visibleRows(this.state.scrollTop, this.state.viewportHeight, rows.length);
        const geometry = new Map();
        const visible = [];
        for (let index = first; index <= last; index++) {
            const row = rows[index];
            const item = { index, row, top: index * ROW_HEIGHT };
            if (row.type === "task") {
                const task = row.task;
                item.bar = barGeometry(task, range, zoom);
                if (item.bar) {
                    geometry.set(task.id, item.bar);
                }
                if (this.state.showBaseline && task.baselineStart !== null) {
                    item.baseline = barGeometry(
                        { start: task.baselineStart, finish: task.baselineFinish ?? task.baselineStart, milestone: false },
                        range,
                        zoom
                    );
                }
            } else if (row.group.phase && row.group.phase.start !== null) {
                const phase = row.group.phase;
                item.band = barGeometry({ start: phase.start, finish: phase.finish ?? phase.start }, range, zoom);
            }
            visible.push(item);
        }
        // arrows with at least one visible end (the other end's geometry is
        // computed on demand)
        const arrows = [];
        const geometryOf = (id) => {
            if (!geometry.has(id)) {
                const task = data.taskById.get(id);
                geometry.set(id, task ? barGeometry(this.previewTask(task), range, zoom) : null);
            }
            return geometry.get(id);
        };
        for (const link of data.links) {
            const fromRow = rowOf.get(link.from);
            const toRow = rowOf.get(link.to);
            if (fromRow === undefined || toRow === undefined) {
                continue;
            }
            if ((fromRow < first || fromRow > last) && (toRow < first || toRow > last)) {
                if (Math.min(fromRow, toRow) > last || Math.max(fromRow, toRow) < first) {
                    continue;
                }
            }
            const from = geometryOf(link.from);
            const to = geometryOf(link.to);
            if (!from || !to) {
                continue;
            }
            const route = arrowRoute(from, fromRow, to, toRow, link.type);
            arrows.push({ id: link.id, d: route.d, critical: link.critical, type: link.type });
        }
        const phaseBands =
            this.effectiveGroupBy !== "phase" && Object.keys(data.projects).length === 1
                ? data.phases
                      .filter((p) => p.start !== null)
                      .map((p) => ({ phase: p, ...barGeometry({ start: p.start, finish: p.finish ?? p.start }, range, zoom) }))
                : [];
        const milestones = data.milestones
            .filter((m) => m.day !== null)
            .map((m) => ({ milestone: m, x: dayToX(m.day, range, zoom) + SCALES[zoom].pxPerDay / 2 }));
        return {
            range,
            rows,
            visible,
            arrows,
            phaseBands,
            milestones,
            height: rows.length * ROW_HEIGHT,
            width: range.width,
            today: dayToX(data.today, range, zoom) + SCALES[zoom].pxPerDay / 2,
            nonWorking: nonWorkingRuns(range, zoom, data.calendar.workdays, data.holidays),
            major: this.headerLabels(headerCells(range, zoom, SCALES[zoom].major), SCALES[zoom].major),
            minor: this.headerLabels(headerCells(range, zoom, SCALES[zoom].minor), SCALES[zoom].minor),
        };
    }

    headerLabels(cells, unit) {
        return cells.map((cell) => {
            const date = DateTime.fromMillis(cell.start * DAY_MS, { zone: "utc" }).setLocale(user.lang.replace("_", "-"));
            let label;
            switch (unit) {
                case "day":
                    label = date.toFormat("d");
                    break;
                case "week":
                    label = date.toFormat("dd/MM");
                    break;
                case "month":
                    label = cell.width > 60 ? date.toFormat("MMMM yyyy") : date.toFormat("MMM");
                    break;
                case "quarter":
                    label = `Q${Math.floor(date.month / 3) + (date.month % 3 ? 1 : 0)}`;
                    break;
                default:
                    label = date.toFormat("yyyy");
            }
            return { ...cell, label, iso: fromDay(cell.start) };
        });
    }

    /** The task as it is drawn: moved while it is being dragged. */
    previewTask(task) {
        const drag = this.state.drag;
        if (drag && drag.taskId === task.id && drag.mode !== "link" && drag.delta) {
            return { ...task, ...applyDrag(task, drag.mode, drag.delta) };
        }
        return task;
    }

    /** The line drawn while dragging a link out of a bar. */
    get linkPreview() {
        const drag = this.state.drag;
        if (!drag || drag.mode !== "link" || drag.lineX === undefined) {
            return null;
        }
        const layout = this._layout;
        if (!layout) {
            return null;
        }
        const item = layout.visible.find((v) => v.row.type === "task" && v.row.task.id === drag.taskId);
        if (!item || !item.bar) {
            return null;
        }
        const x = drag.linkEnd === "start" ? item.bar.x : item.bar.x + item.bar.width;
        const y = item.top + ROW_HEIGHT / 2;
        return `M${x} ${y} L${drag.lineX} ${drag.lineY}`;
    }

    barClass(task) {
        const classes = [
            `o_flow_gantt_state_${task.state}`,
            `o_flow_gantt_health_${task.health}`,
        ];
        if (task.critical) {
            classes.push("o_flow_gantt_critical");
        }
        if (task.milestone) {
            classes.push("o_flow_gantt_milestone");
        }
        if (this.state.moved.includes(task.id)) {
            classes.push("o_flow_gantt_moved");
        }
        if (this.state.drag && this.state.drag.taskId === task.id) {
            classes.push("o_flow_gantt_dragging");
        }
        if (!task.can_write || this.readonly) {
            classes.push("o_flow_gantt_readonly");
        }
        return classes.join(" ");
    }

    barTitle(task) {
        const parts = [task.name];
        if (task.start !== null) {
            parts.push(`${fromDay(task.start)} → ${fromDay(task.finish ?? task.start)}`);
        }
        parts.push(STATE_LABELS[task.state] || task.state);
        parts.push(HEALTH_LABELS[task.health] || task.health);
        if (task.critical) {
            parts.push(_t("Critical path"));
        }
        parts.push(_t("Total float: %(days)s working days", { days: task.total_float }));
        if (task.conflict) {
            parts.push(task.conflict);
        }
        if (task.baselineStart !== null) {
            parts.push(_t("Baseline: %(start)s → %(finish)s", {
                start: fromDay(task.baselineStart),
                finish: fromDay(task.baselineFinish ?? task.baselineStart),
            }));
        }
        return parts.join("\n");
    }

    get zooms() {
        return [
            { key: "day", label: _t("Day") },
            { key: "week", label: _t("Week") },
            { key: "month", label: _t("Month") },
            { key: "quarter", label: _t("Quarter") },
        ];
    }

    get groupByOptions() {
        return [
            { key: "none", label: _t("No grouping") },
            { key: "phase", label: _t("Phase") },
            { key: "user", label: _t("Assignee") },
            { key: "project", label: _t("Project") },
        ];
    }

    get stateLegend() {
        return Object.entries(STATE_LABELS).map(([key, label]) => ({ key, label }));
    }

    get healthLegend() {
        return Object.entries(HEALTH_LABELS).map(([key, label]) => ({ key, label }));
    }

    // ------------------------------------------------------------------
    // Scrolling and zoom
    // ------------------------------------------------------------------
    measure() {
        const body = this.bodyRef.el;
        if (body) {
            this.state.viewportHeight = body.clientHeight || 800;
        }
    }

    onScroll(ev) {
        const top = ev.target.scrollTop;
        if (this.scrollFrame) {
            return;
        }
        this.scrollFrame = requestAnimationFrame(() => {
            this.scrollFrame = null;
            this.state.scrollTop = this.bodyRef.el ? this.bodyRef.el.scrollTop : top;
        });
    }

    scrollToToday() {
        const body = this.bodyRef.el;
        if (!body || !this.data) {
            return;
        }
        const x = dayToX(this.data.today, this.range, this.state.zoom);
        body.scrollLeft = Math.max(0, x - (body.clientWidth - this.nameWidth) / 3);
    }

    setZoom(zoom) {
        if (ZOOMS.includes(zoom)) {
            this.state.zoom = zoom;
            requestAnimationFrame(() => this.scrollToToday());
        }
    }

    zoomIn() {
        this.setZoom(zoomIn(this.state.zoom));
    }

    zoomOut() {
        this.setZoom(zoomOut(this.state.zoom));
    }

    onGroupByChange(ev) {
        this.state.groupBy = ev.target.value;
    }

    // ------------------------------------------------------------------
    // Editing: drag to move / resize / link
    // ------------------------------------------------------------------
    /** Edit handles show on the bar under the pointer (a class rather than
     * state: no re-render of the chart on hover). */
    onBarEnter(ev) {
        ev.currentTarget.classList.add("o_flow_gantt_hover");
    }

    onBarLeave(ev) {
        ev.currentTarget.classList.remove("o_flow_gantt_hover");
    }

    onBarPointerDown(ev, task, mode) {
        if (ev.button !== undefined && ev.button !== 0) {
            return;
        }
        ev.stopPropagation();
        const editable = !this.readonly && task.can_write && task.start !== null;
        if (mode === "link" && !(editable || this.data.can_link)) {
            return;
        }
        this.state.drag = {
            taskId: task.id,
            mode: editable || mode === "link" ? mode : "click",
            linkEnd: ev.target.dataset.end,
            startX: ev.clientX,
            delta: 0,
            moved: false,
            pointerX: ev.clientX,
            pointerY: ev.clientY,
        };
        window.addEventListener("pointermove", this.onPointerMove);
        window.addEventListener("pointerup", this.onPointerUp);
    }

    onPointerMove(ev) {
        const drag = this.state.drag;
        if (!drag) {
            return;
        }
        const dx = ev.clientX - drag.startX;
        if (Math.abs(dx) > 3 || Math.abs(ev.clientY - drag.pointerY) > 3) {
            drag.moved = true;
        }
        if (drag.mode === "move" || drag.mode === "start" || drag.mode === "end") {
            drag.delta = daysFromDx(dx, this.state.zoom);
        } else if (drag.mode === "link") {
            const body = this.bodyRef.el.getBoundingClientRect();
            drag.lineX = ev.clientX - body.left + this.bodyRef.el.scrollLeft - this.nameWidth;
            drag.lineY = ev.clientY - body.top + this.bodyRef.el.scrollTop - HEADER_HEIGHT;
        }
    }

    stopDrag() {
        window.removeEventListener("pointermove", this.onPointerMove);
        window.removeEventListener("pointerup", this.onPointerUp);
    }

    async onPointerUp(ev) {
        const drag = this.state.drag;
        this.stopDrag();
        if (!drag) {
            return;
        }
        const task = this.data.taskById.get(drag.taskId);
        if (drag.mode === "link") {
            this.state.drag = null;
            const targetEl = document.elementFromPoint(ev.clientX, ev.clientY)?.closest("[data-task-id]");
            const targetId = targetEl && Number(targetEl.dataset.taskId);
            if (targetId && targetId !== task.id) {
                const rect = targetEl.getBoundingClientRect();
                const type = linkTypeFor(drag.linkEnd || "finish", { x: rect.left, width: rect.width }, ev.clientX);
                await this.createLink(task, this.data.taskById.get(targetId), type);
            }
            return;
        }
        if (!drag.moved || !drag.delta || drag.mode === "click") {
            this.state.drag = null;
            if (!drag.moved) {
                this.openTask(task);
            }
            return;
        }
        const { start, finish } = applyDrag(task, drag.mode, drag.delta);
        // keep the preview until the server answers
        await this.moveTask(task, start, task.milestone ? null : finish);
        this.state.drag = null;
    }

    /** Reload and tell what the server changed besides the edit itself. */
    async reloadAndReport(editedId) {
        const before = new Map(this.data.tasks.map((t) => [t.id, t]));
        await this.load(this.props.domain);
        const moved = [];
        const conflicts = [];
        for (const task of this.data.tasks) {
            const old = before.get(task.id);
            if (!old) {
                continue;
            }
            if (task.id !== editedId && (old.start !== task.start || old.finish !== task.finish)) {
                moved.push(task.id);
            }
            if (task.conflict && task.conflict !== old.conflict) {
                conflicts.push(`${task.name}: ${task.conflict}`);
            }
        }
        this.state.moved = moved;
        if (moved.length) {
            this.notification.add(_t("%(count)s other tasks were rescheduled.", { count: moved.length }), {
                type: "info",
            });
        }
        if (conflicts.length) {
            this.notification.add(conflicts.join("\n"), { type: "warning", title: _t("Schedule conflict") });
        }
        clearTimeout(this.movedTimer);
        this.movedTimer = setTimeout(() => (this.state.moved = []), 4000);
    }

    async moveTask(task, start, finish) {
        let snapshot;
        this.state.busy = true;
        try {
            snapshot = await this.orm.call(this.props.resModel, "flow_gantt_move", [
                task.id,
                fromDay(start),
                finish === null ? false : fromDay(finish),
            ]);
        } catch (error) {
            await this.load(this.props.domain);
            throw error;
        } finally {
            this.state.busy = false;
        }
        this.state.lastAction = { kind: "move", taskId: task.id, snapshot, label: task.name };
        await this.reloadAndReport(task.id);
    }

    async createLink(from, to, type) {
        let linkId;
        this.state.busy = true;
        try {
            linkId = await this.orm.call(this.props.resModel, "flow_gantt_link", [from.id, to.id, type]);
        } catch (error) {
            await this.load(this.props.domain);
            throw error;
        } finally {
            this.state.busy = false;
        }
        this.state.lastAction = { kind: "link", linkId, label: `${from.name} → ${to.name}` };
        await this.reloadAndReport(null);
    }

    async undo() {
        const last = this.state.lastAction;
        if (!last) {
            return;
        }
        this.state.lastAction = null;
        if (last.kind === "move") {
            await this.orm.call(this.props.resModel, "flow_gantt_restore", [last.taskId, last.snapshot]);
        } else if (last.kind === "link") {
            await this.orm.unlink("project.task.link", [last.linkId]);
        }
        await this.reloadAndReport(last.taskId || null);
    }

    openTask(task) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "project.task",
            res_id: task.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    // ------------------------------------------------------------------
    // Export
    // ------------------------------------------------------------------
    async export(format) {
        await download({
            url: `/project_flow/gantt/${format}`,
            data: {
                domain: JSON.stringify(this.props.domain),
                scale: this.state.zoom,
                group_by: this.effectiveGroupBy,
            },
        });
    }
}
