import base64

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowDossier(ProjectFlowCase):
    """Closing archives a flow project into its dossier: sections, key
    figures, documents (linked, not copied), risks and issues, the
    retrospective; searchable and readable after the project is archived."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.create_flow_project("Warehouse scanner roll-out")
        cls.start_flow_project(cls.project)
        cls.design, cls.build, cls.release = cls.phases(cls.project)
        Risk = cls.env["project.flow.risk"]
        cls.risk = Risk.create(
            {
                "name": "Scanner firmware not certified in time",
                "kind": "risk",
                "project_id": cls.project.id,
                "state": "mitigated",
            }
        )
        cls.issue = Risk.create(
            {
                "name": "Wi-Fi dead zone in aisle 7",
                "kind": "issue",
                "project_id": cls.project.id,
                "state": "closed",
                "description": "Extra access point installed",
            }
        )

    def _attachment(self, record, name):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(b"flow dossier"),
                "res_model": record._name,
                "res_id": record.id,
            }
        )

    def _close(self):
        for phase in (self.design, self.build, self.release):
            self.pass_gate(phase)
        self.complete_retrospective(
            self.project,
            results="<p>Scanners live in three warehouses</p>",
            lessons=[{"name": "Survey the Wi-Fi before ordering scanners"}],
        )
        self.project.with_user(self.user_manager).action_flow_request_closing()
        return self.project.flow_dossier_id

    def test_dossier_content(self):
        meeting = self.env["project.flow.meeting"].create(
            {
                "name": "Roll-out steering meeting",
                "project_id": self.project.id,
                "minutes": "<p>Decision: pilot in the Suzhou warehouse first</p>",
            }
        )
        meeting.action_extract()
        project_doc = self._attachment(self.project, "Project charter.pdf")
        task_doc = self._attachment(self.design.task_ids[0], "Site survey.pdf")
        phase_doc = self._attachment(self.design, "Design minutes.pdf")
        dossier = self._close()
        deliverable_docs = self.phases(self.project).deliverable_ids.attachment_ids
        self.assertTrue(deliverable_docs)

        self.assertEqual(dossier.name, "Warehouse scanner roll-out")
        self.assertEqual(dossier.template_id, self.template)
        self.assertEqual(dossier.project_id, self.project)
        self.assertFalse(self.project.active)
        self.assertEqual(self.project.flow_state, "closed")
        # the documents are the project's own attachments, not copies
        self.assertEqual(
            dossier.attachment_ids, project_doc | task_doc | phase_doc | deliverable_docs
        )
        self.assertFalse(
            self.env["ir.attachment"].search_count([("res_model", "=", "project.flow.dossier")])
        )
        self.assertEqual(project_doc.res_model, "project.project")

        titles = [s["title"] for s in self.project._flow_dossier_sections()]
        self.assertEqual(
            titles,
            [
                "Summary",
                "Key figures",
                "Phases",
                "Decisions",
                "Meeting minutes",
                "Issues",
                "Risks",
                "Retrospective",
                "Documents",
            ],
        )
        html = str(dossier.sections_html)
        for text in (
            "Scanner firmware not certified in time",
            "Wi-Fi dead zone in aisle 7",
            "Extra access point installed",
            "Scanners live in three warehouses",
            "Survey the Wi-Fi before ordering scanners",
            "Site survey.pdf",
            "Design",
            "Chen Approver",
            "Roll-out steering meeting",
            "Pilot in the Suzhou warehouse first",
        ):
            self.assertIn(text, html)
        self.assertEqual(dossier.figures["tasks"]["done"], 5)
        self.assertEqual(dossier.figures["risks"]["issues"], 1)
        self.assertIn("Wi-Fi dead zone", dossier.content_text)
        self.assertIn("closed and archived", self.message_bodies(self.project))

    def test_dossier_searchable_after_archive(self):
        dossier = self._close()
        Dossier = self.env["project.flow.dossier"].with_user(self.user_flow)
        self.assertEqual(Dossier.search([("content_text", "ilike", "aisle 7")]), dossier)
        self.assertEqual(Dossier.search([("template_id", "=", self.template.id)]), dossier)
        self.assertIn(dossier, Dossier.search([("date_closed", "=", dossier.date_closed)]))
        self.assertFalse(Dossier.search([("content_text", "ilike", "no such words")]))
        # the retrospective's department files the dossier
        department = self.env["hr.department"].create({"name": "Logistics IT"})
        other = self.create_flow_project("Dock doors")
        self.start_flow_project(other)
        for phase in self.phases(other):
            self.pass_gate(phase)
        self.complete_retrospective(other, department_id=department.id)
        other.with_user(self.user_manager).action_flow_request_closing()
        self.assertEqual(
            Dossier.search([("department_id", "=", department.id)]), other.flow_dossier_id
        )

    def test_dossier_access(self):
        dossier = self._close()
        # the archived project is kept for its members only
        self.project.privacy_visibility = "followers"
        self.project.message_subscribe(partner_ids=self.user_flow.partner_id.ids)
        self.project.message_unsubscribe(partner_ids=self.user_qa.partner_id.ids)
        # a member of the (archived) project reads it
        self.assertEqual(dossier.with_user(self.user_flow).name, "Warehouse scanner roll-out")
        self.assertIn("aisle 7", str(dossier.with_user(self.user_flow).sections_html))
        # a project user outside the project does not
        with self.assertRaises(AccessError):
            dossier.with_user(self.user_qa).read(["name"])
        self.assertFalse(
            self.env["project.flow.dossier"]
            .with_user(self.user_qa)
            .search([("id", "=", dossier.id)])
        )
        # nobody writes a dossier by hand
        with self.assertRaises(AccessError):
            dossier.with_user(self.user_manager).write({"name": "Rewritten"})
        with self.assertRaises(AccessError):
            self.env["project.flow.dossier"].with_user(self.user_outsider).search([])

    def test_dossier_report(self):
        dossier = self._close()
        html, report_type = self.env["ir.actions.report"]._render_qweb_html(
            "project_flow.action_report_project_flow_dossier", dossier.ids
        )
        self.assertEqual(report_type, "html")
        html = html.decode()
        for text in (
            "Warehouse scanner roll-out",
            "Key figures",
            "Wi-Fi dead zone in aisle 7",
            "Survey the Wi-Fi before ordering scanners",
        ):
            self.assertIn(text, html)
        action = dossier.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
