from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    @api.constrains("project_id", "task_id", "unit_amount")
    def _check_flow_project_running(self):
        """Time is logged only on running projects and on tasks whose phase
        has started, whichever way the line is written."""
        states = dict(
            self.env["project.project"]._fields["flow_state"]._description_selection(self.env)
        )
        for line in self.filtered("project_id"):
            project = line.project_id
            if project.flow_state != "running":
                raise ValidationError(
                    _(
                        "Timesheet %(line)s: project %(project)s is %(state)s; time can be "
                        "logged only on a running project (field Project).",
                        line=line.name or "",
                        project=project.display_name,
                        state=states.get(project.flow_state),
                    )
                )
            phase = line.task_id.flow_phase_id
            if phase and phase.state == "draft":
                raise ValidationError(
                    _(
                        "Timesheet %(line)s: task %(task)s belongs to phase %(phase)s, which has "
                        "not started (field Task).",
                        line=line.name or "",
                        task=line.task_id.display_name,
                        phase=phase.display_name,
                    )
                )

    flow_checkin_id = fields.Many2one(
        "project.flow.checkin",
        string="Check-in",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
    )
    flow_timesheet_state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        string="Check-in hours",
        readonly=True,
        copy=False,
        help="Draft: hours proposed by a daily check-in; they count as spent time only once "
        "the person confirms them. Empty for timesheets entered as usual.",
    )
    flow_draft_hours = fields.Float(
        string="Proposed hours",
        readonly=True,
        copy=False,
        help="Hours of a draft check-in line, moved into Quantity when confirmed.",
    )

    def write(self, vals):
        """A draft line keeps its hours aside until it is confirmed: hours
        written to it by hand (timesheet grid, import, RPC) are proposed
        hours, so every Odoo total (task, project, employee, cost) keeps
        ignoring them."""
        if "unit_amount" in vals and not self.env.context.get("flow_timesheet_confirm"):
            drafts = self.filtered(lambda line: line.flow_timesheet_state == "draft")
            if drafts:
                draft_vals = dict(vals)
                draft_vals["flow_draft_hours"] = draft_vals.pop("unit_amount") or 0.0
                super(AccountAnalyticLine, drafts).write(draft_vals)
                others = self - drafts
                return super(AccountAnalyticLine, others).write(vals) if others else True
        return super().write(vals)

    def _flow_confirm(self):
        """Move the proposed hours into the quantity: from now on they count."""
        by_hours = defaultdict(lambda: self.browse())
        for line in self:
            by_hours[line.flow_draft_hours] |= line
        for hours, lines in by_hours.items():
            lines.with_context(flow_timesheet_confirm=True).write(
                {"unit_amount": hours, "flow_timesheet_state": "confirmed"}
            )

    def action_flow_confirm_timesheet(self):
        """Confirm draft check-in hours (server action of timesheet lists).

        People confirm their own lines; timesheet approvers anyone's."""
        drafts = self.filtered(lambda line: line.flow_timesheet_state == "draft")
        if not drafts:
            raise UserError(_("None of the selected timesheet lines has draft check-in hours."))
        if not self.env.user.has_group("hr_timesheet.group_hr_timesheet_approver"):
            foreign = drafts.filtered(lambda line: line.user_id != self.env.user)
            if foreign:
                raise AccessError(
                    _(
                        "Only %(person)s or a timesheet approver may confirm timesheet "
                        "%(line)s (field Check-in hours).",
                        person=foreign[0].user_id.name or foreign[0].employee_id.name,
                        line=foreign[0].name,
                    )
                )
        drafts.check_access("write")
        drafts.sudo()._flow_confirm()
        return True
