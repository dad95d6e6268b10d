from odoo import fields, models

RISK_KINDS = [("risk", "Risk"), ("issue", "Issue")]
RISK_STATES = [("open", "Open"), ("mitigated", "Mitigated"), ("closed", "Closed")]


class ProjectFlowRisk(models.Model):
    """A risk (may happen) or an issue (has happened) of a flow project: the
    project's risk and issue list, fed by check-in blockers, meeting minutes
    and people, and kept in the closing dossier."""

    _name = "project.flow.risk"
    _description = "Project Flow Risk or Issue"
    _inherit = ["mail.thread"]
    _order = "state, id desc"

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(RISK_KINDS, required=True, default="risk", tracking=True)
    project_id = fields.Many2one("project.project", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    phase_id = fields.Many2one(
        "project.flow.phase", domain="[('project_id', '=', project_id)]", ondelete="set null"
    )
    task_id = fields.Many2one(
        "project.task", domain="[('project_id', '=', project_id)]", ondelete="set null"
    )
    user_id = fields.Many2one("res.users", string="Owner", tracking=True)
    description = fields.Text()
    state = fields.Selection(RISK_STATES, required=True, default="open", tracking=True)

    checkin_id = fields.Many2one(
        "project.flow.checkin",
        string="From check-in",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The daily check-in whose blocker this risk or issue was raised from.",
    )
