from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine import template_change as changes


class ProjectFlowLessonApplyWizard(models.TransientModel):
    """Turn a lesson into a change of its flow template (a new checklist
    item, a longer phase...), applied through the same code path as an
    accepted improvement proposal, with a trace back to the lesson."""

    _name = "project.flow.lesson.apply.wizard"
    _description = "Apply a Lesson to its Flow Template"
    _inherit = ["project.flow.template.change.mixin"]

    lesson_id = fields.Many2one(
        "project.flow.lesson", string="Lesson", required=True, ondelete="cascade"
    )
    template_id = fields.Many2one(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if not values.get("lesson_id") and context.get("active_model") == "project.flow.lesson":
            values["lesson_id"] = context.get("active_id")
        lesson = self.env["project.flow.lesson"].browse(values.get("lesson_id"))
        if lesson:
            if "template_id" in fields_list and not values.get("template_id"):
                values["template_id"] = lesson.template_id.id
            if "template_phase_id" in fields_list and not values.get("template_phase_id"):
                values["template_phase_id"] = lesson.template_phase_id.id
                if "new_duration" in fields_list and lesson.template_phase_id:
                    values["new_duration"] = lesson.template_phase_id.duration
        return values

    def _flow_change_label(self):
        self.ensure_one()
        return _("Lesson %(lesson)s", lesson=self.lesson_id.name)

    def action_apply(self):
        self.ensure_one()
        if self.kind not in changes.APPLICABLE_KINDS:
            raise UserError(
                _(
                    "%(record)s: choose in the field Kind of change what to change in the "
                    "template; other ideas go into an improvement proposal.",
                    record=self._flow_change_label(),
                )
            )
        change = self._flow_apply_change({"lesson_id": self.lesson_id.id})
        self.lesson_id.sudo().message_post(
            body=Markup("%s<br/>%s")
            % (
                _(
                    "%(user)s applied this lesson to the template %(template)s:",
                    user=self.env.user.name,
                    template=self.template_id.display_name,
                ),
                change.summary,
            ),
            author_id=self.env.user.partner_id.id,
        )
        self.template_id.sudo().message_post(
            body=_(
                "Changed from the lesson %(lesson)s: %(change)s",
                lesson=self.lesson_id.name,
                change=change.summary,
            ),
            author_id=self.env.user.partner_id.id,
        )
        return {"type": "ir.actions.act_window_close"}
