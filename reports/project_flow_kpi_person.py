# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL

PERSON_KINDS = [
    ("task", "Task closed"),
    ("timesheet", "Timesheet"),
    ("checkin", "Check-in"),
    ("comment", "Comment"),
    ("approval", "Approval decided"),
]


class ProjectFlowKpiPerson(models.Model):
    """What one person did on flow projects, day by day (effectiveness profile).

    One row per event, its ``kind`` saying where it comes from:

    - ``task``: a task of a flow project closed (state done, closing date
      ``date_end``), one row per assignee, so a task with several assignees
      counts for each. It carries the on-time figures (the task had a
      deadline; it closed on or before the deadline's day), the estimate
      figures and the rework of the task (reopenings + stage regressions);
    - ``timesheet``: hours logged on a flow project (``account.analytic.line``);
    - ``checkin``: a daily check-in on a flow project;
    - ``comment``: a message of type comment (a reply or a note) on a flow
      task or project, authored by the user's partner;
    - ``approval``: an approval the user decided (approved or rejected).

    Estimates only compare tasks that had one: ``allocated_hours``,
    ``effective_hours`` and ``estimate_gap_hours`` (|effective − allocated|)
    are set on closed tasks with allocated hours, so their sums give
    "effort against estimate" (Σ effective / Σ allocated) and "estimate
    accuracy" (100 − Σ gap / Σ allocated, floored at 0) for any grouping.
    ``on_time_rate`` is 100 or 0 on closed tasks with a deadline and empty
    otherwise; its average is the on-time rate.

    Flow projects only (a flow template, or a company that asks every project
    for the flow lifecycle), whatever their state, archived ones included.
    Dates are UTC days. Employee, department and manager are the user's
    employee (the one in the user's current company first).
    Visibility: the person and their managers (record rules).
    """

    _name = "project.flow.kpi.person"
    _inherit = "project.flow.kpi.view.mixin"
    _description = "Project Flow Person Effectiveness"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "user_id"

    kind = fields.Selection(PERSON_KINDS, readonly=True)
    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Employee", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    manager_user_id = fields.Many2one(
        "res.users", string="Manager", readonly=True, help="The user of the employee's manager."
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    project_id = fields.Many2one("project.project", string="Project", readonly=True)
    template_id = fields.Many2one("project.flow.template", string="Flow template", readonly=True)
    task_id = fields.Many2one("project.task", string="Task", readonly=True)
    date = fields.Date(readonly=True)
    tasks_closed = fields.Integer(string="Tasks closed", readonly=True)
    deadline_count = fields.Integer(
        string="Closed with deadline", readonly=True, help="Closed tasks that had a deadline."
    )
    on_time_count = fields.Integer(
        string="Closed on time",
        readonly=True,
        help="Closed tasks that closed on or before their deadline's day.",
    )
    on_time_rate = fields.Float(
        string="On-time rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a task closed on time, 0 for a late one, empty without a deadline.",
    )
    allocated_hours = fields.Float(
        string="Estimated hours",
        readonly=True,
        help="Allocated hours of the closed tasks that had an estimate.",
    )
    effective_hours = fields.Float(
        string="Spent on estimated tasks",
        readonly=True,
        help="Hours spent on the closed tasks that had an estimate (all contributors).",
    )
    estimate_gap_hours = fields.Float(
        string="Estimate gap (h)",
        readonly=True,
        help="|spent − estimated| of the closed tasks that had an estimate.",
    )
    rework_count = fields.Integer(
        string="Rework",
        readonly=True,
        help="Reopenings and stage regressions of the closed tasks.",
    )
    checkin_count = fields.Integer(string="Check-ins", readonly=True)
    comment_count = fields.Integer(string="Comments", readonly=True)
    approval_count = fields.Integer(string="Approvals given", readonly=True)
    hours_logged = fields.Float(string="Hours logged", readonly=True)

    def _query(self):
        # Every source yields the same columns; the id is a row number over
        # a total order of (kind, source record, user), stable between the
        # search and the read of a list.
        return SQL(
            """
WITH flow_project AS (
    SELECT p.id AS project_id, p.company_id, p.flow_template_id AS template_id
      FROM project_project p
 -- a project without a company follows the main company's settings
 LEFT JOIN res_company c
        ON c.id = COALESCE(p.company_id, (SELECT id FROM res_company ORDER BY sequence, id LIMIT 1))
     WHERE p.flow_template_id IS NOT NULL OR c.flow_require_initiation
),
user_employee AS (
    SELECT DISTINCT ON (u.id)
           u.id AS user_id, e.id AS employee_id, e.department_id,
           m.user_id AS manager_user_id
      FROM res_users u
      JOIN hr_employee e ON e.user_id = u.id AND e.active
 LEFT JOIN hr_employee m ON m.id = e.parent_id
  ORDER BY u.id, (e.company_id = u.company_id) DESC NULLS LAST, e.id
),
event AS (
    SELECT 'task' AS kind, 1 AS kind_order, t.id AS res_id, r.user_id,
           fp.project_id, fp.company_id, fp.template_id, t.id AS task_id,
           t.date_end::date AS date,
           1 AS tasks_closed,
           (t.date_deadline IS NOT NULL)::int AS deadline_count,
           (t.date_deadline IS NOT NULL AND t.date_end::date <= t.date_deadline::date)::int
               AS on_time_count,
           CASE WHEN t.date_deadline IS NULL THEN NULL
                WHEN t.date_end::date <= t.date_deadline::date THEN 100.0
                ELSE 0.0 END AS on_time_rate,
           CASE WHEN t.allocated_hours > 0 THEN t.allocated_hours ELSE 0 END AS allocated_hours,
           CASE WHEN t.allocated_hours > 0 THEN COALESCE(t.effective_hours, 0) ELSE 0 END
               AS effective_hours,
           CASE WHEN t.allocated_hours > 0
                THEN abs(COALESCE(t.effective_hours, 0) - t.allocated_hours) ELSE 0 END
               AS estimate_gap_hours,
           COALESCE(t.flow_reopen_count, 0) + COALESCE(t.flow_stage_regression_count, 0)
               AS rework_count,
           0 AS checkin_count, 0 AS comment_count, 0 AS approval_count,
           0.0 AS hours_logged
      FROM project_task t
      JOIN flow_project fp ON fp.project_id = t.project_id
      JOIN project_task_user_rel r ON r.task_id = t.id
     WHERE t.state = '1_done' AND t.date_end IS NOT NULL
    UNION ALL
    SELECT 'timesheet', 2, l.id, l.user_id,
           fp.project_id, fp.company_id, fp.template_id, l.task_id,
           l.date,
           0, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, l.unit_amount
      FROM account_analytic_line l
      JOIN flow_project fp ON fp.project_id = l.project_id
     WHERE l.user_id IS NOT NULL
    UNION ALL
    SELECT 'checkin', 3, ci.id, ci.user_id,
           fp.project_id, fp.company_id, fp.template_id, ci.task_id,
           ci.date,
           0, 0, 0, NULL, 0, 0, 0, 0, 1, 0, 0, 0
      FROM project_flow_checkin ci
      JOIN flow_project fp ON fp.project_id = ci.project_id
    UNION ALL
    SELECT 'comment', 4, m.id, u.id,
           fp.project_id, fp.company_id, fp.template_id,
           CASE WHEN m.model = 'project.task' THEN m.res_id END,
           m.date::date,
           0, 0, 0, NULL, 0, 0, 0, 0, 0, 1, 0, 0
      FROM mail_message m
      JOIN res_users u ON u.partner_id = m.author_id
 LEFT JOIN project_task mt ON m.model = 'project.task' AND mt.id = m.res_id
      JOIN flow_project fp
        ON fp.project_id = CASE WHEN m.model = 'project.task' THEN mt.project_id
                                ELSE m.res_id END
     WHERE m.message_type = 'comment'
       AND m.model IN ('project.task', 'project.project')
    UNION ALL
    SELECT 'approval', 5, a.id, a.user_id,
           fp.project_id, fp.company_id, fp.template_id, NULL,
           a.decision_date::date,
           0, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 1, 0
      FROM project_flow_approval a
      JOIN flow_project fp ON fp.project_id = a.project_id
     WHERE a.state IN ('approved', 'rejected') AND a.decision_date IS NOT NULL
)
SELECT ROW_NUMBER() OVER (ORDER BY ev.kind_order, ev.res_id, ev.user_id) AS id,
       ev.kind, ev.user_id, ue.employee_id, ue.department_id, ue.manager_user_id,
       ev.company_id, ev.project_id, ev.template_id, ev.task_id, ev.date,
       ev.tasks_closed, ev.deadline_count, ev.on_time_count, ev.on_time_rate,
       ev.allocated_hours, ev.effective_hours, ev.estimate_gap_hours, ev.rework_count,
       ev.checkin_count, ev.comment_count, ev.approval_count, ev.hours_logged
  FROM event ev
 LEFT JOIN user_employee ue ON ue.user_id = ev.user_id
            """
        )
