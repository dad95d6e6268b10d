# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup, escape

from odoo import _, fields, models

from ..engine import maturity


class ProjectFlowTemplate(models.Model):
    """Process maturity of a template: how its projects actually ran against
    the template (phase durations, gates, rework, retrospectives), its
    bottleneck phases and the history of its maturity assessments.

    The figures are process figures, aggregated over every flow project of
    the template whoever may open them (read in sudo from
    ``project.flow.kpi.phase``): they name phases, never people.
    """

    _inherit = "project.flow.template"

    maturity_assessment_ids = fields.One2many(
        "project.flow.maturity.assessment", "template_id", string="Maturity assessments"
    )
    maturity_assessment_count = fields.Integer(
        compute="_compute_maturity_assessment", string="Assessments"
    )
    maturity_score = fields.Float(
        compute="_compute_maturity_assessment",
        string="Maturity score",
        digits=(3, 1),
        help="Overall score of the last done assessment (1-5).",
    )
    maturity_phases_on_time = fields.Float(compute="_compute_maturity", string="Phases on time (%)")
    maturity_overrun = fields.Float(compute="_compute_maturity", string="Avg overrun (days)")
    maturity_finished_count = fields.Integer(compute="_compute_maturity", string="Phases done")
    maturity_rejection_count = fields.Integer(compute="_compute_maturity", string="Gate rejections")
    maturity_override_count = fields.Integer(compute="_compute_maturity", string="Overrides")
    maturity_rework_count = fields.Integer(compute="_compute_maturity", string="Rework")
    maturity_closed_count = fields.Integer(compute="_compute_maturity", string="Closed projects")
    maturity_retro_count = fields.Integer(compute="_compute_maturity", string="Retrospectives done")
    maturity_retro_rate = fields.Float(compute="_compute_maturity", string="Retrospectives (%)")
    maturity_bottlenecks = fields.Char(
        compute="_compute_maturity",
        string="Bottlenecks",
        help="The slowest phases: positive average overrun, worst first.",
    )
    maturity_phase_html = fields.Html(
        compute="_compute_maturity", sanitize=False, string="Phase durations"
    )

    def _compute_maturity_assessment(self):
        Assessment = self.env["project.flow.maturity.assessment"]
        counts = dict(
            Assessment._read_group([("template_id", "in", self.ids)], ["template_id"], ["__count"])
        )
        last = {}
        for assessment in Assessment.search(
            [("template_id", "in", self.ids), ("state", "=", "done")], order="date desc, id desc"
        ):
            last.setdefault(assessment.template_id, assessment.score)
        for template in self:
            template.maturity_assessment_count = counts.get(template, 0)
            template.maturity_score = last.get(template, 0.0)

    def _compute_maturity(self):
        data = self._flow_maturity_data()
        for template in self:
            figures = data[template.id]["figures"]
            template.maturity_phases_on_time = figures["phases_on_time"] or 0.0
            template.maturity_overrun = figures["overrun"] or 0.0
            template.maturity_finished_count = figures["finished"]
            template.maturity_rejection_count = figures["rejection_count"]
            template.maturity_override_count = figures["override_count"]
            template.maturity_rework_count = figures["rework_count"]
            template.maturity_closed_count = figures["closed_projects"]
            template.maturity_retro_count = figures["retrospectives_done"]
            template.maturity_retro_rate = figures["retrospectives"] or 0.0
            template.maturity_bottlenecks = (
                ", ".join(s.name for s in data[template.id]["bottlenecks"]) or False
            )
            template.maturity_phase_html = template._flow_phase_table(data[template.id])

    def _flow_maturity_data(self, date_from=None, date_to=None):
        """Per template id: ``stats`` (engine PhaseStats per template phase,
        in template order), ``bottlenecks`` and ``figures``. Phases count when
        their date (actual end, else planned end) is in the window; closed
        projects and retrospectives over the whole history. Three grouped
        queries for all the templates of ``self``."""
        # the view reads other models' tables: write pending changes first
        self.env.flush_all()
        Phase = self.env["project.flow.kpi.phase"].sudo()
        domain = [("template_id", "in", self.ids), ("template_phase_id", "!=", False)]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        aggregates = [
            "phase_count:sum",
            "finished:sum",
            "planned_days:sum",
            "actual_days:sum",
            "overrun_days:sum",
            "rejection_count:sum",
            "overridden:sum",
            "rework_count:sum",
        ]
        groups = Phase._read_group(domain, ["template_id", "template_phase_id"], aggregates)
        on_time = {
            (template.id, tphase.id): count
            for template, tphase, count in Phase._read_group(
                [*domain, ("finished", "=", 1), ("overrun_days", "<=", 0)],
                ["template_id", "template_phase_id"],
                ["__count"],
            )
        }
        per_template = {template.id: [] for template in self}
        for template, tphase, count, finished, planned, actual, overrun, rej, ovr, rework in groups:
            count, finished, planned = count or 0, finished or 0, planned or 0.0
            actual, overrun = actual or 0.0, overrun or 0.0
            per_template[template.id].append(
                maturity.PhaseStats(
                    template_phase_id=tphase.id,
                    name=tphase.name,
                    phase_count=count,
                    finished=finished,
                    avg_planned=planned / count if count else 0.0,
                    avg_actual=actual / finished if finished else None,
                    avg_overrun=overrun / finished if finished else None,
                    on_time=on_time.get((template.id, tphase.id), 0),
                    rejections=rej or 0,
                    overrides=ovr or 0,
                    rework=rework or 0,
                )
            )
        Project = self.env["project.project"].sudo().with_context(active_test=False)
        closed = dict(
            Project._read_group(
                [("flow_template_id", "in", self.ids), ("flow_state", "=", "closed")],
                ["flow_template_id"],
                ["__count"],
            )
        )
        retro = dict(
            self.env["project.flow.retrospective"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("template_id", "in", self.ids),
                    ("state", "=", "done"),
                    ("project_id.flow_state", "=", "closed"),
                ],
                ["template_id"],
                ["project_id:count_distinct"],
            )
        )
        result = {}
        for template in self:
            order = {tp.id: i for i, tp in enumerate(template.sudo().phase_ids)}
            stats = sorted(
                per_template[template.id],
                key=lambda s: (order.get(s.template_phase_id, len(order)), s.name),
            )
            result[template.id] = {
                "stats": stats,
                "bottlenecks": maturity.bottlenecks(stats),
                "figures": maturity.template_figures(
                    stats,
                    closed_projects=closed.get(template.sudo(), 0),
                    retrospectives_done=retro.get(template.sudo(), 0),
                ),
            }
        return result

    def _flow_phase_table(self, data):
        if not data["stats"]:
            return Markup('<p class="text-muted">%s</p>') % _(
                "No project of this template has phases yet."
            )
        slow = {s.template_phase_id for s in data["bottlenecks"]}

        def num(value, digits=1):
            return "—" if value is None else f"{value:.{digits}f}"

        head = Markup("").join(
            Markup("<th%s>%s</th>") % (Markup(' class="text-end"') if i else "", label)
            for i, label in enumerate(
                [
                    _("Phase"),
                    _("Planned (days)"),
                    _("Actual (days)"),
                    _("Overrun"),
                    _("Done"),
                    _("On time"),
                    _("Rejections"),
                    _("Overrides"),
                    _("Rework"),
                ]
            )
        )
        rows = []
        for s in data["stats"]:
            name = escape(s.name)
            if s.template_phase_id in slow:
                name = Markup('%s <span class="badge text-bg-danger">%s</span>') % (
                    name,
                    _("Bottleneck"),
                )
            cells = [
                num(s.avg_planned),
                num(s.avg_actual),
                num(s.avg_overrun),
                str(s.finished),
                "—" if s.on_time_rate is None else f"{s.on_time_rate:.0f} %",
                str(s.rejections),
                str(s.overrides),
                str(s.rework),
            ]
            rows.append(
                Markup("<tr><td>%s</td>%s</tr>")
                % (
                    name,
                    Markup("").join(Markup('<td class="text-end">%s</td>') % c for c in cells),
                )
            )
        return Markup(
            '<div class="table-responsive"><table class="table table-sm">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>"
        ) % (head, Markup("").join(rows))

    def action_flow_new_assessment(self):
        """Create a draft assessment, pre-filled from the data, and open it."""
        self.ensure_one()
        assessment = self.env["project.flow.maturity.assessment"].create({"template_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.flow.maturity.assessment",
            "res_id": assessment.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_flow_view_assessments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_maturity_assessment"
        )
        action["domain"] = [("template_id", "=", self.id)]
        action["context"] = {"default_template_id": self.id, "search_default_filter_done": 1}
        action["view_mode"] = "graph,list,form"
        action["views"] = [(False, "graph"), (False, "list"), (False, "form")]
        return action

    def action_flow_view_phase_kpis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_process_phases"
        )
        action["domain"] = [("template_id", "=", self.id)]
        return action
