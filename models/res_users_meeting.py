from odoo import fields, models

from .project_flow_meeting import split_aliases


# Meetings extend the model in a file of their own.
class ResUsers(models.Model):
    """Other names a person goes by in meeting minutes (a Chinese name, a
    nickname, a chat handle), so an owner named there is found."""

    _inherit = "res.users"

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
