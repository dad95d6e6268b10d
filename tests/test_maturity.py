from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.flow_guard import allow_transition
from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestMaturity(ProjectFlowCase):
    """Process maturity of the test template on two projects with known
    phase dates (working days, Monday to Friday, November 2026)::

        project 1  Design  Mon 2 → Tue 3   2 d (plan 2)  overrun 0
                   Build   Wed 4 → Wed 11  6 d (plan 4)  overrun 2, gate overridden,
                                                           2 reopenings of its tasks
                   Release Thu 12 → Thu 12 1 d (plan 2)  overrun -1
        project 2  Design  Mon 2 → Thu 5   4 d (plan 2)  overrun 2, 1 gate rejection
                   Build   Fri 6 → Mon 16  7 d (plan 4)  overrun 3
                   Release not finished

    Project 1 is closed with a completed retrospective, a third project
    (no phases) is closed without one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.p1 = cls.create_flow_project("Maturity one")
        cls.p2 = cls.create_flow_project("Maturity two")
        cls.p3 = env["project.project"].create(
            {"name": "Maturity three", "flow_template_id": cls.template.id}
        )
        dates = {
            cls.p1: [
                ("2026-11-02", "2026-11-03"),
                ("2026-11-04", "2026-11-11"),
                ("2026-11-12", "2026-11-12"),
            ],
            cls.p2: [
                ("2026-11-02", "2026-11-05"),
                ("2026-11-06", "2026-11-16"),
                ("2026-11-17", None),
            ],
        }
        env.flush_all()
        for project, spans in dates.items():
            for phase, (start, end) in zip(cls.phases(project), spans, strict=True):
                env.cr.execute(
                    "UPDATE project_flow_phase SET date_actual_start = %s, date_actual_end = %s "
                    "WHERE id = %s",
                    [start, end, phase.id],
                )
        build1 = cls.phases(cls.p1)[1]
        design2 = cls.phases(cls.p2)[0]
        env.cr.execute(
            "UPDATE project_flow_phase SET is_overridden = TRUE WHERE id = %s", [build1.id]
        )
        build1.task_ids[:1].write({"flow_reopen_count": 2})
        approval = allow_transition(env["project.flow.approval"]).create(
            {
                "project_id": cls.p2.id,
                "phase_id": design2.id,
                "user_id": cls.user_approver.id,
                "approval_rule": "any",
            }
        )
        env.flush_all()
        env.cr.execute(
            "UPDATE project_flow_approval SET state = 'rejected' WHERE id = %s", [approval.id]
        )
        retro = env["project.flow.retrospective"].create({"project_id": cls.p1.id})
        retro.with_context(flow_retro_completing=True).write({"state": "done"})
        allow_transition(cls.p1 | cls.p3).write({"flow_state": "closed"})
        env.invalidate_all()

    def test_template_figures(self):
        t = self.template
        self.assertEqual(t.maturity_finished_count, 5)
        self.assertAlmostEqual(t.maturity_phases_on_time, 40.0, msg="Design 1 and Release 1")
        self.assertAlmostEqual(t.maturity_overrun, (0 + 2 - 1 + 2 + 3) / 5)
        self.assertEqual(t.maturity_rejection_count, 1)
        self.assertEqual(t.maturity_override_count, 1)
        self.assertEqual(t.maturity_rework_count, 2)
        self.assertEqual((t.maturity_closed_count, t.maturity_retro_count), (2, 1))
        self.assertAlmostEqual(t.maturity_retro_rate, 50.0)
        self.assertEqual(t.maturity_bottlenecks, "Build, Design", "worst average overrun first")
        self.assertIn("Bottleneck", t.maturity_phase_html)

    def test_phase_stats(self):
        data = self.template._flow_maturity_data()[self.template.id]
        design, build, release = data["stats"]
        self.assertEqual(
            (design.name, design.finished, design.avg_actual, design.avg_overrun),
            ("Design", 2, 3, 1),
        )
        self.assertEqual((build.avg_actual, build.avg_overrun, build.on_time), (6.5, 2.5, 0))
        self.assertEqual((release.phase_count, release.finished, release.avg_overrun), (2, 1, -1))

    def test_assessment_prefill_and_done(self):
        manager = self.user_manager
        action = self.template.with_user(manager).action_flow_new_assessment()
        assessment = self.env["project.flow.maturity.assessment"].browse(action["res_id"])
        assessment = assessment.with_user(manager)
        self.assertEqual(assessment.state, "draft")
        self.assertEqual(assessment.assessor_id, manager)
        by_measure = {line.measure: line for line in assessment.line_ids}
        self.assertEqual(by_measure["phases_on_time"].measured, "Phases on time: 40 %")
        self.assertEqual(by_measure["phases_on_time"].suggested_score, 2)
        self.assertEqual(by_measure["overrun"].suggested_score, 4, "1.2 days")
        self.assertEqual(by_measure["gate_rejections"].suggested_score, 3, "0.2 per phase")
        self.assertEqual(by_measure["overrides"].suggested_score, 3, "20 %")
        self.assertEqual(by_measure["rework"].suggested_score, 4, "0.4 per phase")
        self.assertEqual(by_measure["retrospectives"].suggested_score, 3, "50 %")
        self.assertFalse(by_measure["manual"].score)
        self.assertEqual(assessment.bottlenecks, "Build, Design")
        self.assertAlmostEqual(assessment.score, 3.2, msg="(2+4+3+3+4+3) / 6")
        with self.assertRaises(UserError):
            assessment.action_flow_done()
        by_measure["manual"].score = 5
        self.assertAlmostEqual(assessment.score, 3.4, msg="24 / 7")
        self.assertAlmostEqual(assessment.score_percent, 60.0)
        assessment.action_flow_done()
        self.assertEqual(assessment.state, "done")
        self.template.invalidate_recordset()
        self.assertAlmostEqual(self.template.maturity_score, 3.4)
        self.assertEqual(self.template.maturity_assessment_count, 1)

    def test_assessment_access(self):
        assessment = self.env["project.flow.maturity.assessment"].create(
            {"template_id": self.template.id}
        )
        self.assertTrue(assessment.with_user(self.user_flow).read(["score"]))
        with self.assertRaises(AccessError):
            assessment.with_user(self.user_flow).write({"comments": "<p>mine</p>"})
        with self.assertRaises(AccessError):
            self.env["project.flow.maturity.assessment"].with_user(self.user_flow).create(
                {"template_id": self.template.id}
            )
        with self.assertRaises(UserError):
            assessment.line_ids[:1].score = 7
