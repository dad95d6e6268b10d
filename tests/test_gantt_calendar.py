from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestMilestoneCalendar(ProjectFlowCase):
    """Milestones and phase gates are all-day calendar events of the
    project's members, kept in step with their dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.create_flow_project("Calendar launch", date_start=date(2030, 3, 4))
        cls.gates = cls.phases(cls.project).milestone_id

    def member_partners(self, project):
        return project.flow_member_ids.user_id.partner_id | project.user_id.partner_id

    def test_gates_become_events_of_the_members(self):
        self.assertTrue(self.gates)
        for gate in self.gates:
            event = gate.flow_calendar_event_id
            self.assertTrue(event, gate.name)
            self.assertTrue(event.allday)
            self.assertEqual(event.start_date, gate.deadline)
            self.assertEqual(event.partner_ids, self.member_partners(self.project))
            self.assertIn("Gate", event.name)
            self.assertIn(gate.name, event.name)
            self.assertIn("Calendar launch", event.name)
            self.assertEqual((event.res_model, event.res_id), ("project.milestone", gate.id))

    def test_event_follows_the_date(self):
        gate = self.gates[0]
        event = gate.flow_calendar_event_id
        new_date = gate.deadline + timedelta(days=9)
        gate.deadline = new_date
        self.assertEqual(gate.flow_calendar_event_id, event, "the same event moves")
        self.assertEqual(event.start_date, new_date)
        self.assertEqual(event.stop_date, new_date)

    def test_rescheduling_moves_gate_events(self):
        """Moving the project's start reschedules its phases: their gate
        events move with them."""
        before = {gate: gate.deadline for gate in self.gates}
        self.project.date_start = date(2030, 4, 1)
        self.project._flow_reschedule()
        moved = self.gates.filtered(lambda g: g.deadline != before[g])
        self.assertTrue(moved)
        for gate in self.gates:
            self.assertEqual(gate.flow_calendar_event_id.start_date, gate.deadline)

    def test_no_date_no_event_and_unlink(self):
        plain = self.env["project.project"].create({"name": "Plain", "allow_milestones": True})
        milestone = self.env["project.milestone"].create(
            {"name": "Go live", "project_id": plain.id}
        )
        self.assertFalse(milestone.flow_calendar_event_id)
        milestone.deadline = date(2030, 5, 6)
        event = milestone.flow_calendar_event_id
        self.assertTrue(event)
        self.assertIn("Milestone", event.name)
        milestone.deadline = False
        self.assertFalse(milestone.flow_calendar_event_id)
        self.assertFalse(event.exists())
        milestone.deadline = date(2030, 5, 7)
        event = milestone.flow_calendar_event_id
        milestone.unlink()
        self.assertFalse(event.exists())

    def test_members_follow(self):
        gate = self.gates[0]
        self.assertNotIn(self.user_outsider.partner_id, gate.flow_calendar_event_id.partner_ids)
        self.project.write(
            {
                "flow_member_ids": [
                    Command.create({"role_id": self.role_qa.id, "user_id": self.user_outsider.id})
                ]
            }
        )
        self.assertIn(self.user_outsider.partner_id, gate.flow_calendar_event_id.partner_ids)
        self.project.flow_member_ids.filtered(lambda m: m.user_id == self.user_outsider).unlink()
        self.assertNotIn(self.user_outsider.partner_id, gate.flow_calendar_event_id.partner_ids)

    def test_reached_gate_and_existing_milestones(self):
        gate = self.gates[0]
        gate.is_reached = True
        # "Gate" is said once although the milestone is named "Gate: <phase>"
        self.assertEqual(
            gate.flow_calendar_event_id.name,
            f"Gate reached: {gate.name.removeprefix('Gate: ')} ({self.project.name})",
        )
        # milestones dated before the sync existed get theirs at update
        event = gate.flow_calendar_event_id
        gate.flow_calendar_event_id = False
        self.env["project.milestone"]._flow_sync_calendar_all()
        self.assertTrue(gate.flow_calendar_event_id)
        self.assertNotEqual(gate.flow_calendar_event_id, event)
