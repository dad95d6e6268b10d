from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

# what the timesheet line of a check-in is made of
TIMESHEET_FIELDS = {"hours", "task_id", "date", "project_id", "user_id"}


class ProjectFlowCheckin(models.Model):
    """One person's daily check-in on one project: what was done, what comes
    next, what blocks. Optional hours become a draft timesheet line the
    person confirms (see ``account.analytic.line.flow_timesheet_state``)."""

    _name = "project.flow.checkin"
    _description = "Project Flow Daily Check-in"
    _inherit = ["mail.thread"]
    _order = "date desc, project_id, user_id"
    _rec_names_search = ["project_id", "user_id", "done", "blockers"]

    user_id = fields.Many2one(
        "res.users",
        string="Person",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    project_id = fields.Many2one(
        "project.project",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('flow_state', '=', 'running')]",
    )
    date = fields.Date(
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self),
    )
    done = fields.Text()
    next = fields.Text()
    blockers = fields.Text()
    has_blockers = fields.Boolean(compute="_compute_has_blockers", store=True)
    hours = fields.Float(
        help="Hours worked on the project this day; they become a draft timesheet line you confirm."
    )
    task_id = fields.Many2one(
        "project.task",
        string="Task",
        domain="[('project_id', '=', project_id)]",
        ondelete="set null",
        help="The task the hours go to (optional).",
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    timesheet_ids = fields.One2many(
        "account.analytic.line", "flow_checkin_id", string="Timesheet lines", readonly=True
    )
    timesheet_state = fields.Selection(
        [("none", "No hours"), ("draft", "Draft"), ("confirmed", "Confirmed")],
        string="Timesheet",
        compute="_compute_timesheet_state",
        store=True,
    )
    risk_ids = fields.One2many("project.flow.risk", "checkin_id", string="Risks and issues")
    risk_count = fields.Integer(compute="_compute_risk_count")

    _sql_constraints = [
        (
            "user_project_date_uniq",
            "unique(user_id, project_id, date)",
            "A person checks in once per project and day: edit the existing check-in instead.",
        ),
        ("hours_positive", "CHECK(hours >= 0)", "Check-in hours cannot be negative."),
    ]

    @api.depends("user_id", "project_id", "date")
    def _compute_display_name(self):
        for checkin in self:
            checkin.display_name = _(
                "%(person)s on %(project)s, %(date)s",
                person=checkin.user_id.name or "",
                project=checkin.project_id.name or "",
                date=checkin.date or "",
            )

    @api.depends("blockers")
    def _compute_has_blockers(self):
        for checkin in self:
            checkin.has_blockers = bool((checkin.blockers or "").strip())

    @api.depends("timesheet_ids.flow_timesheet_state")
    def _compute_timesheet_state(self):
        for checkin in self:
            states = set(checkin.sudo().timesheet_ids.mapped("flow_timesheet_state"))
            if "draft" in states:
                checkin.timesheet_state = "draft"
            elif states:
                checkin.timesheet_state = "confirmed"
            else:
                checkin.timesheet_state = "none"

    @api.depends("risk_ids")
    def _compute_risk_count(self):
        for checkin in self:
            checkin.risk_count = len(checkin.risk_ids)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("user_id", "project_id")
    def _check_team(self):
        """People check in only on projects they work in."""
        teams = self.project_id._flow_checkin_users()
        for checkin in self:
            if checkin.user_id not in teams.get(checkin.project_id.id, self.env["res.users"]):
                raise ValidationError(
                    _(
                        "%(person)s is not a member, follower or assignee of project "
                        "%(project)s and cannot check in on it (field Project).",
                        person=checkin.user_id.name,
                        project=checkin.project_id.display_name,
                    )
                )

    @api.constrains("task_id", "project_id")
    def _check_task_project(self):
        for checkin in self:
            if checkin.task_id and checkin.task_id.project_id != checkin.project_id:
                raise ValidationError(
                    _(
                        "Check-in %(checkin)s: task %(task)s is not in project %(project)s "
                        "(field Task).",
                        checkin=checkin.display_name,
                        task=checkin.task_id.display_name,
                        project=checkin.project_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _flow_check_one_per_day(self, keys, exclude=()):
        """The friendly twin of the SQL constraint, run before the database
        refuses: name the person, the project and the day already taken.

        :param keys: ``(user id, project id, date)`` triples about to be
            written; two equal triples in one call are refused too
        """
        keys = [(u, p, fields.Date.to_date(d)) for u, p, d in keys]
        taken = set()
        duplicate = next((key for key in keys if key in taken or taken.add(key)), None)
        if duplicate is None and keys:
            others = self.sudo().search(
                [
                    ("id", "not in", list(exclude)),
                    ("user_id", "in", list({k[0] for k in keys})),
                    ("project_id", "in", list({k[1] for k in keys})),
                    ("date", "in", list({k[2] for k in keys})),
                ]
            )
            existing = {(c.user_id.id, c.project_id.id, c.date) for c in others}
            duplicate = next((key for key in keys if key in existing), None)
        if duplicate:
            user_id, project_id, day = duplicate
            raise ValidationError(
                _(
                    "%(person)s has already checked in on project %(project)s for %(date)s: "
                    "edit that check-in instead (field Date).",
                    person=self.env["res.users"].sudo().browse(user_id).name,
                    project=self.env["project.project"].sudo().browse(project_id).display_name,
                    date=day,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        default_user = self.default_get(["user_id", "date"])
        self._flow_check_one_per_day(
            [
                (
                    vals.get("user_id", default_user.get("user_id")),
                    vals.get("project_id"),
                    vals.get("date", default_user.get("date")),
                )
                for vals in vals_list
            ]
        )
        checkins = super().create(vals_list)
        checkins.filtered("hours")._flow_sync_timesheets()
        return checkins

    def write(self, vals):
        locked = self._flow_locked_by_timesheet(vals)
        if locked:
            raise UserError(
                _(
                    "The hours of check-in %(checkin)s are already confirmed as a timesheet: "
                    "change the timesheet line instead (field Hours).",
                    checkin=locked[0].display_name,
                )
            )
        if {"user_id", "project_id", "date"} & vals.keys():
            self._flow_check_one_per_day(
                [
                    (
                        vals.get("user_id", checkin.user_id.id),
                        vals.get("project_id", checkin.project_id.id),
                        vals.get("date", checkin.date),
                    )
                    for checkin in self
                ],
                exclude=self.ids,
            )
        result = super().write(vals)
        if {"hours", "task_id", "date", "project_id", "user_id", "done"} & vals.keys():
            self._flow_sync_timesheets()
        return result

    def unlink(self):
        if self.sudo().timesheet_ids.filtered(lambda t: t.flow_timesheet_state == "confirmed"):
            raise UserError(
                _(
                    "Check-in %(checkin)s has confirmed timesheet hours and cannot be deleted.",
                    checkin=self[:1].display_name,
                )
            )
        self.sudo().timesheet_ids.unlink()
        return super().unlink()

    def _flow_locked_by_timesheet(self, vals):
        """Check-ins whose confirmed hours this write would change."""
        if not TIMESHEET_FIELDS & vals.keys():
            return self.browse()
        locked = self.browse()
        for checkin in self:
            if not checkin.sudo().timesheet_ids.filtered(
                lambda t: t.flow_timesheet_state == "confirmed"
            ):
                continue
            if any(
                checkin._flow_differs(name, vals[name]) for name in TIMESHEET_FIELDS if name in vals
            ):
                locked |= checkin
        return locked

    def _flow_differs(self, name, value):
        current = self[name]
        field = self._fields[name]
        if field.type == "many2one":
            return current.id != (value or False)
        if field.type == "date":
            return current != fields.Date.to_date(value)
        return float_compare(current or 0.0, value or 0.0, precision_digits=2) != 0

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm_timesheet(self):
        """The person confirms the hours: the draft line now counts."""
        self.check_access("write")
        lines = self.sudo().timesheet_ids.filtered(lambda t: t.flow_timesheet_state == "draft")
        if not lines:
            raise UserError(_("There are no draft hours to confirm on these check-ins."))
        lines._flow_confirm()
        return True

    def action_open_blocker_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Resolve blocker"),
            "res_model": "project.flow.blocker.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_checkin_id": self.id},
        }

    def action_view_risks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project_flow.action_project_flow_risk"
        )
        action["domain"] = [("checkin_id", "=", self.id)]
        action["context"] = {
            "default_checkin_id": self.id,
            "default_project_id": self.project_id.id,
        }
        return action

    # ------------------------------------------------------------------
    # Timesheets
    # ------------------------------------------------------------------
    def _flow_employees(self):
        """``{(user id, company id): employee}`` for these check-ins, in one
        search; raise naming the first person without an employee."""
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        companies = self.project_id.company_id | self.env.company
        employees = Employee.search(
            [("user_id", "in", self.user_id.ids), ("company_id", "in", companies.ids)]
        )
        found = {(e.user_id.id, e.company_id.id): e for e in employees if e.active}
        result = {}
        for checkin in self:
            company = checkin.project_id.company_id or self.env.company
            employee = found.get((checkin.user_id.id, company.id))
            if not employee:
                raise UserError(
                    _(
                        "%(person)s has no active employee in company %(company)s, so the hours "
                        "of check-in %(checkin)s cannot become a timesheet. Ask HR to link "
                        "%(person)s to an employee, or leave Hours empty (field Hours).",
                        person=checkin.user_id.name,
                        company=company.name,
                        checkin=checkin.display_name,
                    )
                )
            result[checkin.user_id.id, company.id] = employee
        return result

    def _flow_timesheet_name(self):
        first = (self.done or "").strip().splitlines()
        return first[0][:120] if first else _("Daily check-in")

    def _flow_sync_timesheets(self):
        """Keep each check-in's draft timesheet line in step with its hours:
        create it, update it while draft, drop it when the hours go.

        sudo: the check-in is the person's own (record rules) and this is the
        only path by which it writes a timesheet line, whether or not the
        person has the Timesheets rights; the employee is the person's."""
        Line = self.env["account.analytic.line"].sudo()
        with_hours = self.filtered(lambda c: c.hours > 0)
        employees = with_hours._flow_employees() if with_hours else {}
        to_create = []
        for checkin in self:
            drafts = checkin.sudo().timesheet_ids.filtered(
                lambda t: t.flow_timesheet_state == "draft"
            )
            if checkin.hours <= 0:
                drafts.unlink()
                continue
            if checkin.sudo().timesheet_ids - drafts:
                continue  # confirmed: the line is the person's now
            company = checkin.project_id.company_id or self.env.company
            vals = {
                "name": checkin._flow_timesheet_name(),
                "date": checkin.date,
                "project_id": checkin.project_id.id,
                "task_id": checkin.task_id.id,
                "employee_id": employees[checkin.user_id.id, company.id].id,
                "flow_draft_hours": checkin.hours,
            }
            if drafts:
                drafts[:1].write(vals)
                drafts[1:].unlink()
            else:
                to_create.append(
                    {
                        **vals,
                        "unit_amount": 0.0,
                        "flow_checkin_id": checkin.id,
                        "flow_timesheet_state": "draft",
                    }
                )
        if to_create:
            Line.create(to_create)
