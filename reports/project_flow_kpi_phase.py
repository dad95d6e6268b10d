from odoo import fields, models
from odoo.tools import SQL

from ..models.project_flow_phase import PHASE_STATES


class ProjectFlowKpiPhase(models.Model):
    """Process KPIs of the phases of flow projects: one row per phase.

    Flow projects are the projects with a flow template, or in a company that
    requires the flow lifecycle for every project (any lifecycle state,
    archived projects included: history counts).

    - ``planned_days``: the phase's planned duration in working days (the
      template phase's when the phase has none).
    - ``actual_days``: working days from the actual start to the actual end,
      both included, once the phase has both. Working days are counted as
      Monday to Friday (the company calendar's attendances and public
      holidays are not read: a view over every phase stays cheap).
    - ``overrun_days``: actual minus planned days, empty while the phase is
      not finished (no actual start or end).
    - ``rejection_count``: rejected approvals of the phase (every round).
    - ``overridden``: 1 when the gate was overridden, else 0 (sum or average).
    - ``rework_count``: reopenings plus stage regressions of the phase's
      active tasks.
    - ``date``: the actual end, else the planned end.
    """

    _name = "project.flow.kpi.phase"
    _inherit = "project.flow.kpi.view.mixin"
    _description = "Project Flow KPI: phases"
    _auto = False
    _order = "date desc, id"
    _rec_name = "phase_id"

    phase_id = fields.Many2one("project.flow.phase", string="Phase", readonly=True)
    project_id = fields.Many2one("project.project", string="Project", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    template_id = fields.Many2one("project.flow.template", string="Template", readonly=True)
    template_phase_id = fields.Many2one(
        "project.flow.template.phase", string="Template phase", readonly=True
    )
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    manager_id = fields.Many2one("res.users", string="Project manager", readonly=True)
    state = fields.Selection(PHASE_STATES, string="Phase status", readonly=True)
    project_flow_state = fields.Selection(
        selection=lambda self: (
            self.env["project.project"]._fields["flow_state"]._description_selection(self.env)
        ),
        string="Project lifecycle",
        readonly=True,
    )
    date = fields.Date(readonly=True, help="The actual end, else the planned end.")
    date_start = fields.Date(string="Actual start", readonly=True)
    date_end = fields.Date(string="Actual end", readonly=True)
    planned_days = fields.Float(
        string="Planned days",
        readonly=True,
        aggregator="avg",
        help="Planned duration in working days (the template phase's when the phase has none).",
    )
    actual_days = fields.Float(
        string="Actual days",
        readonly=True,
        aggregator="avg",
        help="Working days (Monday to Friday) from the actual start to the actual end, both "
        "included; empty until the phase has both.",
    )
    overrun_days = fields.Float(
        string="Overrun (days)",
        readonly=True,
        aggregator="avg",
        help="Actual minus planned working days; empty while the phase is not finished.",
    )
    finished = fields.Integer(string="Finished phases", readonly=True)
    rejection_count = fields.Integer(
        string="Gate rejections", readonly=True, help="Rejected approvals of the phase."
    )
    overridden = fields.Integer(
        string="Gate overridden", readonly=True, help="1 when the gate was overridden."
    )
    rework_count = fields.Integer(
        string="Rework",
        readonly=True,
        help="Reopenings plus stage regressions of the phase's tasks.",
    )
    phase_count = fields.Integer(string="Phases", readonly=True)

    def _query(self):
        # Weekdays between two dates, both included, in closed form (no
        # series per row): whole weeks give 5 days, the remaining days are
        # counted with their ISO weekday.
        return SQL(
            """
SELECT ph.id,
       ph.id AS phase_id,
       ph.project_id,
       p.company_id,
       p.flow_template_id AS template_id,
       ph.template_phase_id,
       p.flow_department_id AS department_id,
       p.user_id AS manager_id,
       ph.state,
       p.flow_state AS project_flow_state,
       COALESCE(ph.date_actual_end, ph.date_end) AS date,
       ph.date_actual_start AS date_start,
       ph.date_actual_end AS date_end,
       COALESCE(ph.duration, tp.duration, 0)::float AS planned_days,
       wd.days::float AS actual_days,
       (wd.days - COALESCE(ph.duration, tp.duration, 0))::float AS overrun_days,
       CASE WHEN wd.days IS NULL THEN 0 ELSE 1 END AS finished,
       COALESCE(ap.rejections, 0) AS rejection_count,
       CASE WHEN ph.is_overridden THEN 1 ELSE 0 END AS overridden,
       COALESCE(tk.rework, 0) AS rework_count,
       1 AS phase_count
  FROM project_flow_phase ph
  JOIN project_project p ON p.id = ph.project_id
  -- a project without a company follows the main company's settings
  LEFT JOIN res_company c
         ON c.id = COALESCE(p.company_id,
                            (SELECT id FROM res_company ORDER BY sequence, id LIMIT 1))
  LEFT JOIN project_flow_template_phase tp ON tp.id = ph.template_phase_id
  LEFT JOIN LATERAL (
        SELECT CASE
                 WHEN ph.date_actual_start IS NULL OR ph.date_actual_end IS NULL THEN NULL
                 WHEN ph.date_actual_end < ph.date_actual_start THEN 0
                 ELSE ((ph.date_actual_end - ph.date_actual_start + 1) / 7) * 5
                      + (SELECT COUNT(*)
                           FROM generate_series(
                                    0, MOD(ph.date_actual_end - ph.date_actual_start + 1, 7) - 1
                                ) AS g(n)
                          WHERE EXTRACT(ISODOW FROM ph.date_actual_start + g.n) < 6)
               END AS days
       ) wd ON TRUE
  LEFT JOIN (
        SELECT phase_id, COUNT(*) AS rejections
          FROM project_flow_approval
         WHERE state = 'rejected' AND phase_id IS NOT NULL
      GROUP BY phase_id
       ) ap ON ap.phase_id = ph.id
  LEFT JOIN (
        SELECT flow_phase_id,
               SUM(COALESCE(flow_reopen_count, 0) + COALESCE(flow_stage_regression_count, 0))
                   AS rework
          FROM project_task
         WHERE active AND flow_phase_id IS NOT NULL
      GROUP BY flow_phase_id
       ) tk ON tk.flow_phase_id = ph.id
 WHERE p.flow_template_id IS NOT NULL OR COALESCE(c.flow_require_initiation, FALSE)
"""
        )
