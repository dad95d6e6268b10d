from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date, format_duration, html2plaintext, is_html_empty
from odoo.tools.misc import formatLang

RETRO_STEPS = [
    ("goals", "Goals and results"),
    ("review", "Went well / to improve"),
    ("lessons", "Lessons"),
    ("followups", "Follow-up actions"),
]


class ProjectFlowRetrospective(models.Model):
    """The closing retrospective of a flow project (复盘).

    Filled step by step (the form is the wizard: a status bar of steps with
    Next / Back), it walks the project's goals against its results and key
    figures, what went well and what to improve, the lessons (tagged with
    phase and topic, they go to the lessons library) and follow-up actions
    (tasks in other projects, notes for the template).  A flow project
    cannot be closed before its retrospective is completed; the key figures
    are stored at completion.
    """

    _name = "project.flow.retrospective"
    _description = "Project Flow Retrospective"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "project_id"

    project_id = fields.Many2one(
        "project.project", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    template_id = fields.Many2one(
        related="project_id.flow_template_id", string="Flow template", store=True
    )
    user_id = fields.Many2one(related="project_id.user_id", string="Project manager")
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        help="The department the lessons and the dossier are filed under; by default the "
        "project manager's.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Completed")],
        required=True,
        default="draft",
        tracking=True,
        readonly=True,
        copy=False,
    )
    step = fields.Selection(RETRO_STEPS, required=True, default="goals")
    goals = fields.Html(help="What the project set out to achieve.")
    results = fields.Html(help="What it achieved, against each goal.")
    went_well = fields.Html(string="What went well")
    to_improve = fields.Html(string="What to improve")
    lesson_ids = fields.One2many("project.flow.lesson", "retrospective_id", string="Lessons")
    followup_ids = fields.One2many(
        "project.flow.retrospective.followup", "retrospective_id", string="Follow-up actions"
    )
    figures = fields.Json(
        string="Key figures (stored)",
        readonly=True,
        copy=False,
        help="The key figures as they were when the retrospective was completed.",
    )
    figures_html = fields.Html(
        string="Key figures", compute="_compute_figures_html", sanitize=False
    )
    date_done = fields.Datetime(string="Completed on", readonly=True, copy=False)
    done_user_id = fields.Many2one("res.users", string="Completed by", readonly=True, copy=False)

    _sql_constraints = [
        (
            "project_uniq",
            "unique(project_id)",
            "A project has one retrospective.",
        )
    ]

    @api.depends("project_id.user_id")
    def _compute_department_id(self):
        for retro in self:
            if not retro.department_id:
                employee = retro.project_id.user_id.sudo().employee_ids[:1]
                retro.department_id = employee.department_id

    @api.depends("state", "figures", "project_id")
    def _compute_figures_html(self):
        for retro in self:
            figures = retro.figures if retro.state == "done" else None
            if figures is None and retro.project_id:
                figures = retro.project_id._flow_key_figures()
            retro.figures_html = retro._flow_figures_html(figures) if figures else False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        projects = self.env["project.project"].browse(
            [vals["project_id"] for vals in vals_list if vals.get("project_id")]
        )
        self._flow_check_project_editor(projects)
        return super().create(vals_list)

    def write(self, vals):
        protected = set(vals) - {"step", "message_main_attachment_id"}
        if protected:
            done = self.filtered(lambda r: r.state == "done")
            if done and not self.env.context.get("flow_retro_completing"):
                raise UserError(
                    _(
                        "The retrospective of %(project)s is completed; reset it to draft "
                        "before changing it.",
                        project=done[0].project_id.display_name,
                    )
                )
        if "project_id" in vals:
            moved = self.filtered(lambda r: r.project_id.id != vals["project_id"])
            if moved:
                raise UserError(
                    _(
                        "Retrospective of %(project)s: the field Project cannot change.",
                        project=moved[0].project_id.display_name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        """A completed retrospective is what allows the project to close:
        it is reopened, never deleted."""
        done = self.filtered(lambda r: r.state == "done")
        if done:
            raise UserError(
                _(
                    "The retrospective of %(project)s is completed and cannot be deleted.",
                    project=done[0].project_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _flow_check_project_editor(self, projects):
        """Only the project manager and flow managers write a project's
        retrospective (the record rules say the same; this gives a clear
        message for the buttons)."""
        user = self.env.user
        if self.env.su or user.has_group("project_flow.group_flow_manager"):
            return
        for project in projects.sudo():
            if project.user_id != user:
                raise AccessError(
                    _(
                        "Only the project manager of %(project)s or a flow manager may edit "
                        "its retrospective.",
                        project=project.display_name,
                    )
                )

    def _flow_check_editor(self):
        self._flow_check_project_editor(self.project_id)

    def _flow_figures_html(self, figures):
        """Render stored key figures (a dict from ``engine.retrospective``)."""
        env = self.env

        def day(value):
            return format_date(env, value) if value else "—"

        def slip(value):
            if value is None:
                return "—"
            if value > 0:
                return env._("%(days)s days late", days=value)
            if value < 0:
                return env._("%(days)s days early", days=-value)
            return env._("on time")

        def row(label, *cells):
            return Markup("<tr><th>%s</th>%s</tr>") % (
                label,
                Markup("").join(Markup("<td>%s</td>") % cell for cell in cells),
            )

        dates = figures.get("dates", {})
        effort = figures.get("effort", {})
        tasks = figures.get("tasks", {})
        gates = figures.get("gates", {})
        currency = env["res.currency"].search([("name", "=", effort.get("currency"))], limit=1)
        head = Markup("<tr><th></th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            _("Planned"),
            _("Actual"),
            _("Difference"),
        )
        rows = [
            row(
                _("Start"),
                day(dates.get("planned_start")),
                day(dates.get("actual_start")),
                slip(dates.get("start_slip")),
            ),
            row(
                _("End"),
                day(dates.get("planned_end")),
                day(dates.get("actual_end")),
                slip(dates.get("end_slip")),
            ),
            row(
                _("Hours"),
                format_duration(effort.get("allocated_hours", 0.0)),
                format_duration(effort.get("spent_hours", 0.0)),
                format_duration(effort.get("hours_variance", 0.0))
                if effort.get("hours_variance", 0.0) >= 0
                else "-" + format_duration(-effort["hours_variance"]),
            ),
        ]
        for phase in figures.get("phases", []):
            label = phase["name"]
            if phase.get("overridden"):
                label = _("%(phase)s (gate overridden)", phase=label)
            rows.append(
                row(
                    label,
                    Markup("%s → %s")
                    % (day(phase.get("planned_start")), day(phase.get("planned_end"))),
                    Markup("%s → %s")
                    % (day(phase.get("actual_start")), day(phase.get("actual_end"))),
                    slip(phase.get("end_slip")),
                )
            )
        cost = formatLang(env, effort.get("cost", 0.0), currency_obj=currency or None)
        facts = [
            _("Timesheet cost: %(cost)s", cost=cost),
            _(
                "Tasks: %(done)s done, %(on_time)s on time, %(late)s late, %(open)s open",
                done=tasks.get("done", 0),
                on_time=tasks.get("on_time", 0),
                late=tasks.get("late", 0),
                open=tasks.get("open", 0),
            ),
            _(
                "Gates: %(approvals)s approvals, %(rejections)s rejections, %(overrides)s "
                "overridden",
                approvals=gates.get("gate_approvals", 0),
                rejections=gates.get("gate_rejections", 0),
                overrides=gates.get("overrides", 0),
            ),
        ]
        budget = figures.get("budget")
        if budget:
            facts.append(
                _(
                    "Budget: %(budget)s, spent %(cost)s (%(percent)s %% over)",
                    budget=formatLang(env, budget["budget"], currency_obj=currency or None),
                    cost=formatLang(env, budget["cost"], currency_obj=currency or None),
                    percent=budget["overrun_percent"],
                )
                if budget["overrun"] > 0
                else _(
                    "Budget: %(budget)s, spent %(cost)s (within budget)",
                    budget=formatLang(env, budget["budget"], currency_obj=currency or None),
                    cost=formatLang(env, budget["cost"], currency_obj=currency or None),
                )
            )
        health = figures.get("health") or {}
        if health.get("snapshots"):
            weeks = health["weeks"]
            last = health["snapshots"][-1]
            facts.append(
                _(
                    "Health over %(count)s weeks: %(green)s green, %(yellow)s yellow, %(red)s red; "
                    "last %(last)s (%(score)s)",
                    count=len(health["snapshots"]),
                    green=weeks.get("green", 0),
                    yellow=weeks.get("yellow", 0),
                    red=weeks.get("red", 0),
                    last=dict(green=_("green"), yellow=_("yellow"), red=_("red")).get(
                        last["color"], "—"
                    ),
                    score=last["score"] if last["score"] is not None else "—",
                )
            )
        if gates.get("closing_rejections"):
            facts.append(_("Closing rejected %(count)s times", count=gates["closing_rejections"]))
        if "alerts" in figures:
            facts.append(_("Alerts raised: %(count)s", count=figures["alerts"]))
        risks = figures.get("risks")
        if risks:
            facts.append(
                _(
                    "Risks: %(risks)s (%(open_risks)s open), issues: %(issues)s "
                    "(%(open_issues)s open)",
                    risks=risks.get("risks", 0),
                    open_risks=risks.get("open_risks", 0),
                    issues=risks.get("issues", 0),
                    open_issues=risks.get("open_issues", 0),
                )
            )
        return Markup(
            '<table class="table table-sm o_flow_figures"><thead>%s</thead><tbody>%s</tbody>'
            "</table><ul>%s</ul>"
        ) % (
            head,
            Markup("").join(rows),
            Markup("").join(Markup("<li>%s</li>") % fact for fact in facts),
        )

    def _flow_plain_text(self):
        """The retrospective as plain text, for the dossier's search."""
        self.ensure_one()
        parts = [
            html2plaintext(value)
            for value in (self.goals, self.results, self.went_well, self.to_improve)
            if not is_html_empty(value)
        ]
        parts += self.lesson_ids.mapped("name")
        parts += [html2plaintext(d) for d in self.lesson_ids.mapped("description") if d]
        parts += self.followup_ids.mapped("name")
        return "\n".join(parts)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_next_step(self):
        self.ensure_one()
        keys = [key for key, _label in RETRO_STEPS]
        index = keys.index(self.step)
        if index < len(keys) - 1:
            self.step = keys[index + 1]
        return True

    def action_previous_step(self):
        self.ensure_one()
        keys = [key for key, _label in RETRO_STEPS]
        index = keys.index(self.step)
        if index > 0:
            self.step = keys[index - 1]
        return True

    def action_done(self):
        """Complete the retrospective: check it says something, store the
        key figures, file the lessons in the library and create the
        follow-up tasks."""
        self.ensure_one()
        self._flow_check_editor()
        if self.state == "done":
            raise UserError(
                _(
                    "The retrospective of %(project)s is already completed.",
                    project=self.project_id.display_name,
                )
            )
        if is_html_empty(self.results):
            raise UserError(
                _(
                    "Retrospective of %(project)s: the field Results is required to complete "
                    "it (what the project achieved against its goals).",
                    project=self.project_id.display_name,
                )
            )
        if is_html_empty(self.went_well) and is_html_empty(self.to_improve):
            raise UserError(
                _(
                    "Retrospective of %(project)s: fill What went well or What to improve "
                    "to complete it.",
                    project=self.project_id.display_name,
                )
            )
        self.followup_ids._flow_check()
        lesson_vals = {
            "project_id": self.project_id.id,
            "template_id": self.template_id.id,
            "department_id": self.department_id.id,
        }
        if self.company_id:
            lesson_vals["company_id"] = self.company_id.id
        self.lesson_ids.sudo().write(lesson_vals)
        self.followup_ids._flow_execute()
        self.with_context(flow_retro_completing=True).write(
            {
                "state": "done",
                "step": RETRO_STEPS[-1][0],
                "figures": self.project_id._flow_key_figures(),
                "date_done": fields.Datetime.now(),
                "done_user_id": self.env.user.id,
            }
        )
        self.message_post(
            body=_(
                "Retrospective completed: %(lessons)s lessons, %(actions)s follow-up actions.",
                lessons=len(self.lesson_ids),
                actions=len(self.followup_ids),
            )
        )
        return True

    def action_reset_draft(self):
        """Reopen a completed retrospective; only while the project runs (a
        closing under approval or a closed project keeps its retrospective)."""
        self.ensure_one()
        if not self.env.user.has_group("project_flow.group_flow_manager"):
            raise AccessError(_("Only a flow manager may reopen a completed retrospective."))
        if self.project_id.flow_state != "running":
            raise UserError(
                _(
                    "The retrospective of %(project)s cannot be reopened: the project is "
                    "no longer running.",
                    project=self.project_id.display_name,
                )
            )
        self.with_context(flow_retro_completing=True).write({"state": "draft", "figures": False})
        return True

    def action_view_project(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.project",
            "res_id": self.project_id.id,
            "view_mode": "form",
            "target": "current",
        }
