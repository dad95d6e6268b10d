from odoo import fields, models, tools
from odoo.tools import SQL


class ProjectFlowResourceLoad(models.Model):
    """Hours planned per person, day and project against their working time.

    One row per (assignee, day, project). A task's allocated hours are shared
    equally among its assignees and spread evenly over the assignee's working
    days in its planned window (``planned_date_begin`` to ``date_deadline``,
    as dates in the time zone of the project's company calendar). Only open
    tasks count: active, not done or cancelled, in a project that is neither
    archived nor cancelled.

    Working days and capacity come from the assignee's working time: their
    employee's resource calendar (the employee in their current company
    first), else their company's calendar, else Monday to Friday, 8 hours.
    A weekday is worked when the calendar has an attendance on it (for
    two-week calendars, in that week's half); its capacity is the sum of
    those attendances (lunch breaks excluded). Calendars without attendances
    (flexible hours) work Monday to Friday for their hours per day. Global
    leaves (no resource) of the calendar or of its company are not worked.
    Attendances limited to a date range are ignored, as in Odoo's own hours
    per day.

    ``capacity_hours`` and ``overload_hours`` are per person and day, so they
    sit on one row of the day (the first project) and add up correctly over
    people, days and weeks; ``day_capacity_hours`` and ``day_planned_hours``
    repeat them on every row for lists and filters. ``overloaded`` flags every
    row of a day whose planned hours, all projects together, exceed the
    capacity.
    """

    _name = "project.flow.resource.load"
    _description = "Project Flow Resource Load"
    _auto = False
    _order = "day, user_id, project_id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Assignee", readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Employee", readonly=True)
    department_id = fields.Many2one("hr.department", string="Department", readonly=True)
    project_id = fields.Many2one("project.project", string="Project", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    day = fields.Date(readonly=True)
    planned_hours = fields.Float(
        string="Planned hours", readonly=True, help="Hours planned for this project on this day."
    )
    capacity_hours = fields.Float(
        string="Capacity",
        readonly=True,
        help="Working hours of the person on this day (counted once per person and day).",
    )
    overload_hours = fields.Float(
        string="Overload",
        readonly=True,
        help="Hours planned beyond the capacity, all projects together (counted once per "
        "person and day).",
    )
    day_planned_hours = fields.Float(
        string="Planned hours (all projects)", readonly=True, aggregator="max"
    )
    day_capacity_hours = fields.Float(string="Day capacity", readonly=True, aggregator="max")
    task_count = fields.Integer(string="Tasks", readonly=True)
    overloaded = fields.Boolean(readonly=True, aggregator="bool_or")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    def _query(self):
        # Shape, for 100,000 tasks and more: each (task, assignee) gathers its
        # working days and their capacity in one lateral subquery (arrays),
        # so the hours are spread without sorting every task-day, and the
        # filters of a search on person and day still reach the expansion
        # (this week, next 4 weeks, my load stay well under a second on
        # 100,000 tasks; the whole history takes a few seconds). The leave
        # days of a calendar are an array too: they are few.
        #
        # ``day - DATE '0001-01-01'`` is Python's ``date.toordinal() - 1``:
        # the week parity of two-week calendars, as resource.calendar.attendance
        # .get_week_type computes it.
        #
        # The id must be stable between two queries (a list reads ids, then
        # records) without numbering the whole view: a window over every row
        # would stop PostgreSQL from pushing the filters of a search (person,
        # day) into the view. It packs (person, day since 1900, rank of the
        # project within the day), all of them windows on (user_id, day):
        # unique below 1000 projects per person and day, and within
        # JavaScript's exact integers for user ids below nine million.
        return SQL(
            """
WITH leave_day AS (
    SELECT l.calendar_id AS leave_calendar_id,
           l.company_id AS leave_company_id,
           c.id AS calendar_id,
           span.first_day + g.n AS day
      FROM resource_calendar_leaves l
      JOIN resource_calendar c
        ON c.id = l.calendar_id
        OR (l.calendar_id IS NULL
            AND (l.company_id IS NULL OR c.company_id IS NULL OR l.company_id = c.company_id))
     CROSS JOIN LATERAL (
            SELECT (l.date_from AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(c.tz, 'UTC'))::date
                       AS first_day,
                   (l.date_to AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(c.tz, 'UTC'))::date
                       AS last_day
           ) AS span
     CROSS JOIN LATERAL generate_series(0, span.last_day - span.first_day) AS g(n)
     WHERE l.resource_id IS NULL
),
calendar_week AS (
    SELECT c.id AS calendar_id,
           COALESCE(NULLIF(c.hours_per_day, 0), 8.0) AS hours_per_day,
           bool_or(h.even IS NOT NULL OR h.odd IS NOT NULL) AS has_attendance,
           array_agg(COALESCE(h.even, 0) ORDER BY wd.isodow) AS even_hours,
           array_agg(COALESCE(h.odd, 0) ORDER BY wd.isodow) AS odd_hours,
           ARRAY(SELECT DISTINCT ld.day FROM leave_day ld WHERE ld.calendar_id = c.id)
               AS leave_days
      FROM resource_calendar c
     CROSS JOIN generate_series(1, 7) AS wd(isodow)
 LEFT JOIN LATERAL (
            SELECT SUM(a.hour_to - a.hour_from) FILTER (WHERE a.week_type IS DISTINCT FROM '1')
                       AS even,
                   SUM(a.hour_to - a.hour_from) FILTER (WHERE a.week_type IS DISTINCT FROM '0')
                       AS odd
              FROM resource_calendar_attendance a
             WHERE a.calendar_id = c.id
               AND a.dayofweek = (wd.isodow - 1)::varchar
               AND a.display_type IS NULL
               AND a.day_period != 'lunch'
               AND a.resource_id IS NULL
               AND a.date_from IS NULL
               AND a.date_to IS NULL
           ) AS h ON TRUE
  GROUP BY c.id
),
user_calendar AS (
    SELECT DISTINCT ON (u.id)
           u.id AS user_id,
           e.id AS employee_id,
           e.department_id,
           COALESCE(e.resource_calendar_id, uc.resource_calendar_id) AS calendar_id
      FROM res_users u
      JOIN res_company uc ON uc.id = u.company_id
 LEFT JOIN hr_employee e ON e.user_id = u.id AND e.active
  ORDER BY u.id, (e.company_id = u.company_id) DESC NULLS LAST, e.id
),
assignee_count AS (
    SELECT task_id, COUNT(*) AS assignees FROM project_task_user_rel GROUP BY task_id
),
task_user AS (
    SELECT t.id AS task_id,
           t.project_id,
           t.company_id,
           r.user_id,
           t.allocated_hours / ac.assignees AS hours,
           (t.planned_date_begin AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(pc.tz, 'UTC'))::date
               AS date_from,
           (t.date_deadline AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(pc.tz, 'UTC'))::date
               AS date_to
      FROM project_task t
      JOIN assignee_count ac ON ac.task_id = t.id
      JOIN project_task_user_rel r ON r.task_id = t.id
      JOIN project_project p ON p.id = t.project_id
 LEFT JOIN res_company tc ON tc.id = COALESCE(t.company_id, p.company_id)
 LEFT JOIN resource_calendar pc ON pc.id = tc.resource_calendar_id
     WHERE t.active
       AND t.state NOT IN ('1_done', '1_canceled')
       AND t.allocated_hours > 0
       AND t.planned_date_begin IS NOT NULL
       AND t.date_deadline IS NOT NULL
       AND t.date_deadline >= t.planned_date_begin
       AND p.active
       AND p.flow_state != 'cancelled'
),
task_user_days AS (
    SELECT tu.task_id,
           tu.user_id,
           tu.project_id,
           tu.hours,
           w.days,
           w.capacities
      FROM task_user tu
      JOIN user_calendar uc ON uc.user_id = tu.user_id
 LEFT JOIN calendar_week cw ON cw.calendar_id = uc.calendar_id
     CROSS JOIN LATERAL (
            SELECT array_agg(d.day) AS days, array_agg(d.capacity) AS capacities
              FROM (
                    SELECT tu.date_from + g.n AS day,
                           CASE
                               WHEN cw.calendar_id IS NULL OR NOT cw.has_attendance
                                   THEN CASE WHEN EXTRACT(ISODOW FROM tu.date_from + g.n) <= 5
                                             THEN COALESCE(cw.hours_per_day, 8.0) ELSE 0 END
                               WHEN MOD((tu.date_from + g.n - DATE '0001-01-01') / 7, 2) = 0
                                   THEN cw.even_hours[EXTRACT(ISODOW FROM tu.date_from + g.n)::int]
                               ELSE cw.odd_hours[EXTRACT(ISODOW FROM tu.date_from + g.n)::int]
                           END AS capacity
                      FROM generate_series(0, tu.date_to - tu.date_from) AS g(n)
                   ) AS d
             WHERE d.capacity > 0
               AND (cw.leave_days IS NULL OR NOT d.day = ANY(cw.leave_days))
           ) AS w
),
load AS (
    SELECT tud.user_id,
           x.day,
           tud.project_id,
           SUM(tud.hours / cardinality(tud.days)) AS planned_hours,
           MAX(x.capacity) AS capacity,
           COUNT(*) AS task_count
      FROM task_user_days tud
     CROSS JOIN LATERAL unnest(tud.days, tud.capacities) AS x(day, capacity)
  GROUP BY tud.user_id, x.day, tud.project_id
)
SELECT (l.user_id::bigint * 1000000 + (l.day - DATE '1900-01-01')) * 1000
           + ROW_NUMBER() OVER user_day_rank AS id,
       l.user_id,
       uc.employee_id,
       uc.department_id,
       l.project_id,
       p.company_id,
       l.day,
       l.planned_hours,
       l.task_count,
       CASE WHEN ROW_NUMBER() OVER user_day_rank = 1 THEN l.capacity ELSE 0 END
           AS capacity_hours,
       CASE WHEN ROW_NUMBER() OVER user_day_rank = 1
            THEN GREATEST(SUM(l.planned_hours) OVER user_day - l.capacity, 0)
            ELSE 0 END AS overload_hours,
       SUM(l.planned_hours) OVER user_day AS day_planned_hours,
       l.capacity AS day_capacity_hours,
       SUM(l.planned_hours) OVER user_day > l.capacity + 0.005 AS overloaded
  FROM load l
  JOIN user_calendar uc ON uc.user_id = l.user_id
  JOIN project_project p ON p.id = l.project_id
WINDOW user_day AS (PARTITION BY l.user_id, l.day),
       user_day_rank AS (PARTITION BY l.user_id, l.day ORDER BY l.project_id)
"""
        )
