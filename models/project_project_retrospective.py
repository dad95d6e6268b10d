from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, html2plaintext, is_html_empty

from odoo.addons.project.models.project_task import CLOSED_STATES

from ..engine import retrospective as retro_rules

LESSONS_IN_MESSAGE = 5


# The closing retrospective, the dossier and the lessons extend the project
# in a file of their own, apart from the lifecycle and the scheduler.
class ProjectProject(models.Model):
    """Closing needs a completed retrospective; closing archives the project
    into a dossier; lessons of earlier projects of the same template are
    shown to the team."""

    _inherit = "project.project"  # pylint: disable=consider-merging-classes-inherited

    flow_retrospective_ids = fields.One2many("project.flow.retrospective", "project_id")
    flow_dossier_ids = fields.One2many("project.flow.dossier", "project_id")
    flow_retrospective_id = fields.Many2one(
        "project.flow.retrospective",
        string="Retrospective",
        compute="_compute_flow_retrospective_id",
    )
    flow_retrospective_state = fields.Selection(
        [("draft", "Draft"), ("done", "Completed")],
        string="Retrospective status",
        compute="_compute_flow_retrospective_id",
    )
    flow_dossier_id = fields.Many2one(
        "project.flow.dossier", string="Dossier", compute="_compute_flow_dossier_id"
    )
    flow_lesson_ids = fields.Many2many(
        "project.flow.lesson",
        string="Lessons from earlier projects",
        compute="_compute_flow_lesson_ids",
    )
    flow_lesson_count = fields.Integer(compute="_compute_flow_lesson_ids")

    @api.depends("flow_retrospective_ids.state")
    def _compute_flow_retrospective_id(self):
        for project in self:
            retro = project.flow_retrospective_ids[:1]
            project.flow_retrospective_id = retro
            project.flow_retrospective_state = retro.state

    @api.depends("flow_dossier_ids")
    def _compute_flow_dossier_id(self):
        for project in self:
            project.flow_dossier_id = project.flow_dossier_ids[:1]

    @api.depends("flow_template_id")
    def _compute_flow_lesson_ids(self):
        # changes of the library invalidate the value
        # (project.flow.lesson._flow_invalidate_shown)
        templates = self.flow_template_id
        lessons = (
            self.env["project.flow.lesson"].search([("template_id", "in", templates.ids)])
            if templates
            else self.env["project.flow.lesson"]
        )
        for project in self:
            mine = lessons.filtered(
                lambda lesson, p=project: (
                    lesson.template_id == p.flow_template_id and lesson.project_id != p._origin
                )
            )
            project.flow_lesson_ids = mine
            project.flow_lesson_count = len(mine)

    # ------------------------------------------------------------------
    # Lifecycle: the retrospective is required to close
    # ------------------------------------------------------------------
    def _flow_check_retrospective(self):
        """Refuse to close a project made from a flow template whose
        retrospective is not completed."""
        retros = (
            self.env["project.flow.retrospective"]
            .sudo()
            .search([("project_id", "in", self.ids), ("state", "=", "done")])
        )
        done = set(retros.project_id.ids)
        for project in self:
            if project.flow_template_id and project.id not in done:
                raise UserError(
                    _(
                        "Project %(project)s cannot be closed before its retrospective is "
                        "completed: open Retrospective on the project, fill it and complete it.",
                        project=project.display_name,
                    )
                )

    def _flow_request_step(self, kind):
        if kind == "closing":
            self._flow_check_retrospective()
        return super()._flow_request_step(kind)

    def _flow_set_state(self, state):
        """Every change of lifecycle goes through here: the retrospective
        guard holds on every path to closing, and reaching *closed* files
        the dossier and archives the project."""
        if state in ("closing", "closed"):
            self._flow_check_retrospective()
        result = super()._flow_set_state(state)
        if state == "closed":
            for project in self:
                project._flow_archive_into_dossier()
        return result

    def _flow_archive_into_dossier(self):
        self.ensure_one()
        project = self.sudo()
        dossier = self.env["project.flow.dossier"].sudo()._flow_snapshot(project)
        project.message_post(
            body=_(
                "Project closed and archived; its dossier %(dossier)s keeps its documents, "
                "decisions, risks and retrospective.",
                dossier=dossier.name,
            )
        )
        project.write({"active": False})
        return dossier

    # ------------------------------------------------------------------
    # Key figures
    # ------------------------------------------------------------------
    def _flow_key_figures(self):
        """The key figures of this project now (see
        ``engine.retrospective.build_figures``): one read per kind of record."""
        self.ensure_one()
        project = self.sudo().with_context(active_test=False)
        phases = project.flow_phase_ids.sorted(lambda p: (p.sequence, p.id))
        live_phases = phases.filtered(lambda p: p.state != "cancelled")
        actual_starts = [d for d in live_phases.mapped("date_actual_start") if d]
        actual_ends = [d for d in live_phases.mapped("date_actual_end") if d]
        all_done = bool(live_phases) and all(p.state == "done" for p in live_phases)
        dates = retro_rules.date_figures(
            project.date_start or min(phases.mapped("date_start") or [None], default=None),
            project.date or max([d for d in phases.mapped("date_end") if d], default=None),
            min(actual_starts, default=None),
            max(actual_ends, default=None) if all_done else None,
        )
        phase_lines = retro_rules.phase_figures(
            {
                "name": phase.name,
                "planned_start": phase.date_start,
                "planned_end": phase.date_end,
                "actual_start": phase.date_actual_start,
                "actual_end": phase.date_actual_end,
                "state": phase.state,
                "overridden": phase.is_overridden,
            }
            for phase in phases
        )
        tasks = (
            self.env["project.task"]
            .sudo()
            .with_context(active_test=False)
            .search_read(
                [("project_id", "=", project.id)],
                ["state", "date_deadline", "date_end", "date_last_stage_update", "allocated_hours"],
            )
        )
        task_lines = retro_rules.task_figures(
            {
                "state": "cancelled"
                if task["state"] == "1_canceled"
                else ("done" if task["state"] in CLOSED_STATES else "open"),
                "deadline": task["date_deadline"],
                "finished": task["date_end"] or task["date_last_stage_update"],
            }
            for task in tasks
        )
        allocated = sum(task["allocated_hours"] for task in tasks) or project.allocated_hours
        [(spent, cost)] = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group([("project_id", "=", project.id)], [], ["unit_amount:sum", "amount:sum"])
        )
        approvals = (
            self.env["project.flow.approval"]
            .sudo()
            .search_read([("project_id", "=", project.id)], ["kind", "state"])
        )
        gates = retro_rules.gate_figures(
            [(a["kind"], a["state"]) for a in approvals],
            len(phases.filtered("is_overridden")),
        )
        alerts = None
        if "project.flow.alert" in self.env:
            Alert = self.env["project.flow.alert"].sudo().with_context(active_test=False)
            if "project_id" in Alert._fields:
                alerts = Alert.search_count([("project_id", "=", project.id)])
        risks = {"risks": 0, "open_risks": 0, "issues": 0, "open_issues": 0}
        for kind, state, count in (
            self.env["project.flow.risk"]
            .sudo()
            ._read_group([("project_id", "=", project.id)], ["kind", "state"], ["__count"])
        ):
            key = "risks" if kind == "risk" else "issues"
            risks[key] += count
            if state == "open":
                risks[f"open_{key}"] += count
        return retro_rules.build_figures(
            dates=dates,
            phases=phase_lines,
            tasks=task_lines,
            effort=retro_rules.effort_figures(allocated, spent, cost),
            gates=gates,
            alerts=alerts,
            risks=risks,
            currency=project.currency_id.name,
            computed_on=fields.Date.context_today(self),
        )

    # ------------------------------------------------------------------
    # Dossier
    # ------------------------------------------------------------------
    def _flow_document_ids(self):
        """Ids of the documents of the project: attachments of the project,
        its tasks, phases and deliverables (and the deliverables' documents)."""
        self.ensure_one()
        project = self.sudo().with_context(active_test=False)
        tasks = (
            self.env["project.task"]
            .sudo()
            .with_context(active_test=False)
            .search([("project_id", "=", project.id)])
        )
        phases = project.flow_phase_ids
        deliverables = phases.deliverable_ids
        domain = [
            "|",
            "|",
            "|",
            "&",
            ("res_model", "=", "project.project"),
            ("res_id", "=", project.id),
            "&",
            ("res_model", "=", "project.task"),
            ("res_id", "in", tasks.ids),
            "&",
            ("res_model", "=", "project.flow.phase"),
            ("res_id", "in", phases.ids),
            "&",
            ("res_model", "=", "project.flow.deliverable"),
            ("res_id", "in", deliverables.ids),
        ]
        attachments = self.env["ir.attachment"].sudo().search(domain)
        return (attachments | deliverables.attachment_ids).ids

    def _flow_dossier_sections(self):
        """The sections of the project's dossier, in order: a list of dicts
        ``{"title": str, "html": Markup}``.  Other features extend it with
        ``super()`` (meeting minutes, …)."""
        self.ensure_one()
        project = self.sudo().with_context(active_test=False)
        retro = project.flow_retrospective_id
        figures = retro.figures if retro.state == "done" else project._flow_key_figures()
        return [
            {"title": _("Summary"), "html": project._flow_dossier_summary_html()},
            {
                "title": _("Key figures"),
                "html": self.env["project.flow.retrospective"]._flow_figures_html(figures),
            },
            {"title": _("Phases"), "html": project._flow_dossier_phases_html()},
            {"title": _("Decisions"), "html": project._flow_dossier_decisions_html()},
            {"title": _("Issues"), "html": project._flow_dossier_risks_html("issue")},
            {"title": _("Risks"), "html": project._flow_dossier_risks_html("risk")},
            {"title": _("Retrospective"), "html": project._flow_dossier_retro_html()},
            {"title": _("Documents"), "html": project._flow_dossier_documents_html()},
        ]

    @staticmethod
    def _flow_html_list(items, empty):
        if not items:
            return Markup("<p><em>%s</em></p>") % empty
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % item for item in items
        )

    @staticmethod
    def _flow_html_table(head, rows):
        return Markup(
            '<table class="table table-sm"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
        ) % (
            Markup("").join(Markup("<th>%s</th>") % h for h in head),
            Markup("").join(
                Markup("<tr>%s</tr>")
                % Markup("").join(Markup("<td>%s</td>") % (cell or "") for cell in row)
                for row in rows
            ),
        )

    def _flow_dossier_summary_html(self):
        states = dict(self._fields["flow_state"]._description_selection(self.env))
        items = [
            _("Flow template: %(template)s", template=self.flow_template_id.display_name or "—"),
            _("Project manager: %(user)s", user=self.user_id.name or "—"),
            _("Customer: %(partner)s", partner=self.partner_id.display_name or "—"),
            _(
                "Planned: %(start)s → %(end)s",
                start=format_date(self.env, self.date_start) or "—",
                end=format_date(self.env, self.date) or "—",
            ),
            _("Lifecycle: %(state)s", state=states.get(self.flow_state, "")),
        ]
        html = self._flow_html_list(items, "")
        if not is_html_empty(self.description):
            html += Markup("<div>%s</div>") % self.description
        return html

    def _flow_dossier_phases_html(self):
        states = dict(
            self.env["project.flow.phase"]._fields["state"]._description_selection(self.env)
        )

        def span(start, end):
            return f"{format_date(self.env, start)} → {format_date(self.env, end)}"

        rows = []
        for phase in self.flow_phase_ids.sorted(lambda p: (p.sequence, p.id)):
            deliverables = ", ".join(phase.deliverable_ids.filtered("is_satisfied").mapped("name"))
            rows.append(
                (
                    phase.name,
                    states.get(phase.state, ""),
                    span(phase.date_start, phase.date_end),
                    span(phase.date_actual_start, phase.date_actual_end),
                    _("Overridden") if phase.is_overridden else "",
                    deliverables,
                )
            )
        if not rows:
            return self._flow_html_list([], _("No phase."))
        return self._flow_html_table(
            [_("Phase"), _("State"), _("Planned"), _("Actual"), _("Gate"), _("Deliverables")],
            rows,
        )

    def _flow_dossier_decisions_html(self):
        Approval = self.env["project.flow.approval"]
        kinds = dict(Approval._fields["kind"]._description_selection(self.env))
        states = dict(Approval._fields["state"]._description_selection(self.env))
        approvals = self.flow_approval_ids.filtered(
            lambda a: a.state in ("approved", "rejected")
        ).sorted(lambda a: (a.decision_date or a.requested_date, a.id))
        rows = [
            (
                format_date(self.env, approval.decision_date),
                kinds.get(approval.kind, ""),
                approval.phase_id.name or "",
                approval.user_id.name,
                states.get(approval.state, ""),
                approval.comment or "",
            )
            for approval in approvals
        ]
        if not rows:
            return self._flow_html_list([], _("No decision recorded."))
        return self._flow_html_table(
            [_("Date"), _("Step"), _("Phase"), _("Approver"), _("Decision"), _("Comment")], rows
        )

    def _flow_dossier_risks_html(self, kind):
        Risk = self.env["project.flow.risk"]
        states = dict(Risk._fields["state"]._description_selection(self.env))
        risks = Risk.sudo().search([("project_id", "=", self.id), ("kind", "=", kind)])
        rows = [
            (
                risk.name,
                states.get(risk.state, ""),
                risk.user_id.name or "",
                risk.phase_id.name or "",
                risk.description or "",
            )
            for risk in risks
        ]
        if not rows:
            empty = _("No issue recorded.") if kind == "issue" else _("No risk recorded.")
            return self._flow_html_list([], empty)
        return self._flow_html_table(
            [_("Title"), _("State"), _("Owner"), _("Phase"), _("Description")], rows
        )

    def _flow_dossier_retro_html(self):
        retro = self.flow_retrospective_id
        if not retro:
            return self._flow_html_list([], _("No retrospective."))
        html = Markup("")
        for title, value in (
            (_("Goals"), retro.goals),
            (_("Results"), retro.results),
            (_("What went well"), retro.went_well),
            (_("What to improve"), retro.to_improve),
        ):
            if not is_html_empty(value):
                html += Markup("<h4>%s</h4><div>%s</div>") % (title, value)
        lessons = [
            Markup("<strong>%s</strong>%s%s")
            % (
                lesson.name,
                Markup(" — %s") % ", ".join(lesson.tag_ids.mapped("name"))
                if lesson.tag_ids
                else "",
                Markup(" (%s)") % lesson.template_phase_id.name if lesson.template_phase_id else "",
            )
            for lesson in retro.lesson_ids
        ]
        html += Markup("<h4>%s</h4>") % _("Lessons") + self._flow_html_list(
            lessons, _("No lesson.")
        )
        followups = [
            _(
                "%(action)s (%(target)s, %(owner)s, %(deadline)s)",
                action=line.name,
                target=line.project_id.display_name
                if line.kind == "task"
                else _("template improvement"),
                owner=line.user_id.name or "—",
                deadline=format_date(self.env, line.date_deadline) or "—",
            )
            for line in retro.followup_ids
        ]
        html += Markup("<h4>%s</h4>") % _("Follow-up actions") + self._flow_html_list(
            followups, _("No follow-up action.")
        )
        return html

    def _flow_dossier_documents_html(self):
        attachments = self.env["ir.attachment"].sudo().browse(self._flow_document_ids())
        return self._flow_html_list(sorted(attachments.mapped("name")), _("No document."))

    # ------------------------------------------------------------------
    # Lessons shown to the team
    # ------------------------------------------------------------------
    def _flow_lessons_to_show(self, template_phase=None):
        """The best lessons of earlier projects of this project's template
        (``engine.retrospective.pick_lessons``)."""
        self.ensure_one()
        Lesson = self.env["project.flow.lesson"].sudo()
        if not self.flow_template_id:
            return Lesson
        domain = [
            ("template_id", "=", self.flow_template_id.id),
            ("project_id", "!=", self.id),
            ("company_id", "in", [self.company_id.id or self.env.company.id, False]),
        ]
        if template_phase:
            domain.append(("template_phase_id", "=", template_phase.id))
        lessons = Lesson.search(domain)
        ids = retro_rules.pick_lessons(
            (
                {
                    "id": lesson.id,
                    "template_phase_id": lesson.template_phase_id.id or None,
                    "tag_count": len(lesson.tag_ids),
                    "date": lesson.create_date,
                }
                for lesson in lessons
            ),
            template_phase_id=template_phase.id if template_phase else None,
            limit=LESSONS_IN_MESSAGE,
        )
        return Lesson.browse(ids)

    def _flow_team_partner_ids(self):
        self.ensure_one()
        users = self.user_id | self.flow_member_ids.user_id
        return (users.partner_id - self.env.user.partner_id).ids

    def _flow_post_lessons(self, record, lessons, intro):
        """Post a short list of ``lessons`` on ``record``'s chatter for the
        project team; nothing when there are none."""
        if not lessons:
            return
        items = Markup("").join(
            Markup("<li><strong>%s</strong>%s</li>")
            % (
                lesson.name,
                Markup(": %s") % html2plaintext(lesson.description)[:200]
                if not is_html_empty(lesson.description)
                else "",
            )
            for lesson in lessons
        )
        record.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items),
            partner_ids=self._flow_team_partner_ids(),
            subtype_xmlid="mail.mt_note",
        )

    def _flow_announce_lessons(self):
        """Tell the team of a project just made from a template the lessons
        of earlier projects of that template."""
        for project in self:
            project._flow_post_lessons(
                project.sudo(),
                project._flow_lessons_to_show(),
                _(
                    "Lessons from earlier projects of %(template)s:",
                    template=project.flow_template_id.display_name,
                ),
            )

    def action_flow_open_retrospective(self):
        """Open the project's retrospective, starting one when there is none."""
        self.ensure_one()
        retro = self.flow_retrospective_id
        if not retro:
            if not self.flow_template_id:
                raise UserError(
                    _(
                        "Project %(project)s has no flow template: it needs no retrospective.",
                        project=self.display_name,
                    )
                )
            retro = self.env["project.flow.retrospective"].create(
                {
                    "project_id": self.id,
                    "goals": self.description if not is_html_empty(self.description) else False,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Retrospective"),
            "res_model": "project.flow.retrospective",
            "res_id": retro.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_flow_view_lessons(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_lesson"
        )
        action["domain"] = [("id", "in", self.flow_lesson_ids.ids)]
        action["context"] = {"default_template_id": self.flow_template_id.id}
        return action

    def action_flow_view_dossier(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.flow.dossier",
            "res_id": self.flow_dossier_id.id,
            "view_mode": "form",
            "target": "current",
        }
