import io
import zipfile
from datetime import date

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_schedule import ScheduleCase


@tagged("post_install", "-at_install")
class TestGanttData(ScheduleCase):
    """The Gantt's server API: one payload for a domain, moves and links
    through the ordinary writes (validation, rescheduling), undo, access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.new_project("Gantt launch")
        cls.design = cls.new_task(cls.project, "Design", 3)
        cls.build = cls.new_task(cls.project, "Build", 2)
        cls.docs = cls.new_task(cls.project, "Docs", 1)
        cls.launch = cls.new_task(cls.project, "Launch", 0)
        cls.link(cls.design, cls.build)
        cls.link(cls.design, cls.docs, "SS", 1)
        cls.link(cls.build, cls.launch)

    def data(self, domain=None, user=None):
        Task = self.env["project.task"]
        if user:
            Task = Task.with_user(user)
        return Task.flow_gantt_data(domain or [("project_id", "=", self.project.id)])

    def by_name(self, data):
        return {task["name"]: task for task in data["tasks"]}

    def test_payload(self):
        data = self.data()
        tasks = self.by_name(data)
        self.assertEqual(set(tasks), {"Design", "Build", "Docs", "Launch"})
        # local dates of the project's calendar (Shanghai), finish included
        self.assertEqual(
            (tasks["Design"]["start"], tasks["Design"]["finish"]), ("2030-03-04", "2030-03-06")
        )
        self.assertEqual(
            (tasks["Build"]["start"], tasks["Build"]["finish"]), ("2030-03-07", "2030-03-08")
        )
        self.assertEqual(
            (tasks["Docs"]["start"], tasks["Docs"]["finish"]), ("2030-03-05", "2030-03-05")
        )
        self.assertTrue(tasks["Launch"]["milestone"])
        self.assertFalse(tasks["Design"]["milestone"])
        # a milestone after a finish is at the next working day
        self.assertEqual(tasks["Launch"]["start"], "2030-03-11")
        # critical path: Design -> Build -> Launch; Docs has float
        self.assertEqual(
            {name for name, task in tasks.items() if task["critical"]},
            {"Design", "Build", "Launch"},
        )
        self.assertFalse(tasks["Docs"]["critical"])
        links = {(link["from"], link["to"]): link for link in data["links"]}
        self.assertEqual(len(links), 3)
        self.assertEqual(links[self.design.id, self.docs.id]["type"], "SS")
        self.assertEqual(links[self.design.id, self.docs.id]["lag"], 1)
        self.assertTrue(links[self.design.id, self.build.id]["critical"])
        self.assertFalse(links[self.design.id, self.docs.id]["critical"])
        # working days and the company holiday, for shading
        self.assertEqual(data["calendar"]["workdays"], [0, 1, 2, 3, 4])
        self.assertIn("2030-03-13", data["calendar"]["holidays"])
        self.assertTrue(all(task["can_write"] for task in data["tasks"]))

    def test_payload_phases_milestones_baseline(self):
        project = self.create_flow_project()
        self.start_flow_project(project)
        project._flow_capture_baseline("manual")
        data = self.data([("project_id", "=", project.id)])
        phases = project.flow_phase_ids
        self.assertEqual([p["id"] for p in data["phases"]], phases.ids)
        gates = [m for m in data["milestones"] if m["gate"]]
        self.assertEqual({m["id"] for m in gates}, set(phases.milestone_id.ids))
        planned = [t for t in data["tasks"] if t["start"]]
        self.assertTrue(planned)
        self.assertTrue(all(t["baseline_start"] == t["start"] for t in planned), "baseline = plan")
        self.assertTrue(all(t["phase_id"] for t in data["tasks"]))

    def test_payload_queries_do_not_grow_with_tasks(self):
        """One payload costs the same number of queries for 4 tasks and 40."""
        big = self.new_project("Gantt big")
        tasks = [self.new_task(big, f"Step {i}", 1) for i in range(40)]
        for pred, succ in zip(tasks, tasks[1:], strict=False):
            self.link(pred, succ)
        self.env.invalidate_all()
        self.data()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.data()
        small_count = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        data = self.data([("project_id", "=", big.id)])
        big_count = self.env.cr.sql_log_count - before
        self.assertEqual(len(data["tasks"]), 40)
        self.assertEqual(len(data["links"]), 39)
        self.assertEqual(big_count, small_count)

    def test_move_reschedules_successors_and_undo(self):
        Task = self.env["project.task"].with_user(self.user_manager)
        snapshot = Task.flow_gantt_move(self.build.id, "2030-03-11", "2030-03-12")
        self.assertWindow(self.build, date(2030, 3, 11), date(2030, 3, 12))
        self.assertEqual(self.build.flow_constraint_type, "start_no_earlier")
        tasks = self.by_name(self.data())
        self.assertEqual(
            tasks["Launch"]["start"], "2030-03-14", "the successor moved (13 is a holiday)"
        )
        self.assertEqual(tasks["Design"]["start"], "2030-03-04", "the predecessor stays")

        Task.flow_gantt_restore(self.build.id, snapshot)
        self.assertWindow(self.build, date(2030, 3, 7), date(2030, 3, 8))
        self.assertEqual(self.build.flow_constraint_type, "asap")
        self.assertEqual(self.by_name(self.data())["Launch"]["start"], "2030-03-11")

    def test_resize(self):
        Task = self.env["project.task"].with_user(self.user_manager)
        Task.flow_gantt_move(self.design.id, "2030-03-04", "2030-03-07")
        self.assertEqual(self.design.flow_duration, 4)
        self.assertWindow(self.build, date(2030, 3, 8), date(2030, 3, 11))

    def test_move_bad_input(self):
        Task = self.env["project.task"].with_user(self.user_manager)
        with self.assertRaisesText(UserError, "Build", "Deadline"):
            Task.flow_gantt_move(self.build.id, "2030-03-11", "2030-03-08")
        with self.assertRaisesText(UserError, "Build"):
            Task.flow_gantt_move(self.build.id, "not a date", False)
        self.assertWindow(self.build, date(2030, 3, 7), date(2030, 3, 8))

    def test_link_created_and_cycle_refused(self):
        Task = self.env["project.task"].with_user(self.user_manager)
        link_id = Task.flow_gantt_link(self.docs.id, self.launch.id, "FF")
        link = self.env["project.task.link"].browse(link_id)
        self.assertEqual(
            (link.predecessor_id, link.successor_id, link.link_type), (self.docs, self.launch, "FF")
        )
        self.assertIn(self.docs, self.launch.depend_on_ids)
        with self.assertRaisesText(ValidationError, "Design", "Launch"):
            Task.flow_gantt_link(self.launch.id, self.design.id, "FS")

    def test_access(self):
        secret = self.new_project("Gantt secret")
        secret.privacy_visibility = "followers"
        hidden = self.new_task(secret, "Hidden step", 1)
        data = self.data([("project_id", "in", [self.project.id, secret.id])], user=self.user_qa)
        self.assertNotIn(hidden.id, [t["id"] for t in data["tasks"]])
        self.assertEqual(len(data["tasks"]), 4)
        with self.assertRaises(AccessError):
            self.env["project.task"].with_user(self.user_qa).flow_gantt_move(
                hidden.id, "2030-03-11", "2030-03-12"
            )
        with self.assertRaises(AccessError):
            self.data(user=self.user_outsider)

    def test_limit(self):
        data = self.env["project.task"].flow_gantt_data(
            [("project_id", "=", self.project.id)], limit=3
        )
        self.assertTrue(data["truncated"])
        self.assertEqual(len(data["tasks"]), 3)
        self.assertFalse(self.data()["truncated"])

    def test_writable_matches_access_rules(self):
        """The write flags come from one search with the write rules: the
        same answer as Odoo's own per-record check."""
        secret = self.new_project("Gantt read only")
        secret.privacy_visibility = "followers"
        hidden = self.new_task(secret, "Not mine", 1)
        tasks = (self.project.task_ids | hidden).with_user(self.user_qa)
        self.assertEqual(tasks._flow_gantt_writable(), set(tasks._filtered_access("write").ids))
        self.assertNotIn(hidden.id, tasks._flow_gantt_writable())
        self.assertEqual(tasks.sudo()._flow_gantt_writable(), set(tasks.ids))

    def test_export_xlsx(self):
        domain = [("project_id", "=", self.project.id)]
        content = self.env["project.task"].flow_gantt_export_xlsx(domain, scale="day")
        self.assertEqual(content[:2], b"PK")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            strings = archive.read("xl/sharedStrings.xml").decode()
        for text in ("Gantt launch", "Design", "Build", "Docs", "Launch", "\u25c6"):
            self.assertIn(text, strings)

    def test_export_pdf(self):
        domain = [("project_id", "=", self.project.id)]
        # in test mode Odoo renders the report's HTML
        content = self.env["project.task"].flow_gantt_export_pdf(domain, group_by="none")
        html = content.decode()
        self.assertIn("Gantt launch", html)
        self.assertIn("o_critical_name", html)
        self.assertIn("o_diamond", html)
        self.assertLess(html.index("Docs"), html.index("Build"), "ordered by start")

    def test_export_respects_access(self):
        secret = self.new_project("Gantt secret export")
        secret.privacy_visibility = "followers"
        self.new_task(secret, "Hidden export step", 1)
        content = (
            self.env["project.task"]
            .with_user(self.user_qa)
            .flow_gantt_export_pdf([("project_id", "in", [self.project.id, secret.id])])
        )
        self.assertNotIn("Hidden export step", content.decode())


@tagged("post_install", "-at_install")
class TestGanttView(ScheduleCase):
    def test_view_type_and_actions(self):
        view = self.env.ref("project_flow.project_task_view_flow_gantt")
        self.assertEqual(view.type, "flow_gantt")
        views = self.env["project.task"].get_views([(view.id, "flow_gantt")])
        self.assertIn("flow_gantt", views["views"])
        action = self.env.ref("project.act_project_project_2_project_task_all")
        self.assertIn("flow_gantt", action.view_mode.split(","))
        self.assertIn("flow_gantt", self.env["ir.ui.view"]._get_view_info())

    def test_uninstall_takes_the_gantt_out_of_the_switcher(self):
        from ..hooks import _remove_gantt_view_mode

        action = self.env.ref("project.act_project_project_2_project_task_all")
        _remove_gantt_view_mode(self.env)
        self.assertNotIn("flow_gantt", action.view_mode)
        self.assertIn("kanban", action.view_mode)

    def test_arch_validation(self):
        with self.assertRaisesText(ValidationError, "bogus"):
            self.env["ir.ui.view"].create(
                {
                    "name": "bad gantt",
                    "model": "project.task",
                    "arch": '<flow_gantt string="x" bogus="1"/>',
                }
            )
        with self.assertRaisesText(ValidationError, "decade"):
            self.env["ir.ui.view"].create(
                {
                    "name": "bad scale",
                    "model": "project.task",
                    "arch": '<flow_gantt default_scale="decade"/>',
                }
            )
        etree.fromstring(self.env.ref("project_flow.project_task_view_flow_gantt").arch)
