/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A flow manager creates a project from a flow template, starts it, ticks
 * the deliverable of the first phase, submits its gate, approves it from
 * "To approve", and sees the phase done on the phase board.
 *
 * Data: tests/test_tour.py prepares the template "Tour flow" (first phase
 * "Tour kick-off": one required checklist item "Charter signed", approval
 * by any one of [admin]; second phase "Tour delivery").
 */
registry.category("web_tour.tours").add("project_flow_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("project.menu_main_pm", "Open the Project app"),
        {
            content: "Open the Flow menu",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            content: "New project from a template",
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_create"]',
            run: "click",
        },
        {
            content: "Pick the template",
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "edit Tour flow",
        },
        {
            trigger: ".modal .o_field_widget[name=template_id] .o-autocomplete--dropdown-menu li:contains(Tour flow)",
            run: "click",
        },
        {
            content: "Name the project",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Tour project",
        },
        {
            content: "Create it",
            trigger: ".modal-footer button[name=action_confirm]:contains(Create)",
            run: "click",
        },
        {
            content: "The new project is a draft",
            trigger: ".o_form_view .o_field_widget[name=flow_state] .o_arrow_button_current:contains(Draft)",
        },
        {
            content: "Submit it for initiation (no approval asked for this template)",
            trigger: ".o_form_view button[name=action_flow_submit]",
            run: "click",
        },
        {
            content: "The project runs",
            trigger: ".o_form_view .o_field_widget[name=flow_state] .o_arrow_button_current:contains(Running)",
        },
        {
            content: "Open the phase board",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_phase"]',
            run: "click",
        },
        {
            content: "The first phase is in progress: open it",
            trigger: ".o_kanban_record:contains(Tour kick-off):contains(In progress)",
            run: "click",
        },
        {
            content: "Tick the deliverable",
            trigger: ".o_form_view .o_field_widget[name=deliverable_ids] .o_data_row:contains(Charter signed) .o_field_boolean_toggle input",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=deliverable_ids] .o_data_row:contains(Charter signed) .o_field_boolean_toggle input:checked",
        },
        ...stepUtils.saveForm(),
        {
            content: "Submit the gate",
            trigger: ".o_form_view .o_form_statusbar button[name=action_submit_gate]:contains(Submit gate)",
            run: "click",
        },
        {
            content: "The phase waits for approval",
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains(Waiting for approval)",
        },
        {
            content: "Go to my approvals",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_my_approvals"]',
            run: "click",
        },
        {
            content: "Approve the gate of the tour project",
            trigger: ".o_list_view .o_data_row:contains(Tour project):contains(Tour kick-off) button[name=action_open_decision_wizard]:contains(Approve)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: "edit Charter signed, go",
        },
        {
            trigger: ".modal-footer button[name=action_approve]",
            run: "click",
        },
        {
            content: "Nothing left to approve for the tour project",
            trigger: "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:contains(Tour kick-off)))",
        },
        {
            content: "Back to the phase board",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_phase"]',
            run: "click",
        },
        {
            content: "The next phase has opened",
            trigger: ".o_kanban_record:contains(Tour delivery):contains(In progress)",
        },
        {
            content: "The first phase is done",
            trigger: ".o_kanban_record:contains(Tour kick-off):contains(Done)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains(Done)",
        },
    ],
});
