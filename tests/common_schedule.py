"""Fixtures of the scheduling tests: a working calendar with a weekend and a
company-wide holiday, plain projects and helpers that read planned windows as
local dates.

March 2030 on that calendar (Monday to Friday, Wednesday 13 is a holiday)::

    index  0   1   2   3   4   5   6   7   8   9   10  11
    day    M4  T5  W6  T7  F8  M11 T12 T14 F15 M18 T19 W20
"""

from datetime import date, datetime, timedelta

from odoo import Command

from ..models.flow_guard import allow_transition
from .common import ProjectFlowCase

MON_4 = date(2030, 3, 4)


class ScheduleCase(ProjectFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Monday-Friday 09:00-12:00 and 13:00-18:00 in Shanghai (09:00 there
        # is 01:00 UTC, 18:00 is 10:00 UTC), a holiday on Wednesday 2030-03-13.
        cls.work_calendar = cls.env["resource.calendar"].create(
            {
                "name": "Schedule test week",
                "tz": "Asia/Shanghai",
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for period, hour_from, hour_to in (
                        ("morning", 9, 12),
                        ("afternoon", 13, 18),
                    )
                ],
            }
        )
        cls.company.resource_calendar_id = cls.work_calendar
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "calendar_id": cls.work_calendar.id,
                "company_id": cls.company.id,
                "resource_id": False,
                "date_from": datetime(2030, 3, 12, 16, 0, 0),
                "date_to": datetime(2030, 3, 13, 15, 59, 59),
            }
        )

    @classmethod
    def new_project(cls, name="Scheduled", mode="automatic", start=MON_4, company=None):
        values = {
            "name": name,
            "allow_task_dependencies": True,
            "date_start": start,
            "date": start + timedelta(days=60),
            "flow_scheduling_mode": mode,
        }
        if company:
            values["company_id"] = company.id
        # running from the start, also where the company asks every project
        # for the flow lifecycle (which makes these template-less projects
        # flow projects: watched by the alert, risk and health crons)
        values["flow_state"] = "running"
        return allow_transition(cls.env["project.project"]).create(values)

    @classmethod
    def new_task(cls, project, name, duration, **values):
        return cls.env["project.task"].create(
            {
                "name": name,
                "project_id": project.id,
                "flow_duration": duration,
                "state": "01_in_progress",
                **values,
            }
        )

    @classmethod
    def link(cls, predecessor, successor, link_type="FS", lag=0):
        return cls.env["project.task.link"].create(
            {
                "predecessor_id": predecessor.id,
                "successor_id": successor.id,
                "link_type": link_type,
                "lag": lag,
            }
        )

    @staticmethod
    def window(first_day, last_day):
        """The planned window (UTC) of working days ``first_day`` to ``last_day``."""
        return (
            datetime.combine(first_day, datetime.min.time()) + timedelta(hours=1),
            datetime.combine(last_day, datetime.min.time()) + timedelta(hours=10),
        )

    def assertWindow(self, task, first_day, last_day, msg=None):
        self.assertEqual(
            (task.planned_date_begin, task.date_deadline),
            self.window(first_day, last_day),
            msg or task.name,
        )
