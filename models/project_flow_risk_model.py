import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..engine import risk as risk_engine
from .flow_risk_scorer import RiskScorer

_logger = logging.getLogger(__name__)

HOLDOUT = 0.25
SEED = 42


class ProjectFlowRiskModel(models.Model):
    """One weekly training of the delay-risk model of a company, with its
    quality on a holdout of the closed tasks.

    The latest record of a company is the one the daily scoring uses; when
    history is too thin to train (``source == "rules"``), tasks are scored
    with the engine's transparent rules.  Records are kept as a history of
    the model's quality; only flow administrators see them.
    """

    _name = "project.flow.risk.model"
    _description = "Project Flow Delay-Risk Model"
    _order = "trained_date desc, id desc"
    _rec_name = "trained_date"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda s: s.env.company
    )
    trained_date = fields.Datetime(
        string="Trained on", required=True, readonly=True, default=fields.Datetime.now
    )
    n_train = fields.Integer(string="Training tasks", readonly=True)
    n_holdout = fields.Integer(string="Holdout tasks", readonly=True)
    auc = fields.Float(
        string="Holdout AUC",
        digits=(4, 3),
        readonly=True,
        help="Area under the ROC curve on the holdout: 0.5 is chance, 1 ranks every late task "
        "above every on-time one.",
    )
    brier = fields.Float(
        string="Brier score",
        digits=(4, 3),
        readonly=True,
        help="Mean squared error of the predicted probabilities on the holdout (lower is better).",
    )
    source = fields.Selection(
        [("model", "Trained model"), ("rules", "Rules (history too thin or model too weak)")],
        required=True,
        readonly=True,
        default="rules",
    )
    model_json = fields.Text(string="Model (JSON)", readonly=True)
    calibration_json = fields.Text(string="Calibration (JSON)", readonly=True)
    calibration_size = fields.Integer(
        string="Calibration projects",
        readonly=True,
        help="Closed projects the on-time probability was calibrated against.",
    )

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def _flow_current(self, company_id):
        return self.search([("company_id", "=", company_id)], limit=1)

    def _flow_logistic_model(self):
        self.ensure_one()
        if self.source != "model" or not self.model_json:
            return None
        return risk_engine.LogisticModel.from_dict(json.loads(self.model_json))

    @api.model
    def _flow_calibrations(self, companies):
        """``{company id: Calibration}`` of the companies' latest trainings."""
        result = {}
        for company in companies:
            record = self.sudo()._flow_current(company.id)
            if record and record.calibration_json:
                result[company.id] = risk_engine.Calibration.from_dict(
                    json.loads(record.calibration_json)
                )
        return result

    @api.model
    def _flow_check_can_refresh(self, projects):
        if not self.env.user.has_group("project_flow.group_flow_manager") and any(
            project.user_id != self.env.user for project in projects
        ):
            raise AccessError(
                _("Only the project manager or flow managers can refresh the health of a project.")
            )

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------
    @api.model
    def _cron_train(self):
        """Weekly: train each company's model on its closed tasks and calibrate
        the on-time probability on its closed projects; safe to re-run (each
        run adds one record per company, the latest is used)."""
        companies = self.env["res.company"].sudo().search([])
        scorer = RiskScorer(self.sudo().env)
        records = self.browse()
        for done, company in enumerate(companies, start=1):
            records |= self.sudo()._flow_train_company(company, scorer)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(companies) - done)
        return records

    @api.model
    def _flow_train_company(self, company, scorer):
        samples = scorer.training_samples(company.id)
        result = risk_engine.train(samples, holdout=HOLDOUT, seed=SEED)
        pairs = self._flow_calibration_pairs(company)
        calibration = risk_engine.calibrate(pairs) if pairs else None
        vals = {
            "company_id": company.id,
            "n_train": result.n_train,
            "n_holdout": result.n_holdout,
            "auc": result.auc or 0.0,
            "brier": result.brier or 0.0,
            "source": "model" if result.usable else "rules",
            "model_json": json.dumps(result.model.to_dict()) if result.model is not None else False,
            "calibration_json": json.dumps(calibration.to_dict()) if calibration else False,
            "calibration_size": len(pairs),
        }
        _logger.info(
            "Delay-risk model of %s: %s (train %s, holdout %s, AUC %s)",
            company.name,
            vals["source"],
            vals["n_train"],
            vals["n_holdout"],
            vals["auc"],
        )
        return self.create(vals)

    @api.model
    def _flow_calibration_pairs(self, company):
        """``(predicted on-time probability, finished on time)`` of the
        company's closed projects: the uncalibrated probability of the last
        weekly snapshot before closing against whether the last task finished
        by the planned end (one query)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT s.on_time_probability_raw,
                   (SELECT max(t.date_end) FROM project_task t WHERE t.project_id = p.id)::date
                       <= p.date
              FROM project_project p
              JOIN LATERAL (SELECT on_time_probability_raw FROM project_flow_health_snapshot
                             WHERE project_id = p.id ORDER BY date DESC LIMIT 1) s ON TRUE
             WHERE COALESCE(p.company_id, %s) = %s
               AND p.flow_state = 'closed' AND p.date IS NOT NULL
            """,
            [self.env.company.id, company.id],
        )
        return [
            (min(max(prob / 100.0, 0.0), 1.0), bool(on_time))
            for prob, on_time in self.env.cr.fetchall()
            if prob is not None and on_time is not None
        ]
