/** @odoo-module **/

import { Component, onMounted, onWillStart, onWillUnmount, onWillUpdateProps, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";

/**
 * A Chart.js chart (Odoo's own bundle `web.chartjs_lib`, loaded on demand).
 *
 * Props: `type` (line, bar), `labels`, `datasets` (Chart.js datasets),
 * `onClick(index, datasetIndex)` for drill-down, `options` merged into the
 * defaults, `height` in pixels.
 */
export class FlowChart extends Component {
    static template = "project_flow.FlowChart";
    static props = {
        type: String,
        labels: Array,
        datasets: Array,
        onClick: { type: Function, optional: true },
        options: { type: Object, optional: true },
        height: { type: Number, optional: true },
        name: { type: String, optional: true },
    };
    static defaultProps = { height: 220 };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        onMounted(() => this.render_chart(this.props));
        onWillUpdateProps((nextProps) => this.render_chart(nextProps));
        onWillUnmount(() => this.chart && this.chart.destroy());
    }

    render_chart(props) {
        if (this.chart) {
            this.chart.destroy();
        }
        const onClick = props.onClick;
        // Chart.js writes into the data it is given (metadata, patched array
        // methods): give it plain copies, never the component's reactive
        // state, or each of its writes would render the dashboard again.
        const copy = (value) => JSON.parse(JSON.stringify(value));
        this.chart = new window.Chart(this.canvasRef.el, {
            type: props.type,
            data: { labels: copy(props.labels), datasets: copy(props.datasets) },
            options: {
                maintainAspectRatio: false,
                animation: false,
                spanGaps: true,
                plugins: { legend: { display: props.datasets.length > 1, position: "bottom" } },
                scales: { y: { beginAtZero: true } },
                onHover: (event, elements) => {
                    event.native.target.style.cursor = onClick && elements.length ? "pointer" : "default";
                },
                onClick: (event, elements) => {
                    if (onClick && elements.length) {
                        onClick(elements[0].index, elements[0].datasetIndex);
                    }
                },
                ...copy(props.options || {}),
            },
        });
    }
}
