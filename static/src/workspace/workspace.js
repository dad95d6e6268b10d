/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * "My work": one page with what the current user has to do today.
 *
 * All data comes from one call to `project.flow.workspace.get_data()`;
 * buttons call the existing business methods (check-in action, approval
 * decisions, alert acknowledgement) and the page reloads afterwards.
 */
export class FlowWorkspace extends Component {
    static template = "project_flow.Workspace";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.ui = useService("ui");
        this.state = useState({ data: null, busy: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("project.flow.workspace", "get_data", []);
    }

    get scheduleLabels() {
        return {
            on_track: _t("On track"),
            at_risk: _t("At risk"),
            late: _t("Late"),
            escalated: _t("Escalated"),
        };
    }

    get healthClasses() {
        return { green: "text-bg-success", yellow: "text-bg-warning", red: "text-bg-danger" };
    }

    get scheduleClasses() {
        return {
            on_track: "text-bg-success",
            at_risk: "text-bg-warning",
            late: "text-bg-danger",
            escalated: "text-bg-dark",
        };
    }

    get levelClasses() {
        return { 0: "text-bg-warning", 1: "text-bg-danger", 2: "text-bg-dark", 3: "text-bg-dark" };
    }

    get checkedInCount() {
        return this.state.data.projects.filter((project) => project.checkin_id).length;
    }

    formatDateTime(value) {
        return value ? formatDateTime(deserializeDateTime(value), { showSeconds: false }) : "";
    }

    /** The phase's name without the project's, which the line shows already. */
    phaseLabel(task) {
        const prefix = `${task.project_id[1]} / `;
        const label = task.flow_phase_id[1];
        return label.startsWith(prefix) ? label.slice(prefix.length) : label;
    }

    scheduleTitle(project) {
        const parts = [];
        if (project.alert_level >= 0) {
            parts.push(_t("Highest open delay alert: level %(level)s", { level: project.alert_level }));
        }
        if (project.late_task_count) {
            parts.push(_t("%(count)s open tasks past their deadline", { count: project.late_task_count }));
        }
        if (project.milestone_on_time_rate !== null) {
            parts.push(_t("Milestones on time: %(rate)s%", { rate: project.milestone_on_time_rate }));
        }
        return parts.join(" · ") || _t("No delay alert and no late task");
    }

    async run(callback) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            await callback();
        } finally {
            this.state.busy = false;
        }
    }

    async doActionThenReload(action) {
        if (action && typeof action === "object") {
            await this.action.doAction(action, { onClose: () => this.load() });
        } else {
            await this.load();
        }
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

    onCheckin(project) {
        return this.run(async () => {
            const action = await this.orm.call("project.project", "action_flow_checkin", [
                [project.id],
            ]);
            await this.action.doAction(action);
        });
    }

    onApprove(approval) {
        return this.run(async () => {
            await this.orm.call("project.flow.approval", "action_approve", [[approval.id]]);
            this.notification.add(_t("Approved: %(subject)s", { subject: approval.subject }), {
                type: "success",
            });
            await this.load();
        });
    }

    onDecide(approval) {
        return this.run(async () => {
            const action = await this.orm.call(
                "project.flow.approval",
                "action_open_decision_wizard",
                [[approval.id]]
            );
            await this.doActionThenReload(action);
        });
    }

    onAcknowledge(alert) {
        return this.run(async () => {
            const action = await this.orm.call("project.flow.alert", "action_acknowledge", [
                [alert.id],
            ]);
            await this.doActionThenReload(action);
        });
    }

    onOpenTask(task) {
        return this.openRecord("project.task", task.id);
    }

    onOpenProject(project) {
        return this.openRecord("project.project", project.id);
    }

    onOpenAlert(alert) {
        return this.openRecord("project.flow.alert", alert.id);
    }

    onOpenApproval(approval) {
        return approval.phase_id
            ? this.openRecord("project.flow.phase", approval.phase_id)
            : this.openRecord("project.project", approval.project_id);
    }

    onOpenMessage(message) {
        return this.openRecord(message.model, message.res_id);
    }

    onOpenAll(xmlid) {
        return this.action.doAction(xmlid);
    }
}

registry.category("actions").add("project_flow.workspace", FlowWorkspace);
