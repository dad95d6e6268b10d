/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A flow user opens "My work" from Project ▸ Flow, checks in on a project
 * in one click (today's check-in opens prefilled), comes back to the
 * workspace, which now shows the check-in done, and approves the gate
 * waiting for them.
 *
 * Data: tests/test_workspace.py (TestWorkspaceTour) prepares the running
 * project "Workspace tour project" followed by the user, whose first phase
 * "Tour kick-off" waits for the user's approval.
 */
registry.category("web_tour.tours").add("project_flow_workspace_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("project.menu_main_pm", "Open the Project app"),
        {
            content: "Open the Flow menu",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            content: "Open My work",
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_workspace"]',
            run: "click",
        },
        {
            content: "Check in on the project in one click",
            trigger: ".o_flow_ws_checkin_line:contains(Workspace tour project) button.btn-primary:contains(Check in)",
            run: "click",
        },
        {
            content: "Today's check-in opens: say what was done",
            trigger: ".o_form_view .o_field_widget[name=done] textarea",
            run: "edit Prepared the kick-off",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Back to My work",
            trigger: ".o_breadcrumb .o_back_button:contains(My work)",
            run: "click",
        },
        {
            content: "The check-in is done",
            trigger: ".o_flow_ws_checkin_line:contains(Workspace tour project) button:contains(Checked in)",
        },
        {
            content: "Approve the gate waiting for me",
            trigger: ".o_flow_ws_approval:contains(Tour kick-off) .o_flow_ws_approve",
            run: "click",
        },
        {
            content: "Nothing left to approve",
            trigger: ".o_flow_ws_approvals:contains(No request waits for you)",
        },
    ],
});
