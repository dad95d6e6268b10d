import { Component, useRef } from "@odoo/owl";
import { useSetupAction } from "@web/search/action_hook";
import { CogMenu } from "@web/search/cog_menu/cog_menu";
import { Layout } from "@web/search/layout";
import { SearchBar } from "@web/search/search_bar/search_bar";
import { useSearchBarToggler } from "@web/search/search_bar/search_bar_toggler";
import { standardViewProps } from "@web/views/standard_view_props";

export class FlowGanttController extends Component {
    static template = "project_flow.FlowGanttController";
    static components = { Layout, SearchBar, CogMenu };
    static props = {
        ...standardViewProps,
        archInfo: Object,
        Renderer: Function,
    };

    setup() {
        useSetupAction({ rootRef: useRef("root") });
        this.searchBarToggler = useSearchBarToggler();
    }
}
