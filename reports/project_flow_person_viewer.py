# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools
from odoo.tools import SQL


class ProjectFlowPersonViewer(models.Model):
    """Who may read a person's effectiveness profile besides the person.

    One row per (person, viewer): the users of the person's managers, up the
    chain of employee managers (``hr.employee.parent_id``) and of department
    managers (the manager of the employee's department and of every parent
    department). Active employees only; a person with several employees (one
    per company) is seen by the managers of each.

    The record rules of ``project.flow.kpi.person`` go through this view
    (``res.users.flow_profile_viewer_ids``) at query time, so a change of
    manager applies at once, without cached rule domains.
    """

    _name = "project.flow.person.viewer"
    _description = "Project Flow Profile Viewer"
    _auto = False
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    viewer_user_id = fields.Many2one("res.users", string="Manager", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    def _query(self):
        # UNION (not UNION ALL) in the recursive terms stops on a cycle even
        # if one slipped past Odoo's hierarchy constraints; the depth cap is
        # a second guard.
        return SQL(
            """
WITH RECURSIVE emp_chain(person_user_id, manager_employee_id, depth) AS (
    SELECT e.user_id, e.parent_id, 1
      FROM hr_employee e
     WHERE e.user_id IS NOT NULL AND e.active AND e.parent_id IS NOT NULL
    UNION
    SELECT c.person_user_id, m.parent_id, c.depth + 1
      FROM emp_chain c
      JOIN hr_employee m ON m.id = c.manager_employee_id
     WHERE m.parent_id IS NOT NULL AND c.depth < 32
),
dept_chain(person_user_id, department_id, depth) AS (
    SELECT e.user_id, e.department_id, 1
      FROM hr_employee e
     WHERE e.user_id IS NOT NULL AND e.active AND e.department_id IS NOT NULL
    UNION
    SELECT c.person_user_id, d.parent_id, c.depth + 1
      FROM dept_chain c
      JOIN hr_department d ON d.id = c.department_id
     WHERE d.parent_id IS NOT NULL AND c.depth < 32
),
pairs AS (
    SELECT c.person_user_id, m.user_id AS viewer_user_id
      FROM emp_chain c
      JOIN hr_employee m ON m.id = c.manager_employee_id
     WHERE m.user_id IS NOT NULL AND m.active
    UNION
    SELECT c.person_user_id, m.user_id
      FROM dept_chain c
      JOIN hr_department d ON d.id = c.department_id
      JOIN hr_employee m ON m.id = d.manager_id
     WHERE m.user_id IS NOT NULL AND m.active
)
SELECT ROW_NUMBER() OVER (ORDER BY person_user_id, viewer_user_id) AS id,
       person_user_id AS user_id,
       viewer_user_id
  FROM pairs
 WHERE person_user_id != viewer_user_id
            """
        )
