/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The project manager of a finished flow project walks its retrospective
 * step by step (goals and results with the key figures, what went well,
 * a lesson, a follow-up action), completes it, and closes the project.
 *
 * Data: tests/test_retrospective.py prepares "Retro tour project" (all its
 * phases done) with a draft retrospective.
 */
registry.category("web_tour.tours").add("project_flow_retro_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("project.menu_main_pm", "Open the Project app"),
        {
            content: "Open the Flow menu",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            content: "Open the retrospectives",
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_retrospective"]',
            run: "click",
        },
        {
            content: "Open the retrospective of the tour project",
            trigger: ".o_list_view .o_data_row:contains(Retro tour project) td[name=project_id]",
            run: "click",
        },
        {
            content: "Step 1: the key figures of the project are shown",
            trigger: ".o_form_view .o_field_widget[name=figures_html] table.o_flow_figures",
        },
        {
            content: "Write the results",
            trigger: ".o_form_view .o_field_html[name=results] .odoo-editor-editable",
            run: "editor Tour delivered on time",
        },
        {
            content: "Next step",
            trigger: ".o_form_view .o_form_statusbar button[name=action_next_step]",
            run: "click",
        },
        {
            content: "Step 2: what went well",
            trigger: ".o_form_view .o_field_widget[name=step] .o_arrow_button_current:contains(Went well)",
        },
        {
            trigger: ".o_form_view .o_field_html[name=went_well] .odoo-editor-editable",
            run: "editor Short daily syncs",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name=action_next_step]",
            run: "click",
        },
        {
            content: "Step 3: add a lesson",
            trigger: ".o_form_view .o_field_widget[name=lesson_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=lesson_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Plan the tour earlier",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name=action_next_step]",
            run: "click",
        },
        {
            content: "Step 4: a follow-up action for the template",
            trigger: ".o_form_view .o_field_widget[name=followup_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=followup_ids] .o_data_row .o_field_widget[name=kind] select",
            run: 'select "template"',
        },
        {
            trigger: ".o_form_view .o_field_widget[name=followup_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Add a rehearsal task",
        },
        {
            content: "Complete the retrospective",
            trigger: ".o_form_view .o_form_statusbar button[name=action_done]",
            run: "click",
        },
        {
            content: "It is completed",
            trigger: ".o_form_view .ribbon:contains(Completed)",
        },
        {
            content: "Back to the project",
            trigger: ".o_form_view button[name=action_view_project]",
            run: "click",
        },
        {
            content: "Request its closing",
            trigger: ".o_form_view .o_form_statusbar button[name=action_flow_request_closing]",
            run: "click",
        },
        {
            content: "The project is closed",
            trigger: ".o_form_view .o_field_widget[name=flow_state] .o_arrow_button_current:contains(Closed)",
        },
    ],
});
