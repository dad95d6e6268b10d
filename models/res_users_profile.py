# Copyright 2026 project_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ResUsers(models.Model):
    """Who may read a person's effectiveness profile (see
    ``project.flow.person.viewer``): the person, their managers up the
    employee and department chains, and system administrators."""

    _inherit = "res.users"

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
            pairs = self.env["project.flow.person.viewer"].sudo().search_fetch(
                [("viewer_user_id", "=", viewer.id), ("user_id", "in", others.ids)], ["user_id"]
            )
            visible |= pairs.user_id.with_env(self.env)
        return visible

    @api.model
    def _flow_profile_visible_user_ids(self):
        """Ids of the users whose profile the current user may read (None: all)."""
        user = self.env.user
        if self.env.su or user.has_group("base.group_system"):
            return None
        pairs = self.env["project.flow.person.viewer"].sudo().search_fetch(
            [("viewer_user_id", "=", user.id)], ["user_id"]
        )
        return [user.id, *pairs.user_id.ids]
