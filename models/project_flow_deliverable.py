from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .flow_guard import transition_allowed
from .project_flow_template_deliverable import DELIVERABLE_STAGES, DELIVERABLE_TYPES


class ProjectFlowDeliverable(models.Model):
    """An entry or exit criterion of a project phase: a document or a
    checklist item, required or optional."""

    _name = "project.flow.deliverable"
    _description = "Project Flow Deliverable"
    _order = "phase_id, stage desc, sequence, id"

    phase_id = fields.Many2one("project.flow.phase", required=True, ondelete="cascade", index=True)
    project_id = fields.Many2one(related="phase_id.project_id", store=True, index=True)
    template_deliverable_id = fields.Many2one(
        "project.flow.template.deliverable", ondelete="set null"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text()
    stage = fields.Selection(DELIVERABLE_STAGES, string="Criterion", required=True, default="exit")
    deliverable_type = fields.Selection(
        DELIVERABLE_TYPES, string="Type", required=True, default="attachment"
    )
    required = fields.Boolean(default=True)
    is_checked = fields.Boolean(string="Done", copy=False)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "project_flow_deliverable_attachment_rel",
        "deliverable_id",
        "attachment_id",
        string="Documents",
        copy=False,
    )
    is_satisfied = fields.Boolean(string="Satisfied", compute="_compute_is_satisfied", store=True)
    done_user_id = fields.Many2one("res.users", string="Done by", readonly=True, copy=False)
    done_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("deliverable_type", "is_checked", "attachment_ids")
    def _compute_is_satisfied(self):
        for deliverable in self:
            if deliverable.deliverable_type == "checklist":
                deliverable.is_satisfied = deliverable.is_checked
            else:
                deliverable.is_satisfied = bool(deliverable.attachment_ids)

    @api.model_create_multi
    def create(self, vals_list):
        deliverables = super().create(vals_list)
        deliverables._check_phase_editable()
        return deliverables

    def write(self, vals):
        self._check_phase_editable()
        if "is_checked" in vals or "attachment_ids" in vals:
            vals = dict(vals, done_user_id=self.env.uid, done_date=fields.Datetime.now())
        return super().write(vals)

    def unlink(self):
        self._check_phase_editable()
        return super().unlink()

    def _check_phase_editable(self):
        """Deliverables of a completed phase are the record of its gate: they
        are frozen."""
        if transition_allowed(self):
            return
        closed = self.filtered(lambda d: d.phase_id.state in ("done", "cancelled"))
        if closed:
            raise UserError(
                _(
                    "Deliverable %(deliverable)s: phase %(phase)s is closed, its deliverables "
                    "can no longer change.",
                    deliverable=closed[0].name,
                    phase=closed[0].phase_id.display_name,
                )
            )

    def action_toggle_checked(self):
        for deliverable in self:
            deliverable.is_checked = not deliverable.is_checked
        return True
