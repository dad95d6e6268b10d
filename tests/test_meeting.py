from datetime import date, datetime

import pytz

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ProjectFlowCase

MINUTES = """
<h2>会议决议</h2>
<ol><li><p>采用方案B，放弃方案A</p></li></ol>
<p>行动项：</p>
<ul>
    <li>完成接口文档，负责人：林飞，截止：11月30日</li>
    <li>@pf_qa 下周五前完成性能测试</li>
    <li>Update the release checklist (Wang Manager) - due 2026-12-10</li>
    <li>联系外部供应商（钱八）</li>
    <li>@pf_outsider 整理会议室</li>
</ul>
<p>Risks:</p>
<ul><li>Vendor may deliver late. Owner: Qiu</li></ul>
"""


@tagged("post_install", "-at_install")
class TestMeeting(ProjectFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_flow.flow_alias_names = "林飞, Lin"
        cls.project = cls.create_flow_project("Minutes project")
        cls.start_flow_project(cls.project)
        cls.phase = cls.phases(cls.project)[0]
        cls.Meeting = cls.env["project.flow.meeting"]
        # 10:00 in Shanghai on Wednesday 25 November 2026.
        cls.meeting_date = datetime(2026, 11, 25, 2, 0)

    def new_meeting(self, user=None, minutes=MINUTES, project=None, **values):
        return self.Meeting.with_user(user or self.user_flow).create(
            {
                "name": "需求评审会",
                "project_id": (project or self.project).id,
                "phase_id": self.phase.id if project is None else False,
                "date": self.meeting_date,
                "attendee_ids": [(6, 0, (self.user_flow | self.user_qa).ids)],
                "minutes": minutes,
                **values,
            }
        )

    def items(self, meeting, kind=None):
        items = meeting.item_ids.sorted("sequence")
        if kind:
            items = items.filtered(lambda i: i.kind == kind)
        return [(i.text, i.owner_name or False, i.owner_id, i.date_deadline) for i in items]

    def local_day(self, value):
        return pytz.utc.localize(value).astimezone(pytz.timezone("Asia/Shanghai")).date()

    # ------------------------------------------------------------------
    # Extraction
    # ------------------------------------------------------------------
    def test_extract_from_html(self):
        meeting = self.new_meeting()
        meeting.action_extract()
        nobody = self.env["res.users"]
        self.assertEqual(
            self.items(meeting, "decision"), [("采用方案B，放弃方案A", False, nobody, False)]
        )
        self.assertEqual(
            self.items(meeting, "action"),
            [
                # Owners are resolved to the users of the project: an alias,
                # a login, a full name...
                ("完成接口文档", "林飞", self.user_flow, date(2026, 11, 30)),
                ("下周五前完成性能测试", "pf_qa", self.user_qa, date(2026, 12, 4)),
                (
                    "Update the release checklist",
                    "Wang Manager",
                    self.user_manager,
                    date(2026, 12, 10),
                ),
                # ...someone unknown keeps the name as written...
                ("联系外部供应商", "钱八", nobody, False),
                # ...and a user who has nothing to do with the project is not taken.
                ("整理会议室", "pf_outsider", nobody, False),
            ],
        )
        self.assertEqual(
            self.items(meeting, "risk"), [("Vendor may deliver late.", "Qiu", self.user_qa, False)]
        )
        self.assertEqual(set(meeting.item_ids.mapped("state")), {"to_review"})
        self.assertEqual(
            meeting.item_ids.filtered(lambda i: i.owner_name == "林飞").source_text,
            "完成接口文档，负责人：林飞，截止：11月30日",
        )
        self.assertEqual(
            (meeting.decision_count, meeting.action_count, meeting.risk_count), (1, 5, 1)
        )

    def test_extract_again_keeps_reviewed_items(self):
        meeting = self.new_meeting()
        meeting.action_extract()
        actions = meeting.item_ids.filtered(lambda i: i.kind == "action").sorted("sequence")
        accepted, discarded, converted, *_rest = actions
        accepted.action_accept()
        discarded.action_discard()
        converted.action_convert()
        reviewed = accepted | discarded | converted
        to_review = meeting.item_ids - reviewed
        meeting.minutes = MINUTES + "<p>Action: Book the demo room tomorrow @pf_user</p>"
        meeting.action_extract()
        self.assertFalse(to_review.exists(), "items still to review are replaced")
        self.assertEqual(reviewed.exists(), reviewed)
        self.assertEqual(
            (accepted.state, discarded.state, converted.state),
            ("accepted", "discarded", "converted"),
        )
        # Reviewed items are not extracted a second time; the new line is.
        self.assertEqual(len(meeting.item_ids), 8)
        self.assertEqual(meeting.item_ids.mapped("text").count("完成接口文档"), 1)
        new = meeting.item_ids.filtered(lambda i: i.text == "Book the demo room tomorrow")
        self.assertEqual((new.owner_id, new.date_deadline), (self.user_flow, date(2026, 11, 26)))

    # ------------------------------------------------------------------
    # Conversion
    # ------------------------------------------------------------------
    def test_create_tasks_once(self):
        meeting = self.new_meeting()
        meeting.action_extract()
        discarded = meeting.item_ids.filtered(lambda i: i.owner_name == "pf_outsider")
        discarded.action_discard()
        Task = self.env["project.task"]
        before = Task.search_count([("project_id", "=", self.project.id)])

        meeting.with_user(self.user_flow).action_create_tasks()

        actions = meeting.item_ids.filtered(lambda i: i.kind == "action" and i != discarded)
        tasks = actions.task_id
        self.assertEqual(len(tasks), 4)
        self.assertEqual(Task.search_count([("project_id", "=", self.project.id)]), before + 4)
        self.assertEqual(set(actions.mapped("state")), {"converted"})
        self.assertEqual(discarded.state, "discarded")
        self.assertFalse(discarded.task_id)
        first = actions.filtered(lambda i: i.owner_name == "林飞").task_id
        self.assertEqual(first.name, "完成接口文档")
        self.assertEqual(first.project_id, self.project)
        self.assertEqual(first.flow_phase_id, self.phase)
        self.assertEqual(first.user_ids, self.user_flow)
        self.assertEqual(self.local_day(first.date_deadline), date(2026, 11, 30))
        self.assertIn(
            f'data-oe-model="project.flow.meeting" data-oe-id="{meeting.id}"', first.description
        )
        self.assertIn("负责人：林飞", first.description)
        unowned = actions.filtered(lambda i: i.owner_name == "钱八").task_id
        self.assertFalse(unowned.user_ids)
        self.assertFalse(unowned.date_deadline)
        self.assertEqual(meeting.task_count, 4)

        # A second click creates nothing, and says why.
        with self.assertRaisesText(UserError, "no action item left"):
            meeting.with_user(self.user_flow).action_create_tasks()
        self.assertEqual(Task.search_count([("project_id", "=", self.project.id)]), before + 4)
        item = actions[0]
        with self.assertRaisesText(UserError, "already converted", item.text):
            item.with_user(self.user_flow).action_convert()
        with self.assertRaisesText(UserError, "already converted"):
            item.with_user(self.user_flow).state = "accepted"
        # A converted item cannot be deleted (and extracted again)...
        with self.assertRaisesText(UserError, "cannot be deleted"):
            item.with_user(self.user_flow).unlink()
        # ...and deleting the task does not make it convertible again.
        item.task_id.unlink()
        with self.assertRaisesText(UserError, "already converted"):
            item.with_user(self.user_flow).action_convert()
        # A manager may still delete the whole meeting; the tasks stay.
        meeting.with_user(self.user_manager).unlink()
        self.assertFalse(item.exists())
        self.assertEqual(len(tasks.exists()), 3)

    def test_convert_risk(self):
        meeting = self.new_meeting()
        meeting.action_extract()
        meeting.with_user(self.user_flow).action_create_risks()
        item = meeting.item_ids.filtered(lambda i: i.kind == "risk")
        risk = item.risk_id
        self.assertEqual(item.state, "converted")
        self.assertEqual(
            (risk.name, risk.kind, risk.project_id, risk.phase_id, risk.user_id, risk.state),
            ("Vendor may deliver late.", "risk", self.project, self.phase, self.user_qa, "open"),
        )
        self.assertIn("需求评审会", risk.description)
        with self.assertRaisesText(UserError, "no risk left"):
            meeting.with_user(self.user_flow).action_create_risks()
        self.assertEqual(
            self.env["project.flow.risk"].search_count([("project_id", "=", self.project.id)]), 1
        )

    def test_decisions_and_discarded_items_are_not_converted(self):
        meeting = self.new_meeting()
        meeting.action_extract()
        decision = meeting.item_ids.filtered(lambda i: i.kind == "decision")
        with self.assertRaisesText(UserError, "is a decision"):
            decision.action_convert()
        action = meeting.item_ids.filtered(lambda i: i.kind == "action")[0]
        action.action_discard()
        with self.assertRaisesText(UserError, "is discarded"):
            action.action_convert()
        with self.assertRaisesText(ValidationError, "only an action item"):
            decision.state = "converted"

    def test_phase_of_another_project(self):
        other = self.create_flow_project("Other project")
        with self.assertRaisesText(ValidationError, "Phase", "Other project"):
            self.new_meeting(project=other, phase_id=self.phase.id)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access(self):
        private = self.create_flow_project("Private project")
        private.privacy_visibility = "followers"
        meeting = self.new_meeting(user=self.user_manager, project=private)
        meeting.action_extract()
        self.assertTrue(meeting.item_ids)
        private.message_unsubscribe(partner_ids=self.user_approver.partner_id.ids)
        # A flow user who does not follow the project sees neither the
        # meeting nor its items...
        Meeting = self.Meeting.with_user(self.user_approver)
        self.assertFalse(Meeting.search([("id", "=", meeting.id)]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            meeting.with_user(self.user_approver).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            meeting.item_ids[0].with_user(self.user_approver).action_convert()
        # ...an employee outside project_flow has no access at all...
        with self.assertRaises(AccessError):
            meeting.with_user(self.user_outsider).read(["name"])
        # ...a follower does, and the managers see all.
        private.message_subscribe(partner_ids=self.user_approver.partner_id.ids)
        self.assertEqual(Meeting.search([("id", "=", meeting.id)]), meeting)
        self.assertEqual(meeting.with_user(self.user_manager).name, "需求评审会")

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Flow Other Co"})
        foreign = self.env["project.project"].create(
            {"name": "Foreign project", "company_id": other_company.id}
        )
        meeting = self.Meeting.create(
            {"name": "Board", "project_id": foreign.id, "minutes": "<p>Decision: go</p>"}
        )
        meeting.action_extract()
        self.assertEqual(meeting.company_id, other_company)
        self.assertEqual(meeting.item_ids.company_id, other_company)
        # Managers see all projects' meetings, but only in their companies.
        for user in (self.user_manager, self.user_flow):
            self.assertFalse(self.Meeting.with_user(user).search([("id", "=", meeting.id)]))
            self.assertFalse(
                self.env["project.flow.meeting.item"]
                .with_user(user)
                .search([("meeting_id", "=", meeting.id)])
            )

    # ------------------------------------------------------------------
    # Project and dossier
    # ------------------------------------------------------------------
    def test_project_meeting_count(self):
        self.new_meeting()
        self.new_meeting(name="Weekly sync")
        self.assertEqual(self.project.flow_meeting_count, 2)
        action = self.project.action_flow_view_meetings()
        self.assertEqual(self.Meeting.search(action["domain"]), self.project.flow_meeting_ids)

    def test_dossier_html(self):
        meeting = self.new_meeting(name="Review <script>x</script>")
        meeting.action_extract()
        meeting.action_create_tasks()
        empty = self.create_flow_project("Empty project")
        html = self.Meeting._flow_dossier_html(self.project | empty)
        self.assertEqual(set(html), {self.project.id, empty.id})
        page = str(html[self.project.id])
        self.assertIn("Review &lt;script&gt;x&lt;/script&gt;", page)
        self.assertNotIn("<script>", page)
        for text in ("采用方案B，放弃方案A", "完成接口文档", "Lin Flowuser", "2026-11-30", "钱八"):
            self.assertIn(text, page)
        # Risks are not part of the meetings' section of the dossier.
        self.assertNotIn("Vendor may deliver late.", page)
        self.assertIn("No meeting recorded.", str(html[empty.id]))
