from odoo import fields, models


# The earned-schedule forecast of a phase, written by the project's batch
# recompute (project.project._flow_recompute_forecast_health).
class ProjectFlowPhase(models.Model):
    _inherit = "project.flow.phase"  # pylint: disable=consider-merging-classes-inherited

    flow_spi_t = fields.Float(
        string="SPI(t)",
        digits=(4, 2),
        readonly=True,
        copy=False,
        help="Schedule performance index in time of the phase's baseline tasks.",
    )
    flow_forecast_finish = fields.Date(
        string="Forecast finish",
        readonly=True,
        copy=False,
        help="Baseline start of the phase plus its forecast duration in working days.",
    )
    flow_forecast_delay = fields.Integer(
        string="Forecast delay (working days)", readonly=True, copy=False
    )
