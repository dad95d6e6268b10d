"""Earned-schedule forecasts of projects, phases and tasks, and the what-if
message of the task form.

Dates are in March 2030 on the schedule tests' calendar (Monday to Friday,
Wednesday 13 a company holiday)::

    M4 T5 W6 T7 F8 | M11 T12 (W13 off) T14 F15 | M18 ... | M25 T26 W27 T28

Baseline: Design Mon 4 - Fri 8 (5 days), Build Mon 11 - Fri 15 (4 days):
the planned duration is 9 working days, planned value 1 per day (weights =
durations, no allocated hours).  On Monday 11 the actual time is 5 days.
"""

from datetime import date

from odoo import Command
from odoo.tests import Form, tagged

from .common_schedule import MON_4, ScheduleCase

MON_11 = date(2030, 3, 11)


@tagged("post_install", "-at_install")
class TestForecast(ScheduleCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # template-less projects count as flow projects in this company
        cls.company.flow_require_initiation = True
        cls.project = cls.new_project("Forecast project", mode="manual")
        cls.design = cls.new_task(
            cls.project,
            "Design",
            5,
            flow_progress_mode="manual",
            user_ids=[Command.set(cls.user_flow.ids)],
            **dict(
                zip(
                    ("planned_date_begin", "date_deadline"),
                    cls.window(MON_4, date(2030, 3, 8)),
                    strict=True,
                )
            ),
        )
        cls.build = cls.new_task(
            cls.project,
            "Build",
            4,
            flow_progress_mode="manual",
            **dict(
                zip(
                    ("planned_date_begin", "date_deadline"),
                    cls.window(MON_11, date(2030, 3, 15)),
                    strict=True,
                )
            ),
        )
        cls.project._flow_capture_baseline("manual")

    def recompute(self):
        self.project._flow_recompute_forecast_health(today=MON_11)

    def test_on_plan(self):
        self.design.flow_progress = 100.0
        self.recompute()
        self.assertRecordValues(
            self.project,
            [
                {
                    "flow_earned_schedule": 5.0,
                    "flow_spi_t": 1.0,
                    "flow_forecast_delay": 0,
                    "flow_forecast_finish": date(2030, 3, 15),
                }
            ],
        )

    def test_behind_plan(self):
        """Half the design done after 5 days: ES 2.5, SPI(t) 0.5, the 9 days
        take 18, finishing Thursday 28 (the holiday skipped)."""
        self.design.flow_progress = 50.0
        self.recompute()
        self.assertRecordValues(
            self.project,
            [
                {
                    "flow_earned_schedule": 2.5,
                    "flow_spi_t": 0.5,
                    "flow_forecast_delay": 9,
                    "flow_forecast_finish": date(2030, 3, 28),
                }
            ],
        )
        # design: 5 days for 50 %, 5 more from Monday 11 -> Monday 18;
        # build starts today with nothing done: its 4 planned days
        self.assertEqual(self.design.flow_forecast_finish, date(2030, 3, 18))
        self.assertEqual(self.build.flow_forecast_finish, date(2030, 3, 15))
        # the schedule is 100 % late: red on schedule, and overall
        self.assertEqual(self.project.flow_health, "red")
        self.assertIn("Schedule: forecast 9 working days late", self.project.flow_health_reasons)

    def test_what_if_message(self):
        """Extending the build in the form tells how the project forecast
        finish moves, before saving."""
        self.design.flow_progress = 100.0
        self.recompute()
        task = self.build.with_user(self.user_manager).with_context(flow_today=MON_11)
        with Form(task) as form:
            self.assertFalse(form.flow_forecast_whatif)
            form.flow_duration = 8
            self.assertEqual(
                form.flow_forecast_whatif,
                "Project forecast finish moves from 03/15/2030 to 03/21/2030",
            )
            form.flow_duration = 4
            self.assertFalse(form.flow_forecast_whatif)
            form.flow_duration = 3
            self.assertEqual(
                form.flow_forecast_whatif, "Project forecast finish stays on 03/15/2030"
            )
            form.flow_duration = 4

    def test_no_baseline_uses_task_forecasts(self):
        project = self.new_project("No baseline", mode="manual")
        task = self.new_task(
            project,
            "Alone",
            5,
            flow_progress_mode="manual",
            flow_progress=50.0,
            **dict(
                zip(
                    ("planned_date_begin", "date_deadline"),
                    self.window(MON_4, date(2030, 3, 8)),
                    strict=True,
                )
            ),
        )
        project._flow_recompute_forecast_health(today=MON_11)
        self.assertEqual(task.flow_forecast_finish, date(2030, 3, 18))
        self.assertEqual(project.flow_forecast_finish, date(2030, 3, 18))
        self.assertFalse(project.flow_spi_t)
        self.assertIn("No baseline", project.flow_health_reasons)
