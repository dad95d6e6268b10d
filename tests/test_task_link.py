from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common_schedule import ScheduleCase


@tagged("post_install", "-at_install")
class TestTaskLink(ScheduleCase):
    """``project.task.link`` and Odoo's ``depend_on_ids`` mirror each other,
    both ways, whatever the path (links, the native widget, copies)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.new_project("Links", mode="manual", company=cls.company)
        cls.task_a = cls.new_task(cls.project, "Alpha", 2)
        cls.task_b = cls.new_task(cls.project, "Beta", 2)
        cls.task_c = cls.new_task(cls.project, "Gamma", 1)
        cls.Link = cls.env["project.task.link"]
        # the native "Blocked By" widget is shown to this group
        cls.user_manager.groups_id += cls.env.ref("project.group_project_task_dependencies")

    def links_of(self, successor):
        return self.Link.search([("successor_id", "=", successor.id)])

    def test_link_sets_depend_on_ids(self):
        link = self.link(self.task_a, self.task_b, "SS", 1)
        self.assertEqual(self.task_b.depend_on_ids, self.task_a)
        self.assertEqual(self.task_a.dependent_ids, self.task_b)
        self.assertEqual(self.task_b.state, "04_waiting_normal", "Odoo's blocking keeps working")
        self.assertEqual(self.task_b.depend_on_count, 1)
        self.assertEqual(link.project_id, self.project)
        self.assertEqual(link.company_id, self.company)

        # moving the link moves the pair
        link.predecessor_id = self.task_c
        self.assertEqual(self.task_b.depend_on_ids, self.task_c)
        self.assertFalse(self.task_a.dependent_ids)

        # deleting it removes the pair
        link.unlink()
        self.assertFalse(self.task_b.depend_on_ids)
        self.assertEqual(self.task_b.state, "01_in_progress")

    def test_depend_on_ids_creates_links(self):
        """The native widget (or an import) writes depend_on_ids: a finish to
        start link without lag appears; removing the pair removes it."""
        with Form(self.task_b.with_user(self.user_manager)) as task_form:
            task_form.depend_on_ids.add(self.task_a)
        link = self.links_of(self.task_b)
        self.assertEqual(
            (link.predecessor_id, link.link_type, link.lag), (self.task_a, "FS", 0), "one FS link"
        )
        self.assertEqual(self.task_b.flow_predecessor_link_ids, link)

        self.task_b.depend_on_ids = [Command.unlink(self.task_a.id)]
        self.assertFalse(link.exists())

    def test_dependent_ids_and_batches(self):
        """Several tasks written at once (and the other side of the pair)."""
        (self.task_b | self.task_c).write({"depend_on_ids": [Command.link(self.task_a.id)]})
        self.assertEqual(
            self.Link.search([("predecessor_id", "=", self.task_a.id)]).successor_id,
            self.task_b | self.task_c,
        )
        self.task_a.dependent_ids = [Command.set(self.task_c.ids)]
        self.assertEqual(
            self.Link.search([("predecessor_id", "=", self.task_a.id)]).successor_id, self.task_c
        )
        self.assertFalse(self.task_b.depend_on_ids)

    def test_link_keeps_type_when_depend_on_ids_rewritten(self):
        """Writing depend_on_ids with the same pairs keeps the typed links."""
        link = self.link(self.task_a, self.task_b, "FF", 2)
        self.task_b.depend_on_ids = [Command.set((self.task_a | self.task_c).ids)]
        self.assertTrue(link.exists())
        self.assertEqual((link.link_type, link.lag), ("FF", 2))
        self.assertEqual(len(self.links_of(self.task_b)), 2)

    def test_links_edited_from_the_task_form(self):
        with Form(self.task_c.with_user(self.user_manager)) as task_form:
            with task_form.flow_predecessor_link_ids.new() as line:
                line.predecessor_id = self.task_b
                line.link_type = "SS"
                line.lag = -1
        link = self.task_c.flow_predecessor_link_ids
        self.assertEqual((link.predecessor_id, link.link_type, link.lag), (self.task_b, "SS", -1))
        self.assertEqual(self.task_c.depend_on_ids, self.task_b)

    def test_self_and_duplicate_links_refused(self):
        with self.assertRaisesText(ValidationError, "Alpha", "itself"):
            self.link(self.task_a, self.task_a)
        self.link(self.task_a, self.task_b)
        with self.assertRaisesText(ValidationError, "Beta", "already depends on", "Alpha"):
            self.link(self.task_a, self.task_b, "SS")

    def test_cycle_refused_naming_the_tasks(self):
        self.link(self.task_a, self.task_b)
        self.link(self.task_b, self.task_c)
        with self.assertRaisesText(ValidationError, "Alpha", "Beta", "Gamma", "cycle"):
            self.link(self.task_c, self.task_a)
        self.assertFalse(self.task_a.depend_on_ids)

    def test_cross_company_link_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Flow Co"})
        other_project = self.new_project("Elsewhere", mode="manual", company=other_company)
        foreign = self.new_task(other_project, "Foreign task", 1)
        self.assertEqual(foreign.company_id, other_company)
        with self.assertRaisesText(ValidationError, "Foreign task", "Alpha", "same company"):
            self.link(foreign, self.task_a)
        with self.assertRaisesText(ValidationError, "Foreign task", "Alpha"):
            self.task_a.depend_on_ids = [Command.link(foreign.id)]
        self.assertFalse(self.task_a.depend_on_ids)

    def test_template_tasks_are_linked(self):
        project = self.create_flow_project("Linked from a template", date_start=date(2030, 3, 7))
        links = self.Link.search([("project_id", "=", project.id)])
        self.assertEqual(len(links), 4, "one link per template dependency")
        self.assertEqual(set(links.mapped("link_type")), {"FS"})
        for task in project.tasks:
            self.assertEqual(task.flow_predecessor_link_ids.predecessor_id, task.depend_on_ids)

    def test_copy_keeps_types_and_lags(self):
        self.link(self.task_a, self.task_b, "SS", 1)
        self.link(self.task_b, self.task_c)
        copy = self.project.copy()
        by_name = {task.name: task for task in copy.tasks}
        links = self.Link.search([("project_id", "=", copy.id)])
        self.assertEqual(
            {(lk.predecessor_id, lk.successor_id, lk.link_type, lk.lag) for lk in links},
            {
                (by_name["Alpha"], by_name["Beta"], "SS", 1),
                (by_name["Beta"], by_name["Gamma"], "FS", 0),
            },
        )
        self.assertEqual(by_name["Beta"].depend_on_ids, by_name["Alpha"])
        self.assertEqual(len(self.Link.search([("project_id", "=", self.project.id)])), 2)

    def test_deleting_a_task_deletes_its_links(self):
        self.link(self.task_a, self.task_b)
        self.task_a.unlink()
        self.assertFalse(self.links_of(self.task_b))
        self.assertFalse(self.task_b.depend_on_ids)
