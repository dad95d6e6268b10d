from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from ..models.flow_guard import allow_transition

# The dataset lives in May and June 2021 (far from the demo data) so that
# every expected value below is computed by hand from these records only.
JUNE = {"period": "month", "date": "2021-06-15"}


@tagged("post_install", "-at_install")
class TestKpi(TransactionCase):
    """KPI views and dashboard data on a known dataset (company calendar in UTC).

    Projects: P1 (template T1, dept R&D, manager M1), P2 (T2, Marketing, M2,
    closed), P3 (T1, R&D, M2, private: followers only).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.resource_calendar_id.tz = "UTC"
        cls.d_rd = env["hr.department"].create({"name": "KPI R&D"})
        cls.d_mkt = env["hr.department"].create({"name": "KPI Marketing"})

        def user(login, group="project.group_project_user"):
            u = new_test_user(
                env,
                login=login,
                name=login.upper(),
                groups=f"base.group_user,{group}",
                tz="UTC",
                context={"no_reset_password": True},
            )
            env["hr.employee"].create({"name": u.name, "user_id": u.id})
            return u

        cls.m1 = user("kpi_m1", "project_flow.group_flow_manager")
        cls.m2 = user("kpi_m2", "project_flow.group_flow_manager")
        cls.u1, cls.u2, cls.u3 = user("kpi_u1"), user("kpi_u2"), user("kpi_u3")
        cls.viewer = user("kpi_viewer")

        Template = env["project.flow.template"]
        cls.t1 = Template.create(
            {
                "name": "KPI product",
                "code": "KPIP",
                "phase_ids": [
                    Command.create({"name": "KPI Design", "sequence": 1, "duration": 5}),
                    Command.create({"name": "KPI Test", "sequence": 2, "duration": 3}),
                ],
            }
        )
        cls.t2 = Template.create(
            {
                "name": "KPI campaign",
                "code": "KPIC",
                "phase_ids": [Command.create({"name": "KPI Plan", "sequence": 1, "duration": 2})],
            }
        )
        cls.tp_design, cls.tp_test = cls.t1.phase_ids.sorted("sequence")
        cls.tp_plan = cls.t2.phase_ids

        def project(name, template, dept, manager, privacy="employees"):
            return env["project.project"].create(
                {
                    "name": name,
                    "flow_template_id": template.id,
                    "flow_department_id": dept.id,
                    "user_id": manager.id,
                    "privacy_visibility": privacy,
                    "flow_scheduling_mode": "manual",
                }
            )

        cls.p1 = project("KPI P1", cls.t1, cls.d_rd, cls.m1)
        cls.p2 = project("KPI P2", cls.t2, cls.d_mkt, cls.m2)
        cls.p3 = project("KPI P3", cls.t1, cls.d_rd, cls.m2, privacy="followers")
        cls.bug = env["project.tags"].create({"name": "KPI bug"})

        def task(name, proj, dept, users, state, deadline, created, closed=None, **vals):
            t = env["project.task"].create(
                {
                    "name": name,
                    "project_id": proj.id,
                    "flow_department_id": dept.id,
                    "user_ids": [Command.set(users.ids)],
                    "date_deadline": deadline,
                    "state": state,
                    **({"date_end": closed} if closed else {}),
                    **vals,
                }
            )
            env.cr.execute(
                "UPDATE project_task SET create_date = %s WHERE id = %s", [created, t.id]
            )
            return t

        # June 2021 (current period) and May 2021 (previous period)
        cls.a1 = task(
            "a1",
            cls.p1,
            cls.d_rd,
            cls.u1,
            "1_done",
            "2021-06-10",
            "2021-06-01 10:00:00",
            "2021-06-08 10:00:00",
        )
        cls.a2 = task(
            "a2",
            cls.p1,
            cls.d_rd,
            cls.u1 | cls.u2,
            "1_done",
            "2021-06-10",
            "2021-06-02 10:00:00",
            "2021-06-12 10:00:00",
        )
        cls.a2.flow_reopen_count = 1
        cls.a3 = task(
            "a3",
            cls.p1,
            cls.d_rd,
            cls.u1,
            "01_in_progress",
            "2021-06-20",
            "2021-06-01 10:00:00",
            tag_ids=[Command.set(cls.bug.ids)],
        )
        cls.a4 = task(
            "a4", cls.p1, cls.d_rd, cls.u1, "1_canceled", "2021-06-15", "2021-06-01 10:00:00"
        )
        cls.a5 = task(
            "a5",
            cls.p1,
            cls.d_rd,
            cls.u2,
            "1_done",
            "2021-05-20",
            "2021-05-10 10:00:00",
            "2021-05-18 10:00:00",
        )
        cls.b1 = task(
            "b1",
            cls.p2,
            cls.d_mkt,
            cls.u3,
            "1_done",
            "2021-06-05",
            "2021-06-01 06:00:00",
            "2021-06-05 18:00:00",
        )
        cls.b1.flow_stage_regression_count = 2
        cls.b2 = task(
            "b2",
            cls.p2,
            cls.d_mkt,
            cls.u3,
            "1_done",
            False,
            "2021-06-10 12:00:00",
            "2021-06-20 12:00:00",
        )
        cls.b3 = task(
            "b3", cls.p2, cls.d_mkt, cls.u3, "01_in_progress", "2021-05-25", "2021-05-01 10:00:00"
        )
        cls.c1 = task(
            "c1",
            cls.p3,
            cls.d_rd,
            cls.u2,
            "1_done",
            "2021-06-10",
            "2021-06-01 00:00:00",
            "2021-06-20 00:00:00",
        )

        # Phases: planned days from the phase, actual dates and states set as
        # the gate would have left them.
        Phase = env["project.flow.phase"]
        cls.ph1 = Phase.create(
            {
                "project_id": cls.p1.id,
                "name": "Design",
                "template_phase_id": cls.tp_design.id,
                "duration": 5,
            }
        )
        cls.ph2 = Phase.create(
            {
                "project_id": cls.p1.id,
                "name": "Test",
                "template_phase_id": cls.tp_test.id,
                "duration": 3,
            }
        )
        cls.ph3 = Phase.create(
            {
                "project_id": cls.p2.id,
                "name": "Plan",
                "template_phase_id": cls.tp_plan.id,
                "duration": 2,
            }
        )
        cls.ph4 = Phase.create(
            {
                "project_id": cls.p3.id,
                "name": "Design",
                "template_phase_id": cls.tp_design.id,
                "duration": 5,
            }
        )
        cls.ph5 = Phase.create(
            {
                "project_id": cls.p3.id,
                "name": "Test",
                "template_phase_id": cls.tp_test.id,
                "duration": 3,
            }
        )
        for phase, start, end, overridden in (
            (cls.ph1, "2021-06-07", "2021-06-15", False),
            (cls.ph2, "2021-06-16", "2021-06-18", True),
            (cls.ph3, "2021-06-07", "2021-06-11", False),
            (cls.ph4, "2021-06-07", "2021-06-18", False),
        ):
            env.cr.execute(
                """UPDATE project_flow_phase SET state = 'done', date_actual_start = %s,
                          date_actual_end = %s, is_overridden = %s WHERE id = %s""",
                [start, end, overridden, phase.id],
            )
        env.cr.execute(
            "UPDATE project_flow_phase SET state = 'open', date_actual_start = '2021-06-21', "
            "date_end = '2021-06-23' WHERE id = %s",
            [cls.ph5.id],
        )
        env.cr.execute(
            "UPDATE project_task SET flow_phase_id = %s WHERE id IN %s",
            [cls.ph1.id, (cls.a1.id, cls.a2.id)],
        )
        env.cr.execute(
            "UPDATE project_project SET flow_state = 'closed' WHERE id = %s", [cls.p2.id]
        )
        allow_transition(env["project.flow.approval"]).create(
            {
                "project_id": cls.p1.id,
                "phase_id": cls.ph1.id,
                "user_id": cls.m1.id,
                "approval_rule": "any",
                "state": "rejected",
            }
        )

        # Milestones of P1: June: on time, late, missed; May: on time.
        Milestone = env["project.milestone"]

        def milestone(name, deadline, reached=None):
            m = Milestone.create(
                {
                    "name": name,
                    "project_id": cls.p1.id,
                    "deadline": deadline,
                    "is_reached": bool(reached),
                }
            )
            if reached:
                m.reached_date = reached
            return m

        cls.m_on_time = milestone("on time", "2021-06-10", "2021-06-09")
        cls.m_late = milestone("late", "2021-06-10", "2021-06-15")
        cls.m_missed = milestone("missed", "2021-06-05")
        cls.m_may = milestone("may", "2021-05-10", "2021-05-09")

        # Alerts of P1: June: answered after 6 h (acknowledged) and 24 h
        # (resolved), one still open; May: answered after 2 h.
        Alert = env["project.flow.alert"]

        def alert(ref, detected, acknowledged=None, resolved=None):
            return Alert.create(
                {
                    "name": ref,
                    "object_ref": f"kpi.test,{ref}",
                    "kind": "task",
                    "level": "1",
                    "project_id": cls.p1.id,
                    "task_id": cls.a3.id,
                    "detected_date": detected,
                    "acknowledged_date": acknowledged,
                    "resolved_date": resolved,
                    "state": "resolved"
                    if resolved
                    else ("acknowledged" if acknowledged else "open"),
                }
            )

        cls.al1 = alert("al1", "2021-06-10 08:00:00", acknowledged="2021-06-10 14:00:00")
        cls.al2 = alert("al2", "2021-06-12 00:00:00", resolved="2021-06-13 00:00:00")
        cls.al3 = alert("al3", "2021-06-20 00:00:00")
        cls.al4 = alert("al4", "2021-05-05 00:00:00", acknowledged="2021-05-05 02:00:00")

        # Timesheets: June U1 4 h + 2 h, U2 6 h; May U2 3 h.
        Line = env["account.analytic.line"]
        employee = {u: u.employee_ids[:1] for u in (cls.u1, cls.u2)}
        cls.lines = Line.create(
            [
                {
                    "name": "w",
                    "project_id": cls.p1.id,
                    "task_id": t.id,
                    "employee_id": employee[u].id,
                    "date": d,
                    "unit_amount": h,
                }
                for t, u, d, h in (
                    (cls.a1, cls.u1, "2021-06-03", 4.0),
                    (cls.a2, cls.u2, "2021-06-04", 6.0),
                    (cls.a1, cls.u1, "2021-06-05", 2.0),
                    (cls.a5, cls.u2, "2021-05-15", 3.0),
                )
            ]
        )
        env.invalidate_all()
        env.flush_all()

    # ------------------------------------------------------------------
    def _kpis(self, filters=None, user=None):
        env = self.env(user=user) if user else self.env
        data = env["project.flow.dashboard"].get_data(dict(JUNE, **(filters or {})))
        return data, {k["key"]: k for k in data["kpis"]}

    def _drill(self, kpi, user=None):
        action = kpi["action"]
        env = self.env(user=user) if user else self.env
        return env[action["res_model"]].with_context(active_test=False).search(action["domain"])

    # ------------------------------------------------------------------
    def test_task_view_measures(self):
        rows = self.env["project.flow.kpi.task"].search(
            [("task_id", "in", (self.a2 | self.a3 | self.a4 | self.b1 | self.b2).ids)]
        )
        by_task = {r.task_id: r for r in rows}
        a2 = by_task[self.a2]
        # a2: closed 12 June, deadline 10 June: late by 2 days, cycle 2 June 10:00 → 12 June 10:00
        self.assertEqual(
            (a2.done_rate, a2.on_time_rate, a2.late_days, a2.cycle_days), (100, 0, 2, 10)
        )
        self.assertEqual((a2.rework_count, a2.defect_count, a2.late), (1, 0, True))
        self.assertEqual(str(a2.date), "2021-06-12")
        self.assertEqual(a2.department_id, self.d_rd)
        self.assertEqual(a2.template_id, self.t1)
        self.assertEqual(a2.manager_id, self.m1)
        self.assertEqual(a2.phase_id, self.ph1)
        a3 = by_task[self.a3]
        # a3: open, tagged as a bug: completion 0, no on-time value, 1 defect, dated by its deadline
        self.assertEqual((a3.done_rate, a3.on_time_rate, a3.defect_count), (0, False, 1))
        self.assertEqual(str(a3.date), "2021-06-20")
        # a4: cancelled: out of the completion rate
        self.assertFalse(by_task[self.a4].done_rate)
        self.assertFalse(self.a4 in by_task and by_task[self.a4].date_done)
        # b1: closed on its deadline day (18:00) → on time;
        # cycle 1 June 06:00 → 5 June 18:00 = 4.5 days
        b1 = by_task[self.b1]
        self.assertEqual(
            (b1.on_time_rate, b1.late_days, b1.cycle_days, b1.rework_count), (100, 0, 4.5, 2)
        )
        # b2: no deadline → no on-time value, no lateness
        self.assertFalse(by_task[self.b2].on_time_rate)
        # pivot aggregates: on-time (avg) of the tasks closed in June with a deadline:
        # a1 100, a2 0, b1 100, c1 0 → 50; cycle avg (7 + 10 + 4.5 + 10 + 19) / 5 = 10.1
        [(on_time, cycle, count)] = self.env["project.flow.kpi.task"]._read_group(
            [("date_done", ">=", "2021-06-01"), ("date_done", "<=", "2021-06-30")],
            aggregates=["on_time_rate:avg", "cycle_days:avg", "task_count:sum"],
        )
        self.assertEqual((on_time, round(cycle, 2), count), (50, 10.1, 5))

    def test_phase_view_measures(self):
        rows = {
            r.phase_id: r
            for r in self.env["project.flow.kpi.phase"].search(
                [("project_id", "in", (self.p1 | self.p2 | self.p3).ids)]
            )
        }
        ph1 = rows[self.ph1]
        # Mon 7 → Tue 15 June 2021: 5 + 2 weekdays = 7, planned 5 → overrun 2;
        # one rejected approval; a2 was reopened once
        self.assertEqual((ph1.planned_days, ph1.actual_days, ph1.overrun_days), (5, 7, 2))
        self.assertEqual((ph1.rejection_count, ph1.overridden, ph1.rework_count), (1, 0, 1))
        self.assertEqual(ph1.template_id, self.t1)
        self.assertEqual(ph1.template_phase_id, self.tp_design)
        self.assertEqual((ph1.department_id, ph1.manager_id), (self.d_rd, self.m1))
        self.assertEqual(str(ph1.date), "2021-06-15")
        ph2 = rows[self.ph2]
        # Wed 16 → Fri 18: 3 days, as planned; gate overridden
        self.assertEqual((ph2.actual_days, ph2.overrun_days, ph2.overridden), (3, 0, 1))
        # ph4: Mon 7 → Fri 18: 10 days, planned 5 → 5
        self.assertEqual(rows[self.ph4].overrun_days, 5)
        # ph5 still open: no actual days, no overrun; dated by its planned end
        ph5 = rows[self.ph5]
        self.assertEqual((ph5.actual_days, ph5.overrun_days, ph5.finished), (0, 0, 0))
        self.assertEqual(str(ph5.date), "2021-06-23")

    def test_dashboard_kpis(self):
        data, k = self._kpis()
        self.assertEqual(
            data["period"],
            {
                "start": "2021-06-01",
                "end": "2021-06-30",
                "label": "June 2021",
                "previous_start": "2021-05-01",
                "previous_end": "2021-05-31",
            },
        )
        expected = {
            # due in June, not cancelled: a1 ✓ a2 ✓ a3 ✗ b1 ✓ c1 ✓ → 4/5; May: a5 ✓ b3 ✗ → 1/2
            "completion_rate": (80.0, 50.0),
            # closed in June with a deadline: a1 ✓ a2 ✗ b1 ✓ c1 ✗ → 2/4; May: a5 ✓
            "on_time_rate": (50.0, 100.0),
            # closed in June: a1 a2 b1 b2 c1 = 5 tasks by U1, U2, U3 → 5/3 = 1.7; May 1/1
            "output_tasks": (1.7, 1.0),
            # June: (4 + 2 + 6) h / 2 people = 6; May 3 h / 1
            "output_hours": (6.0, 3.0),
            # (7 + 10 + 4.5 + 10 + 19) / 5 = 10.1; May: a5 10 → 18 May = 8
            "cycle_days_task": (10.1, 8.0),
            # P2 closed: 7 June → 11 June = 4 days; nothing in May
            "cycle_days_project": (4.0, None),
            # tasks dated in June: a2 reopened once + b1 two regressions = 3
            "rework_count": (3, 0),
            # a3 tagged "KPI bug"
            "defect_count": (1, 0),
            # June: on time, late, missed → 1/3; May: on time → 1/1
            "milestone_hit_rate": (33.3, 100.0),
            # detected in June: al1 al2 al3; May: al4
            "alert_count": (3, 1),
            # (6 + 24) / 2 answered; May 2
            "alert_response_hours": (15.0, 2.0),
        }
        self.assertEqual([x["key"] for x in data["kpis"]], list(expected))
        for key, (value, previous) in expected.items():
            self.assertEqual((k[key]["value"], k[key]["previous"]), (value, previous), key)
        self.assertEqual((k["on_time_rate"]["trend"], k["on_time_rate"]["good"]), ("down", False))
        self.assertEqual(
            (k["cycle_days_task"]["trend"], k["cycle_days_task"]["good"]), ("up", False)
        )

    def test_drill_downs_list_the_counted_records(self):
        _data, k = self._kpis()
        a1, a2, a3, b1, b2, c1 = self.a1, self.a2, self.a3, self.b1, self.b2, self.c1
        self.assertEqual(self._drill(k["completion_rate"]), a1 | a2 | a3 | b1 | c1)
        self.assertEqual(self._drill(k["on_time_rate"]), a1 | a2 | b1 | c1)
        self.assertEqual(self._drill(k["output_tasks"]), a1 | a2 | b1 | b2 | c1)
        self.assertEqual(self._drill(k["cycle_days_task"]), a1 | a2 | b1 | b2 | c1)
        self.assertEqual(self._drill(k["rework_count"]), a2 | b1)
        self.assertEqual(self._drill(k["defect_count"]), a3)
        self.assertEqual(self._drill(k["cycle_days_project"]), self.p2)
        self.assertEqual(
            self._drill(k["milestone_hit_rate"]), self.m_on_time | self.m_late | self.m_missed
        )
        self.assertEqual(self._drill(k["alert_count"]), self.al1 | self.al2 | self.al3)
        self.assertEqual(self._drill(k["alert_response_hours"]), self.al1 | self.al2)
        self.assertEqual(self._drill(k["output_hours"]), self.lines[:3])

    def test_filters_narrow(self):
        # Marketing: b1 only is due and closed on time in June; 2 tasks closed by U3
        _d, k = self._kpis({"department_ids": [self.d_mkt.id]})
        self.assertEqual(k["completion_rate"]["value"], 100.0)
        self.assertEqual(k["on_time_rate"]["value"], 100.0)
        self.assertEqual(k["output_tasks"]["value"], 2.0)
        self.assertIsNone(k["output_hours"]["value"], "no timesheet on Marketing tasks")
        self.assertIsNone(k["milestone_hit_rate"]["value"], "P1's milestones are R&D's")
        self.assertEqual(k["alert_count"]["value"], 0)
        self.assertEqual(self._drill(k["on_time_rate"]), self.b1)
        # template T2 = P2 only
        _d, k = self._kpis({"template_ids": [self.t2.id]})
        self.assertEqual(
            (k["completion_rate"]["value"], k["completion_rate"]["previous"]), (100.0, 0.0)
        )
        self.assertEqual(k["cycle_days_project"]["value"], 4.0)
        # manager M2 = P2 and P3: due in June b1 ✓ c1 ✓; on time b1 ✓ c1 ✗
        _d, k = self._kpis({"manager_ids": [self.m2.id]})
        self.assertEqual((k["completion_rate"]["value"], k["on_time_rate"]["value"]), (100.0, 50.0))
        # the quarter Apr-Jun: due a1 a2 a3 a5 b1 b3 c1 (a4 cancelled) → 5/7 = 71.4
        data, k = self._kpis({"period": "quarter"})
        self.assertEqual(k["completion_rate"]["value"], 71.4)
        self.assertEqual(data["period"]["start"], "2021-04-01")
        self.assertEqual(data["period"]["previous_start"], "2021-01-01")

    def test_charts_review_and_bottlenecks(self):
        data, _k = self._kpis()
        on_time = data["charts"]["on_time_by_department"]
        # Marketing b1 ✓ → 100; R&D a1 ✓ a2 ✗ c1 ✗ → 33.3
        self.assertEqual(on_time["ids"], [self.d_mkt.id, self.d_rd.id])
        self.assertEqual(on_time["values"], [100.0, 33.3])
        trend = data["charts"]["cycle_trend"]
        self.assertEqual(
            trend["labels"],
            ["Jan 2021", "Feb 2021", "Mar 2021", "Apr 2021", "May 2021", "Jun 2021"],
        )
        self.assertEqual(trend["task"], [None, None, None, None, 8.0, 10.1])
        self.assertEqual(trend["project"], [None, None, None, None, None, 4.0])
        review = data["monthly_review"]
        self.assertEqual([c["id"] for c in review["columns"]], [self.d_mkt.id, self.d_rd.id])
        rows = {r["key"]: r for r in review["rows"]}
        # completion: Marketing b1 ✓ (May b3 ✗), R&D a1 ✓ a2 ✓ a3 ✗ c1 ✓ → 75 (May a5 ✓)
        self.assertEqual(rows["completion_rate"]["values"], [100.0, 75.0])
        self.assertEqual(rows["completion_rate"]["previous"], [0.0, 100.0])
        self.assertEqual(rows["closed_tasks"]["values"], [2, 3])
        # bottlenecks: Design (7-5, 10-5) → 3.5 over 2 phases; Plan 5-2 → 3; Test 0 is none
        self.assertEqual(
            [
                (b["template_phase_id"], b["avg_overrun_days"], b["count"])
                for b in data["bottlenecks"]
            ],
            [(self.tp_design.id, 3.5, 2), (self.tp_plan.id, 3.0, 1)],
        )
        self.assertIn([self.d_rd.id, self.d_rd.display_name], data["options"]["departments"])
        self.assertIn([self.m2.id, self.m2.name], data["options"]["managers"])
        portfolio = {p["id"] for p in data["portfolio"]}
        self.assertIn(self.p1.id, portfolio)
        self.assertNotIn(self.p2.id, portfolio, "closed projects leave the portfolio")

    def test_private_project_not_counted(self):
        """The viewer does not follow the private project P3: its task c1 and
        its phases are neither counted nor listed."""
        self.assertFalse(self.p3.with_user(self.viewer).has_access("read"))
        data, k = self._kpis(user=self.viewer)
        # due in June without c1: a1 ✓ a2 ✓ a3 ✗ b1 ✓ → 75; on time a1 ✓ a2 ✗ b1 ✓ → 66.7
        self.assertEqual(k["completion_rate"]["value"], 75.0)
        self.assertEqual(k["on_time_rate"]["value"], 66.7)
        # cycle without c1: (7 + 10 + 4.5 + 10) / 4 = 7.875 → 7.9
        self.assertEqual(k["cycle_days_task"]["value"], 7.9)
        self.assertNotIn(self.c1, self._drill(k["on_time_rate"], user=self.viewer))
        # bottlenecks without ph4: Design 7-5 = 2 over 1 phase
        self.assertIn(
            (self.tp_design.id, 2.0, 1),
            [
                (b["template_phase_id"], b["avg_overrun_days"], b["count"])
                for b in data["bottlenecks"]
            ],
        )
        self.assertNotIn(self.p3.id, [p["id"] for p in data["portfolio"]])
        phases = (
            self.env["project.flow.kpi.phase"]
            .with_user(self.viewer)
            .search([("project_id", "in", (self.p1 | self.p3).ids)])
        )
        self.assertEqual(phases.phase_id, self.ph1 | self.ph2)
