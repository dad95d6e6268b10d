/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The resource load pivot (js_class flow_kpi_pivot, loaded lazily with
 * Odoo's pivot view) shows the formatted export button next to Odoo's
 * download button.
 */
registry.category("web_tour.tours").add("project_flow_kpi_pivot_tour", {
    steps: () => [
        {
            content: "The pivot view is displayed",
            trigger: ".o_pivot_view .o_pivot_buttons",
        },
        {
            content: "The formatted export sits next to Odoo's download button",
            trigger: ".o_pivot_buttons .o_pivot_download + .o_flow_kpi_pivot_export",
        },
    ],
});
