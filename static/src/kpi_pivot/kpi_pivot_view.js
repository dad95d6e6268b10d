import { _t } from "@web/core/l10n/translation";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { pivotView } from "@web/views/pivot/pivot_view";
import { PivotRenderer } from "@web/views/pivot/pivot_renderer";

/**
 * Odoo's pivot export, completed with what a formatted workbook needs: each
 * active measure's field name, type and widget (number formats: percent for
 * rates, one decimal for hours and days, integers for counts) and, for every
 * value column, its measure and whether it is a variation between compared
 * periods.
 *
 * @param {import("@web/views/pivot/pivot_model").PivotModel} model
 */
export function flowKpiExportData(model) {
    const table = model.exportData();
    const { activeMeasures, fields, widgets, measures } = model.metaData;
    table.measures = activeMeasures.map((name) => ({
        name,
        string: (measures && measures[name] && measures[name].string) || fields[name]?.string || name,
        type: name === "__count" ? "integer" : fields[name]?.type || "float",
        widget: (widgets && widgets[name]) || false,
    }));
    const firstRow = model.getTable().rows[0];
    table.value_columns = firstRow
        ? firstRow.subGroupMeasurements.map((measurement) => ({
              measure: measurement.measure,
              variation: measurement.originIndexes.length > 1,
          }))
        : [];
    return table;
}

export class FlowKpiPivotRenderer extends PivotRenderer {
    /**
     * Posts the pivot as shown (groups, measures, compared periods) to the
     * module's formatted export; Odoo's own download button stays as is.
     */
    async onFormattedExportClicked() {
        if (this.model.getTableWidth() > 16384) {
            throw new Error(
                _t(
                    "For Excel compatibility, data cannot be exported if there are more than 16384 columns."
                )
            );
        }
        await download({
            url: "/project_flow/kpi/pivot.xlsx",
            data: { data: JSON.stringify(flowKpiExportData(this.model)) },
        });
    }
}

export const flowKpiPivotView = {
    ...pivotView,
    Renderer: FlowKpiPivotRenderer,
    buttonTemplate: "project_flow.FlowKpiPivot.Buttons",
};

registry.category("views").add("flow_kpi_pivot", flowKpiPivotView);
