from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..engine import graph
from .flow_schedule_guard import in_scheduler, links_syncing

LINK_TYPES = [
    ("FS", "Finish to start"),
    ("SS", "Start to start"),
    ("FF", "Finish to finish"),
    ("SF", "Start to finish"),
]


class ProjectTaskLink(models.Model):
    """A typed dependency between two tasks: the successor's start or finish
    waits for the predecessor's start or finish, plus a lag in working days
    of the project's calendar.

    Odoo's own ``depend_on_ids`` (table ``task_dependencies_rel``, finish to
    start only) mirrors the links, both ways, so Odoo's "blocked by" state and
    its dependency widget keep working:

    - creating, moving or deleting a link adds or removes its pair in
      ``task_dependencies_rel`` (one statement per batch);
    - writing ``depend_on_ids`` or ``dependent_ids`` on tasks (the native
      widget, an import, a task copy) creates a finish-to-start link without
      lag for each new pair and deletes the links whose pair is gone
      (``project.task._flow_sync_links``).
    """

    _name = "project.task.link"
    _description = "Task Dependency"
    _order = "id"

    predecessor_id = fields.Many2one(
        "project.task", string="Predecessor", required=True, ondelete="cascade", index=True
    )
    successor_id = fields.Many2one(
        "project.task", string="Successor", required=True, ondelete="cascade", index=True
    )
    link_type = fields.Selection(
        LINK_TYPES,
        string="Type",
        required=True,
        default="FS",
        help="Finish to start: the successor starts after the predecessor finishes. "
        "Start to start: it starts when the predecessor starts. "
        "Finish to finish: it finishes when the predecessor finishes. "
        "Start to finish: it finishes when the predecessor starts.",
    )
    lag = fields.Integer(
        string="Lag (working days)",
        default=0,
        help="Working days of the project's calendar added between the two linked ends; "
        "negative for a lead (the successor overlaps the predecessor).",
    )
    project_id = fields.Many2one(
        related="successor_id.project_id", store=True, index=True, string="Project"
    )
    company_id = fields.Many2one(
        related="successor_id.company_id", store=True, index=True, string="Company"
    )
    predecessor_project_id = fields.Many2one(
        related="predecessor_id.project_id", string="Predecessor project"
    )
    predecessor_date_begin = fields.Datetime(
        related="predecessor_id.planned_date_begin", string="Predecessor start"
    )
    predecessor_date_deadline = fields.Datetime(
        related="predecessor_id.date_deadline", string="Predecessor deadline"
    )

    _sql_constraints = [
        (
            "task_link_unique",
            "UNIQUE(predecessor_id, successor_id)",
            "A task can depend on another task only once.",
        ),
        (
            "task_link_not_self",
            "CHECK(predecessor_id != successor_id)",
            "A task cannot depend on itself.",
        ),
    ]

    @api.depends("predecessor_id.name", "successor_id.name", "link_type", "lag")
    def _compute_display_name(self):
        for link in self:
            lag = f" {link.lag:+d}" if link.lag else ""
            link.display_name = (
                f"{link.predecessor_id.name or ''} \u2192 {link.successor_id.name or ''} "
                f"({link.link_type}{lag})"
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("predecessor_id", "successor_id")
    def _check_flow_link(self):
        for link in self:
            predecessor, successor = link.predecessor_id, link.successor_id
            if predecessor == successor:
                raise ValidationError(
                    _(
                        "Task %(task)s cannot depend on itself (field Predecessor).",
                        task=successor.display_name,
                    )
                )
            if (
                predecessor.company_id
                and successor.company_id
                and predecessor.company_id != successor.company_id
            ):
                raise ValidationError(
                    _(
                        "Task %(successor)s (%(successor_company)s) cannot depend on task "
                        "%(predecessor)s (%(predecessor_company)s): the field Predecessor must "
                        "name a task of the same company.",
                        successor=successor.display_name,
                        successor_company=successor.company_id.name,
                        predecessor=predecessor.display_name,
                        predecessor_company=predecessor.company_id.name,
                    )
                )
        self._flow_check_cycle()

    def _flow_check_cycle(self):
        """Raise when these links close a cycle, naming the tasks in it.

        Every link reachable from the successors is read in one recursive
        query (whatever the projects they cross); a cycle through one of
        these links lies among them.
        """
        if not self:
            return
        self.flush_model(["predecessor_id", "successor_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH RECURSIVE reach(id) AS (
                    SELECT unnest(%s::int[])
                    UNION
                    SELECT link.successor_id
                      FROM project_task_link link
                      JOIN reach ON link.predecessor_id = reach.id
                )
                SELECT link.predecessor_id, link.successor_id
                  FROM project_task_link link
                  JOIN reach ON link.predecessor_id = reach.id
                 ORDER BY link.predecessor_id, link.successor_id
                """,
                sorted(set(self.successor_id.ids)),
            )
        )
        edges = self.env.cr.fetchall()
        nodes = sorted({task_id for edge in edges for task_id in edge})
        cycle = graph.find_cycle(nodes, edges)
        if cycle:
            names = self.env["project.task"].sudo().browse(cycle + cycle[:1]).mapped("name")
            raise ValidationError(
                _(
                    "The task dependencies form a cycle: %(cycle)s (field Predecessor).",
                    cycle=" \u2192 ".join(names),
                )
            )

    def _flow_check_new_pairs(self, pairs):
        """Refuse, with the tasks' names, a link from a task to itself and a
        pair of tasks linked twice (already linked, or twice in ``pairs``),
        before the database refuses them with a generic message."""
        Task = self.env["project.task"].sudo()
        seen = set()
        for predecessor, successor in pairs:
            if predecessor and predecessor == successor:
                raise ValidationError(
                    _(
                        "Task %(task)s cannot depend on itself (field Predecessor).",
                        task=Task.browse(successor).display_name,
                    )
                )
            if (predecessor, successor) in seen:
                self._flow_raise_duplicate(predecessor, successor)
            seen.add((predecessor, successor))
        complete = [pair for pair in seen if all(pair)]
        if not complete:
            return
        self.flush_model(["predecessor_id", "successor_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT link.predecessor_id, link.successor_id
                  FROM project_task_link link
                  JOIN unnest(%s::int[], %s::int[]) AS pair(predecessor_id, successor_id)
                    ON link.predecessor_id = pair.predecessor_id
                   AND link.successor_id = pair.successor_id
                 WHERE link.id != ALL(%s::int[])
                 LIMIT 1
                """,
                [pair[0] for pair in complete],
                [pair[1] for pair in complete],
                self.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            self._flow_raise_duplicate(*row)

    def _flow_raise_duplicate(self, predecessor, successor):
        Task = self.env["project.task"].sudo()
        raise ValidationError(
            _(
                "Task %(successor)s already depends on task %(predecessor)s (field Predecessor).",
                successor=Task.browse(successor).display_name,
                predecessor=Task.browse(predecessor).display_name,
            )
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        defaults = self.default_get(["predecessor_id", "successor_id"])
        self._flow_check_new_pairs(
            [
                (
                    vals.get("predecessor_id", defaults.get("predecessor_id")),
                    vals.get("successor_id", defaults.get("successor_id")),
                )
                for vals in vals_list
            ]
        )
        links = super().create(vals_list)
        if not self.env.su:
            # a link changes what its successor waits for
            links.successor_id.check_access("write")
        if not links_syncing(self):
            links._flow_add_pairs()
        if not in_scheduler(self):
            links._flow_reschedule_projects()
        return links

    def write(self, vals):
        moving = "predecessor_id" in vals or "successor_id" in vals
        old_pairs = self._flow_pairs() if moving else set()
        projects = self._flow_projects()
        if moving:
            self._flow_check_new_pairs(
                [
                    (
                        vals.get("predecessor_id", link.predecessor_id.id),
                        vals.get("successor_id", link.successor_id.id),
                    )
                    for link in self
                ]
            )
            if not self.env.su:
                self.successor_id.check_access("write")
        result = super().write(vals)
        if moving:
            if not self.env.su:
                self.successor_id.check_access("write")
            if not links_syncing(self):
                self._flow_remove_pairs(old_pairs - self._flow_pairs())
                self._flow_add_pairs()
        if (
            not in_scheduler(self)
            and {
                "predecessor_id",
                "successor_id",
                "link_type",
                "lag",
            }
            & vals.keys()
        ):
            (projects | self._flow_projects())._flow_reschedule_automatic()
        return result

    def unlink(self):
        if not self.env.su:
            self.successor_id.check_access("write")
        pairs = self._flow_pairs()
        projects = self._flow_projects()
        result = super().unlink()
        if not links_syncing(self):
            self._flow_remove_pairs(pairs)
        if not in_scheduler(self):
            projects.exists()._flow_reschedule_automatic()
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _flow_pairs(self):
        return {(link.predecessor_id.id, link.successor_id.id) for link in self.sudo()}

    def _flow_projects(self):
        tasks = self.sudo().predecessor_id | self.sudo().successor_id
        return tasks.project_id

    def _flow_reschedule_projects(self):
        self._flow_projects()._flow_reschedule_automatic()

    def _flow_add_pairs(self):
        """Mirror these links into Odoo's ``task_dependencies_rel``, in one
        statement, and tell the ORM (Odoo's waiting state and dependency
        counts are recomputed as after a write of ``depend_on_ids``)."""
        pairs = self._flow_pairs()
        if not pairs:
            return
        Task = self.env["project.task"]
        Task.flush_model(["depend_on_ids", "dependent_ids"])
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO task_dependencies_rel (depends_on_id, task_id)
                SELECT * FROM unnest(%s::int[], %s::int[])
                ON CONFLICT DO NOTHING
                """,
                [pair[0] for pair in pairs],
                [pair[1] for pair in pairs],
            )
        )
        self._flow_touch_tasks(pairs)

    def _flow_remove_pairs(self, pairs):
        """Remove ``(predecessor id, successor id)`` pairs from Odoo's
        ``task_dependencies_rel``, in one statement."""
        if not pairs:
            return
        Task = self.env["project.task"]
        Task.flush_model(["depend_on_ids", "dependent_ids"])
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM task_dependencies_rel rel
                 USING unnest(%s::int[], %s::int[]) AS pair(predecessor_id, successor_id)
                 WHERE rel.depends_on_id = pair.predecessor_id
                   AND rel.task_id = pair.successor_id
                """,
                [pair[0] for pair in pairs],
                [pair[1] for pair in pairs],
            )
        )
        self._flow_touch_tasks(pairs)

    def _flow_touch_tasks(self, pairs):
        Task = self.env["project.task"]
        touched = Task.browse({task_id for pair in pairs for task_id in pair})
        touched.invalidate_recordset(["depend_on_ids", "dependent_ids"])
        touched.modified(["depend_on_ids", "dependent_ids"])
        if len(pairs) < 2:
            return
        # Odoo's waiting state depends on the predecessors' state: computed
        # in an arbitrary order, a long chain linked at once would recurse
        # once per link (past Python's limit).  Compute it predecessors first.
        try:
            layers = graph.topological_layers(sorted(touched.ids), sorted(pairs))
        except graph.CycleError:
            return
        touched.fetch(["depend_on_ids", "allow_task_dependencies"])
        for layer in layers:
            Task.browse(layer)._recompute_recordset(["state"])
