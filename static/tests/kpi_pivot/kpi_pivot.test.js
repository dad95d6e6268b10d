import { describe, expect, test } from "@odoo/hoot";
import {
    contains,
    defineModels,
    fields,
    models,
    mountView,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { download } from "@web/core/network/download";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";

class KpiRow extends models.Model {
    _name = "flow.kpi.row";
    department = fields.Selection({
        string: "Department",
        selection: [
            ["rd", "R&D"],
            ["mkt", "Marketing"],
        ],
        store: true,
        groupable: true,
        sortable: true,
    });
    on_time_rate = fields.Float({ string: "On-time rate", aggregator: "avg", groupable: false });
    effective_hours = fields.Float({ string: "Hours", aggregator: "sum", groupable: false });
    task_count = fields.Integer({ string: "Tasks", aggregator: "sum", groupable: false });

    _records = [
        { id: 1, department: "rd", on_time_rate: 50, effective_hours: 4.5, task_count: 2 },
        { id: 2, department: "rd", on_time_rate: 100, effective_hours: 2, task_count: 1 },
        { id: 3, department: "mkt", on_time_rate: 80, effective_hours: 6, task_count: 3 },
    ];
}

// project_flow depends on mail, whose services run in this bundle
defineMailModels();
defineModels([KpiRow]);

const ARCH = `
    <pivot js_class="flow_kpi_pivot">
        <field name="department" type="row"/>
        <field name="on_time_rate" type="measure"/>
        <field name="effective_hours" type="measure" widget="float_time"/>
        <field name="task_count" type="measure"/>
    </pivot>`;

describe("project_flow kpi pivot", () => {
    test("the formatted export button sits next to Odoo's download button", async () => {
        await mountView({ type: "pivot", resModel: "flow.kpi.row", arch: ARCH });
        expect(".o_pivot_download").toHaveCount(1);
        expect(".o_pivot_download + .o_flow_kpi_pivot_export").toHaveCount(1);
        expect(".o_flow_kpi_pivot_export").toHaveText("Export (formatted XLSX)");
    });

    test("it posts the pivot's export data with the measures' types", async () => {
        expect.assertions(9);
        patchWithCleanup(download, {
            _download: ({ url, data }) => {
                expect(url).toBe("/project_flow/kpi/pivot.xlsx");
                const table = JSON.parse(data.data);
                expect(table.model).toBe("flow.kpi.row");
                expect(table.measure_count).toBe(3);
                expect(table.measures.map((m) => m.name)).toEqual([
                    "on_time_rate",
                    "effective_hours",
                    "task_count",
                ]);
                expect(table.measures.map((m) => m.type)).toEqual(["float", "float", "integer"]);
                expect(table.measures[1].widget).toBe("float_time");
                expect(table.value_columns).toEqual([
                    { measure: "on_time_rate", variation: false },
                    { measure: "effective_hours", variation: false },
                    { measure: "task_count", variation: false },
                ]);
                // Total, then the two departments
                expect(table.rows.map((row) => row.indent)).toEqual([0, 1, 1]);
                // (the mock server sums every measure: only sums are checked)
                expect(table.rows[0].values.slice(1).map((cell) => cell.value)).toEqual([12.5, 6]);
                return Promise.resolve();
            },
        });
        await mountView({ type: "pivot", resModel: "flow.kpi.row", arch: ARCH });
        await contains(".o_flow_kpi_pivot_export").click();
    });
});
