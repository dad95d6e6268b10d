from odoo import _, api, fields, models
from odoo.exceptions import UserError

BASELINE_REASONS = [
    ("manual", "Manual"),
    ("initiation", "Initiation approved"),
    ("gate", "Gate approved"),
    ("gate_override", "Gate passed by override"),
]


class ProjectFlowBaseline(models.Model):
    """A snapshot of a project's plan: the planned window, duration and
    allocated hours of every task and the planned dates of every phase, at
    one moment (initiation approved, a gate passed, or on demand).

    A baseline is taken by ``project.project._flow_capture_baseline`` and is
    not edited afterwards, except its name and note. The project's reference
    baseline (``project.project.flow_baseline_id``, the latest by default) is
    the one the variances of tasks and phases are measured against.
    """

    _name = "project.flow.baseline"
    _description = "Project Flow Baseline"
    _order = "project_id, date desc, id desc"

    project_id = fields.Many2one(
        "project.project", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    name = fields.Char(required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    reason = fields.Selection(BASELINE_REASONS, required=True, default="manual", readonly=True)
    phase_id = fields.Many2one(
        "project.flow.phase",
        string="Gate",
        ondelete="set null",
        readonly=True,
        help="The phase whose gate was passed when this baseline was taken.",
    )
    user_id = fields.Many2one(
        "res.users", string="Taken by", default=lambda self: self.env.user, readonly=True
    )
    note = fields.Text()
    line_ids = fields.One2many(
        "project.flow.baseline.line", "baseline_id", string="Lines", readonly=True
    )
    task_line_count = fields.Integer(string="Tasks", compute="_compute_line_counts")
    phase_line_count = fields.Integer(string="Phases", compute="_compute_line_counts")
    is_reference = fields.Boolean(
        string="Reference",
        compute="_compute_is_reference",
        help="Variances of tasks and phases are measured against this baseline.",
    )

    # Everything but the name and the note is the snapshot itself.
    _FROZEN_FIELDS = frozenset(
        {"project_id", "date", "reason", "phase_id", "user_id", "line_ids", "company_id"}
    )

    def _compute_line_counts(self):
        counts = {
            (baseline.id, is_task): count
            for baseline, is_task, count in self.env["project.flow.baseline.line"]._read_group(
                [("baseline_id", "in", self.ids)], ["baseline_id", "is_task"], ["__count"]
            )
        }
        for baseline in self:
            baseline.task_line_count = counts.get((baseline.id, True), 0)
            baseline.phase_line_count = counts.get((baseline.id, False), 0)

    @api.depends("project_id.flow_baseline_id")
    def _compute_is_reference(self):
        for baseline in self:
            baseline.is_reference = baseline.project_id.flow_baseline_id == baseline

    def write(self, vals):
        frozen = self._FROZEN_FIELDS.intersection(vals)
        if frozen and not self.env.su:
            raise UserError(
                _(
                    "Baseline %(baseline)s: only its name and note can change; take a new "
                    "baseline instead.",
                    baseline=self[:1].display_name,
                )
            )
        return super().write(vals)

    def unlink(self):
        """Deleting the reference baseline makes the latest remaining one the reference."""
        projects = self.project_id.filtered(lambda p: p.flow_baseline_id in self)
        result = super().unlink()
        projects.sudo()._flow_reset_reference_baseline()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_set_reference(self):
        """Measure the variances against this baseline from now on."""
        self.ensure_one()
        self.project_id._flow_check_baseline_manager()
        self.project_id.sudo().flow_baseline_id = self
        return True

    def action_view_lines(self):
        self.ensure_one()
        return self._flow_lines_action(_("Baseline %(name)s", name=self.name))

    def action_compare(self):
        """Lines of the selected baselines side by side, grouped by task."""
        return self._flow_lines_action(_("Compare baselines"), group_by_task=True)

    def _flow_lines_action(self, name, group_by_task=False):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_baseline_line"
        )
        context = {"search_default_filter_tasks": 1}
        if group_by_task:
            context["search_default_groupby_task"] = 1
        action.update(
            name=name,
            domain=[("baseline_id", "in", self.ids)],
            context=context,
        )
        return action
