from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestTaskClosingDate(TransactionCase):
    """``date_end`` is the closing date the KPIs count on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.env["project.project"].create({"name": "Closing dates"})
        cls.open_stage = cls.env["project.task.type"].create(
            {"name": "Doing", "project_ids": [(4, cls.project.id)], "sequence": 1}
        )
        cls.folded_stage = cls.env["project.task.type"].create(
            {"name": "Archive", "project_ids": [(4, cls.project.id)], "fold": True, "sequence": 9}
        )

    def _task(self, **vals):
        return self.env["project.task"].create(
            {"name": "T", "project_id": self.project.id, "stage_id": self.open_stage.id, **vals}
        )

    def test_done_stamps_and_reopen_clears(self):
        task = self._task()
        self.assertFalse(task.date_end)
        task.state = "1_done"
        self.assertTrue(task.date_end, "marking a task done records when it closed")
        task.state = "01_in_progress"
        self.assertFalse(task.date_end, "a reopened task is open again")

    def test_created_done_and_existing_date_kept(self):
        task = self._task(state="1_done")
        self.assertTrue(task.date_end)
        other = self._task(state="1_done", date_end="2026-01-05 10:00:00")
        self.assertEqual(str(other.date_end), "2026-01-05 10:00:00")
        other.state = "1_done"
        self.assertEqual(str(other.date_end), "2026-01-05 10:00:00")

    def test_cancel_and_folded_stage(self):
        task = self._task()
        task.state = "1_canceled"
        self.assertFalse(task.date_end, "a cancelled task was not delivered")
        folded = self._task(stage_id=self.folded_stage.id, state="1_done")
        stamped = folded.date_end
        self.assertTrue(stamped)
        folded.state = "01_in_progress"
        self.assertEqual(folded.date_end, stamped, "Odoo keeps the date of a folded stage")
