/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A manager opens the flow dashboard from Project ▸ Flow ▸ Dashboard,
 * narrows it to one department, reads the completion rate of the period and
 * drills down to the tasks behind it, then compares teams in the monthly
 * review.
 *
 * Data: tests/test_dashboard_tour.py prepares the department "Tour
 * analytics" with one flow project whose only task due this month is done.
 */
registry.category("web_tour.tours").add("project_flow_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("project.menu_main_pm", "Open the Project app"),
        {
            content: "Open the Flow menu",
            trigger: 'button[data-menu-xmlid="project_flow.menu_project_flow_root"]',
            run: "click",
        },
        {
            content: "Open the dashboard",
            trigger: 'a[data-menu-xmlid="project_flow.menu_project_flow_dashboard"]',
            run: "click",
        },
        {
            content: "The KPI cards and the portfolio show",
            trigger: ".o_flow_db_kpi_completion_rate",
        },
        {
            content: "Filter on the department",
            trigger: "select.o_flow_db_filter_department",
            run: "selectByLabel Tour analytics",
        },
        {
            content: "Only the department's project is left in the portfolio",
            trigger: ".o_flow_db_portfolio:not(:has(.o_flow_db_tile:not(:contains(Tour analytics project)))) .o_flow_db_tile:contains(Tour analytics project)",
        },
        {
            content: "Its one task due this month is done: 100 %",
            trigger: ".o_flow_db_kpi_completion_rate .o_flow_db_kpi_value:contains(100)",
        },
        {
            content: "Drill down to the tasks behind the completion rate",
            trigger: ".o_flow_db_kpi_completion_rate",
            run: "click",
        },
        {
            content: "The task counted is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour analytics task)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "The department filter is still applied",
            trigger: ".o_flow_db_portfolio .o_flow_db_tile:contains(Tour analytics project)",
        },
        {
            content: "Compare teams side by side",
            trigger: ".o_flow_db_tab_review",
            run: "click",
        },
        {
            content: "The monthly review lists the department",
            trigger: ".o_flow_db_review_table th:contains(Tour analytics)",
        },
    ],
});
