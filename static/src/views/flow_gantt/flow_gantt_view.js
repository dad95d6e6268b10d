import { registry } from "@web/core/registry";
import { FlowGanttArchParser } from "./flow_gantt_arch_parser";
import { FlowGanttController } from "./flow_gantt_controller";
import { FlowGanttRenderer } from "./flow_gantt_renderer";

/** The project_flow Gantt: view type ``flow_gantt`` (Enterprise's web_gantt owns ``gantt``). */
export const flowGanttView = {
    type: "flow_gantt",
    ArchParser: FlowGanttArchParser,
    Controller: FlowGanttController,
    Renderer: FlowGanttRenderer,
    searchMenuTypes: ["filter", "groupBy", "favorite"],

    props: (genericProps, view) => {
        const { ArchParser, Renderer } = view;
        return {
            ...genericProps,
            archInfo: new ArchParser().parse(genericProps.arch),
            Renderer,
        };
    },
};

registry.category("views").add("flow_gantt", flowGanttView);
