from lxml import etree

from odoo import _, fields, models
from odoo.tools import format_list

# Attributes a <flow_gantt> arch may carry.
FLOW_GANTT_ATTRIBUTES = {
    "__validate__",  # ir.ui.view implementation detail
    "class",
    "js_class",
    "string",
    "create",
    "edit",
    "delete",
    "default_scale",
    "default_group_by",
}


class IrUiView(models.Model):
    """The project_flow Gantt view type (``flow_gantt``: Enterprise's
    web_gantt owns ``gantt``)."""

    _inherit = "ir.ui.view"

    type = fields.Selection(selection_add=[("flow_gantt", "Flow Gantt")])

    def _validate_tag_flow_gantt(self, node, name_manager, node_info):
        if not node_info["validate"]:
            return
        for child in node.iterchildren(tag=etree.Element):
            self._raise_view_error(
                _("A Flow Gantt view has no child elements (got %(tag)s).", tag=child.tag),
                child,
            )
        remaining = set(node.attrib) - FLOW_GANTT_ATTRIBUTES
        if remaining:
            self._raise_view_error(
                _(
                    "Invalid attributes (%(invalid)s) in a Flow Gantt view. Attributes must "
                    "be in (%(valid)s).",
                    invalid=format_list(self.env, sorted(remaining)),
                    valid=format_list(self.env, sorted(FLOW_GANTT_ATTRIBUTES)),
                ),
                node,
            )
        scale = node.get("default_scale")
        if scale and scale not in ("day", "week", "month", "quarter"):
            self._raise_view_error(
                _(
                    "Invalid default_scale %(scale)s in a Flow Gantt view: day, week, month "
                    "or quarter.",
                    scale=scale,
                ),
                node,
            )

    def _get_view_info(self):
        return {"flow_gantt": {"icon": "fa fa-tasks o_flow_gantt_icon"}} | super()._get_view_info()
