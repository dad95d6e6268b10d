from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFlowTour(HttpCase):
    """In the browser: create a project from a template, start it and pass
    the first gate (static/tests/tours/project_flow_tour.js)."""

    def setUp(self):
        super().setUp()
        self.admin = self.env.ref("base.user_admin")
        # no onboarding tour running alongside ours (on databases without demo data)
        self.admin.tour_enabled = False
        no_approval = self.env["project.flow.approval.policy"].create(
            {"name": "Tour: no approval", "approval_rule": "none"}
        )
        self.template = self.env["project.flow.template"].create(
            {
                "name": "Tour flow",
                "initiation_policy_id": no_approval.id,
                "phase_ids": [
                    Command.create(
                        {
                            "name": "Tour kick-off",
                            "sequence": 1,
                            "duration": 2,
                            "approval_rule": "any",
                            "approver_line_ids": [
                                Command.create({"approver_type": "user", "user_id": self.admin.id})
                            ],
                            "deliverable_ids": [
                                Command.create(
                                    {
                                        "name": "Charter signed",
                                        "deliverable_type": "checklist",
                                        "required": True,
                                    }
                                )
                            ],
                        }
                    ),
                    Command.create({"name": "Tour delivery", "sequence": 2, "duration": 3}),
                ],
            }
        )

    def test_project_flow_tour(self):
        self.start_tour("/odoo", "project_flow_tour", login="admin")

        project = self.env["project.project"].search([("name", "=", "Tour project")])
        self.assertEqual(len(project), 1)
        self.assertEqual(project.flow_template_id, self.template)
        self.assertEqual(project.flow_state, "running")
        kickoff, delivery = project.flow_phase_ids.sorted("sequence")
        self.assertEqual(kickoff.state, "done")
        self.assertTrue(kickoff.deliverable_ids.is_checked)
        self.assertEqual(kickoff.approval_ids.user_id, self.admin)
        self.assertEqual(kickoff.approval_ids.state, "approved")
        self.assertEqual(kickoff.approval_ids.comment, "Charter signed, go")
        self.assertEqual(delivery.state, "open")
