import json
from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestGanttTour(HttpCase):
    """In the browser: open a project's Gantt, drag a bar and see its
    successor move, draw a link, see the critical path change
    (static/tests/tours/project_flow_gantt_tour.js)."""

    def setUp(self):
        super().setUp()
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False
        today = fields.Date.today()
        self.monday = today + timedelta(days=7 - today.weekday())
        self.project = self.env["project.project"].create(
            {
                "name": "Gantt tour project",
                "allow_task_dependencies": True,
                "date_start": self.monday,
                "date": self.monday + timedelta(days=60),
                "flow_scheduling_mode": "automatic",
            }
        )
        # the tour reads days in the browser's time zone (UTC): plan in UTC too
        self.project.resource_calendar_id.tz = "UTC"
        admin.tz = "UTC"

        def task(name, duration):
            return self.env["project.task"].create(
                {
                    "name": name,
                    "project_id": self.project.id,
                    "flow_duration": duration,
                    "state": "01_in_progress",
                }
            )

        Link = self.env["project.task.link"]
        self.design = task("Design", 3)
        self.build = task("Build", 2)
        self.launch = task("Launch", 0)
        self.docs = task("Docs", 2)
        self.review = task("Review", 7)
        Link.create({"predecessor_id": self.design.id, "successor_id": self.build.id})
        Link.create({"predecessor_id": self.build.id, "successor_id": self.launch.id})
        Link.create(
            {
                "predecessor_id": self.design.id,
                "successor_id": self.docs.id,
                "link_type": "SS",
                "lag": 1,
            }
        )

    def local_start(self, task):
        return task.planned_date_begin.date()

    def test_gantt_tour(self):
        self.assertTrue(self.review.flow_critical)
        self.assertFalse(self.build.flow_critical)
        self.assertEqual(self.local_start(self.build), self.monday + timedelta(days=3))
        self.start_tour("/odoo", "project_flow_gantt_tour", login="admin")
        next_monday = self.monday + timedelta(days=7)
        self.assertEqual(self.local_start(self.build), next_monday, "dragged 4 days later")
        self.assertEqual(self.build.date_deadline.date(), next_monday + timedelta(days=1))
        # the milestone after Build: the next working day
        self.assertEqual(self.launch.date_deadline.date(), next_monday + timedelta(days=2))
        link = self.env["project.task.link"].search(
            [("successor_id", "=", self.docs.id), ("predecessor_id", "=", self.review.id)]
        )
        self.assertEqual(link.link_type, "FS")
        self.assertTrue(self.docs.flow_critical)
        self.assertFalse(self.build.flow_critical)

    def test_export_routes(self):
        """The XLSX and PDF buttons post the view's domain to these routes."""
        self.authenticate("admin", "admin")
        for file_format, start in (("xlsx", b"PK"), ("pdf", b"")):
            response = self.url_open(
                f"/project_flow/gantt/{file_format}",
                data={
                    "domain": json.dumps([["project_id", "=", self.project.id]]),
                    "scale": "day",
                    "group_by": "none",
                    "csrf_token": http.Request.csrf_token(self),
                },
            )
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.content.startswith(start))
            self.assertIn(f".{file_format}", response.headers["Content-Disposition"])
