from odoo import models


# Lessons extend the creation wizard in a file of their own.
class ProjectFlowCreateWizard(models.TransientModel):
    _inherit = "project.flow.create.wizard"  # pylint: disable=consider-merging-classes-inherited

    def action_confirm(self):
        """Once the project is laid out from its template, show its team the
        lessons of earlier projects of that template."""
        action = super().action_confirm()
        self.env["project.project"].browse(action["res_id"])._flow_announce_lessons()
        return action
