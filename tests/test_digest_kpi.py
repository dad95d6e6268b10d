"""Flow KPIs in Odoo's digest emails: the values of a period on a known
dataset (a company of its own, so demo data does not count), the weekly
digest record, and the email that carries them."""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

FLOW_KPIS = (
    "kpi_project_flow_task_closed",
    "kpi_project_flow_on_time_rate",
    "kpi_project_flow_alert_open",
    "kpi_project_flow_red_project",
    "kpi_project_flow_checkin",
)


@tagged("post_install", "-at_install")
class TestDigestKpi(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env["res.company"].create({"name": "Flow Digest Co"})
        cls.user = new_test_user(
            env,
            login="pf_digest_manager",
            name="Hu Digestreader",
            email="hu@example.com",
            groups="base.group_user,project.group_project_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.template = env["project.flow.template"].search([], limit=1)
        Project = env["project.project"].with_company(cls.company)
        cls.flow = Project.create({"name": "Digest flow", "company_id": cls.company.id})
        cls.plain = Project.create({"name": "Digest plain", "company_id": cls.company.id})
        cls.closed = Project.create({"name": "Digest closed", "company_id": cls.company.id})
        # The period: 20 days ago to 13 days ago (whole "Last 30 Days" column
        # of a digest sent now, nothing in its "Last 7 Days").
        now = fields.Datetime.now().replace(microsecond=0)
        cls.start = now - timedelta(days=20)
        cls.end = cls.start + timedelta(days=7)
        day = timedelta(days=1)
        Task = env["project.task"].with_company(cls.company)
        names = ("on time", "late", "no deadline", "before", "open", "plain done")
        cls.tasks = {
            name: Task.create(
                {"name": name, "project_id": (cls.plain if name == "plain done" else cls.flow).id}
            )
            for name in names
        }
        rows = [
            # task, state, closed, deadline
            ("on time", "1_done", cls.start + 2 * day, cls.start + 4 * day),
            ("late", "1_done", cls.start + 5 * day, cls.start + 3 * day),
            ("no deadline", "1_done", cls.start + 6 * day, None),
            ("before", "1_done", cls.start - 15 * day, cls.start - 16 * day),
            ("open", "01_in_progress", None, cls.start + 1 * day),
            ("plain done", "1_done", cls.start + 2 * day, cls.start + 4 * day),
        ]
        env.flush_all()
        for name, state, date_end, deadline in rows:
            env.cr.execute(
                """
                UPDATE project_task SET state = %s, date_end = %s, date_deadline = %s
                 WHERE id = %s
                """,
                [state, date_end, deadline, cls.tasks[name].id],
            )
        # a flow project is one with a template; health and lifecycle as the
        # health cron and the lifecycle leave them
        env.cr.execute(
            """
            UPDATE project_project
               SET flow_template_id = %s, flow_state = 'running', flow_health = 'red'
             WHERE id = %s
            """,
            [cls.template.id, cls.flow.id],
        )
        env.cr.execute(
            """
            UPDATE project_project SET flow_state = 'closed', flow_health = 'red' WHERE id = %s
            """,
            [cls.closed.id],
        )
        env.invalidate_all()

        Alert = env["project.flow.alert"]
        for level, (name, detected, state) in enumerate(
            (
                ("open in period", cls.start + day, "open"),
                ("acknowledged in period", cls.start + 2 * day, "acknowledged"),
                ("resolved in period", cls.start + 3 * day, "resolved"),
                ("open before", cls.start - day, "open"),
            )
        ):
            Alert.create(
                {
                    "name": name,
                    "object_ref": f"project.task,{cls.tasks['open'].id}",
                    "kind": "task",
                    "level": str(level),
                    "project_id": cls.flow.id,
                    "task_id": cls.tasks["open"].id,
                    "delay_days": 2,
                    "detected_date": detected,
                    "state": state,
                }
            )
        env.flush_all()
        start_day = cls.start.date()
        for offset in (0, 6, 7, -1):  # the period's days are start .. start + 6
            env.cr.execute(
                """
                INSERT INTO project_flow_checkin
                       (user_id, project_id, company_id, date, done, create_uid, write_uid,
                        create_date, write_date)
                VALUES (%s, %s, %s, %s, 'work', 1, 1, now(), now())
                """,
                [
                    cls.user.id,
                    cls.flow.id,
                    cls.company.id,
                    start_day + timedelta(days=offset),
                ],
            )
        cls.digest = env["digest.digest"].create(
            {
                "name": "Flow test digest",
                "company_id": cls.company.id,
                "user_ids": [(6, 0, cls.user.ids)],
                **dict.fromkeys(FLOW_KPIS, True),
            }
        )

    def _values(self, user=None):
        digest = (
            self.digest.with_user(user or self.user)
            .with_company(self.company)
            .with_context(start_datetime=self.start, end_datetime=self.end)
        )
        return {name: digest[f"{name}_value"] for name in FLOW_KPIS}

    def test_values_of_the_period(self):
        self.assertEqual(
            self._values(),
            {
                # on time, late, no deadline; not before the period, not the plain project's
                "kpi_project_flow_task_closed": 3,
                # on time of (on time, late)
                "kpi_project_flow_on_time_rate": 50.0,
                # open and acknowledged alerts detected in the period
                "kpi_project_flow_alert_open": 2,
                # the running red project, not the closed one
                "kpi_project_flow_red_project": 1,
                # check-ins of the period's first and last day
                "kpi_project_flow_checkin": 2,
            },
        )

    def test_kpis_need_flow_access(self):
        clerk = new_test_user(
            self.env,
            login="pf_digest_clerk",
            email="clerk@example.com",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        kpis = self.digest._compute_kpis(self.company, clerk)
        self.assertFalse({kpi["kpi_name"] for kpi in kpis} & set(FLOW_KPIS))

    def test_kpi_columns_and_actions(self):
        kpis = {kpi["kpi_name"]: kpi for kpi in self.digest._compute_kpis(self.company, self.user)}
        closed = kpis["kpi_project_flow_task_closed"]
        self.assertEqual(closed["kpi_fullname"], "Flow tasks closed")
        # last 24 hours, last 7 days, last 30 days
        self.assertEqual(
            [closed[f"kpi_col{i}"]["value"] for i in (1, 2, 3)],
            [0, 0, 3],
        )
        self.assertEqual(kpis["kpi_project_flow_on_time_rate"]["kpi_col3"]["value"], "50.00")
        self.assertTrue(closed["kpi_action"].startswith("project.action_view_all_task&menu_id="))
        self.assertTrue(
            kpis["kpi_project_flow_alert_open"]["kpi_action"].startswith(
                "project_flow.action_project_flow_alert&menu_id="
            )
        )
        for action in (kpis[name]["kpi_action"] for name in FLOW_KPIS):
            self.env.ref(action.split("&")[0])

    def test_send_digest_email(self):
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search([])
        self.digest._action_send_to_user(self.user)
        mail = Mail.search([]) - before
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, self.user.email_formatted)
        body = str(mail.body_html)
        for label in (
            "Flow tasks closed",
            "Flow on-time rate (%)",
            "Open delay alerts",
            "Red projects",
            "Check-ins",
        ):
            self.assertIn(label, body)
        self.assertIn("50.00", body)
        self.assertIn("action-project_flow.action_project_flow_checkin", body)

    def test_send_keeps_odoo_digest_working(self):
        """The default digest of Odoo (its own KPIs) still renders and sends."""
        default = self.env.ref("digest.digest_digest_default")
        default.user_ids = [(4, self.user.id)]
        default._action_send(update_periodicity=False)

    def test_weekly_flow_digest(self):
        digest = self.env.ref("project_flow.digest_digest_flow_weekly")
        self.assertEqual(digest.name, "Project Flow weekly KPIs")
        self.assertEqual(digest.periodicity, "weekly")
        self.assertTrue(all(digest[name] for name in FLOW_KPIS))
        managers = self.env.ref("project_flow.group_flow_manager").users
        self.assertTrue(digest.user_ids)
        self.assertFalse(digest.user_ids - managers)
        self.assertIn(self.env.ref("base.user_admin"), digest.user_ids)
        # re-running the subscription adds the managers created since
        self.env["digest.digest"]._flow_subscribe_flow_managers()
        self.assertIn(self.user, digest.user_ids)
