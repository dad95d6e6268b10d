from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


# The delay threshold of templates lives apart from the process definition.
class ProjectFlowTemplate(models.Model):
    _inherit = "project.flow.template"  # pylint: disable=consider-merging-classes-inherited

    delay_threshold = fields.Integer(
        string="Delay threshold (working days)",
        default=0,
        help="Work this many working days late raises a delay alert in projects of this "
        "type. 0: the company's threshold. A phase may set its own.",
    )

    @api.constrains("delay_threshold")
    def _check_delay_threshold(self):
        for template in self:
            if template.delay_threshold < 0:
                raise ValidationError(
                    _(
                        "Template %(template)s: the field Delay threshold cannot be negative.",
                        template=template.display_name,
                    )
                )
