import re

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ProjectFlowCase


@tagged("post_install", "-at_install")
class TestFlowPortal(HttpCase, ProjectFlowCase):
    """The collaborator portal: a portal user follows one shared project, sees
    its phases and deliverables, uploads a document and decides the gate they
    are named for; every other project and every flow model stays closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "pf_portal", groups="base.group_portal", name="Pat Portal"
        )
        cls.project = cls.create_flow_project("Shared flow project")
        cls.other_project = cls.create_flow_project("Internal flow project")
        for project in cls.project | cls.other_project:
            cls.start_flow_project(project)
        cls.project.privacy_visibility = "portal"
        cls.project.message_subscribe(partner_ids=cls.portal_user.partner_id.ids)
        cls.design, cls.build, cls.release = cls.phases(cls.project)
        # the Build gate names the portal collaborator as its (only) approver
        cls.build.approver_line_ids = [
            Command.clear(),
            Command.create({"approver_type": "user", "user_id": cls.portal_user.id}),
        ]
        cls.specification = cls.design.deliverable_ids.filtered(
            lambda d: d.deliverable_type == "attachment"
        )
        cls.other_deliverable = cls.phases(cls.other_project)[0].deliverable_ids.filtered(
            lambda d: d.deliverable_type == "attachment"
        )
        cls.project.message_post(body="Internal cost note: 12,000", subtype_xmlid="mail.mt_note")

    def setUp(self):
        super().setUp()
        self.authenticate("pf_portal", "pf_portal")

    def _url(self, project=None):
        return f"/my/projects/{(project or self.project).id}/flow"

    def _csrf(self):
        page = self.url_open(self._url())
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _upload(self, deliverable, filename, content, mimetype="application/pdf", project=None):
        return self.url_open(
            f"{self._url(project)}/deliverable/{deliverable.id}/upload",
            data={"csrf_token": self._csrf()},
            files={"ufile": (filename, content, mimetype)},
        )

    def _bring_build_to_approval(self):
        self.pass_gate(self.design)
        self.satisfy_deliverables(self.build)
        self.close_tasks(self.build)
        self.build.with_user(self.user_manager).action_submit_gate()
        approval = self.build.approval_ids.filtered(lambda a: a.state == "pending")
        self.assertEqual(approval.user_id, self.portal_user)
        return approval

    # ------------------------------------------------------------------
    def test_page_shows_phases_not_internal_data(self):
        response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        for phase in (self.design, self.build, self.release):
            self.assertIn(phase.name, response.text)
        self.assertIn(self.specification.name, response.text)
        self.assertIn("o_flow_portal_gantt", response.text)
        self.assertNotIn("Internal cost note", response.text)
        self.assertNotIn(self.other_project.name, response.text)
        projects_page = self.url_open("/my/projects")
        self.assertIn(f'href="/my/projects/{self.project.id}/flow"', projects_page.text)
        self.assertNotIn(self.other_project.name, projects_page.text)
        project_page = self.url_open(f"/my/projects/{self.project.id}")
        self.assertIn(f'href="/my/projects/{self.project.id}/flow"', project_page.text)

    def test_other_project_denied_by_url(self):
        response = self.url_open(self._url(self.other_project))
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn(self.other_project.name, response.text)
        # nor can a deliverable of another project be reached through the shared one
        response = self._upload(self.other_deliverable, "spec.pdf", b"%PDF-1.4 x")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertFalse(self.other_deliverable.attachment_ids)
        response = self._upload(
            self.other_deliverable, "spec.pdf", b"%PDF-1.4 x", project=self.other_project
        )
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertFalse(self.other_deliverable.attachment_ids)

    def test_rpc_denied(self):
        """Portal users have no access rights on flow records at all: the
        portal pages are the only way to them."""
        env = self.env(user=self.portal_user)
        for model, record in (
            ("project.flow.phase", self.design),
            ("project.flow.deliverable", self.specification),
        ):
            with self.assertRaises(AccessError, msg=model):
                env[model].browse(record.id).read(["name"])
        for model in (
            "project.flow.approval",
            "project.flow.checkin",
            "project.flow.risk",
            "project.flow.meeting",
            "project.flow.member",
        ):
            with self.assertRaises(AccessError, msg=model):
                env[model].search([])
        with self.assertRaises(AccessError):
            env["project.project"].browse(self.other_project.id).read(["name"])
        with self.assertRaises(AccessError):
            env["hr.employee"].search([])

    def test_upload_deliverable(self):
        response = self._upload(self.specification, "Specification.pdf", b"%PDF-1.4 spec")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Specification.pdf was added", response.text)
        attachment = self.specification.attachment_ids
        self.assertEqual(attachment.name, "Specification.pdf")
        self.assertEqual(attachment.raw, b"%PDF-1.4 spec")
        self.assertTrue(self.specification.is_satisfied)
        self.assertEqual(self.specification.done_user_id, self.portal_user)

    def test_upload_refused_with_clear_messages(self):
        self.env["ir.config_parameter"].set_param("project_flow.portal_upload_max_mb", "0.001")
        response = self._upload(self.specification, "big.pdf", b"x" * 2048)
        self.assertIn("The file is too big", response.text)
        self.assertIn("the limit is 0.001 MB", response.text)
        response = self._upload(
            self.specification, "tool.exe", b"MZ", mimetype="application/x-msdownload"
        )
        self.assertIn("Files of type exe cannot be uploaded here", response.text)
        response = self._upload(self.specification, "clip.pdf", b"abc", mimetype="video/mp4")
        self.assertIn("cannot be uploaded as a deliverable", response.text)
        self.assertFalse(self.specification.attachment_ids)

    @mute_logger("odoo.http")
    def test_upload_needs_csrf(self):
        response = self.url_open(
            f"{self._url()}/deliverable/{self.specification.id}/upload",
            data={"csrf_token": "forged"},
            files={"ufile": ("a.pdf", b"%PDF", "application/pdf")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.specification.attachment_ids)

    def test_approve_from_portal_closes_gate(self):
        approval = self._bring_build_to_approval()
        response = self.url_open(self._url())
        self.assertIn("Your approval is requested", response.text)
        approvals_page = self.url_open("/my/flow/approvals")
        self.assertIn(self.project.name, approvals_page.text)
        response = self.url_open(
            f"{self._url()}/approval/{approval.id}/decide",
            data={"csrf_token": self._csrf(), "decision": "approve", "comment": "Looks good"},
        )
        self.assertIn("Your decision", response.text)
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.comment, "Looks good")
        self.assertEqual(self.build.state, "done")
        self.assertEqual(self.release.state, "open")

    def test_reject_from_portal_needs_reason(self):
        approval = self._bring_build_to_approval()
        url = f"{self._url()}/approval/{approval.id}/decide"
        response = self.url_open(url, data={"csrf_token": self._csrf(), "decision": "reject"})
        self.assertIn("A rejection needs a reason", response.text)
        self.assertEqual(approval.state, "pending")
        self.url_open(
            url,
            data={"csrf_token": self._csrf(), "decision": "reject", "comment": "Tests missing"},
        )
        self.assertEqual(approval.state, "rejected")
        self.assertEqual(self.build.state, "open")

    def test_cannot_decide_someone_elses_approval(self):
        approval = self._bring_build_to_approval()
        approval_sudo = approval.sudo()
        # another portal user following the project cannot decide it
        new_test_user(self.env, "pf_portal2", groups="base.group_portal")
        self.project.message_subscribe(
            partner_ids=self.env["res.users"].search([("login", "=", "pf_portal2")]).partner_id.ids
        )
        self.authenticate("pf_portal2", "pf_portal2")
        response = self.url_open(
            f"{self._url()}/approval/{approval.id}/decide",
            data={"csrf_token": self._csrf(), "decision": "approve"},
        )
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertEqual(approval_sudo.state, "pending")
        with self.assertRaises(AccessError):
            approval.with_user(self.portal_user).action_approve()

    def test_portal_tour_upload_and_approve(self):
        approval = self._bring_build_to_approval()
        release_notes = self.release.deliverable_ids.filtered(
            lambda d: d.deliverable_type == "attachment"
        )
        self.start_tour(self._url(), "project_flow_portal_tour", login="pf_portal")
        self.assertEqual(approval.state, "approved")
        self.assertEqual(self.build.state, "done")
        self.assertEqual(release_notes.attachment_ids.name, "release-notes.pdf")
