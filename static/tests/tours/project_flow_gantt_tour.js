/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** The day cell of the Gantt's header ``days`` days after ``monday``, as an ISO date. */
function dayCell(days) {
    const now = new Date();
    const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    const weekday = (new Date(today).getUTCDay() + 6) % 7; // 0 = Monday
    const monday = today + (7 - weekday) * 86400000;
    const iso = new Date(monday + days * 86400000).toISOString().slice(0, 10);
    return `.o_flow_gantt_minor_cell[data-day='${iso}']`;
}

/**
 * A project manager opens a project's Gantt from the view switcher of its
 * tasks, drags a bar (its successor moves and the critical path changes),
 * then draws a link from one bar to another (the critical path changes again).
 *
 * Data (tests/test_gantt_tour.py): project "Gantt tour project" from next
 * Monday, automatic scheduling: Design (3 days) -> Build (2) -> Launch
 * (milestone); Docs (2 days, start to start + 1 after Design); Review (7 days,
 * unlinked) is the critical path.
 */
registry.category("web_tour.tours").add("project_flow_gantt_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("project.menu_main_pm", "Open the Project app"),
        {
            content: "Open the project's tasks",
            trigger: ".o_kanban_record:contains(Gantt tour project)",
            run: "click",
        },
        {
            content: "Switch to the Gantt",
            trigger: ".o_control_panel .o_switch_view.o_flow_gantt",
            run: "click",
        },
        {
            content: "Zoom on days",
            trigger: ".o_flow_gantt_zoom[data-zoom=day]",
            run: "click",
        },
        {
            content: "Review is the critical path, Build is not",
            trigger: ".o_flow_gantt_bar.o_flow_gantt_critical:contains(Review)",
        },
        {
            trigger: ".o_flow_gantt_bar:not(.o_flow_gantt_critical):contains(Build)",
        },
        {
            content: "Drag Build four days later (from Thursday to next Monday)",
            trigger: ".o_flow_gantt_bar:contains(Build)",
            async run(helpers) {
                // the bar is grabbed in its middle (Friday 00:00); dropped just
                // after the start of the Tuesday after: 4 days later
                await helpers.drag_and_drop(dayCell(8), {
                    position: { left: 2, top: 5 },
                    relative: true,
                });
            },
        },
        {
            content: "Its successor Launch moved with it",
            trigger: ".o_flow_gantt_diamond.o_flow_gantt_moved[title^=Launch]",
        },
        {
            content: "Build is now on the critical path",
            trigger: ".o_flow_gantt_bar.o_flow_gantt_critical:contains(Build)",
        },
        {
            content: "Undo is offered",
            trigger: ".o_flow_gantt_undo:enabled",
        },
        {
            content: "Point at Review: its link handles show",
            trigger: ".o_flow_gantt_bar:contains(Review)",
            run: "hover",
        },
        {
            content: "Draw a link from the end of Review to Docs",
            trigger: ".o_flow_gantt_bar:contains(Review) .o_flow_gantt_link_handle_finish",
            async run(helpers) {
                await helpers.drag_and_drop(".o_flow_gantt_bar:contains(Docs)", {
                    position: { left: 3, top: 5 },
                    relative: true,
                });
            },
        },
        {
            content: "Docs now waits for Review and is critical; Build no longer is",
            trigger: ".o_flow_gantt_bar.o_flow_gantt_critical:contains(Docs)",
        },
        {
            trigger: ".o_flow_gantt_bar:not(.o_flow_gantt_critical):contains(Build)",
        },
        {
            content: "The new link is drawn",
            trigger: ".o_flow_gantt_arrows path.o_flow_gantt_arrow_critical[data-link-type=FS]",
        },
    ],
});
