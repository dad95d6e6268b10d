from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ProjectFlowCase

# 2030-03-11 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2030, 3, 11) + timedelta(days=i) for i in range(7))
NEXT_MON = MON + timedelta(days=7)


@tagged("post_install", "-at_install")
class TestFlowResourceLoad(ProjectFlowCase):
    """The resource load report on known cases: hours spread over working
    days, shared among assignees, summed across projects against each
    person's working time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Project = cls.env["project.project"]
        cls.project_a = Project.create({"name": "Load A"})
        cls.project_b = Project.create({"name": "Load B"})

    def _task(self, project, users, hours, first_day, last_day, **values):
        begin, end = project._flow_datetime_window(first_day, last_day)
        return self.env["project.task"].create(
            {
                "name": f"{project.name} {first_day}",
                "project_id": project.id,
                "user_ids": [Command.set(users.ids)],
                "allocated_hours": hours,
                "planned_date_begin": begin,
                "date_deadline": end,
                **values,
            }
        )

    def _load(self, users, Load=None):
        """{(user, day, project): row} of the report for ``users``."""
        self.env.flush_all()
        Load = Load if Load is not None else self.env["project.flow.resource.load"]
        rows = Load.search([("user_id", "in", users.ids)])
        return {(row.user_id, row.day, row.project_id): row for row in rows}

    def test_overlapping_tasks_in_two_projects_overload(self):
        user = self.user_flow
        # an employee on the company calendar: 8 hours a day, Monday to
        # Friday (lunch breaks are not working time)
        self.assertEqual(self.employee_flow.resource_calendar_id, self.company.resource_calendar_id)
        self.assertEqual(self.company.resource_calendar_id.hours_per_day, 8)
        self._task(self.project_a, user, 16, MON, TUE)
        self._task(self.project_b, user, 16, MON, TUE)
        load = self._load(user)
        self.assertEqual(
            set(load),
            {(user, day, p) for day in (MON, TUE) for p in (self.project_a, self.project_b)},
        )
        for row in load.values():
            self.assertAlmostEqual(row.planned_hours, 8)
            self.assertAlmostEqual(row.day_planned_hours, 16)
            self.assertAlmostEqual(row.day_capacity_hours, 8)
            self.assertTrue(row.overloaded)
            self.assertEqual(row.employee_id, self.employee_flow)

        # per person and day the capacity and the overload count once
        groups = self.env["project.flow.resource.load"]._read_group(
            [("user_id", "=", user.id)],
            ["day:day"],
            ["planned_hours:sum", "capacity_hours:sum", "overload_hours:sum"],
        )
        self.assertEqual(
            [(day, planned, capacity, overload) for day, planned, capacity, overload in groups],
            [(MON, 16, 8, 8), (TUE, 16, 8, 8)],
        )
        overloaded = self.env["project.flow.resource.load"].search(
            [("user_id", "=", user.id), ("overloaded", "=", True)]
        )
        self.assertEqual(len(overloaded), 4)
        self.assertEqual(len(set(overloaded.ids)), 4, "every row has its own id")

    def test_load_within_capacity_is_not_overloaded(self):
        user = self.user_flow
        self._task(self.project_a, user, 8, MON, TUE)
        self._task(self.project_b, user, 8, MON, TUE)
        load = self._load(user)
        self.assertEqual(len(load), 4)
        for row in load.values():
            self.assertAlmostEqual(row.day_planned_hours, 8)
            self.assertFalse(row.overloaded)
            self.assertFalse(row.overload_hours)

    def test_weekend_gets_no_load(self):
        user = self.user_flow
        self._task(self.project_a, user, 16, FRI, NEXT_MON)
        load = self._load(user)
        self.assertEqual(set(load), {(user, FRI, self.project_a), (user, NEXT_MON, self.project_a)})
        self.assertEqual([row.planned_hours for row in load.values()], [8, 8])

    def test_assignees_share_the_hours(self):
        users = self.user_flow | self.user_qa
        self._task(self.project_a, users, 16, MON, TUE)
        load = self._load(users)
        self.assertEqual(len(load), 4)
        for (user, _day, _project), row in load.items():
            self.assertAlmostEqual(row.planned_hours, 4, msg=user.name)
            self.assertFalse(row.overloaded)
        # a user without an employee works on their company's calendar
        self.assertFalse(load[(self.user_qa, MON, self.project_a)].employee_id)
        self.assertEqual(load[(self.user_qa, MON, self.project_a)].day_capacity_hours, 8)

    def test_closed_and_unplanned_tasks_are_left_out(self):
        user = self.user_flow
        done = self._task(self.project_a, user, 16, MON, TUE)
        done.state = "1_done"
        self._task(self.project_a, user, 16, MON, TUE, active=False)
        self._task(self.project_a, user, 0, MON, TUE)
        self.env["project.task"].create(
            {
                "name": "No window",
                "project_id": self.project_a.id,
                "user_ids": [Command.set(user.ids)],
                "allocated_hours": 8,
            }
        )
        self.assertFalse(self._load(user))

    def test_global_leave_and_own_calendar(self):
        """A company holiday is not worked; an employee working four long days
        a week gets no load on Fridays and ten hours of capacity a day."""
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Four long days",
                "tz": "Asia/Shanghai",
                "company_id": self.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8,
                            "hour_to": 18,
                            "day_period": "morning",
                        }
                    )
                    for day in range(4)
                ],
            }
        )
        self.env["hr.employee"].create(
            {
                "name": self.user_qa.name,
                "user_id": self.user_qa.id,
                "company_id": self.company.id,
                "resource_calendar_id": calendar.id,
            }
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "calendar_id": self.company.resource_calendar_id.id,
                "company_id": self.company.id,
                "resource_id": False,
                # Tuesday 2030-03-12 in Shanghai, in UTC
                "date_from": datetime(2030, 3, 11, 16, 0, 0),
                "date_to": datetime(2030, 3, 12, 15, 59, 59),
            }
        )
        self._task(self.project_a, self.user_flow, 16, MON, WED)
        self._task(self.project_a, self.user_qa, 40, MON, FRI)
        load = self._load(self.user_flow | self.user_qa)
        flow = {
            day: row.planned_hours
            for (user, day, _p), row in load.items()
            if user == self.user_flow
        }
        self.assertEqual(flow, {MON: 8, WED: 8}, "the holiday of the company calendar is off")
        qa = {
            day: (row.planned_hours, row.day_capacity_hours)
            for (user, day, _p), row in load.items()
            if user == self.user_qa
        }
        # the holiday belongs to the company calendar, not to this one
        self.assertEqual(qa, {day: (10, 10) for day in (MON, TUE, WED, THU)})

    def test_access(self):
        self._task(self.project_a, self.user_flow, 16, MON, TUE)
        Load = self.env["project.flow.resource.load"]
        self.assertEqual(len(self._load(self.user_flow, Load.with_user(self.user_flow))), 2)
        with self.assertRaises(AccessError):
            Load.with_user(self.user_outsider).search([])
