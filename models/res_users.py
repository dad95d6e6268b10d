from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .project_flow_meeting import split_aliases


class ResUsers(models.Model):
    _inherit = "res.users"

    dingtalk_user_id = fields.Char(
        string="DingTalk user id",
        copy=False,
        groups="project_flow.group_flow_admin,base.group_system",
        help="The user's id in DingTalk (userid), for work notifications and @mentions. Filled "
        "by hand or looked up by mobile number through a DingTalk work-notification channel.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        # A user may read their own DingTalk id (never the channels' secrets).
        return super().SELF_READABLE_FIELDS + ["dingtalk_user_id"]

    def action_flow_lookup_dingtalk(self):
        """Look up the DingTalk user id of these users by their mobile number."""
        channel = self.env["project.flow.channel"].search(
            [("kind", "=", "dingtalk_work"), ("company_id", "in", self.env.companies.ids)], limit=1
        )
        if not channel:
            raise UserError(_("Configure a DingTalk work notification channel first."))
        found, missing = channel._flow_map_users(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("DingTalk user ids"),
                "message": _(
                    "%(found)s users mapped, %(missing)s not found.", found=found, missing=missing
                ),
                "type": "info" if not missing else "warning",
            },
        }

    # Meetings: other names a person goes by in meeting minutes (a Chinese
    # name, a nickname, a chat handle), so an owner named there is found.

    flow_alias_names = fields.Char(
        string="Other names",
        help="Names this person goes by in meeting minutes, separated by commas "
        "(e.g. 陈莉, Lily, lchen): an action item's owner written so is resolved to this user.",
    )

    def _flow_minutes_names(self):
        """The names the minutes may give this user: name, login, the name
        part of the login and e-mail, and the other names."""
        self.ensure_one()
        names = [self.name, self.login]
        for address in (self.login, self.email):
            if address and "@" in address:
                names.append(address.split("@", 1)[0])
        names.extend(split_aliases(self.flow_alias_names))
        return tuple(dict.fromkeys(name for name in names if name))

    # My work as landing page: users who become flow users later than the
    # module's installation (new users, or users given a project group) get
    # it as their companies' setting says, like those present at installation.

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._flow_apply_workspace_home(self.browse())
        return users

    def write(self, vals):
        group = self.env.ref("project_flow.group_flow_user", raise_if_not_found=False)
        if not group or not any(
            key.startswith(("groups_id", "sel_groups_", "in_group_")) for key in vals
        ):
            return super().write(vals)
        before = self.sudo().filtered_domain([("groups_id", "in", group.ids)])
        result = super().write(vals)
        self._flow_apply_workspace_home(before)
        return result

    def _flow_apply_workspace_home(self, already_flow_users):
        """Give My work as home action to these users when they have just
        become flow users (not in ``already_flow_users``), work in a company
        that wants it, have no home action, and are neither portal users nor
        system administrators (see ``res.company._flow_apply_workspace_home``)."""
        group = self.env.ref("project_flow.group_flow_user", raise_if_not_found=False)
        action = self.env.ref(
            "project_flow.action_project_flow_workspace", raise_if_not_found=False
        )
        if not group or not action:
            return
        newcomers = (
            (self - already_flow_users)
            .sudo()
            .filtered_domain(
                [
                    ("share", "=", False),
                    ("action_id", "=", False),
                    ("groups_id", "in", group.ids),
                    ("groups_id", "not in", self.env.ref("base.group_system").ids),
                    ("company_id.flow_workspace_home", "=", True),
                ]
            )
        )
        if newcomers:
            # sudo: an administrator gives other users their home action
            super(ResUsers, newcomers).write({"action_id": action.id})

    # ------------------------------------------------------------------
    # Effectiveness profiles: who may read a person's profile (see
    # project.flow.person.viewer): the person, their managers up the
    # employee and department chains, and system administrators.
    # ------------------------------------------------------------------
    flow_profile_viewer_ids = fields.One2many(
        "project.flow.person.viewer",
        "user_id",
        string="Profile viewers",
        readonly=True,
    )

    def _flow_profile_visible_to(self, viewer):
        """The users of ``self`` whose profile ``viewer`` may read."""
        if viewer._is_superuser() or viewer.has_group("base.group_system"):
            return self
        visible = self.filtered(lambda u: u == viewer)
        others = self - visible
        if others:
            pairs = (
                self.env["project.flow.person.viewer"]
                .sudo()
                .search_fetch(
                    [("viewer_user_id", "=", viewer.id), ("user_id", "in", others.ids)], ["user_id"]
                )
            )
            visible |= pairs.user_id.with_env(self.env)
        return visible

    @api.model
    def _flow_profile_visible_user_ids(self):
        """Ids of the users whose profile the current user may read (None: all)."""
        user = self.env.user
        if self.env.su or user.has_group("base.group_system"):
            return None
        pairs = (
            self.env["project.flow.person.viewer"]
            .sudo()
            .search_fetch([("viewer_user_id", "=", user.id)], ["user_id"])
        )
        return [user.id, *pairs.user_id.ids]
