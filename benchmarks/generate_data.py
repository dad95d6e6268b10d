"""Fill a project_flow database with realistic data, up to 100,000 tasks.

What it creates, for ``--tasks N`` (deterministic for a given ``--seed`` and
``--today``, whatever the number of workers):

- about N/40 people: internal users (project, timesheet and flow rights; the
  project managers and sponsors are flow managers) with their personal task
  stages, each with an ``hr.employee`` in one of eight departments and a role
  they usually play (developer, QA, marketing lead, ...);
- the company's public holidays (resource.calendar.leaves) for the years the
  data spans, so that schedules skip them;
- the flow templates shipped with the module plus two generated ones
  (``PFGEN-ONB`` customer onboarding, ``PFGEN-FAC`` facility upgrade);
- projects of 40 to 250 tasks created from those templates through
  ``project.flow.template._flow_apply`` (the batched path the wizard uses),
  with members by role; then, per project, extra tasks and subtasks in every
  phase, ``project.task.link`` dependencies of all four types with lags (or
  plain ``depend_on_ids`` when the link model is not installed), assignees
  (who follow their tasks), tags, allocated hours, a few "finish no later
  than" dates (one of them missed in about 15 % of the projects), and one run
  of the project's scheduler (``project.project._flow_reschedule``);
- a lifecycle mix: about 18 % draft, 50 % running, 25 % closed and 7 %
  cancelled projects.  Started projects get their initiation baseline, done
  and open phases (checklist deliverables ticked, gate milestones reached),
  closed, in-progress and overdue tasks, finished work partly late against
  its deadline, and timesheets (``account.analytic.line`` with employee,
  project, task, hours and date) for the work done until ``--today``.  In a
  third of them some finished tasks took longer than planned and the plan
  was updated (a second run of the scheduler), so that the current plan
  differs from the baseline.

Lifecycle states are set with the transition helper
``models/flow_guard.allow_transition``, exactly as the models' own business
methods do (``_flow_set_state`` is ``allow_transition(...).write(...)``), in
one write per target state for a whole chunk of projects, instead of going
through approval requests project by project.  Task stages and states go
through the normal ``write`` (so the gate guard checks them), grouped by
target value.  Timestamps of the past (task creation, assignment and
closing dates, phase actual dates, milestone and deliverable dates, baseline
dates) are back-filled with the ORM's low-level ``_write_multi``, one
statement per 1,000 rows.  Extra tasks are created where the scheduler
will put them (its rules are replayed), so its first run writes little.

Speed: records are created with batched ``create`` calls (thousands per
call) under ``tracking_disable`` / ``mail_create_nolog`` / ``mail_notrack``
contexts; writes that set the same value on many records are grouped; two
per-record costs of Odoo's task creation are avoided while the generator
runs (see ``Generator._fast_paths``).  The work is done in chunks of
projects (``--chunk-tasks``).  With ``--commit`` each chunk is committed and
``--jobs`` worker processes (default 2) build the chunks in parallel, each
in its own transaction, after the people and templates are committed.
Without ``--commit`` everything runs in one transaction rolled back at the
end (a dry run, in one process).  PostgreSQL's statistics of the growing
tables are refreshed after each chunk (``Generator._analyze``).

Run it with Odoo's Python, or through ``tools/dev generate``::

    python benchmarks/generate_data.py --odoo-home ODOO -c odoo.conf -d DB \\
        --tasks 100000 [--seed 1] [--today 2026-03-02] [--commit] [--jobs 2]

Other scripts (the benchmarks) import it: :class:`Generator` and
:class:`ProjectPlan` build projects inside the caller's transaction.
"""

import argparse
import datetime
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytz

# Contexts of every create and write: no chatter, no followers, no tracking,
# no notification or invitation mails.
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}
CREATE_BATCH = 2000  # records per create call
WRITE_BATCH = 1000  # rows per low-level update statement
HOURS_PER_DAY = 8.0
GENERATED_PREFIX = "pfgen"

# (department, role codes of the people working there, share of the people)
DEPARTMENTS = [
    ("Research & Development", ("DEV", "TL"), 0.36),
    ("Quality Assurance", ("QA",), 0.10),
    ("Product Management", ("PO",), 0.06),
    ("Design", ("DESIGN",), 0.06),
    ("Marketing", ("MKT",), 0.10),
    ("IT Operations", ("OPS",), 0.10),
    ("Customer Success", ("KEYUSER",), 0.08),
    ("Project Management Office", ("PM", "SPONSOR"), 0.14),
]
# within a department of several roles, how the people split
ROLE_SPLIT = {"DEV": 0.83, "TL": 0.17, "PM": 0.72, "SPONSOR": 0.28}
MANAGER_ROLES = ("PM", "SPONSOR")
# how many people hold a role in one project
ROLE_HEADCOUNT = {"DEV": (2, 5), "QA": (1, 2), "KEYUSER": (1, 3), "OPS": (1, 3), "MKT": (1, 2)}

SURNAMES_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
GIVEN_ZH = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 浩 宇 欣 "
    "晨 婷 鹏 倩 斌 雪 佳 凯 琳 昊 博 宁 颖 帆"
).split()
FIRST_EN = (
    "Alice Bruno Chloe David Emma Farid Grace Hugo Iris Jonas Kira Liam Maya Noah Olga "
    "Pablo Quinn Rosa Sami Tara Umar Vera Wei Xenia Yusuf Zoe"
).split()
LAST_EN = (
    "Adams Berger Costa Dubois Evans Fischer Garcia Hansen Ivanov Jensen Kowalski Laurent "
    "Moreau Nowak Olsen Petit Rossi Schmidt Tanaka Vogel Weber Young"
).split()

TASK_VERBS = (
    "Draft Review Implement Test Document Validate Prepare Update Migrate Configure "
    "Deploy Analyse Estimate Automate Check Plan"
).split()
TASK_OBJECTS = [
    "API contract",
    "data model",
    "login flow",
    "monthly report",
    "sales dashboard",
    "budget",
    "press release",
    "landing page",
    "user training",
    "cutover plan",
    "backup policy",
    "access rights",
    "ERP integration",
    "invoice export",
    "supplier list",
    "risk register",
    "test plan",
    "release notes",
    "mobile layout",
    "payment gateway",
]
TASK_NAMES_ZH = [
    "编写需求说明",
    "评审设计稿",
    "联调接口",
    "准备测试数据",
    "编写用户手册",
    "部署到测试环境",
    "性能压测",
    "整理验收材料",
    "组织培训",
    "数据迁移演练",
    "供应商比价",
    "更新项目周报",
]
SUBTASK_STEPS = ["Prepare", "Do", "Check", "Hand over"]
TAG_NAMES = ["backend", "frontend", "customer", "urgent", "documentation", "infra", "legal", "数据"]

LINK_TYPES = ("FS", "SS", "FF", "SF")
LINK_TYPE_WEIGHTS = (0.70, 0.12, 0.12, 0.06)
LAGS = (-2, -1, 1, 1, 2, 3, 5)

# Public holidays (China), one (first day, days) per holiday; the generator
# adds those of the years its data spans.
HOLIDAYS = {
    2023: [("01-01", 2), ("01-21", 7), ("04-05", 1), ("05-01", 5), ("06-22", 3), ("09-29", 8)],
    2024: [("01-01", 1), ("02-10", 8), ("04-04", 3), ("05-01", 5), ("06-10", 1), ("10-01", 7)],
    2025: [("01-01", 1), ("01-28", 8), ("04-04", 3), ("05-01", 5), ("05-31", 3), ("10-01", 8)],
    2026: [("01-01", 3), ("02-15", 9), ("04-04", 3), ("05-01", 5), ("06-19", 3), ("10-01", 7)],
    2027: [("01-01", 1), ("02-05", 8), ("04-05", 1), ("05-01", 5), ("06-09", 1), ("10-01", 7)],
}
HOLIDAYS_OTHER_YEARS = [("01-01", 1), ("05-01", 5), ("10-01", 7)]

# Two templates of the generator's own, next to the shipped ones.  A phase
# line: name | duration | responsible role | gate mode | approver role (or -) |
# deliverables (;-separated).  A task line (indented): name | duration | role |
# allocated hours | predecessors (indexes among the template's tasks).
GENERATED_TEMPLATES = {
    ("PFGEN-ONB", "Customer onboarding"): """
Kick-off | 4 | PM | hard | SPONSOR | Signed statement of work; Kick-off minutes
    Kick-off meeting | 1 | PM | 4 |
    Stakeholder map | 2 | PM | 6 | 0
    Success criteria | 2 | PO | 8 | 0
Discovery | 8 | PO | soft | - | Process inventory
    Current process interviews | 4 | PO | 24 | 1
    Data inventory | 3 | KEYUSER | 16 | 1
    Gap analysis | 3 | PO | 16 | 3 4
    Solution outline | 2 | TL | 12 | 5
Configuration | 12 | TL | hard | PM | Configuration workbook
    Base configuration | 5 | DEV | 32 | 6
    Data import templates | 3 | DEV | 16 | 4 6
    Custom reports | 5 | DEV | 32 | 7
    Integration setup | 6 | DEV | 40 | 7
    Configuration review | 1 | TL | 4 | 9 10
Training and migration | 10 | KEYUSER | hard | - | Training attendance list; Migration sign-off
    Key user training | 3 | KEYUSER | 18 | 11
    Trial migration | 3 | OPS | 20 | 8 11
    User acceptance test | 5 | QA | 32 | 12 13
    Final migration | 2 | OPS | 12 | 14
Go-live | 5 | PM | hard | SPONSOR | Go-live checklist
    Go-live | 0 | PM | 0 | 15
    Hypercare | 5 | DEV | 24 | 16
    Handover to support | 1 | PM | 4 | 17
""",
    ("PFGEN-FAC", "Facility upgrade"): """
Planning | 6 | PM | hard | SPONSOR | Approved budget
    Site survey | 2 | OPS | 12 |
    Requirements list | 3 | PM | 12 | 0
    Budget estimate | 2 | PM | 8 | 1
Procurement | 10 | PM | soft | - | Purchase orders
    Request quotations | 3 | PM | 8 | 2
    Compare suppliers | 2 | PM | 6 | 3
    Order equipment | 1 | PM | 2 | 4
    Equipment delivered | 0 | OPS | 0 | 5
Installation | 10 | OPS | hard | PM | Installation report; Safety inspection
    Prepare the site | 3 | OPS | 20 | 3
    Install equipment | 5 | OPS | 40 | 6 7
    Network cabling | 3 | OPS | 24 | 7
    Safety inspection | 1 | QA | 6 | 8 9
Acceptance | 4 | PM | hard | SPONSOR | Acceptance certificate
    Acceptance test | 2 | QA | 12 | 10
    Staff briefing | 1 | PM | 4 | 10
    Close purchase orders | 1 | PM | 2 | 11
""",
}


# ---------------------------------------------------------------------------
# Plans and the in-memory picture of a project
# ---------------------------------------------------------------------------
@dataclass
class ProjectPlan:
    """What to build for one project.

    ``size`` counts every task (template tasks, extra tasks, subtasks);
    ``progress`` is where ``today`` falls in a started project's plan (0:
    just approved, 1: everything done); ``behind`` the working days the team
    is behind its plan; ``links_per_task`` the mean number of predecessors
    of an extra task; ``subtask_share`` the share of extra tasks that are
    subtasks; ``constraint_share`` the share of extra tasks with a "finish
    no later than" date (met, except one when ``at_risk``); ``slips`` whether
    some finished tasks took longer than planned and were re-planned (the
    plan then differs from the baseline).
    """

    name: str
    template: object
    size: int
    state: str = "running"
    start: datetime.date = None
    progress: float = 0.0
    behind: int = 0
    links_per_task: float = 1.25
    subtask_share: float = 0.12
    constraint_share: float = 0.01
    at_risk: bool = False
    slips: bool = True
    timesheets: bool = True


@dataclass
class TaskInfo:
    """A task of a project being built: its place in the plan (working-day
    index ``start`` and ``duration``) and, later, what happened to it."""

    id: int
    phase: int
    start: int
    duration: int
    hours: float
    users: list
    parent: int = 0
    template: bool = False
    status: str = "todo"  # todo / progress / review / done / cancelled
    actual_end: datetime.date = None
    slip: int = 0
    begin_date: datetime.date = None
    finish_date: datetime.date = None


@dataclass
class ProjectInfo:
    """A project being built, with its phases (ordered) and tasks."""

    plan: ProjectPlan
    record: object
    members: list
    phases: list = field(default_factory=list)
    tasks: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    date_start: datetime.date = None
    tight: bool = False


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------
class Generator:
    """Builds people, templates and projects in ``env``'s transaction.

    Usage (a benchmark building one project in its own transaction)::

        gen = Generator(env, seed=1)
        gen.setup(people=60)
        [info] = gen.build([ProjectPlan(...)])

    ``prepare(n_tasks)`` (setup and plans) then ``run(chunks)`` is the whole
    command; ``main`` adds the worker processes and the report.
    """

    def __init__(self, env, seed=1, today=None, verbose=True, reschedule=True):
        from odoo.addons.project_flow.models.flow_guard import allow_transition

        self.env = env(context=dict(env.context, **QUIET_CONTEXT))
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today or datetime.date.today()
        self.verbose = verbose
        self.allow_transition = allow_transition
        self.counts = Counter()
        self.moved = 0  # tasks the scheduler moved (a measure of plan quality)
        self.timings = Counter()
        self.has_links = "project.task.link" in self.env
        Project = self.env["project.project"]
        self.can_reschedule = reschedule and hasattr(Project, "_flow_reschedule")
        self.can_baseline = hasattr(Project, "_flow_capture_baseline")
        try:
            from odoo.addons.project_flow.models.flow_schedule_guard import scheduler
        except ImportError:  # the scheduler is not there: nothing reschedules

            def scheduler(records):
                return records

        self.scheduler = scheduler
        self.people = {}
        self.templates = []
        self.calendar = None

    # -- small helpers -------------------------------------------------
    def log(self, message):
        if self.verbose:
            print(message, flush=True)

    def model(self, name):
        """``name``'s model in the quiet context, in the scheduler's context
        (the generator is a batch that reschedules once, at its end)."""
        return self.scheduler(self.env[name])

    def create(self, name, vals_list):
        """Create ``vals_list`` in batches of CREATE_BATCH; count them."""
        Model = self.model(name)
        ids = []
        for start in range(0, len(vals_list), CREATE_BATCH):
            ids += Model.create(vals_list[start : start + CREATE_BATCH]).ids
        self.counts[name] += len(ids)
        return Model.browse(ids)

    def write_groups(self, name, groups, allow=False):
        """``groups``: {values (a tuple of items): [ids]}; one write per group."""
        Model = self.model(name)
        if allow:
            Model = self.allow_transition(Model)
        for items, ids in groups.items():
            if ids:
                Model.browse(ids).write(dict(items))

    def backfill(self, name, values_by_id):
        """Set stored history fields (timestamps) with the ORM's low-level
        ``_write_multi``: no business logic is involved in when something
        happened.  ``values_by_id``: {id: {field: value}}.  The fields are
        then marked modified, so stored fields computed from them follow."""
        if not values_by_id:
            return
        Model = self.model(name)
        self.env.flush_all()
        ids = list(values_by_id)
        fnames = set()
        for start in range(0, len(ids), WRITE_BATCH):
            chunk = ids[start : start + WRITE_BATCH]
            vals_list = [values_by_id[record_id] for record_id in chunk]
            for vals in vals_list:
                fnames.update(vals)
            Model.browse(chunk)._write_multi(vals_list)
        records = Model.browse(ids)
        records.invalidate_recordset(sorted(fnames))
        records.modified(sorted(fnames))

    def timed(self, label, func, *args):
        started = time.perf_counter()
        result = func(*args)
        self.timings[label] += time.perf_counter() - started
        return result

    def index(self, day):
        """Working-day index of ``day`` (the next working day if it is not one)."""
        return self.calendar.offset(self.origin, day)

    def day(self, index):
        return self.calendar.shift(self.origin, index)

    # -- setup ----------------------------------------------------------
    def setup(self, people):
        """Holidays, tags, stages, people and templates (reused when they
        exist: running the generator twice on a database adds projects)."""
        started = time.perf_counter()
        company = self.env.company
        self.company_calendar = company.resource_calendar_id
        self.origin = self.today - datetime.timedelta(days=3 * 366)
        self.horizon = self.today + datetime.timedelta(days=2 * 366)
        # the time zone planned windows are laid out in (``_flow_schedule_tz``)
        self.tz = pytz.timezone(self.company_calendar.tz or self.env.user.tz or "UTC")
        self._ensure_holidays()
        self.calendar = self.company_calendar._flow_work_calendar(self.origin, self.horizon)
        self._ensure_tags()
        self.stages = {
            key: self.env.ref(f"project_flow.task_stage_{key}")
            for key in ("todo", "in_progress", "review", "done")
        }
        self._ensure_people(people)
        self._ensure_personal_stages()
        self.subtypes = self.env["mail.message.subtype"].default_subtypes("project.task")[0].ids
        self._ensure_templates()
        self.env.flush_all()
        self.timings["setup"] += time.perf_counter() - started
        self.log(
            f"setup: {sum(len(u) for u in self.people.values())} people, "
            f"{len(self.templates)} templates ({time.perf_counter() - started:.1f} s)"
        )

    def _ensure_holidays(self):
        Leave = self.env["resource.calendar.leaves"]
        wanted = []
        for year in range(self.origin.year, self.horizon.year + 1):
            for first, days in HOLIDAYS.get(year, HOLIDAYS_OTHER_YEARS):
                begin = datetime.date.fromisoformat(f"{year}-{first}")
                wanted.append((f"{GENERATED_PREFIX} holiday {begin.isoformat()}", begin, days))
        existing = set(
            Leave.search([("name", "in", [name for name, _b, _d in wanted])]).mapped("name")
        )
        vals_list = [
            {
                "name": name,
                "calendar_id": self.company_calendar.id,
                "company_id": self.env.company.id,
                # whole local days, stored in UTC
                "date_from": self._utc(datetime.datetime.combine(begin, datetime.time(0, 0))),
                "date_to": self._utc(
                    datetime.datetime.combine(
                        begin + datetime.timedelta(days=days - 1), datetime.time(23, 59)
                    )
                ),
                "time_type": "leave",
            }
            for name, begin, days in wanted
            if name not in existing
        ]
        if vals_list:
            self.create("resource.calendar.leaves", vals_list)

    def _utc(self, local):
        return self.tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def _ensure_tags(self):
        Tag = self.env["project.tags"]
        existing = {tag.name: tag.id for tag in Tag.search([("name", "in", TAG_NAMES)])}
        missing = [{"name": name} for name in TAG_NAMES if name not in existing]
        if missing:
            for tag in self.create("project.tags", missing):
                existing[tag.name] = tag.id
        self.tag_ids = [existing[name] for name in TAG_NAMES]

    def _person_name(self, index):
        rng = self.rng
        if rng.random() < 0.6:
            return rng.choice(SURNAMES_ZH) + rng.choice(GIVEN_ZH)
        return f"{rng.choice(FIRST_EN)} {rng.choice(LAST_EN)} {index}"

    def _ensure_people(self, count):
        """``count`` people spread over the departments, each with a role
        code; existing generated people (same seed) are reused."""
        Role = self.env["project.flow.role"]
        self.roles = {role.code: role for role in Role.search([("code", "!=", False)])}
        Department = self.env["hr.department"]
        departments = {}
        for name, _roles, _share in DEPARTMENTS:
            department = Department.search([("name", "=", name)], limit=1)
            departments[name] = department or self.create("hr.department", [{"name": name}])
        specs = []  # (role code, department name) of each person
        for name, roles, share in DEPARTMENTS:
            headcount = max(len(roles), round(count * share))
            for position in range(headcount):
                code = roles[0]
                if len(roles) > 1 and position >= round(headcount * ROLE_SPLIT[roles[0]]):
                    code = roles[1]
                specs.append((code, name))
        login_prefix = f"{GENERATED_PREFIX}{self.seed}."
        Users = self.env["res.users"].with_context(active_test=False)
        existing = {
            user.login: user
            for user in Users.search([("login", "=like", f"{login_prefix}%")], order="id")
        }
        groups = self._groups()
        new_users = []
        for position, (code, _department) in enumerate(specs):
            login = f"{login_prefix}{position:05d}@example.com"
            name = self._person_name(position)
            if login in existing:
                continue
            manager = code in MANAGER_ROLES
            new_users.append(
                (
                    position,
                    {
                        "name": name,
                        "login": login,
                        "email": login,
                        "tz": "Asia/Shanghai",
                        "groups_id": [(6, 0, groups["manager" if manager else "user"])],
                    },
                )
            )
        if new_users:
            created = self.create("res.users", [vals for _position, vals in new_users])
            for (position, _vals), user in zip(new_users, created, strict=True):
                existing[f"{login_prefix}{position:05d}@example.com"] = user
            employees = []
            for (position, _vals), user in zip(new_users, created, strict=True):
                code, department = specs[position]
                employees.append(
                    {
                        "name": user.name,
                        "user_id": user.id,
                        "department_id": departments[department].id,
                        "job_title": self.roles[code].name if code in self.roles else code,
                        "work_email": user.login,
                        "company_id": self.env.company.id,
                    }
                )
            self.create("hr.employee", employees)
        self.people = defaultdict(list)
        for position, (code, _department) in enumerate(specs):
            self.people[code].append(existing[f"{login_prefix}{position:05d}@example.com"])
        all_users = [user for users in self.people.values() for user in users]
        self.partner_of = {user.id: user.partner_id.id for user in all_users}
        self.employee_of = {
            employee.user_id.id: employee.id
            for employee in self.env["hr.employee"].search(
                [("user_id", "in", [user.id for user in all_users])]
            )
        }
        heads = defaultdict(list)
        for name, roles, _share in DEPARTMENTS:
            users = self.people[roles[-1]]
            if users and not departments[name].manager_id:
                heads[(("manager_id", self.employee_of[users[0].id]),)].append(departments[name].id)
        self.write_groups("hr.department", heads)

    def _ensure_personal_stages(self):
        """Odoo gives every user personal task stages on their first task;
        creating them here, once, keeps parallel workers from creating them
        twice."""
        users = [user for users in self.people.values() for user in users]
        have = set(
            self.env["project.task.type"]
            .search([("user_id", "in", [user.id for user in users])])
            .mapped("user_id")
            .ids
        )
        Task = self.env["project.task"]
        vals_list = [
            vals
            for user in users
            if user.id not in have
            for vals in Task._get_default_personal_stage_create_vals(user.id)
        ]
        if vals_list:
            self.create("project.task.type", vals_list)

    def _groups(self):
        def ref(xmlid):
            return self.env.ref(xmlid).id

        user = [
            ref("base.group_user"),
            ref("project.group_project_user"),
            ref("hr_timesheet.group_hr_timesheet_user"),
            ref("project_flow.group_flow_user"),
        ]
        return {"user": user, "manager": [*user, ref("project_flow.group_flow_manager")]}

    def _ensure_templates(self):
        Template = self.env["project.flow.template"]
        codes = [code for code, _name in GENERATED_TEMPLATES]
        shipped = Template.search([("code", "not in", codes)])
        generated = Template.search([("code", "in", codes)])
        have = set(generated.mapped("code"))
        for (code, name), text in GENERATED_TEMPLATES.items():
            if code not in have:
                generated |= self._create_template(code, name, text)
        self.templates = list(shipped.sorted("id")) + list(generated.sorted("code"))
        self.template_roles = {}
        for template in self.templates:
            roles = (
                template.phase_ids.role_id
                | template.task_template_ids.role_id
                | template.phase_ids.approver_line_ids.role_id
                | template.initiation_policy_id.approver_line_ids.role_id
                | template.closing_policy_id.approver_line_ids.role_id
            )
            self.template_roles[template.id] = roles.sorted("sequence")

    def _create_template(self, code, name, text):
        """A flow template from its text description (GENERATED_TEMPLATES)."""
        stages = [stage.id for stage in self.stages.values()]
        template = self.create(
            "project.flow.template",
            [
                {
                    "name": name,
                    "code": code,
                    "project_type": name,
                    "sequence": 90,
                    "company_id": False,
                    "stage_ids": [(6, 0, stages)],
                    "initiation_policy_id": self.env.ref("project_flow.flow_policy_sponsor").id,
                    "closing_policy_id": self.env.ref("project_flow.flow_policy_management").id,
                }
            ],
        )
        phases = []
        for line in text.strip().splitlines():
            cells = [cell.strip() for cell in line.split("|")]
            if not line.startswith(" "):
                phases.append((cells, []))
            else:
                phases[-1][1].append(cells)
        task_vals, task_deps = [], []
        for sequence, (cells, tasks) in enumerate(phases, 1):
            phase_name, duration, role, gate, approver, deliverables = cells
            phase_vals = {
                "template_id": template.id,
                "name": phase_name,
                "sequence": sequence * 10,
                "duration": int(duration),
                "role_id": self.roles[role].id,
                "gate_mode": gate,
                "deliverable_ids": [
                    (
                        0,
                        0,
                        {
                            "name": deliverable.strip(),
                            "deliverable_type": "checklist" if n % 2 else "attachment",
                            "required": n == 0,
                        },
                    )
                    for n, deliverable in enumerate(deliverables.split(";"))
                ],
            }
            if approver != "-":
                phase_vals["approval_rule"] = "any"
                phase_vals["approver_line_ids"] = [
                    (0, 0, {"approver_type": "role", "role_id": self.roles[approver].id})
                ]
            phase = self.create("project.flow.template.phase", [phase_vals])
            for position, (task_name, task_duration, task_role, hours, deps) in enumerate(tasks):
                task_vals.append(
                    {
                        "phase_id": phase.id,
                        "name": task_name,
                        "sequence": position + 1,
                        "duration": int(task_duration),
                        "role_id": self.roles[task_role].id,
                        "allocated_hours": float(hours),
                    }
                )
                task_deps.append([int(dep) for dep in deps.split()])
        created = self.create("project.flow.template.task", task_vals)
        for task, deps in zip(created, task_deps, strict=True):
            if deps:  # a few dozen records, once per database
                task.depend_on_ids = [(6, 0, [created[n].id for n in deps])]
        return template

    # -- plans ----------------------------------------------------------
    def plan(self, n_tasks):
        """Project plans totalling ``n_tasks`` tasks (exactly, once
        ``n_tasks`` is larger than the biggest template)."""
        rng = self.rng
        plans = []
        total = 0
        sizes = {t.id: len(t.task_template_ids) for t in self.templates}
        while total < n_tasks:
            template = rng.choice(self.templates)
            size = max(sizes[template.id], int(rng.triangular(40, 250, 80)))
            left = n_tasks - total
            if left - size < 40:
                size = max(sizes[template.id], left)
            plans.append(self._plan_one(len(plans), template, size))
            total += size
        return plans

    def _plan_one(self, number, template, size):
        rng = self.rng
        draw = rng.random()
        span = round(template.planned_duration * 1.4 * (1 + size / 120)) + 10
        if draw < 0.18:
            state, progress, start = "draft", 0.0, self.today + _days(rng.randint(3, 60))
        elif draw < 0.68:
            state, progress = "running", rng.uniform(0.05, 0.9)
            start = self.today - _days(round(span * progress * 1.4))
        elif draw < 0.93:
            state, progress = "closed", 1.0
            start = self.today - _days(round(span * 2.2) + rng.randint(20, 400))
        else:
            state, progress = "cancelled", rng.uniform(0.1, 0.6)
            start = self.today - _days(round(span * progress * 1.4) + rng.randint(10, 200))
        return ProjectPlan(
            name=f"{template.code or 'FLOW'}-{self.seed}-{number + 1:05d} {template.name}",
            template=template,
            size=size,
            state=state,
            start=start,
            progress=progress,
            behind=rng.choice((0, 0, 0, 1, 2, 3, 5, 8)) if state == "running" else 0,
            # about a third of the started projects re-planned their slips
            slips=rng.random() < 0.35,
            at_risk=rng.random() < 0.15,
        )

    # -- the whole command ---------------------------------------------
    def prepare(self, n_tasks, chunk_tasks=5000):
        """Setup and plans: the chunks of project plans to build."""
        self.setup(max(10, n_tasks // 40))
        plans = self.plan(n_tasks)
        chunks = _chunks(plans, chunk_tasks)
        self.log(
            f"plan: {len(plans)} projects, {sum(p.size for p in plans)} tasks, "
            f"{len(chunks)} chunks; states "
            + ", ".join(f"{k} {v}" for k, v in sorted(Counter(p.state for p in plans).items()))
        )
        return chunks

    def run(self, chunks, commit=False, jobs=1, worker=0):
        """Build every ``jobs``-th chunk from ``worker`` on, committing each
        when ``commit``; return the seconds taken.  Each chunk draws from
        its own random generator (seed and chunk number), so what a chunk
        holds does not depend on the number of workers."""
        started = time.perf_counter()
        done_tasks = 0
        mine = [(n, chunk) for n, chunk in enumerate(chunks, 1) if (n - 1) % jobs == worker]
        for number, chunk in mine:
            chunk_started = time.perf_counter()
            self.rng = random.Random(f"{self.seed}:{number}")
            self.build(chunk)
            self.env.flush_all()
            self.timed("analyze", self._analyze)
            if commit:
                self.env.cr.commit()
            self.env.invalidate_all()
            done_tasks += sum(p.size for p in chunk)
            elapsed = time.perf_counter() - started
            self.log(
                f"chunk {number}/{len(chunks)}: {len(chunk)} projects, "
                f"{sum(p.size for p in chunk)} tasks in {time.perf_counter() - chunk_started:.1f} s"
                f"; {done_tasks} tasks in {elapsed:.0f} s, {done_tasks / elapsed:.0f} tasks/s"
                + (" (committed)" if commit else "")
            )
        return time.perf_counter() - started

    def _analyze(self):
        """Refresh PostgreSQL's statistics of the tables that grow (in the
        middle and at the end of each chunk).  The tables start small;
        without fresh statistics the planner keeps choosing plans for small
        tables (the ORM's ``UPDATE ... FROM (VALUES ...)`` then scans the
        whole table), and a dry run, one long transaction that autovacuum
        cannot analyze, gets slower with every chunk.  ANALYZE counts the
        rows of the running transaction too."""
        from odoo.tools import SQL

        tables = [
            self.env[name]._table
            for name in (
                "project.task",
                "project.task.link",
                "project.flow.phase",
                "project.flow.deliverable",
                "project.milestone",
                "account.analytic.line",
                "project.flow.baseline.line",
                "mail.followers",
            )
            if name in self.env
        ]
        tables += ["task_dependencies_rel", "project_task_user_rel"]
        self.env.cr.execute(SQL("ANALYZE %s", SQL(", ").join(map(SQL.identifier, tables))))

    # -- one chunk ------------------------------------------------------
    def build(self, plans):
        """Build ``plans`` (one chunk) completely; return their ProjectInfo.

        Order: projects, templates applied, extra tasks and links, the plan
        (one reschedule); for started projects the initiation baseline, the
        slips of finished work and a second reschedule (the current plan),
        then what happened: states, timesheets, closing, dates of the past.
        """
        with self._fast_paths():
            return self._build(plans)

    def _build(self, plans):
        infos = self.timed("projects", self._create_projects, plans)
        self.timed("templates (_flow_apply)", self._apply_templates, infos)
        self.timed("read back", self._read_structure, infos)
        self.timed("extra tasks", self._add_tasks, infos)
        self.timed("links", self._add_links, infos)
        self.timed("analyze", self._analyze)
        self.timed("reschedule", self._reschedule, infos)
        started = [info for info in infos if info.plan.state != "draft"]
        if started:
            self.timed("baselines", self._baselines, started)
            slipped = self.timed("progress", self._slips, started)
            self.timed("reschedule", self._reschedule, slipped)
            self.timed("progress", self._statuses, started)
            self.timed("lifecycle", self._lifecycle, started)
            self.timed("timesheets", self._timesheets, started)
            self.timed("lifecycle", self._close, started)
            self.timed("history", self._history, started)
        return infos

    @contextmanager
    def _fast_paths(self):
        """Two methods of ``project.task`` replaced while the generator runs
        (restored on exit), each the per-record cost of a batched create:

        - ``_compute_elapsed`` (Odoo's "working days/hours to assign/close")
          asks the resource calendar for every task separately (two
          searches, 3 to 4 ms a task), at creation for assigned tasks and
          again when their past dates are back-filled; here the same four
          stored fields come from the working days between the dates
          (company calendar with its holidays) times the hours of a day.
        - ``message_subscribe``: Odoo's task ``create`` subscribes the author
          to each new task unless ``message_partner_ids`` holds it, but that
          computed field is read from a cache filled before the followers
          given with the task are created, so every task costs three more
          queries although its followers (author and assignees) are already
          there; here partners that already follow the task are skipped,
          which is what Odoo's check means.
        """
        Task = type(self.env["project.task"])
        gen = self
        original_subscribe = Task.message_subscribe

        def _compute_elapsed(tasks):
            gen._compute_elapsed(tasks)

        def message_subscribe(tasks, partner_ids=None, subtype_ids=None):
            if partner_ids and not subtype_ids and len(tasks) == 1:
                following = set(tasks.message_follower_ids.partner_id.ids)
                partner_ids = [partner for partner in partner_ids if partner not in following]
                if not partner_ids:
                    return True
            return original_subscribe(tasks, partner_ids, subtype_ids)

        replaced = {"_compute_elapsed": _compute_elapsed, "message_subscribe": message_subscribe}
        shadowed = {name: vars(Task)[name] for name in replaced if name in vars(Task)}
        for name, method in replaced.items():
            setattr(Task, name, method)
        try:
            yield
        finally:
            for name in replaced:
                if name in shadowed:
                    setattr(Task, name, shadowed[name])
                else:
                    delattr(Task, name)

    def _compute_elapsed(self, tasks):
        for task in tasks:
            created = task.create_date
            days_open = self._working_days(created, task.date_assign)
            days_close = self._working_days(created, task.date_end)
            task.working_days_open = days_open
            task.working_hours_open = days_open * HOURS_PER_DAY
            task.working_days_close = days_close
            task.working_hours_close = days_close * HOURS_PER_DAY

    def _working_days(self, begin, end):
        if not (begin and end) or end <= begin:
            return 0.0
        return float(max(0, self.calendar.offset(begin.date(), end.date())))

    def _members(self, template):
        """(role, user) pairs for a project of ``template``."""
        rng = self.rng
        members = []
        for role in self.template_roles[template.id]:
            people = self.people.get(role.code) or [
                user for users in self.people.values() for user in users
            ]
            low, high = ROLE_HEADCOUNT.get(role.code, (1, 1))
            count = min(len(people), rng.randint(low, high))
            for user in rng.sample(people, count):
                members.append((role, user))
        for code in MANAGER_ROLES:
            if code in self.roles and not any(role.code == code for role, _u in members):
                members.append((self.roles[code], rng.choice(self.people[code])))
        return members

    def _create_projects(self, plans):
        members = [self._members(plan.template) for plan in plans]
        vals_list = []
        for plan, project_members in zip(plans, members, strict=True):
            manager = next(user for role, user in project_members if role.code == "PM")
            vals_list.append(
                {
                    "name": plan.name,
                    "user_id": manager.id,
                    "flow_state": "draft",
                    "allow_timesheets": True,
                    "privacy_visibility": "employees",
                    "description": f"<p>Generated project ({plan.template.name}).</p>",
                }
            )
        Project = self.allow_transition(self.model("project.project"))
        projects = Project.create(vals_list)
        self.counts["project.project"] += len(projects)
        return [
            ProjectInfo(plan=plan, record=project, members=project_members)
            for plan, project, project_members in zip(plans, projects, members, strict=True)
        ]

    def _apply_templates(self, infos):
        """``_flow_apply`` per project (it batches its own records); what it
        created is counted afterwards."""
        counted = [
            "project.flow.phase",
            "project.milestone",
            "project.flow.deliverable",
            "project.flow.approver",
            "project.task",
        ]
        if self.has_links:
            counted.append("project.task.link")
        before = {name: self.env[name].search_count([]) for name in counted}
        for info in infos:
            template = info.plan.template.with_env(self.env)
            template._flow_apply(
                info.record.with_env(self.env), info.plan.start, members=info.members
            )
        self.env.flush_all()
        for name in counted:
            self.counts[name] += self.env[name].search_count([]) - before[name]
        self.counts["project.flow.member"] += sum(len(info.members) for info in infos)

    def _read_structure(self, infos):
        """Phases and template tasks as laid out by ``_flow_apply``."""
        by_project = {info.record.id: info for info in infos}
        ids = list(by_project)
        for row in self.env["project.flow.phase"].search_read(
            [("project_id", "in", ids)],
            ["project_id", "date_start", "date_end", "milestone_id", "duration"],
            order="project_id, sequence, id",
            load=None,
        ):
            by_project[row["project_id"]].phases.append(row)
        for row in self.env["project.project"].search_read([("id", "in", ids)], ["date_start"]):
            by_project[row["id"]].date_start = row["date_start"]
        for info in infos:
            info.phase_index = {row["id"]: n for n, row in enumerate(info.phases)}
        for row in self.env["project.task"].search_read(
            [("project_id", "in", ids)],
            [
                "project_id",
                "flow_phase_id",
                "planned_date_begin",
                "flow_duration",
                "allocated_hours",
                "user_ids",
            ],
            order="project_id, id",
            load=None,
        ):
            info = by_project[row["project_id"]]
            begin = row["planned_date_begin"]
            start = self.index(self._local(begin)) if begin else self._phase_start(info, row)
            info.tasks[row["id"]] = TaskInfo(
                id=row["id"],
                phase=info.phase_index.get(row["flow_phase_id"], 0),
                start=start,
                duration=row["flow_duration"],
                hours=row["allocated_hours"],
                users=row["user_ids"],
                template=True,
            )

    def _phase_start(self, info, row):
        phase = info.phases[info.phase_index.get(row["flow_phase_id"], 0)]
        return self.index(phase["date_start"] or info.plan.start)

    def _local(self, moment):
        """Local date (company calendar's time zone) of a UTC datetime."""
        return pytz.utc.localize(moment).astimezone(self.tz).date()

    # -- extra tasks and links -----------------------------------------
    def _add_tasks(self, infos):
        """Top-level extra tasks in every phase, then subtasks, each placed
        as soon as its predecessors allow (the engine's rules), then the
        links between them."""
        parents_vals, parent_specs = [], []
        for info in infos:
            vals, specs = self._extra_task_specs(info)
            parents_vals += vals
            parent_specs += specs
        created = self.create("project.task", parents_vals)
        for (info, spec), task in zip(parent_specs, created, strict=True):
            spec.id = task.id
            info.tasks[task.id] = spec
        child_vals, child_specs = [], []
        for info in infos:
            vals, specs = self._subtask_specs(info)
            child_vals += vals
            child_specs += specs
        children = self.create("project.task", child_vals)
        for (info, spec), task in zip(child_specs, children, strict=True):
            spec.id = task.id
            info.tasks[task.id] = spec
        # links whose ends were placeholders get the real ids
        for info in infos:
            info.links = [
                (_real(info, pred), _real(info, succ), kind, lag)
                for pred, succ, kind, lag in info.links
            ]

    def _extra_task_specs(self, info):
        """Values of the extra top-level tasks of a project, phase by phase,
        each placed where the project's scheduler will put it, so that the
        reschedule that follows moves (and writes) little: a task starts at
        the latest of the project start, what its links require and, when it
        has no predecessor in its own phase, the previous phase's gate (its
        bar and all its tasks done); the template tasks of a phase move with
        the gate before it."""
        rng = self.rng
        plan = info.plan
        n_extra = plan.size - len(info.tasks)
        n_children = round(n_extra * plan.subtask_share)
        if n_children < 2:  # subtasks come at least two to a parent
            n_children = 0
        info.subtasks_left = n_children
        counts = _split(n_extra - n_children, [max(1, p["duration"]) for p in info.phases])
        template_tasks = defaultdict(list)
        for task in info.tasks.values():
            template_tasks[task.phase].append(task)
        converter = self._window(info.record)
        vals_list, specs = [], []
        info.placeholders = {}
        team = [user for _role, user in info.members]
        project_start = self.index(info.date_start or plan.start)
        gate = project_start
        previous = []
        for number, (phase, count) in enumerate(zip(info.phases, counts, strict=True)):
            shift = gate - self.index(phase["date_start"] or info.date_start or plan.start)
            same = template_tasks[number]
            for task in same:
                task.start += shift
            for _i in range(count):
                spec = TaskInfo(
                    id=-(len(info.placeholders) + 1),
                    phase=number,
                    start=gate,
                    duration=_duration(rng),
                    hours=0.0,
                    users=_assignees(rng, team),
                )
                spec.hours = _hours(rng, spec.duration)
                info.placeholders[spec.id] = spec
                preds = self._pick_predecessors(spec, same, previous, plan.links_per_task)
                if any(pred.phase == number for pred, _kind, _lag in preds):
                    spec.start = project_start
                for pred, kind, lag in preds:
                    spec.start = max(spec.start, _earliest(pred, spec.duration, kind, lag))
                    info.links.append((pred.id, spec.id, kind, lag))
                same.append(spec)
                vals_list.append(self._task_vals(info, spec, phase, converter))
                specs.append((info, spec))
            gate = max([gate + phase["duration"]] + [t.start + t.duration for t in same])
            previous = same
        return vals_list, specs

    def _pick_predecessors(self, spec, same, previous, mean):
        """Up to three predecessors: most in the same phase (recent tasks),
        some in the previous phase; (task, type, lag) each."""
        rng = self.rng
        if rng.random() < 0.06 or not (same or previous):
            return []
        count = int(mean) + (rng.random() < mean - int(mean))
        chosen = {}
        for _n in range(max(1, count)):
            # recent tasks of the phase: about a quarter of them run in
            # parallel, so a phase of many tasks is wide, not one long chain
            recent = same[-max(8, len(same) // 4) :]
            pool = recent if same and (rng.random() < 0.8 or not previous) else previous
            pred = rng.choice(pool)
            if pred.id in chosen or pred.parent:
                continue
            kind = rng.choices(LINK_TYPES, LINK_TYPE_WEIGHTS)[0]
            lag = 0 if rng.random() < 0.7 else rng.choice(LAGS)
            chosen[pred.id] = (pred, kind, lag)
        return list(chosen.values())

    def _task_vals(self, info, spec, phase, converter):
        rng = self.rng
        name = (
            rng.choice(TASK_NAMES_ZH)
            if rng.random() < 0.2
            else f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_OBJECTS)}"
        )
        begin, end = self._dates(spec, converter)
        vals = {
            "name": name,
            "project_id": info.record.id,
            "flow_phase_id": phase["id"],
            "milestone_id": phase["milestone_id"],
            "flow_duration": spec.duration,
            "allocated_hours": spec.hours,
            "planned_date_begin": begin,
            "date_deadline": end,
            "user_ids": [(6, 0, spec.users)],
            "priority": "1" if rng.random() < 0.1 else "0",
            "tag_ids": [(6, 0, rng.sample(self.tag_ids, rng.choice((0, 0, 1, 1, 2))))],
            # followers created with the task, in the same batch
            "message_follower_ids": self._follower_commands(spec.users),
        }
        if self.has_links:
            vals["flow_constraint_type"] = "asap"
            if rng.random() < info.plan.constraint_share and spec.duration:
                # a date promised to someone: with some slack, except once in
                # a project at risk (a conflict the scheduler reports)
                slack = rng.randint(3, 20)
                if info.plan.at_risk and not info.tight:
                    slack = -rng.randint(1, 5)
                    info.tight = True
                vals["flow_constraint_type"] = "finish_no_later"
                vals["flow_constraint_date"] = self.day(spec.start + spec.duration - 1 + slack)
        return vals

    def _follower_commands(self, users):
        """The task's author (the generator's user) and its assignees."""
        partners = sorted({self.env.user.partner_id.id, *(self.partner_of[u] for u in users)})
        follower = {"res_model": "project.task", "subtype_ids": [(6, 0, self.subtypes)]}
        return [(0, 0, dict(follower, partner_id=partner)) for partner in partners]

    def _dates(self, spec, converter):
        first = self.day(spec.start)
        last = self.day(spec.start + spec.duration - 1) if spec.duration else None
        return converter(first, last)

    def _window(self, project):
        """(first day, last day or None) -> UTC planned window, as the
        scheduler writes it."""
        project = project.with_env(self.env)
        if hasattr(project, "_flow_window_converter"):
            return project._flow_window_converter()

        def window(first, last):
            return project._flow_datetime_window(first, last or first)

        return window

    def _subtask_specs(self, info):
        """Split some extra tasks into a chain of 2 to 4 subtasks that fill
        the parent's window exactly (the parent is then their summary)."""
        rng = self.rng
        left = info.subtasks_left
        candidates = [
            t for t in info.tasks.values() if not t.template and t.duration >= 3 and not t.parent
        ]
        rng.shuffle(candidates)
        converter = self._window(info.record)
        vals_list, specs = [], []
        team = [user for _role, user in info.members]
        for parent in candidates:
            if left < 2:
                break
            count = min(left, rng.randint(2, 4), parent.duration)
            if left - count == 1:
                count += 1 if count < parent.duration else -1
            durations = _split(parent.duration, [1] * count)
            start = parent.start
            previous = None
            phase = info.phases[parent.phase]
            for step, duration in enumerate(durations):
                spec = TaskInfo(
                    id=-(len(info.placeholders) + 1),
                    phase=parent.phase,
                    start=start,
                    duration=duration,
                    hours=_hours(rng, duration),
                    users=parent.users[:1] or _assignees(rng, team)[:1],
                    parent=parent.id,
                )
                info.placeholders[spec.id] = spec
                vals = self._task_vals(info, spec, phase, converter)
                vals["name"] = f"{SUBTASK_STEPS[step % len(SUBTASK_STEPS)]}: {vals['name']}"
                vals["parent_id"] = parent.id
                vals_list.append(vals)
                specs.append((info, spec))
                if previous:
                    info.links.append((previous.id, spec.id, "FS", 0))
                previous = spec
                start += duration
            left -= count
        return vals_list, specs

    def _add_links(self, infos):
        links = [link for info in infos for link in info.links]
        if not links:
            return
        if self.has_links:
            self.create(
                "project.task.link",
                [
                    {"predecessor_id": pred, "successor_id": succ, "link_type": kind, "lag": lag}
                    for pred, succ, kind, lag in links
                ],
            )
        else:
            Task = self.model("project.task")
            Task._flow_add_dependencies([(pred, succ) for pred, succ, _k, _l in links])
            self.counts["task_dependencies_rel"] += len(links)

    def _reschedule(self, infos):
        """One run of the project scheduler per project, then the planned
        windows read back."""
        if not infos:
            return
        projects = self.env["project.project"].browse([info.record.id for info in infos])
        if self.can_reschedule:
            stats = projects._flow_reschedule()
            self.env.flush_all()
            self.moved += sum(project["moved"] for project in stats.values())
        self._read_plan(infos)

    def _read_plan(self, infos):
        by_project = {info.record.id: info for info in infos}
        for row in self.env["project.task"].search_read(
            [("project_id", "in", list(by_project))],
            ["project_id", "planned_date_begin", "date_deadline", "flow_duration"],
            load=None,
        ):
            task = by_project[row["project_id"]].tasks.get(row["id"])
            if task is None:
                continue
            if row["planned_date_begin"]:
                task.begin_date = self._local(row["planned_date_begin"])
                task.start = self.index(task.begin_date)
            task.finish_date = (
                self._local(row["date_deadline"]) if row["date_deadline"] else task.begin_date
            )
            task.duration = row["flow_duration"]
        for row in self.env["project.flow.phase"].search_read(
            [("project_id", "in", list(by_project))], ["date_start", "date_end"], load=None
        ):
            for info in infos:
                if row["id"] in info.phase_index:
                    info.phases[info.phase_index[row["id"]]].update(row)

    # -- what happened ----------------------------------------------------
    def _baselines(self, infos):
        """The initiation baseline of every started project (one call),
        dated when the project started."""
        if not self.can_baseline:
            return
        projects = self.env["project.project"].browse([info.record.id for info in infos])
        baselines = projects._flow_capture_baseline("initiation")
        self.counts["project.flow.baseline"] += len(baselines)
        self.counts["project.flow.baseline.line"] += sum(
            len(info.tasks) + len(info.phases) for info in infos
        )
        info_of = {info.record.id: info for info in infos}
        self.backfill(
            "project.flow.baseline",
            {
                baseline.id: {
                    "date": datetime.datetime.combine(
                        _start(info_of[baseline.project_id.id]), datetime.time(1)
                    )
                }
                for baseline in baselines
            },
        )

    def _slips(self, infos):
        """Some work finished before today took longer than planned and was
        re-planned: a longer duration (one write per new duration).  Returns
        the projects to reschedule."""
        rng = self.rng
        groups = defaultdict(list)
        slipped = []
        for info in infos:
            if not info.plan.slips:
                continue
            cutoff = self._cutoff(info)
            for task in info.tasks.values():
                finished = task.start + max(task.duration, 1) - 1 < cutoff
                if finished and task.duration and not task.parent and rng.random() < 0.12:
                    task.slip = rng.randint(1, 4)
                    groups[(("flow_duration", task.duration + task.slip),)].append(task.id)
            if any(task.slip for task in info.tasks.values()):
                slipped.append(info)
        self.write_groups("project.task", groups)
        return slipped

    def _cutoff(self, info):
        """The working-day index up to which a project's work is done."""
        plan = info.plan
        today = self.index(self.today)
        if plan.state == "closed":
            return 1 << 30
        if plan.state == "cancelled":
            return min(today, self.index(plan.start) + round(plan.progress * 120))
        return today - plan.behind

    def _statuses(self, infos):
        """What happened to every task, on the current plan; a parent
        follows its subtasks."""
        for info in infos:
            cutoff = self._cutoff(info)
            children = defaultdict(list)
            for task in info.tasks.values():
                task.status = self._status(task, cutoff, info.plan)
                if task.parent:
                    children[task.parent].append(task)
            for parent_id, kids in children.items():
                statuses = {kid.status for kid in kids}
                parent = info.tasks[parent_id]
                if statuses <= {"done", "cancelled"}:
                    parent.status = "done"
                elif statuses == {"todo"}:
                    parent.status = "todo"
                else:
                    parent.status = "progress"
            info.parents = set(children)

    def _status(self, task, cutoff, plan):
        rng = self.rng
        finish = task.start + max(task.duration, 1) - 1
        if finish < cutoff:
            if plan.state != "closed" and finish >= cutoff - 10 and rng.random() < 0.15:
                return "progress"  # recent work overdue, still open
            return "cancelled" if rng.random() < 0.03 else "done"
        if plan.state == "closed":
            return "done"
        if task.start <= cutoff:
            return rng.choice(("progress", "progress", "review", "done"))
        return "todo"

    def _lifecycle(self, infos):
        """Projects running (allow_transition), phases done / open (with
        their deliverables and gate milestones), tasks' stages and states."""
        self.write_groups(
            "project.project",
            {(("flow_state", "running"),): [info.record.id for info in infos]},
            allow=True,
        )
        phase_groups = defaultdict(list)
        for info in infos:
            self._phase_states(info)
            for phase in info.phases:
                phase_groups[(("state", phase["state"]),)].append(phase["id"])
        phase_groups.pop((("state", "draft"),), None)
        self.write_groups("project.flow.phase", phase_groups, allow=True)
        done_phases = phase_groups.get((("state", "done"),), [])
        deliverables = self.env["project.flow.deliverable"].search(
            [("phase_id", "in", done_phases), ("deliverable_type", "=", "checklist")]
        )
        self.allow_transition(deliverables).write({"is_checked": True})
        milestones = [
            phase["milestone_id"]
            for info in infos
            for phase in info.phases
            if phase["state"] == "done" and phase["milestone_id"]
        ]
        self.model("project.milestone").browse(milestones).write({"is_reached": True})
        self._task_states(infos)

    def _phase_states(self, info):
        """Phases whose tasks are all closed are done; the first other one is
        open; the rest have not started, and their tasks are put back to do."""
        by_phase = defaultdict(list)
        for task in info.tasks.values():
            by_phase[task.phase].append(task)
        open_found = False
        for number, phase in enumerate(info.phases):
            tasks = by_phase[number]
            closed = all(t.status in ("done", "cancelled") for t in tasks)
            if not open_found and closed and (tasks or info.plan.state == "closed"):
                phase["state"] = "done"
            elif not open_found:
                phase["state"] = "open"
                open_found = True
            else:
                phase["state"] = "draft"
                for task in tasks:
                    task.status = "todo"
            phase["tasks"] = tasks

    def _task_states(self, infos):
        stage = {key: record.id for key, record in self.stages.items()}
        targets = {
            "progress": (("stage_id", stage["in_progress"]), ("state", "01_in_progress")),
            "review": (("stage_id", stage["review"]), ("state", "02_changes_requested")),
            "done": (("stage_id", stage["done"]), ("state", "1_done")),
            "cancelled": (("stage_id", stage["in_progress"]), ("state", "1_canceled")),
        }
        groups = defaultdict(list)
        for info in infos:
            for task in info.tasks.values():
                if task.status in targets:
                    groups[targets[task.status]].append(task.id)
        self.write_groups("project.task", groups)

    def _timesheets(self, infos):
        """Hours logged on every task with work (not on parents: their
        subtasks get the time), from its start until its actual finish or
        today; finished tasks get their actual finish, some late."""
        rng = self.rng
        vals_list = []
        for info in infos:
            team = [user.id for _role, user in info.members]
            for task in info.tasks.values():
                if task.status in ("todo", "cancelled") or task.id in info.parents:
                    continue
                begin = task.begin_date or self.day(task.start)
                finish = task.finish_date or begin
                if task.status == "done":
                    late = rng.choice((0, 0, 0, 0, 0, 0, -1, -2, 1, 2, 4, 7))
                    task.actual_end = max(begin, min(self.today, self._shift(finish, late)))
                    end = task.actual_end
                    share = rng.uniform(0.7, 1.3) + 0.1 * max(0, late + task.slip)
                else:
                    end = min(self.today, max(begin, finish))
                    share = rng.uniform(0.3, 0.9)
                user = (task.users or [rng.choice(team)])[0]
                employee = self.employee_of.get(user)
                if not employee or begin > self.today or not info.plan.timesheets:
                    continue
                hours = max(0.5, (task.hours or HOURS_PER_DAY) * share)
                vals_list += self._timesheet_lines(info, task, employee, begin, end, hours)
        if vals_list:
            self.create("account.analytic.line", vals_list)

    def _timesheet_lines(self, info, task, employee, begin, end, hours):
        """One to six lines spread over the working days from ``begin`` to
        ``end`` (never after today)."""
        rng = self.rng
        first = self.index(begin)
        last = max(first, self.index(self.calendar.previous_working_day(end)))
        count = max(1, min(last - first + 1, 6, round(hours / 6)))
        lines = []
        for n in range(count):
            offset = (last - first) * n // (count - 1) if count > 1 else 0
            lines.append(
                {
                    "name": rng.choice(("Work", "Meeting", "Review", "Fixes", "工作", "沟通")),
                    "employee_id": employee,
                    "project_id": info.record.id,
                    "task_id": task.id,
                    "unit_amount": max(0.25, round(hours / count * 4) / 4),
                    "date": min(self.day(first + offset), self.today),
                }
            )
        return lines

    def _shift(self, day, days):
        return self.calendar.shift(day, days)

    def _close(self, infos):
        """Closed projects are closed, cancelled ones cancelled (with their
        phases that were not done), through the transition helper."""
        closed = [info.record.id for info in infos if info.plan.state == "closed"]
        cancelled = [info for info in infos if info.plan.state == "cancelled"]
        self.write_groups(
            "project.project",
            {
                (("flow_state", "closed"),): closed,
                (("flow_state", "cancelled"),): [info.record.id for info in cancelled],
            },
            allow=True,
        )
        phases = [
            phase["id"] for info in cancelled for phase in info.phases if phase["state"] != "done"
        ]
        self.write_groups("project.flow.phase", {(("state", "cancelled"),): phases}, allow=True)

    def _history(self, infos):
        """When things happened: tasks created, assigned and closed, phases
        started and finished, milestones reached, deliverables ticked."""
        rng = self.rng
        tasks, phases, milestones, deliverables = {}, {}, {}, {}
        for info in infos:
            created = datetime.datetime.combine(
                _start(info) - _days(rng.randint(1, 10)), datetime.time(2)
            )
            for task in info.tasks.values():
                values = {"create_date": created}
                if task.users:
                    values["date_assign"] = created + datetime.timedelta(hours=rng.randint(1, 48))
                if task.status in ("done", "cancelled"):
                    end = task.actual_end or task.finish_date or self.day(task.start)
                    values["date_end"] = datetime.datetime.combine(end, datetime.time(9))
                    values["date_last_stage_update"] = values["date_end"]
                elif task.status != "todo":
                    values["date_last_stage_update"] = datetime.datetime.combine(
                        min(self.today, task.begin_date or self.today), datetime.time(9)
                    )
                tasks[task.id] = values
            for phase in info.phases:
                if phase["state"] in ("open", "done"):
                    values = {"date_actual_start": phase["date_start"] or info.plan.start}
                    if phase["state"] == "done":
                        ends = [t.actual_end for t in phase["tasks"] if t.actual_end]
                        end = max([*ends, phase["date_end"] or values["date_actual_start"]])
                        values["date_actual_end"] = min(end, self.today)
                        if phase["milestone_id"]:
                            milestones[phase["milestone_id"]] = {
                                "reached_date": values["date_actual_end"]
                            }
                        deliverables[phase["id"]] = datetime.datetime.combine(
                            values["date_actual_end"], datetime.time(8)
                        )
                    phases[phase["id"]] = values
        self.backfill("project.task", tasks)
        self.backfill("project.flow.phase", phases)
        self.backfill("project.milestone", milestones)
        ticked = self.env["project.flow.deliverable"].search_read(
            [("phase_id", "in", list(deliverables)), ("is_checked", "=", True)],
            ["phase_id"],
            load=None,
        )
        self.backfill(
            "project.flow.deliverable",
            {row["id"]: {"done_date": deliverables[row["phase_id"]]} for row in ticked},
        )


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _days(n):
    return datetime.timedelta(days=n)


def _start(info):
    return info.record.date_start or info.plan.start


def _real(info, key):
    """The task id of a link end (a placeholder while tasks were not created)."""
    return info.placeholders[key].id if key < 0 else key


def _chunks(plans, chunk_tasks):
    chunks, current, size = [], [], 0
    for plan in plans:
        current.append(plan)
        size += plan.size
        if size >= chunk_tasks:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _split(total, weights):
    """``total`` split in integers proportional to ``weights`` (sum kept)."""
    if not weights:
        return []
    scale = sum(weights)
    parts = [math.floor(total * w / scale) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def _duration(rng):
    """Working days of an extra task: mostly 1 to 5, a few longer, a few
    milestones."""
    draw = rng.random()
    if draw < 0.04:
        return 0
    if draw < 0.8:
        return rng.randint(1, 5)
    return rng.randint(6, 15)


def _hours(rng, duration):
    if not duration:
        return 0.0
    return round(duration * HOURS_PER_DAY * rng.uniform(0.25, 0.9) * 2) / 2


def _assignees(rng, team):
    draw = rng.random()
    if draw < 0.1 or not team:
        return []
    count = 2 if draw > 0.85 and len(team) > 1 else 1
    return sorted({user.id for user in rng.sample(team, count)})


def _earliest(pred, duration, kind, lag):
    """Earliest start index a link allows (``engine.schedule`` semantics:
    FS succ.S >= pred.E + lag, SS succ.S >= pred.S + lag, FF succ.E >=
    pred.E + lag, SF succ.E >= pred.S + lag, with E = S + duration)."""
    end = pred.start + pred.duration
    if kind == "FS":
        return end + lag
    if kind == "SS":
        return pred.start + lag
    if kind == "FF":
        return end + lag - duration
    return pred.start + lag - duration


def open_registry(args):
    """Bootstrap Odoo from the command line arguments; return the registry."""
    if args.odoo_home:
        sys.path.insert(0, args.odoo_home)
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    return odoo.modules.registry.Registry(args.database)


def common_arguments(parser):
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--odoo-home", default=os.environ.get("ODOO_HOME"), help="Odoo 18.0 source tree"
    )


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser)
    parser.add_argument("--tasks", type=int, default=100000, help="tasks to create")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=datetime.date.today(),
        help="the generator's today (YYYY-MM-DD): work before it is history",
    )
    parser.add_argument("--chunk-tasks", type=int, default=5000, help="tasks per chunk")
    parser.add_argument(
        "--commit", action="store_true", help="commit each chunk (default: roll back at the end)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="worker processes building chunks in parallel, each in its own transaction "
        "(with --commit; a dry run uses one)",
    )
    parser.add_argument(
        "--no-reschedule",
        action="store_true",
        help="do not run the project scheduler (faster, plans less consistent)",
    )
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_arguments()
    jobs = max(1, args.jobs) if args.commit else 1
    registry = open_registry(args)

    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["ir.module.module"].search_count(
            [("name", "=", "project_flow"), ("state", "=", "installed")]
        ):
            print(f"project_flow is not installed in {args.database}", file=sys.stderr)
            return 2
        worker = args.worker is not None
        gen = Generator(
            env,
            seed=args.seed,
            today=args.today,
            verbose=True,
            reschedule=not args.no_reschedule,
        )
        if not worker:
            print(
                f"project_flow data generator: {args.tasks} tasks, seed {args.seed}, "
                f"today {args.today}, database {args.database}, {jobs} worker(s)"
                + ("" if args.commit else " (dry run: rolled back at the end)")
            )
            if not gen.has_links:
                print("note: no project.task.link model: dependencies as plain depend_on_ids")
            if not gen.can_reschedule:
                print("note: the project scheduler is not run (missing or --no-reschedule)")
        started = time.perf_counter()
        gen.verbose = not worker
        chunks = gen.prepare(args.tasks, chunk_tasks=args.chunk_tasks)
        gen.verbose = True
        if args.commit:
            cr.commit()
        if jobs > 1 and not worker:
            totals = run_workers(args, jobs)
            totals["counts"].update(gen.counts)  # the setup's
            totals["timings"].update(gen.timings)
            report(totals, time.perf_counter() - started, gen.can_reschedule)
            return 0 if totals["ok"] else 1
        elapsed = gen.run(chunks, commit=args.commit, jobs=jobs, worker=args.worker or 0)
        totals = {
            "counts": dict(gen.counts),
            "timings": dict(gen.timings),
            "moved": gen.moved,
            "ok": True,
        }
        if worker:
            print("WORKER-TOTALS " + json.dumps(totals), flush=True)
            return 0
        report(totals, time.perf_counter() - started, gen.can_reschedule)
        if args.commit:
            print("committed")
        else:
            cr.rollback()
            print(f"rolled back (dry run; --commit keeps the data); building took {elapsed:.1f} s")
    return 0


def run_workers(args, jobs):
    """Run ``jobs`` copies of this script, each building every ``jobs``-th
    chunk; forward their output and add up their totals."""
    argv = list(sys.argv[1:])
    processes = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), *argv, "--worker", str(worker)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for worker in range(jobs)
    ]
    totals = {"counts": Counter(), "timings": Counter(), "moved": 0, "ok": True}
    lock = threading.Lock()

    def forward(worker, process):
        for line in process.stdout:
            if line.startswith("WORKER-TOTALS "):
                data = json.loads(line.split(" ", 1)[1])
                with lock:
                    totals["counts"].update(data["counts"])
                    totals["timings"].update(data["timings"])
                    totals["moved"] += data["moved"]
            elif " INFO " not in line:
                print(f"[worker {worker}] {line}", end="", flush=True)

    threads = [
        threading.Thread(target=forward, args=(worker, process))
        for worker, process in enumerate(processes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker, process in enumerate(processes):
        if process.wait():
            print(f"worker {worker} failed (exit code {process.returncode})")
            totals["ok"] = False
    return totals


def report(totals, elapsed, rescheduled):
    """Print the records created per model and where the time went."""
    print("records created:")
    for name, count in sorted(totals["counts"].items()):
        print(f"  {name:<32} {count:>9,}")
    print("time per step (summed over the workers):")
    for label, seconds in sorted(totals["timings"].items(), key=lambda item: -item[1]):
        print(f"  {label:<32} {seconds:>8.1f} s")
    if rescheduled:
        print(f"tasks moved by the project scheduler: {totals['moved']:,}")
    tasks = totals["counts"].get("project.task", 0)
    print(f"total: {tasks:,} tasks in {elapsed:.1f} s ({tasks / elapsed:,.0f} tasks/s)")


if __name__ == "__main__":
    sys.exit(main())
