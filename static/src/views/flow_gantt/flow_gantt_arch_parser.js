import { exprToBoolean } from "@web/core/utils/strings";

/** Reads the <flow_gantt> arch (its attributes only). */
export class FlowGanttArchParser {
    parse(xmlDoc) {
        return {
            defaultScale: xmlDoc.getAttribute("default_scale") || "week",
            defaultGroupBy: xmlDoc.getAttribute("default_group_by") || "phase",
            canEdit: exprToBoolean(xmlDoc.getAttribute("edit"), true),
        };
    }
}
