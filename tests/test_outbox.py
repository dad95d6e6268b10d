"""The notification outbox against a fake DingTalk / WeCom / Feishu server on
loopback: delivery exactly once under injected failures, retries and
backoff, throttling and burst merging, work notifications with a shared
token, unmapped users, quiet hours, the Odoo channel in the recipient's
language, and who may read what."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from odoo.addons.project_flow.engine import notify

from .fake_channel_server import FakeChannelServer


@tagged("post_install", "-at_install")
class TestOutbox(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeChannelServer(delay=1.0).start()
        cls.addClassCleanup(cls.server.stop)
        env = cls.env
        env["ir.config_parameter"].sudo().set_param("project_flow.notify_timeout", "0.4")
        env["res.lang"]._activate_lang("zh_CN")
        cls.company = env.company
        cls.company.flow_quiet_hours = False
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        # Only the channels made here take part.
        env["project.flow.channel"].search([]).active = False

        def user(login, group, **kw):
            return new_test_user(
                env,
                login=login,
                name=login.replace("_", " ").title(),
                groups="base.group_user" + (f",{group}" if group else ""),
                email=f"{login}@example.com",
                tz="Asia/Shanghai",
                context={"no_reset_password": True},
                **kw,
            )

        cls.user_en = user("ob_lin", "project.group_project_user", notification_type="inbox")
        cls.user_zh = user(
            "ob_wang", "project.group_project_user", notification_type="inbox", lang="zh_CN"
        )
        cls.user_mail = user("ob_mail", "project.group_project_user", notification_type="email")
        cls.manager = user("ob_manager", "project_flow.group_flow_manager")
        cls.flow_admin = user("ob_flowadmin", "project_flow.group_flow_admin")
        cls.user_en.partner_id.mobile = "13800000001"
        cls.user_zh.partner_id.mobile = "13800000002"
        cls.user_mail.partner_id.mobile = "13800000003"

        cls.project = env["project.project"].create({"name": "Outbox launch"})
        cls.task = env["project.task"].create({"name": "Write spec", "project_id": cls.project.id})

        Channel = env["project.flow.channel"]
        cls.server.secrets.update(
            {"ding-tok": "SEC0123456789abcdef", "wecom-key": None, "feishu-hook": "fs-secret"}
        )
        base = {"api_base_url": cls.server.url, "company_id": cls.company.id}
        cls.ding = Channel.create(
            {
                **base,
                "name": "DingTalk robot",
                "kind": "dingtalk_robot",
                "token": "ding-tok",
                "secret": "SEC0123456789abcdef",
            }
        )
        cls.wecom = Channel.create(
            {**base, "name": "WeCom robot", "kind": "wecom_robot", "token": "wecom-key"}
        )
        cls.feishu = Channel.create(
            {
                **base,
                "name": "Feishu bot",
                "kind": "feishu_bot",
                "token": "feishu-hook",
                "secret": "fs-secret",
            }
        )
        cls.work = Channel.create(
            {
                **base,
                "name": "DingTalk app",
                "kind": "dingtalk_work",
                "app_key": "ak",
                "app_secret": "as",
                "agent_id": "1001",
                "active": False,
            }
        )
        cls.Outbox = env["project.flow.notification"]

    def setUp(self):
        super().setUp()
        self.server.reset()
        self.server.secrets.update(
            {"ding-tok": "SEC0123456789abcdef", "wecom-key": None, "feishu-hook": "fs-secret"}
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    @staticmethod
    def render(tag):
        def render(lang):
            if lang == "zh_CN":
                return f"任务延期 {tag}", f"**{tag}** 已延期 2 天"
            return f"Task late {tag}", f"**{tag}** is 2 days late"

        return render

    def notify(self, tag, users=None, **kw):
        return self.Outbox._flow_notify(
            self.task, f"test:{tag}", users or self.env["res.users"], self.render(tag), **kw
        )

    def run_until_done(self, rounds=15):
        """Run the cron, and make waiting rows due again, until nothing waits:
        each round stands for the time passing until the next attempt."""
        for _round in range(rounds):
            self.Outbox._cron_process()
            waiting = self.Outbox.search([("state", "in", ("queued", "retry"))])
            if not waiting:
                return
            waiting.write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})
            (self.ding | self.wecom | self.feishu).write(
                {"penalty_until": False, "send_history": False}
            )
        self.fail("the outbox did not settle")

    # ------------------------------------------------------------------
    # queueing
    # ------------------------------------------------------------------
    def test_queue_once_per_key_and_trigger_the_cron(self):
        rows = self.notify("q1", self.user_en | self.user_zh, chatter=True)
        self.assertEqual(
            sorted(rows.mapped("kind")),
            ["dingtalk_robot", "feishu_bot", "odoo", "odoo", "odoo", "wecom_robot"],
        )
        self.assertFalse(self.notify("q1", self.user_en | self.user_zh, chatter=True))
        self.assertEqual(self.Outbox.search_count([("key", "like", "test:q1:%")]), 6)
        zh = rows.filtered(lambda r: r.user_id == self.user_zh)
        self.assertEqual((zh.lang, zh.subject), ("zh_CN", "任务延期 q1"))
        self.assertEqual(
            rows.filtered(lambda r: r.kind == "wecom_robot").lang, self.company.partner_id.lang
        )
        ding = rows.filtered(lambda r: r.kind == "dingtalk_robot")
        self.assertEqual(ding.mention_user_ids, self.user_en | self.user_zh)
        cron = self.env.ref("project_flow.ir_cron_project_flow_notification")
        self.assertTrue(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]))

    # ------------------------------------------------------------------
    # exactly once
    # ------------------------------------------------------------------
    def test_every_message_delivered_once_under_failures(self):
        srv = self.server
        srv.script(
            "/robot/send", ("timeout", True), (200, {"errcode": -1, "errmsg": "system busy"})
        )
        srv.script("/cgi-bin/webhook/send", ("timeout", False), (502, {"errmsg": "bad gateway"}))
        srv.script(
            "/open-apis/bot/v2/hook/feishu-hook", (200, {"code": 11232, "msg": "frequency limited"})
        )
        rows = self.notify("x1", kinds=["dingtalk_robot", "wecom_robot", "feishu_bot"])
        rows |= self.notify("x2", kinds=["dingtalk_robot", "wecom_robot", "feishu_bot"])
        self.assertEqual(len(rows), 6)

        self.Outbox._cron_process()
        waiting = rows.filtered(lambda r: r.state != "sent")
        self.assertEqual(set(waiting.mapped("state")), {"retry", "queued"})
        # every group failed at least once; the Feishu penalty holds back its second message
        self.assertEqual(len(waiting), 6)
        self.assertTrue(all(r.next_attempt > fields.Datetime.now() for r in waiting))
        timed_out = rows.filtered(
            lambda r: r.kind == "dingtalk_robot" and r.key == f"test:x1:c{self.ding.id}"
        )
        self.assertEqual(timed_out.state, "retry")
        self.assertIn("ReadTimeout", timed_out.error)

        self.run_until_done()
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        # Each message reached each group exactly once (the timed-out DingTalk
        # request was processed; its retry carries the same msgUuid).
        delivered = sorted(
            (path, line)
            for path, _title, text in srv.delivered
            for line in text.split("\n")
            if line.endswith("is 2 days late")
        )
        expected = sorted(
            (path, f"**{tag}** is 2 days late")
            for path in (
                "/robot/send",
                "/cgi-bin/webhook/send",
                "/open-apis/bot/v2/hook/feishu-hook",
            )
            for tag in ("x1", "x2")
        )
        self.assertEqual(delivered, expected)
        uuids = [r["json"]["msgUuid"] for r in srv.requests if r["path"] == "/robot/send"]
        self.assertEqual(
            sorted(set(uuids)),
            sorted(rows.filtered(lambda r: r.kind == "dingtalk_robot").mapped("key")),
        )

        # Re-running the cron, or producing again, sends nothing.
        count = len(srv.requests)
        self.Outbox._cron_process()
        self.assertFalse(self.notify("x1", kinds=["dingtalk_robot", "wecom_robot", "feishu_bot"]))
        self.Outbox._cron_process()
        self.assertEqual(len(srv.requests), count)

    def test_messages_link_back_and_are_signed(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://odoo.example.com")
        self.notify("l1", self.user_en, kinds=["dingtalk_robot", "feishu_bot"])
        self.Outbox._cron_process()
        url = f"https://odoo.example.com/odoo/project.task/{self.task.id}"
        robot = [r for r in self.server.requests if r["path"] == "/robot/send"][0]
        self.assertEqual(robot["query"]["access_token"], "ding-tok")
        self.assertEqual(
            robot["query"]["sign"],
            notify.dingtalk_sign("SEC0123456789abcdef", int(robot["query"]["timestamp"])),
        )
        self.assertIn(url, robot["json"]["markdown"]["text"])
        self.assertEqual(robot["json"]["at"]["atMobiles"], ["13800000001"])
        self.assertEqual(len(self.server.delivered), 2)

    def test_permanent_errors_fail_with_a_reason(self):
        self.server.secrets.pop("ding-tok")  # the robot was removed
        self.server.script(
            "/cgi-bin/webhook/send", (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        )
        rows = self.notify("p1", kinds=["dingtalk_robot", "wecom_robot"])
        self.Outbox._cron_process()
        self.assertEqual(set(rows.mapped("state")), {"failed"})
        ding = rows.filtered(lambda r: r.kind == "dingtalk_robot")
        self.assertIn("300001: token is not exist", ding.error)
        self.assertIn("DingTalk robot", ding.error)
        self.assertIn("93000", rows.filtered(lambda r: r.kind == "wecom_robot").error)
        count = len(self.server.requests)
        self.Outbox._cron_process()
        self.assertEqual(len(self.server.requests), count, "permanent failures are not retried")

    def test_transient_errors_give_up_after_max_attempts(self):
        self.server.script("/cgi-bin/webhook/send", *[(503, {})] * notify.MAX_ATTEMPTS)
        row = self.notify("m1", kinds=["wecom_robot"])
        before = fields.Datetime.now()
        self.Outbox._cron_process()
        self.assertEqual((row.state, row.attempts), ("retry", 1))
        self.assertGreaterEqual(row.next_attempt, before + timedelta(seconds=59))
        self.run_until_done()
        self.assertEqual((row.state, row.attempts), ("failed", notify.MAX_ATTEMPTS))
        self.assertIn("Gave up after 8 attempts", row.error)

    def test_two_workers_never_take_the_same_row(self):
        """Two real transactions: the rows one worker holds are skipped by
        the other until it is done with them."""
        partner = self.env.ref("base.partner_admin")
        key = f"test:workers:{fields.Datetime.now()}"
        with self.registry.cursor() as cr_setup:
            env = self.env(cr=cr_setup)
            row_ids = (
                env["project.flow.notification"]
                .sudo()
                .create(
                    [
                        {
                            "key": f"{key}:{i}",
                            "kind": "odoo",
                            "res_model": "res.partner",
                            "res_id": partner.id,
                            "subject": "Worker test",
                        }
                        for i in range(3)
                    ]
                )
                .ids
            )
            cr_setup.commit()
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                outbox_a = self.env(cr=cr_a)["project.flow.notification"]
                outbox_b = self.env(cr=cr_b)["project.flow.notification"]
                now = fields.Datetime.now()
                # rows other modules' demo data may have queued stay out of it
                others = outbox_a.sudo().search([("id", "not in", row_ids)]).ids
                taken_a = outbox_a._flow_take_due(now, 2, others)
                self.assertEqual(len(taken_a), 2)
                taken_b = outbox_b._flow_take_due(now, 100, others)
                self.assertEqual(set(taken_b), set(row_ids) - set(taken_a))
                cr_a.rollback()  # worker A is done (here: gives its rows back)
                cr_b.rollback()
                self.assertEqual(set(outbox_b._flow_take_due(now, 100, others)), set(row_ids))
                cr_b.rollback()
        finally:
            with self.registry.cursor() as cr_clean:
                cr_clean.execute(
                    "DELETE FROM project_flow_notification WHERE id = ANY(%s)", [row_ids]
                )
                cr_clean.commit()

    # ------------------------------------------------------------------
    # throttling and bursts
    # ------------------------------------------------------------------
    def test_throttled_robot_waits_out_its_penalty(self):
        self.server.script(
            "/robot/send",
            (200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}),
        )
        rows = self.notify("t1", kinds=["dingtalk_robot"]) | self.notify(
            "t2", kinds=["dingtalk_robot"]
        )
        self.Outbox._cron_process()
        self.assertEqual(
            self.server.count("/robot/send"), 1, "the second message waits for the penalty"
        )
        penalty = self.ding.penalty_until
        self.assertGreaterEqual(penalty, fields.Datetime.now() + timedelta(minutes=9))
        self.assertTrue(all(r.next_attempt >= penalty for r in rows))
        self.assertEqual(rows.sorted("id")[0].state, "retry")
        self.assertIn("130101", rows.sorted("id")[0].error)
        # Made due but still inside the penalty: nothing is sent.
        rows.write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})
        self.Outbox._cron_process()
        self.assertEqual(self.server.count("/robot/send"), 1)
        self.run_until_done()
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        self.assertEqual(len(self.server.delivered), 2)

    def test_burst_is_merged_into_a_digest(self):
        rows = self.Outbox
        for i in range(25):
            rows |= self.notify(f"b{i}", kinds=["dingtalk_robot"])
        self.Outbox._cron_process()
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        sends = self.server.count("/robot/send")
        self.assertLessEqual(sends, 20)
        self.assertLess(sends, 25)
        merged = rows.filtered("digest_key")
        self.assertGreaterEqual(len(merged), 6)
        text = "\n".join(t for _p, _title, t in self.server.delivered)
        for i in range(25):
            self.assertIn(f"**b{i}** is 2 days late", text)

    def test_rate_limit_postpones_when_no_slot_is_free(self):
        import json
        import time

        self.ding.send_history = json.dumps([time.time() - 1] * 20)
        row = self.notify("r1", kinds=["dingtalk_robot"])
        self.Outbox._cron_process()
        self.assertEqual(self.server.count("/robot/send"), 0)
        self.assertEqual((row.state, row.attempts), ("queued", 0))
        self.assertGreater(row.next_attempt, fields.Datetime.now() + timedelta(seconds=50))

    # ------------------------------------------------------------------
    # DingTalk work notifications
    # ------------------------------------------------------------------
    def test_work_notification_token_mapping_and_unmapped(self):
        self.work.active = True
        self.server.directory = {"13800000001": "lin001"}
        self.user_zh.dingtalk_user_id = "wang002"
        rows = self.notify(
            "w1", self.user_en | self.user_zh | self.user_mail, kinds=["dingtalk_work"]
        )
        self.assertEqual(len(rows), 3)
        self.Outbox._cron_process()
        by_user = {r.user_id: r for r in rows}
        self.assertEqual(by_user[self.user_en].state, "sent")
        self.assertEqual(self.user_en.dingtalk_user_id, "lin001", "looked up by mobile and kept")
        self.assertEqual(by_user[self.user_zh].state, "sent")
        self.assertEqual(by_user[self.user_zh].lang, "zh_CN")
        unmapped = by_user[self.user_mail]
        self.assertEqual(unmapped.state, "unmapped")
        self.assertIn("60121", unmapped.error)
        sent_to = sorted(user for path, user, _t in self.server.delivered)
        self.assertEqual(sent_to, ["lin001", "wang002"])
        zh_text = [t for _p, user, t in self.server.delivered if user == "wang002"][0]
        self.assertIn("已延期", zh_text)
        # one token, cached in the database and reused
        self.assertEqual(self.server.count("/gettoken"), 1)
        self.assertEqual(self.work.access_token, "TOKEN-1")
        self.notify("w2", self.user_zh, kinds=["dingtalk_work"])
        self.Outbox._cron_process()
        self.assertEqual(self.server.count("/gettoken"), 1)
        # unmapped rows are not retried
        count = len(self.server.requests)
        self.Outbox._cron_process()
        self.assertEqual(len(self.server.requests), count)

    def test_work_notification_expired_token_is_dropped_and_retried_once(self):
        self.work.active = True
        self.user_zh.dingtalk_user_id = "wang002"
        self.work.sudo().write(
            {
                "access_token": "OLD",
                "access_token_expiry": fields.Datetime.now() + timedelta(hours=1),
            }
        )
        self.server.script(
            "/topapi/message/corpconversation/asyncsend_v2",
            (200, {"errcode": 42001, "errmsg": "access_token expired"}),
        )
        row = self.notify("e1", self.user_zh, kinds=["dingtalk_work"])
        self.Outbox._cron_process()
        self.assertEqual(row.state, "sent")
        self.assertEqual(self.server.count("/gettoken"), 1)
        self.assertEqual(self.work.access_token, "TOKEN-1")
        self.assertEqual(len(self.server.delivered), 1)

    def test_token_refreshed_before_expiry(self):
        self.work.active = True
        self.user_zh.dingtalk_user_id = "wang002"
        self.work.sudo().write(
            {
                "access_token": "OLD",
                "access_token_expiry": fields.Datetime.now() + timedelta(seconds=120),
            }
        )
        self.notify("e2", self.user_zh, kinds=["dingtalk_work"])
        self.Outbox._cron_process()
        self.assertEqual(self.work.access_token, "TOKEN-1")
        send = [r for r in self.server.requests if r["path"].endswith("asyncsend_v2")][0]
        self.assertEqual(send["query"]["access_token"], "TOKEN-1")
        self.assertEqual(send["json"]["agent_id"], 1001)

    def test_map_users_by_mobile(self):
        self.work.active = True
        self.server.directory = {"13800000002": "wang002"}
        found, missing = self.work._flow_map_users(self.user_en | self.user_zh)
        self.assertEqual((found, missing), (1, 1))
        self.assertEqual(self.user_zh.dingtalk_user_id, "wang002")
        self.assertFalse(self.user_en.dingtalk_user_id)

    # ------------------------------------------------------------------
    # Odoo channel
    # ------------------------------------------------------------------
    def test_odoo_channel_in_each_recipients_language(self):
        rows = self.notify(
            "o1",
            self.user_en | self.user_zh | self.user_mail,
            kinds=["odoo"],
            chatter=True,
            activity=True,
        )
        self.assertEqual(len(rows), 4)
        self.Outbox._cron_process()
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        Message = self.env["mail.message"]
        zh = Message.search(
            [
                ("partner_ids", "in", self.user_zh.partner_id.ids),
                ("model", "=", "project.task"),
                ("res_id", "=", self.task.id),
                ("message_type", "=", "user_notification"),
                ("subject", "=", "任务延期 o1"),
            ]
        )
        self.assertEqual(zh.subject, "任务延期 o1")
        self.assertIn("已延期", zh.body)
        self.assertEqual(zh.message_type, "user_notification")
        self.assertTrue(
            self.env["mail.notification"].search(
                [
                    ("mail_message_id", "=", zh.id),
                    ("res_partner_id", "=", self.user_zh.partner_id.id),
                ]
            )
        )
        note = Message.search(
            [
                ("model", "=", "project.task"),
                ("res_id", "=", self.task.id),
                ("subject", "=", "Task late o1"),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", self.env.ref("mail.mt_note").id),
            ]
        )
        self.assertEqual(len(note), 1, "one chatter post in the company's language")
        mail = self.env["mail.mail"].search(
            [("subject", "=", "Task late o1"), ("email_to", "ilike", "ob_mail")]
        )
        self.assertEqual(len(mail), 1, "email users get the mail template")
        self.assertIn(f"/odoo/project.task/{self.task.id}", mail.body_html)
        activities = self.task.activity_ids.filtered(
            lambda a: a.summary in ("Task late o1", "任务延期 o1")
        )
        self.assertEqual(activities.user_id, self.user_en | self.user_zh | self.user_mail)
        self.Outbox._cron_process()
        self.assertEqual(
            len(self.task.activity_ids.filtered(lambda a: a.summary == "Task late o1")), 2
        )

    def test_deleted_record_cancels_its_messages(self):
        task = self.env["project.task"].create({"name": "Temp", "project_id": self.project.id})
        row = self.Outbox._flow_notify(
            task, "test:d1", self.user_en, self.render("d1"), kinds=["odoo"]
        )
        task.unlink()
        self.Outbox._cron_process()
        self.assertEqual(row.state, "cancelled")

    # ------------------------------------------------------------------
    # quiet hours
    # ------------------------------------------------------------------
    def test_quiet_hours_in_the_recipients_zone(self):
        self.company.write(
            {"flow_quiet_hours": True, "flow_quiet_start": 22.0, "flow_quiet_end": 8.0}
        )
        self.user_mail.tz = "Europe/Paris"
        # 15:00 UTC: 23:00 in Shanghai (quiet), 16:00 in Paris (not quiet)
        with freeze_time("2026-03-02 15:00:00"):
            rows = self.notify(
                "h1", self.user_en | self.user_mail, kinds=["odoo", "wecom_robot"], chatter=True
            )
            urgent = self.notify("h2", self.user_en, kinds=["odoo"], urgent=True)
            self.Outbox._cron_process()
        end = datetime(2026, 3, 3, 0, 0)  # 08:00 in Shanghai
        lin = rows.filtered(lambda r: r.user_id == self.user_en)
        self.assertEqual((lin.state, lin.next_attempt), ("queued", end))
        group = rows.filtered(lambda r: r.kind == "wecom_robot")  # project/company zone: Shanghai
        self.assertEqual((group.state, group.next_attempt), ("queued", end))
        self.assertEqual(rows.filtered(lambda r: r.user_id == self.user_mail).state, "sent")
        self.assertEqual(rows.filtered(lambda r: r.kind == "odoo" and not r.user_id).state, "sent")
        self.assertEqual(urgent.state, "sent", "urgent alerts bypass quiet hours")
        self.assertEqual(self.server.count("/cgi-bin/webhook/send"), 0)

    def test_quiet_hours_hold_rows_that_fall_due_inside_them(self):
        self.company.write(
            {"flow_quiet_hours": True, "flow_quiet_start": 22.0, "flow_quiet_end": 8.0}
        )
        with freeze_time("2026-03-02 02:00:00"):  # 10:00 in Shanghai
            rows = self.notify("h3", self.user_en, kinds=["odoo", "dingtalk_robot"])
        self.assertTrue(all(r.next_attempt == datetime(2026, 3, 2, 2, 0) for r in rows))
        with freeze_time("2026-03-02 14:30:00"):  # 22:30 in Shanghai: the cron ran late
            self.Outbox._cron_process()
        self.assertEqual(set(rows.mapped("state")), {"queued"})
        self.assertEqual(set(rows.mapped("next_attempt")), {datetime(2026, 3, 3, 0, 0)})
        self.assertEqual(self.server.count("/robot/send"), 0)

    # ------------------------------------------------------------------
    # administration
    # ------------------------------------------------------------------
    def test_send_test_message_reports_the_channels_answer(self):
        result = self.ding.action_send_test()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("0: ok", result["params"]["message"])
        self.server.secrets["ding-tok"] = "another secret"
        result = self.ding.action_send_test()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("310000: sign not match", result["params"]["message"])
        self.assertIn("310000", self.ding.last_test_result)

    def test_retry_now_and_cancel(self):
        self.server.secrets.pop("ding-tok")
        row = self.notify("a1", kinds=["dingtalk_robot"])
        self.Outbox._cron_process()
        self.assertEqual(row.state, "failed")
        self.server.secrets["ding-tok"] = "SEC0123456789abcdef"
        row.with_user(self.flow_admin).action_retry_now()
        self.assertEqual((row.state, row.attempts, row.error), ("queued", 0, False))
        self.Outbox._cron_process()
        self.assertEqual(row.state, "sent")
        other = self.notify("a2", kinds=["dingtalk_robot"])
        other.with_user(self.flow_admin).action_cancel()
        self.Outbox._cron_process()
        self.assertEqual(other.state, "cancelled")
        self.assertEqual(len(self.server.delivered), 1)

    def test_secrets_are_for_administrators_only(self):
        row = self.notify("s1", kinds=["dingtalk_robot"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            self.ding.with_user(self.manager).read(["secret"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            self.ding.with_user(self.manager).read(["name"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            self.ding.with_user(self.flow_admin).read(["secret"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            self.ding.with_user(self.flow_admin).read(["token"])
        self.assertEqual(
            self.ding.with_user(self.flow_admin).read(["name"])[0]["name"], "DingTalk robot"
        )
        # managers read the outbox but cannot change it
        self.assertEqual(row.with_user(self.manager).read(["state"])[0]["state"], "queued")
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            row.with_user(self.manager).write({"state": "cancelled"})
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            row.with_user(self.user_en).read(["state"])

    def test_users_read_their_own_dingtalk_id_only(self):
        self.user_en.dingtalk_user_id = "lin001"
        self.user_zh.dingtalk_user_id = "wang002"
        own = self.user_en.with_user(self.user_en).read(["dingtalk_user_id"])
        self.assertEqual(own[0]["dingtalk_user_id"], "lin001")
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            self.user_zh.with_user(self.user_en).read(["dingtalk_user_id"])
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
        ):
            self.user_en.with_user(self.user_en).write({"dingtalk_user_id": "other"})
