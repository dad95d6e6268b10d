# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from odoo.addons.project.models.project_task import CLOSED_STATES


class ProjectTask(models.Model):
    """The closing date of a task, for KPIs (on-time rate, delivery cycle).

    Odoo stamps ``date_end`` ("Ending Date") when a task enters a folded stage
    only; flow projects close tasks by their state, so the date is also
    stamped when a task is marked done, and cleared when it is reopened
    outside a folded stage. An existing date is kept: a task marked done in
    a folded stage closed when it got there.
    """

    _inherit = "project.task"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        explicit = [vals.get("date_end") for vals in vals_list]
        tasks = super().create(vals_list)
        # Odoo's create sets date_end from the stage (False unless folded),
        # even over a given one: keep closing dates given by an import.
        lost = {}
        for task, date_end in zip(tasks, explicit, strict=True):
            if date_end and not task.date_end:
                lost.setdefault(date_end, []).append(task.id)
        for date_end, ids in lost.items():
            super(ProjectTask, self.browse(ids).sudo()).write({"date_end": date_end})
        tasks._flow_stamp_date_end()
        return tasks

    def write(self, vals):
        if "date_end" in vals or not ("state" in vals or "stage_id" in vals):
            return super().write(vals)
        reopen = vals.get("state") and vals["state"] not in CLOSED_STATES
        result = super().write(vals)
        if reopen:
            to_clear = self.filtered(lambda t: t.date_end and not t.stage_id.fold)
            if to_clear:
                super(ProjectTask, to_clear.sudo()).write({"date_end": False})
        else:
            # marked done, or a stage change (Odoo clears date_end outside folded stages)
            self._flow_stamp_date_end()
        return result

    def _flow_stamp_date_end(self):
        to_stamp = self.filtered(lambda t: t.state == "1_done" and not t.date_end)
        if not to_stamp:
            return True
        return super(ProjectTask, to_stamp.sudo()).write({"date_end": fields.Datetime.now()})

    @api.model
    def _flow_backfill_date_end(self):
        """At installation: tasks done before the module came have no closing
        date; their last stage change (else last write) is the best guess."""
        self.env.cr.execute(
            """
            UPDATE project_task
               SET date_end = COALESCE(date_last_stage_update, write_date)
             WHERE state = '1_done' AND date_end IS NULL
            """
        )
