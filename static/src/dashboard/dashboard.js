/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { FlowChart } from "./flow_chart";

const CLOSED_STATES = ["1_done", "1_canceled"];

/**
 * The flow dashboard: where the portfolio stands, in one screen.
 *
 * All figures come from one call to `project.flow.dashboard.get_data(filters)`
 * (server-side SQL and `_read_group`, see models/project_flow_dashboard.py);
 * this component only lays them out. Every number opens the records behind
 * it: KPI cards carry their own action (model and domain) from the server,
 * chart points, tiles and list lines open the records by id.
 */
export class FlowDashboard extends Component {
    static template = "project_flow.Dashboard";
    static components = { FlowChart };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.ui = useService("ui");
        this.state = useState({
            data: null,
            busy: false,
            tab: "overview",
            filters: {
                period: "month",
                date: false,
                department_ids: [],
                template_ids: [],
                manager_ids: [],
            },
        });
        onWillStart(() => this.load());
    }

    async load() {
        const data = await this.orm.call("project.flow.dashboard", "get_data", [this.serverFilters()]);
        this.state.data = data;
        this.state.filters.date = data.filters.date;
    }

    serverFilters() {
        const filters = this.state.filters;
        const result = {
            period: filters.period,
            department_ids: filters.department_ids,
            template_ids: filters.template_ids,
            manager_ids: filters.manager_ids,
        };
        if (filters.date) {
            result.date = filters.date;
        }
        return result;
    }

    async reload() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            await this.load();
        } finally {
            this.state.busy = false;
        }
    }

    setTab(tab) {
        this.state.tab = tab;
    }

    // ------------------------------------------------------------------
    // Filters
    // ------------------------------------------------------------------

    get periodOptions() {
        return [
            ["week", _t("Week")],
            ["month", _t("Month")],
            ["quarter", _t("Quarter")],
            ["year", _t("Year")],
        ];
    }

    onPeriodChange(period) {
        this.state.filters.period = period;
        return this.reload();
    }

    /** Previous (-1) or next (+1) period: the day before its start or after its end. */
    onShiftPeriod(step) {
        const period = this.state.data.period;
        const day = luxon.DateTime.fromISO(step < 0 ? period.start : period.end).plus({ days: step });
        this.state.filters.date = day.toISODate();
        return this.reload();
    }

    onToday() {
        this.state.filters.date = false;
        return this.reload();
    }

    onFilterChange(key, value) {
        const id = parseInt(value, 10);
        this.state.filters[key] = id ? [id] : [];
        return this.reload();
    }

    selectedId(key) {
        return this.state.filters[key][0] || 0;
    }

    get hasFilters() {
        const filters = this.state.filters;
        return Boolean(
            filters.department_ids.length || filters.template_ids.length || filters.manager_ids.length
        );
    }

    onClearFilters() {
        Object.assign(this.state.filters, { department_ids: [], template_ids: [], manager_ids: [] });
        return this.reload();
    }

    // ------------------------------------------------------------------
    // Formatting
    // ------------------------------------------------------------------

    formatValue(value, unit) {
        if (value === null || value === undefined || value === false) {
            return "–";
        }
        const digits = Number.isInteger(value) ? 0 : 1;
        const number = formatFloat(value, { digits: [false, digits] });
        if (unit === "%") {
            return `${number} %`;
        }
        return unit ? this.withUnit(number, unit) : number;
    }

    /** The server sends unit codes (also the XLSX formats' keys). */
    withUnit(number, unit) {
        if (unit === "h") {
            return _t("%(hours)s h", { hours: number });
        }
        if (unit === "d") {
            return _t("%(days)s d", { days: number });
        }
        return `${number} ${unit}`;
    }

    /** Trend of a KPI against the previous period: arrow, text, colour. */
    trend(kpi) {
        if (kpi.value === null || kpi.previous === null || kpi.value === undefined) {
            return { icon: "", text: _t("no comparison"), cls: "text-muted" };
        }
        const delta = kpi.value - kpi.previous;
        if (Math.abs(delta) < 1e-9) {
            return { icon: "fa-arrow-right", text: _t("as before"), cls: "text-muted" };
        }
        const good = kpi.better === "down" ? delta < 0 : delta > 0;
        const digits = Number.isInteger(delta) ? 0 : 1;
        const sign = delta > 0 ? "+" : "−";
        const amount = formatFloat(Math.abs(delta), { digits: [false, digits] });
        // a change of a percentage is in percentage points
        const text =
            kpi.unit === "%"
                ? _t("%(sign)s%(points)s pt", { sign, points: amount })
                : `${sign}${amount}`;
        return {
            icon: delta > 0 ? "fa-arrow-up" : "fa-arrow-down",
            text,
            cls: good ? "text-success" : "text-danger",
        };
    }

    /** Reasons come one per line: one line of text in a list. */
    oneLine(text) {
        return (text || "").split(/\n+/).filter(Boolean).join(" · ");
    }

    get healthClasses() {
        return { green: "o_flow_db_green", yellow: "o_flow_db_yellow", red: "o_flow_db_red" };
    }

    get healthLabels() {
        return { green: _t("Green"), yellow: _t("Yellow"), red: _t("Red") };
    }

    get levelLabels() {
        return {
            0: _t("Risk"),
            1: _t("Level 1"),
            2: _t("Level 2"),
            3: _t("Level 3"),
        };
    }

    get portfolioCounts() {
        const counts = { green: 0, yellow: 0, red: 0, none: 0 };
        for (const project of this.state.data.portfolio) {
            counts[project.health || "none"]++;
        }
        return counts;
    }

    // ------------------------------------------------------------------
    // Charts
    // ------------------------------------------------------------------

    get cycleChart() {
        const chart = this.state.data.charts.cycle_trend;
        return {
            labels: chart.labels,
            datasets: [
                {
                    label: _t("Task cycle (days)"),
                    data: chart.task,
                    borderColor: "#017e84",
                    backgroundColor: "#017e84",
                    tension: 0.2,
                },
                {
                    label: _t("Project cycle (days)"),
                    data: chart.project,
                    borderColor: "#714b67",
                    backgroundColor: "#714b67",
                    tension: 0.2,
                    yAxisID: "y1",
                },
            ],
            // projects take months, tasks days: one axis each
            options: {
                scales: {
                    y: { beginAtZero: true, title: { display: true, text: _t("Task (days)") } },
                    y1: {
                        beginAtZero: true,
                        position: "right",
                        grid: { drawOnChartArea: false },
                        title: { display: true, text: _t("Project (days)") },
                    },
                },
            },
        };
    }

    get onTimeChart() {
        const chart = this.state.data.charts.on_time_by_department;
        return {
            labels: chart.labels,
            datasets: [
                {
                    label: _t("On-time rate (%)"),
                    data: chart.values,
                    backgroundColor: chart.values.map((value) =>
                        value === null ? "#adb5bd" : value >= 80 ? "#28a745" : value >= 60 ? "#f0ad4e" : "#dc3545"
                    ),
                },
            ],
            options: { scales: { y: { beginAtZero: true, max: 100 } } },
        };
    }

    get workloadChart() {
        const chart = this.state.data.charts.workload;
        return {
            labels: chart.labels,
            datasets: [
                { label: _t("Open tasks"), data: chart.open_tasks, backgroundColor: "#017e84" },
                { label: _t("Allocated hours"), data: chart.hours, backgroundColor: "#e9a13b" },
            ],
        };
    }

    // ------------------------------------------------------------------
    // Drill-down
    // ------------------------------------------------------------------

    openAction(spec, extraDomain = []) {
        if (!spec) {
            return;
        }
        const views = (spec.views || "list").split(",").map((type) => [false, type.trim()]);
        if (!views.some(([, type]) => type === "form")) {
            views.push([false, "form"]);
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: spec.name,
            res_model: spec.res_model,
            domain: [...spec.domain, ...extraDomain],
            views,
            target: "current",
            context: { ...this.listViewRef(spec.res_model), ...(spec.context || {}) },
        });
    }

    /** A flat task list: Odoo's default one groups tasks by stage, which
     * folds away the records behind a number. */
    listViewRef(resModel) {
        return resModel === "project.task" ? { list_view_ref: "project.project_task_view_tree_base" } : {};
    }

    openRecord(resModel, resId) {
        if (!resId) {
            return;
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: resModel,
            res_id: resId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    kpi(key) {
        return this.state.data.kpis.find((kpi) => kpi.key === key);
    }

    onKpiClick(kpi) {
        return this.openAction(kpi.action);
    }

    onOnTimeClick(index) {
        const chart = this.state.data.charts.on_time_by_department;
        const kpi = this.kpi("on_time_rate");
        return this.openAction(
            { ...kpi.action, name: `${kpi.label} · ${chart.labels[index]}` },
            [["flow_department_id", "=", chart.ids[index] || false]]
        );
    }

    onWorkloadClick(index) {
        const chart = this.state.data.charts.workload;
        return this.openAction({
            res_model: "project.task",
            name: _t("Open tasks of %(person)s", { person: chart.labels[index] }),
            domain: [
                ["user_ids", "in", [chart.ids[index]]],
                ["state", "not in", CLOSED_STATES],
                ["project_id", "in", this.state.data.portfolio.map((project) => project.id)],
            ],
            views: "list,kanban",
        });
    }

    onCycleClick(index, datasetIndex) {
        return this.openAction(this.kpi(datasetIndex ? "cycle_days_project" : "cycle_days_task").action);
    }

    onBottleneckClick(bottleneck) {
        return this.openAction({
            res_model: "project.flow.phase",
            name: _t("Phases: %(phase)s", { phase: bottleneck.name }),
            domain: [["template_phase_id", "=", bottleneck.template_phase_id]],
            views: "list",
        });
    }

    onReviewCell(row, column) {
        const kpi = this.kpi(row.key);
        if (!kpi) {
            return;
        }
        // the department of a task is its own, of a timesheet its task's, of
        // anything else its project's main department (as the server counts)
        const field = {
            "project.task": "flow_department_id",
            "project.project": "flow_department_id",
            "account.analytic.line": "task_id.flow_department_id",
        }[kpi.action.res_model] || "project_id.flow_department_id";
        return this.openAction({ ...kpi.action, name: `${row.label} · ${column.name}` }, [
            [field, "=", column.id || false],
        ]);
    }

    // ------------------------------------------------------------------
    // Export
    // ------------------------------------------------------------------

    async onExport() {
        this.state.busy = true;
        try {
            await download({
                url: "/project_flow/kpi/dashboard.xlsx",
                data: { filters: JSON.stringify(this.serverFilters()) },
            });
        } finally {
            this.state.busy = false;
        }
    }
}

registry.category("actions").add("project_flow_dashboard", FlowDashboard);
