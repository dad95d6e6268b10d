from odoo import fields, models
from odoo.tools import SQL

from ..models.project_project_health import HEALTH_COLORS


class ProjectFlowKpiTask(models.Model):
    """Delivery KPIs of the tasks of flow projects: one row per active task.

    Flow projects are the projects with a flow template, or in a company that
    requires the flow lifecycle for every project (any lifecycle state,
    archived projects included). Every task of them counts whatever its state.

    Dates are days in the time zone of the calendar of the task's company
    (UTC without one):

    - ``date_done``: the closing date (``date_end``) of a done task; empty for
      open and cancelled tasks.
    - ``date``: the closing date of a done task, else its deadline, else its
      creation date: the day the task "belongs" to in period filters.

    Measures (their aggregator is the one to use in a pivot):

    - ``task_count``, ``done_count`` (sum).
    - ``done_rate`` (avg): 100 for a done task, 0 for an open one, empty for a
      cancelled one: the average is the completion rate in percent.
    - ``on_time_rate`` (avg): for a done task with a deadline, 100 when it was
      closed on or before the deadline's day, else 0; empty otherwise.
    - ``late_days`` (avg): days past the deadline: closing day − deadline for
      a done task, today − deadline for an open one; 0 when not late, empty
      without a deadline or for a cancelled task.
    - ``late`` (flag): the deadline has passed and the task is still open,
      or was closed after it.
    - ``cycle_days`` (avg): calendar days from creation to closing, done tasks.
    - ``allocated_hours``, ``effective_hours`` (sum).
    - ``rework_count`` (sum): reopenings plus stage regressions.
    - ``defect_count`` (sum): 1 when the task carries the company's defect tag
      or a tag named like defect / bug / 缺陷, as the project health counts it.
    """

    _name = "project.flow.kpi.task"
    _inherit = "project.flow.kpi.view.mixin"
    _description = "Project Flow KPI: tasks"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "task_id"

    task_id = fields.Many2one("project.task", string="Task", readonly=True)
    project_id = fields.Many2one("project.project", string="Project", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    template_id = fields.Many2one("project.flow.template", string="Template", readonly=True)
    manager_id = fields.Many2one("res.users", string="Project manager", readonly=True)
    phase_id = fields.Many2one("project.flow.phase", string="Phase", readonly=True)
    milestone_id = fields.Many2one("project.milestone", string="Milestone", readonly=True)
    stage_id = fields.Many2one("project.task.type", string="Stage", readonly=True)
    state = fields.Selection(
        selection=lambda self: (
            self.env["project.task"]._fields["state"]._description_selection(self.env)
        ),
        string="Status",
        readonly=True,
    )
    project_health = fields.Selection(HEALTH_COLORS, string="Project health", readonly=True)
    date = fields.Date(
        readonly=True, help="Closing date of a done task, else its deadline, else its creation."
    )
    date_deadline = fields.Date(string="Deadline", readonly=True)
    date_done = fields.Date(string="Closing date", readonly=True)
    date_create = fields.Date(string="Created on", readonly=True)
    task_count = fields.Integer(string="Tasks", readonly=True)
    done_count = fields.Integer(string="Done tasks", readonly=True)
    done_rate = fields.Float(
        string="Completion rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a done task, 0 for an open one; cancelled tasks do not count.",
    )
    on_time_rate = fields.Float(
        string="On-time rate (%)",
        readonly=True,
        aggregator="avg",
        help="Done tasks with a deadline: 100 when closed on or before the deadline's day.",
    )
    late = fields.Boolean(readonly=True, aggregator="bool_or")
    late_days = fields.Float(
        string="Days late",
        readonly=True,
        aggregator="avg",
        help="Closing day (today while open) minus the deadline's day, 0 when not late.",
    )
    cycle_days = fields.Float(
        string="Delivery cycle (days)",
        readonly=True,
        aggregator="avg",
        help="Calendar days from creation to closing, done tasks.",
    )
    allocated_hours = fields.Float(string="Allocated hours", readonly=True)
    effective_hours = fields.Float(string="Hours spent", readonly=True)
    rework_count = fields.Integer(
        string="Rework", readonly=True, help="Reopenings plus stage regressions."
    )
    defect_count = fields.Integer(
        string="Defects", readonly=True, help="1 when the task is tagged as a defect."
    )

    def _query(self):
        return SQL(
            """
WITH defect_tag AS (
    SELECT tg.id
      FROM project_tags tg
     WHERE EXISTS (SELECT 1 FROM jsonb_each_text(tg.name) v
                    WHERE v.value ILIKE %(defect)s OR v.value ILIKE %(bug)s
                       OR v.value ILIKE %(defect_zh)s)
),
base AS (
    SELECT t.id,
           t.project_id,
           p.company_id,
           t.flow_department_id AS department_id,
           p.flow_template_id AS template_id,
           p.user_id AS manager_id,
           t.flow_phase_id AS phase_id,
           t.milestone_id,
           t.stage_id,
           t.state,
           p.flow_health AS project_health,
           (t.date_deadline AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date AS date_deadline,
           CASE WHEN t.state = '1_done'
                THEN (t.date_end AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date END AS date_done,
           (t.create_date AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date AS date_create,
           (now() AT TIME ZONE tz.tz)::date AS today,
           CASE WHEN t.state = '1_done' AND t.date_end IS NOT NULL
                THEN EXTRACT(EPOCH FROM (t.date_end - t.create_date)) / 86400.0 END AS cycle_days,
           COALESCE(t.allocated_hours, 0) AS allocated_hours,
           COALESCE(t.effective_hours, 0) AS effective_hours,
           COALESCE(t.flow_reopen_count, 0) + COALESCE(t.flow_stage_regression_count, 0)
               AS rework_count,
           CASE WHEN EXISTS (
                    SELECT 1 FROM project_tags_project_task_rel r
                     WHERE r.project_task_id = t.id
                       AND (r.project_tags_id = c.flow_health_defect_tag_id
                            OR r.project_tags_id IN (SELECT id FROM defect_tag)))
                THEN 1 ELSE 0 END AS defect_count
      FROM project_task t
      JOIN project_project p ON p.id = t.project_id
 -- a project without a company: its task's company, else the main company
 -- (the company whose settings such projects follow, as the crons do)
 LEFT JOIN res_company c
        ON c.id = COALESCE(p.company_id, t.company_id,
                           (SELECT id FROM res_company ORDER BY sequence, id LIMIT 1))
 LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
     CROSS JOIN LATERAL (SELECT COALESCE(rc.tz, 'UTC') AS tz) tz
     WHERE t.active
       AND (p.flow_template_id IS NOT NULL OR COALESCE(c.flow_require_initiation, FALSE))
)
SELECT b.id,
       b.id AS task_id,
       b.project_id,
       b.company_id,
       b.department_id,
       b.template_id,
       b.manager_id,
       b.phase_id,
       b.milestone_id,
       b.stage_id,
       b.state,
       b.project_health,
       COALESCE(b.date_done, b.date_deadline, b.date_create) AS date,
       b.date_deadline,
       b.date_done,
       b.date_create,
       1 AS task_count,
       CASE WHEN b.state = '1_done' THEN 1 ELSE 0 END AS done_count,
       CASE WHEN b.state = '1_canceled' THEN NULL
            WHEN b.state = '1_done' THEN 100.0 ELSE 0.0 END AS done_rate,
       CASE WHEN b.state = '1_done' AND b.date_deadline IS NOT NULL AND b.date_done IS NOT NULL
            THEN CASE WHEN b.date_done <= b.date_deadline THEN 100.0 ELSE 0.0 END
       END AS on_time_rate,
       COALESCE(b.state != '1_canceled' AND b.date_deadline
                < COALESCE(b.date_done, CASE WHEN b.state != '1_done' THEN b.today END),
                FALSE) AS late,
       CASE WHEN b.state = '1_canceled' OR b.date_deadline IS NULL THEN NULL
            ELSE GREATEST(COALESCE(b.date_done, b.today) - b.date_deadline, 0)::float
       END AS late_days,
       b.cycle_days,
       b.allocated_hours,
       b.effective_hours,
       b.rework_count,
       b.defect_count
  FROM base b
""",
            defect="%defect%",
            bug="%bug%",
            defect_zh="%缺陷%",
        )
