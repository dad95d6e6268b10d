from odoo import api, fields, models


class ProjectFlowLesson(models.Model):
    """A lesson learned in a project, kept in the lessons library and shown to
    later projects of the same template."""

    _name = "project.flow.lesson"
    _description = "Project Flow Lesson"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="Lesson", required=True, tracking=True)
    description = fields.Html()
    kind = fields.Selection(
        [("keep", "Keep doing"), ("improve", "Do differently")],
        string="Type",
        required=True,
        default="improve",
    )
    project_id = fields.Many2one(
        "project.project", string="Source project", ondelete="set null", index="btree_not_null"
    )
    retrospective_id = fields.Many2one(
        "project.flow.retrospective", ondelete="set null", index="btree_not_null", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    template_id = fields.Many2one(
        "project.flow.template",
        compute="_compute_template_id",
        store=True,
        readonly=False,
        ondelete="set null",
        index="btree_not_null",
    )
    phase_id = fields.Many2one(
        "project.flow.phase",
        string="Source phase",
        domain="[('project_id', '=', project_id)]",
        ondelete="set null",
        help="The phase of the source project the lesson was learned in.",
    )
    template_phase_id = fields.Many2one(
        "project.flow.template.phase",
        string="Template phase",
        compute="_compute_template_phase_id",
        store=True,
        readonly=False,
        domain="[('template_id', '=', template_id)]",
        ondelete="set null",
        index="btree_not_null",
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index="btree_not_null",
    )
    tag_ids = fields.Many2many("project.flow.lesson.tag", string="Topics")
    active = fields.Boolean(default=True)

    @api.depends("project_id.flow_template_id", "retrospective_id")
    def _compute_template_id(self):
        for lesson in self:
            source = lesson.retrospective_id.project_id or lesson.project_id
            if source.flow_template_id:
                lesson.template_id = source.flow_template_id

    @api.depends("phase_id.template_phase_id")
    def _compute_template_phase_id(self):
        for lesson in self:
            if lesson.phase_id.template_phase_id:
                lesson.template_phase_id = lesson.phase_id.template_phase_id

    @api.depends("retrospective_id.department_id")
    def _compute_department_id(self):
        for lesson in self:
            if lesson.retrospective_id.department_id and not lesson.department_id:
                lesson.department_id = lesson.retrospective_id.department_id

    @api.model_create_multi
    def create(self, vals_list):
        """A lesson written in a retrospective belongs to its project."""
        retros = self.env["project.flow.retrospective"].browse(
            [vals["retrospective_id"] for vals in vals_list if vals.get("retrospective_id")]
        )
        by_id = {retro.id: retro for retro in retros.sudo()}
        for vals in vals_list:
            retro = by_id.get(vals.get("retrospective_id"))
            if retro:
                vals.setdefault("project_id", retro.project_id.id)
            if not vals.get("company_id"):
                # a project may have no company: the lesson belongs to the
                # current one
                vals["company_id"] = (retro and retro.company_id.id) or self.env.company.id
        lessons = super().create(vals_list)
        self._flow_invalidate_shown()
        return lessons

    def write(self, vals):
        result = super().write(vals)
        self._flow_invalidate_shown()
        return result

    def unlink(self):
        result = super().unlink()
        self._flow_invalidate_shown()
        return result

    def _flow_invalidate_shown(self):
        """The lessons shown on projects and phases are computed, not
        stored: forget them when the library changes."""
        self.env["project.project"].invalidate_model(["flow_lesson_ids", "flow_lesson_count"])
        self.env["project.flow.phase"].invalidate_model(["lesson_ids", "lesson_count"])
