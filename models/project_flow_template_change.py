from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .flow_guard import transition_allowed
from .project_flow_template_change_mixin import CHANGE_KINDS


class ProjectFlowTemplateChange(models.Model):
    """The trace of one change applied to a flow template: what changed, the
    old and new values, who applied it and why (the accepted improvement
    proposal or the lesson it came from).

    Traces are written only by ``_flow_apply_change`` of the change mixin and
    never edited afterwards: they are the template's history.
    """

    _name = "project.flow.template.change"
    _description = "Project Flow Template Change"
    _order = "date desc, id desc"
    _rec_name = "summary"

    template_id = fields.Many2one(
        "project.flow.template", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    template_phase_id = fields.Many2one(
        "project.flow.template.phase", string="Template phase", ondelete="set null", readonly=True
    )
    kind = fields.Selection(
        [kind for kind in CHANGE_KINDS if kind[0] != "other"],
        string="Kind of change",
        required=True,
        readonly=True,
    )
    target_description = fields.Char(string="Changed element", readonly=True)
    old_value = fields.Char(string="Old value", readonly=True)
    new_value = fields.Char(string="New value", readonly=True)
    summary = fields.Char(compute="_compute_summary")
    proposal_id = fields.Many2one(
        "project.flow.proposal",
        string="Proposal",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    lesson_id = fields.Many2one(
        "project.flow.lesson",
        string="Lesson",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    author_id = fields.Many2one("res.users", string="Applied by", readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)

    @api.depends("kind", "target_description", "old_value", "new_value")
    def _compute_summary(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for change in self:
            if change.old_value and change.new_value:
                values = f"{change.old_value} → {change.new_value}"
            else:
                values = change.new_value or change.old_value or ""
            change.summary = " — ".join(
                part for part in (kinds.get(change.kind), change.target_description, values) if part
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not transition_allowed(self):
            raise UserError(
                _(
                    "Template changes are recorded when a proposal is accepted or a lesson is "
                    "applied, not created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not transition_allowed(self):
            raise UserError(
                _(
                    "Template change %(change)s: the history of a template cannot be edited.",
                    change=self[:1].summary,
                )
            )
        return super().write(vals)

    def unlink(self):
        if not transition_allowed(self):
            raise UserError(
                _(
                    "Template change %(change)s: the history of a template cannot be deleted.",
                    change=self[:1].summary,
                )
            )
        return super().unlink()
