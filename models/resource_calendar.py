from datetime import datetime, time, timedelta

import pytz

from odoo import models

from ..engine.calendar import WorkCalendar


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _flow_work_calendar(self, date_from, date_to):
        """The engine's working calendar for this resource calendar between two
        dates: working weekdays from the attendances, holidays from the
        company-wide leaves (one query).  Without a calendar: Monday-Friday."""
        if not self:
            return WorkCalendar()
        self.ensure_one()
        workdays = {
            int(attendance.dayofweek)
            for attendance in self.attendance_ids
            if not attendance.display_type
        } or {0, 1, 2, 3, 4}
        tz = pytz.timezone(self.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min)).astimezone(pytz.utc)
        stop = tz.localize(datetime.combine(date_to, time.max)).astimezone(pytz.utc)
        leaves = self.env["resource.calendar.leaves"].search_read(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [self.id, False]),
                ("company_id", "in", [self.company_id.id, False]),
                ("date_from", "<=", stop.replace(tzinfo=None)),
                ("date_to", ">=", start.replace(tzinfo=None)),
            ],
            ["date_from", "date_to"],
        )
        holidays = set()
        for leave in leaves:
            day = pytz.utc.localize(leave["date_from"]).astimezone(tz).date()
            last = pytz.utc.localize(leave["date_to"]).astimezone(tz).date()
            while day <= last:
                holidays.add(day)
                day += timedelta(days=1)
        return WorkCalendar(workdays=sorted(workdays), holidays=holidays)

    def _flow_day_hours(self):
        """First and last working hour of a day, for turning planned dates
        into datetimes."""
        attendances = self.attendance_ids.filtered(lambda a: not a.display_type)
        if not attendances:
            return 8.0, 17.0
        return min(attendances.mapped("hour_from")), max(attendances.mapped("hour_to"))
