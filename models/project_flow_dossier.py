from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import html2plaintext


class ProjectFlowDossier(models.Model):
    """The archive of a closed flow project (项目档案).

    A snapshot taken when the project reaches *closed*: the html sections
    of ``project.project._flow_dossier_sections()`` (summary, phases,
    decisions, risks and issues, retrospective, documents, and what other
    features add), the key figures, a plain-text copy for searching, and
    links to the project's documents (the attachments themselves, no
    copies).  The project is archived at closing; its dossier stays
    readable and searchable.
    """

    _name = "project.flow.dossier"
    _description = "Project Flow Dossier"
    _inherit = ["mail.thread"]
    _order = "date_closed desc, id desc"

    name = fields.Char(required=True, readonly=True)
    project_id = fields.Many2one(
        "project.project", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    template_id = fields.Many2one(
        "project.flow.template", string="Flow template", readonly=True, index="btree_not_null"
    )
    department_id = fields.Many2one(
        "hr.department", string="Department", readonly=True, index="btree_not_null"
    )
    user_id = fields.Many2one("res.users", string="Project manager", readonly=True)
    retrospective_id = fields.Many2one("project.flow.retrospective", readonly=True)
    date_closed = fields.Date(string="Closed on", required=True, readonly=True, index=True)
    date_start = fields.Date(string="Started on", readonly=True)
    sections_html = fields.Html(string="Dossier", readonly=True)
    figures = fields.Json(string="Key figures (stored)", readonly=True)
    figures_html = fields.Html(
        string="Key figures", compute="_compute_figures_html", sanitize=False
    )
    content_text = fields.Text(
        string="Text", readonly=True, help="The whole dossier as plain text, for searching."
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "project_flow_dossier_attachment_rel",
        "dossier_id",
        "attachment_id",
        string="Documents",
        readonly=True,
    )
    attachment_count = fields.Integer(
        string="Number of documents", compute="_compute_attachment_count"
    )
    lesson_ids = fields.One2many(related="retrospective_id.lesson_ids", string="Lessons")

    _sql_constraints = [
        ("project_uniq", "unique(project_id)", "A project has one dossier."),
    ]

    @api.depends("figures")
    def _compute_figures_html(self):
        Retro = self.env["project.flow.retrospective"]
        for dossier in self:
            dossier.figures_html = (
                Retro._flow_figures_html(dossier.figures) if dossier.figures else False
            )

    @api.depends("attachment_ids")
    def _compute_attachment_count(self):
        for dossier in self:
            dossier.attachment_count = len(dossier.attachment_ids)

    @api.model
    def _flow_snapshot(self, project):
        """Create or refresh the dossier of ``project`` (run as superuser
        by the lifecycle at closing)."""
        project.ensure_one()
        project = project.with_context(active_test=False)
        sections = project._flow_dossier_sections()
        body = Markup("").join(
            Markup('<section class="o_flow_dossier_section"><h3>%s</h3>%s</section>')
            % (section["title"], Markup(section["html"] or ""))
            for section in sections
        )
        text = "\n\n".join(
            f"{section['title']}\n{html2plaintext(section['html'] or '')}" for section in sections
        )
        retro = project.flow_retrospective_id
        vals = {
            "name": project.name,
            "company_id": project.company_id.id or self.env.company.id,
            "template_id": project.flow_template_id.id,
            "department_id": retro.department_id.id,
            "user_id": project.user_id.id,
            "retrospective_id": retro.id,
            "date_closed": fields.Date.context_today(self),
            "date_start": project.date_start,
            "sections_html": body,
            "figures": retro.figures or project._flow_key_figures(),
            "content_text": f"{project.name}\n{text}",
            "attachment_ids": [fields.Command.set(project._flow_document_ids())],
        }
        dossier = self.search([("project_id", "=", project.id)], limit=1)
        if dossier:
            dossier.write(vals)
        else:
            dossier = self.create(dict(vals, project_id=project.id))
        return dossier

    def action_view_project(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.project",
            "res_id": self.project_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_print(self):
        self.ensure_one()
        return self.env.ref("project_flow.action_report_project_flow_dossier").report_action(
            self, config=False
        )
