from collections import defaultdict

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..engine.variance import working_day_variance


def _local_date(value, tz):
    """The date of a UTC datetime (as stored by Odoo) in time zone ``tz``."""
    if not value:
        return None
    return pytz.utc.localize(value).astimezone(tz).date()


# Baselines extend the model in a file of their own, apart from the
# scheduler's extension of it.
class ProjectProject(models.Model):
    """Baselines of a project: capture, reference baseline, and the
    working-day arithmetic the variances of tasks, phases and baseline lines
    share."""

    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    flow_baseline_ids = fields.One2many("project.flow.baseline", "project_id", string="Baselines")
    flow_baseline_id = fields.Many2one(
        "project.flow.baseline",
        string="Reference baseline",
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        domain="[('project_id', '=', id)]",
        help="Variances of tasks and phases are measured against this baseline: the latest "
        "one taken, unless another is chosen.",
    )
    flow_baseline_count = fields.Integer(compute="_compute_flow_baseline_count")

    def _compute_flow_baseline_count(self):
        counts = dict(
            self.env["project.flow.baseline"]._read_group(
                [("project_id", "in", self.ids)], ["project_id"], ["__count"]
            )
        )
        for project in self:
            project.flow_baseline_count = counts.get(project, 0)

    @api.constrains("flow_baseline_id")
    def _check_flow_baseline_id(self):
        for project in self:
            if project.flow_baseline_id and project.flow_baseline_id.project_id != project:
                raise ValidationError(
                    _(
                        "Project %(project)s: the field Reference baseline must be a baseline "
                        "of this project (%(baseline)s is not).",
                        project=project.display_name,
                        baseline=project.flow_baseline_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_flow_capture_baseline(self):
        """Take a baseline now (flow managers) and open it."""
        self._flow_check_baseline_manager()
        baselines = self._flow_capture_baseline("manual")
        if len(baselines) != 1:
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.flow.baseline",
            "res_id": baselines.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_flow_view_baselines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_baseline"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _flow_check_baseline_manager(self):
        if not self.env.user.has_group("project_flow.group_flow_manager"):
            raise AccessError(_("Only a flow manager may take or choose a baseline."))

    def _flow_capture_baseline(self, reason, phase=None):
        """Take a baseline of every project of ``self`` and make it their
        reference baseline.

        Whoever triggers it (an approver passing a gate, say) may not read
        every task, so the snapshot is read and written as superuser, with
        the triggering user recorded. Tasks and phases are read in one query
        each and all lines created at once.

        :param reason: a key of ``BASELINE_REASONS`` (manual, initiation,
            gate, gate_override)
        :param phase: the ``project.flow.phase`` whose gate was passed
        :return: the new ``project.flow.baseline`` records
        """
        Baseline = self.env["project.flow.baseline"].sudo()
        if not self:
            return Baseline
        user = self.env.user
        projects = self.sudo()
        counts = dict(
            Baseline._read_group([("project_id", "in", self.ids)], ["project_id"], ["__count"])
        )
        reason_label = dict(Baseline._fields["reason"]._description_selection(self.env))[reason]
        baseline_vals = []
        for project in projects:
            number = counts.get(project, 0) + 1
            if phase:
                name = _(
                    "Baseline %(number)s: %(reason)s (%(phase)s)",
                    number=number,
                    reason=reason_label,
                    phase=phase.name,
                )
            else:
                name = _("Baseline %(number)s: %(reason)s", number=number, reason=reason_label)
            baseline_vals.append(
                {
                    "project_id": project.id,
                    "name": name,
                    "reason": reason,
                    "phase_id": phase.id if phase else False,
                    "user_id": user.id,
                }
            )
        baselines = Baseline.create(baseline_vals)
        baseline_of = {baseline.project_id.id: baseline.id for baseline in baselines}
        self.env["project.flow.baseline.line"].sudo().create(
            projects._flow_baseline_phase_lines(baseline_of)
            + projects._flow_baseline_task_lines(baseline_of)
        )
        for project in projects:
            project.flow_baseline_id = baseline_of[project.id]
        projects._message_log_batch(
            {
                baseline.project_id.id: Markup("<p>%s</p>")
                % self.env._("Baseline taken: %(name)s", name=baseline.name)
                for baseline in baselines
            },
            author_id=user.partner_id.id,
        )
        return baselines.with_env(self.env)

    def _flow_baseline_phase_lines(self, baseline_of):
        """Values of the phase lines of a baseline, one query for all phases.

        :param baseline_of: dict project id -> id of its new baseline
        """
        phases = self.env["project.flow.phase"].search_read(
            [("project_id", "in", self.ids)],
            ["project_id", "name", "date_start", "date_end", "duration"],
            order="project_id, sequence, id",
        )
        return [
            {
                "baseline_id": baseline_of[phase["project_id"][0]],
                "is_task": False,
                "name": phase["name"],
                "phase_id": phase["id"],
                "date_start": phase["date_start"],
                "date_finish": phase["date_end"],
                "duration": phase["duration"],
            }
            for phase in phases
        ]

    def _flow_baseline_task_lines(self, baseline_of):
        """Values of the task lines of a baseline, one query for all tasks:
        their planned window as dates in the project calendar's time zone.

        :param baseline_of: dict project id -> id of its new baseline
        """
        tz_of = {
            project.id: self._flow_calendar_tz(project.resource_calendar_id) for project in self
        }
        tasks = self.env["project.task"].search_read(
            [("project_id", "in", self.ids)],
            [
                "project_id",
                "name",
                "flow_phase_id",
                "planned_date_begin",
                "date_deadline",
                "flow_duration",
                "allocated_hours",
            ],
            order="project_id, id",
        )
        lines = []
        for task in tasks:
            project_id = task["project_id"][0]
            tz = tz_of[project_id]
            lines.append(
                {
                    "baseline_id": baseline_of[project_id],
                    "is_task": True,
                    "name": task["name"],
                    "task_id": task["id"],
                    "phase_id": task["flow_phase_id"] and task["flow_phase_id"][0],
                    "date_start": _local_date(task["planned_date_begin"], tz),
                    "date_finish": _local_date(task["date_deadline"], tz),
                    "duration": task["flow_duration"],
                    "allocated_hours": task["allocated_hours"],
                }
            )
        return lines

    def _flow_reset_reference_baseline(self):
        """Make the latest baseline the reference of projects that have none."""
        projects = self.filtered(lambda p: not p.flow_baseline_id)
        if not projects:
            return
        latest = {}
        for baseline in self.env["project.flow.baseline"].search(
            [("project_id", "in", projects.ids)], order="date desc, id desc"
        ):
            latest.setdefault(baseline.project_id.id, baseline)
        for project in projects:
            if project.id in latest:
                project.flow_baseline_id = latest[project.id]

    @api.model
    def _flow_calendar_tz(self, calendar):
        """Time zone of a resource calendar (the one planned windows are laid out in)."""
        return pytz.timezone(calendar.tz or self.env.user.tz or "UTC")

    @api.model
    def _flow_task_local_dates(self, tasks):
        """The planned window of ``tasks`` as dates in the time zone of their
        project's calendar: ``{task id: (start date, finish date)}``.

        Reads the tasks' fields (one prefetch for the recordset), so unsaved
        values of a form are taken into account.
        """
        tz_of = {}
        result = {}
        for task in tasks:
            calendar = task.project_id.resource_calendar_id or self.env.company.resource_calendar_id
            if calendar not in tz_of:
                tz_of[calendar] = self._flow_calendar_tz(calendar)
            tz = tz_of[calendar]
            result[task.id] = (
                _local_date(task.planned_date_begin, tz),
                _local_date(task.date_deadline, tz),
            )
        return result

    @api.model
    def _flow_working_day_variances(self, items):
        """Signed variances in working days, each on its project's calendar.

        :param items: iterable of ``(key, project id, baseline date, current date)``
        :return: ``{key: variance}`` (``None`` where a date is missing)

        One working calendar is built per resource calendar, spanning every
        date it is asked about, so the leaves are read once per calendar.
        """
        items = list(items)
        projects = self.browse({project_id for _key, project_id, _a, _b in items if project_id})
        calendar_of = {project.id: project.resource_calendar_id for project in projects}
        default_calendar = self.env.company.resource_calendar_id
        by_calendar = defaultdict(list)
        for item in items:
            by_calendar[calendar_of.get(item[1]) or default_calendar].append(item)
        result = {}
        for calendar, calendar_items in by_calendar.items():
            dates = [d for _key, _project, a, b in calendar_items for d in (a, b) if d]
            if not dates:
                result.update((key, None) for key, *_rest in calendar_items)
                continue
            work_calendar = calendar._flow_work_calendar(min(dates), max(dates))
            for key, _project, baseline, current in calendar_items:
                result[key] = working_day_variance(work_calendar, baseline, current)
        return result
