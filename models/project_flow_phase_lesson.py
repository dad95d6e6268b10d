from odoo import _, api, fields, models


# Lessons extend the phase in a file of their own, apart from its gates.
class ProjectFlowPhase(models.Model):
    """Lessons learned in the same template phase of earlier projects, shown
    on the phase and posted to the team when the phase opens."""

    _inherit = "project.flow.phase"  # pylint: disable=consider-merging-classes-inherited

    lesson_ids = fields.Many2many(
        "project.flow.lesson",
        string="Lessons from earlier projects",
        compute="_compute_lesson_ids",
    )
    lesson_count = fields.Integer(compute="_compute_lesson_ids")

    # the dependencies also keep Odoo from caching an empty value for the
    # phases it creates; changes of the library invalidate the value
    # (project.flow.lesson._flow_invalidate_shown)
    @api.depends("template_phase_id", "project_id")
    def _compute_lesson_ids(self):
        Lesson = self.env["project.flow.lesson"]
        template_phases = self.template_phase_id
        lessons = (
            Lesson.search([("template_phase_id", "in", template_phases.ids)])
            if template_phases
            else Lesson
        )
        for phase in self:
            mine = lessons.filtered(
                lambda lesson, p=phase: (
                    lesson.template_phase_id == p.template_phase_id
                    and lesson.project_id != p.project_id
                )
            )
            phase.lesson_ids = mine
            phase.lesson_count = len(mine)

    def _flow_set_state(self, state):
        opening = self.filtered(lambda p: p.state == "draft") if state == "open" else self.browse()
        result = super()._flow_set_state(state)
        for phase in opening.filtered("template_phase_id"):
            project = phase.project_id
            project._flow_post_lessons(
                phase.sudo(),
                project._flow_lessons_to_show(template_phase=phase.template_phase_id),
                _(
                    "Phase %(phase)s opened. Lessons from earlier projects for this phase:",
                    phase=phase.name,
                ),
            )
        return result

    def action_view_lessons(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_lesson"
        )
        action["domain"] = [("id", "in", self.lesson_ids.ids)]
        return action
