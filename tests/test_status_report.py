"""The project status report (PDF): its KPIs on a known project, what the
pages show, several projects at once, access and Chinese rendering."""

import subprocess
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from .common import ProjectFlowCase

REPORT = "project_flow.action_report_project_flow_status"


def wkhtmltopdf_with_patched_qt():
    """Odoo renders PDFs of several records (and headers, footers) only with
    the "patched qt" build of wkhtmltopdf; the others fail on several
    records and log warnings on every page, so the PDF test needs it."""
    try:
        binary = _get_wkhtmltopdf_bin()
        version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version


@tagged("post_install", "-at_install")
class TestStatusReport(ProjectFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.project = cls.start_flow_project(cls.create_flow_project("Status Falcon"))
        cls.project.privacy_visibility = "followers"
        tasks = cls.project.task_ids.sorted(lambda t: (t.flow_phase_id.sequence, t.id))
        cls.t_spec, cls.t_review, cls.t_impl, cls.t_tests, cls.t_deploy = tasks
        base = datetime(2026, 3, 2, 8, 0)
        day = timedelta(days=1)
        # A known dataset, written as the closing stamp and counters leave it:
        #   spec:   done, created D, closed D+3, deadline D+5  -> on time, 3 days
        #   review: done, created D, closed D+7, deadline D+5  -> late, 7 days, reopened once
        #   impl:   done, created D, closed D+2, no deadline   -> 2 days
        #   tests:  open, 2 stage regressions, tagged "Falcon bug"
        #   deploy: cancelled (not counted, its hours neither)
        rows = [
            (cls.t_spec, "1_done", base + 3 * day, base + 5 * day, 0, 0, 10, 8),
            (cls.t_review, "1_done", base + 7 * day, base + 5 * day, 1, 0, 10, 12),
            (cls.t_impl, "1_done", base + 2 * day, None, 0, 0, 20, 10),
            (cls.t_tests, "01_in_progress", None, None, 0, 2, 0, 0),
            (cls.t_deploy, "1_canceled", None, None, 0, 0, 8, 3),
        ]
        env.flush_all()
        for task, state, date_end, deadline, reopen, regress, allocated, effective in rows:
            env.cr.execute(
                """
                UPDATE project_task
                   SET state = %s, date_end = %s, date_deadline = %s, create_date = %s,
                       flow_reopen_count = %s, flow_stage_regression_count = %s,
                       allocated_hours = %s, effective_hours = %s
                 WHERE id = %s
                """,
                [state, date_end, deadline, base, reopen, regress, allocated, effective, task.id],
            )
        env.invalidate_all()
        cls.t_tests.tag_ids = [Command.create({"name": "Falcon bug"})]

        Milestone = env["project.milestone"]
        cls.project.allow_milestones = True
        Milestone.search([("project_id", "=", cls.project.id)]).unlink()
        cls.m_reached = Milestone.create(
            {
                "name": "Alpha shipped",
                "project_id": cls.project.id,
                "deadline": "2099-12-31",
                "is_reached": True,
            }
        )
        cls.m_missed = Milestone.create(
            {"name": "Beta frozen", "project_id": cls.project.id, "deadline": "2020-01-31"}
        )
        cls.m_open = Milestone.create(
            {"name": "GA release", "project_id": cls.project.id, "deadline": "2099-06-30"}
        )

        Risk = env["project.flow.risk"]
        cls.risk = Risk.create(
            {
                "name": "Supplier chip shortage",
                "project_id": cls.project.id,
                "user_id": cls.user_flow.id,
            }
        )
        Risk.create({"name": "Closed old risk", "project_id": cls.project.id, "state": "closed"})

        Alert = env["project.flow.alert"]
        alert_vals = {
            "object_ref": f"project.task,{cls.t_tests.id}",
            "kind": "task",
            "level": "1",
            "project_id": cls.project.id,
            "task_id": cls.t_tests.id,
            "delay_days": 4,
        }
        cls.alert = Alert.create(dict(alert_vals, name="Unit tests are 4 days late"))
        Alert.create(dict(alert_vals, name="Resolved long ago", state="resolved", level="0"))

        cls.project.sudo().write(
            {
                "flow_health": "red",
                "flow_health_score": 42,
                "flow_health_data": {
                    "reasons": [
                        {"code": "rework", "params": {"count": 3, "total": 5, "percent": 60}}
                    ]
                },
                "flow_on_time_probability": 35.0,
            }
        )
        cls.other = cls.start_flow_project(cls.create_flow_project("Status Heron"))

    def _html(self, projects, user=None):
        report = self.env["ir.actions.report"].with_user(user or self.user_manager)
        html, _type = report._render_qweb_html(REPORT, projects.ids)
        return html.decode() if isinstance(html, bytes) else str(html)

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    def test_kpis_of_a_known_project(self):
        kpis = self.project._flow_status_kpis()[self.project.id]
        self.assertEqual(
            kpis,
            {
                "completion_rate": 75.0,  # 3 done of 4 not cancelled
                "on_time_rate": 50.0,  # spec on time, review late; impl has no deadline
                "cycle_days": 4.0,  # (3 + 7 + 2) / 3
                "rework_count": 3,  # 1 reopening + 2 regressions
                "defect_count": 1,  # the "Falcon bug" tag
                "allocated_hours": 40.0,  # 10 + 10 + 20 (+ 0), deploy cancelled
                "effective_hours": 30.0,  # 8 + 12 + 10
                "hours_ratio": 75.0,
                "milestone_hit_rate": 50.0,  # 1 on time of 2 reached or missed
            },
        )

    def test_kpis_of_several_projects_in_fixed_queries(self):
        projects = self.project | self.other
        kpis = projects._flow_status_kpis()
        self.assertEqual(kpis[self.project.id]["completion_rate"], 75.0)
        self.assertEqual(kpis[self.other.id]["completion_rate"], 0.0)
        self.assertIsNone(kpis[self.other.id]["on_time_rate"])
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            self.project._flow_status_kpis()
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            projects._flow_status_kpis()

    # ------------------------------------------------------------------
    # The report
    # ------------------------------------------------------------------
    def test_report_shows_the_project(self):
        html = self._html(self.project)
        for text in (
            "Status Falcon",
            self.project.user_id.name,
            "Design",
            "Build",
            "Release",
            "Hard gate",
            "Quality: 3 of 5 tasks reworked (60 %)",
            "42",
            "Alpha shipped",
            "Beta frozen",
            "Missed",
            "Supplier chip shortage",
            "Unit tests are 4 days late",
            "75 %",
            "50 %",
            "Completion rate",
            "Milestone hit rate",
            "30 / 40",
            "o_health_red",
            "o_today",
        ):
            self.assertIn(text, html)
        self.assertNotIn("Closed old risk", html)
        self.assertNotIn("Resolved long ago", html)

    def test_report_of_several_projects(self):
        html = self._html(self.project | self.other)
        self.assertIn("Status Falcon", html)
        self.assertIn("Status Heron", html)
        self.assertEqual(html.count('class="page o_flow_status_report"'), 2)

    def test_report_reads_projects_together(self):
        """A project more adds no query per phase, approval, milestone, risk
        or alert: the pages read them for all printed projects at once."""
        projects = self.project | self.other

        def queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._html(records)
            return self.env.cr.sql_log_count - before

        queries(projects)  # compiles the templates
        one = queries(self.project)
        two = queries(projects)
        self.assertLessEqual(two, one + 2, f"1 project: {one} queries, 2 projects: {two}")

    def test_print_button(self):
        action = self.project.with_user(self.user_manager).action_flow_print_status()
        self.assertEqual(action["report_name"], "project_flow.report_project_flow_status")
        self.assertEqual(action["context"]["active_ids"], self.project.ids)

    def test_who_cannot_read_the_project_cannot_print_it(self):
        stranger = new_test_user(
            self.env, login="pf_status_stranger", groups="project.group_project_user"
        )
        self.assertFalse(self.project.with_user(stranger).has_access("read"))
        with self.assertRaises(AccessError):
            self._html(self.project, user=stranger)

    def test_chinese_rendering(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        project = self.start_flow_project(self.create_flow_project("新产品研发"))
        self.env["project.flow.risk"].create({"name": "供应商交付延迟", "project_id": project.id})
        report = (
            self.env["ir.actions.report"].with_user(self.user_manager).with_context(lang="zh_CN")
        )
        html, _type = report._render_qweb_html(REPORT, project.ids)
        html = html.decode()
        self.assertIn("新产品研发", html)
        self.assertIn("供应商交付延迟", html)

    def test_pdf(self):
        report = self.env["ir.actions.report"]
        if report.get_wkhtmltopdf_state() != "ok" or not wkhtmltopdf_with_patched_qt():
            self.skipTest("wkhtmltopdf (with patched qt) is not installed")
        self.env["res.lang"]._activate_lang("zh_CN")
        pdf, report_type = (
            report.with_user(self.user_manager)
            .with_context(force_report_rendering=True, lang="zh_CN")
            ._render_qweb_pdf(REPORT, (self.project | self.other).ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
