from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL


class ProjectFlowKpiViewMixin(models.AbstractModel):
    """What the KPI report views share: the view is created from the
    model's ``_query()`` (an ``SQL``), and rows carry a ``department_id``
    that the search filter "In my department" reads."""

    _name = "project.flow.kpi.view.mixin"
    _description = "Project Flow KPI view"

    my_department = fields.Boolean(
        string="In my department",
        compute="_compute_my_department",
        search="_search_my_department",
    )

    @api.depends_context("uid")
    def _compute_my_department(self):
        mine = self.env["hr.department"]._flow_of_user(self.env.user)
        for row in self:
            row.my_department = row.department_id in mine

    def _search_my_department(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on the field In my department."))
        mine = self.env["hr.department"]._flow_of_user(self.env.user)
        positive = (operator == "=") == bool(value)
        return [("department_id", "in" if positive else "not in", mine.ids)]

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    def _query(self):
        raise NotImplementedError
