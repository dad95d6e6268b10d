"""Server-side guard for lifecycle fields.

States of projects, phases and approval requests change only through the
business methods (buttons, approvals, overrides).  A plain ``write`` of those
fields - from a form, an import, RPC or another module - is refused.  The
business methods write with a context key whose value is a token generated
when the server process starts: a JSON-RPC caller can put any key in its
context but cannot know the token, so the guard cannot be forged remotely.
"""

import secrets

_CONTEXT_KEY = "project_flow_transition"
_TOKEN = secrets.token_hex(16)


def allow_transition(records):
    """Return ``records`` in a context that may write guarded state fields."""
    return records.with_context(**{_CONTEXT_KEY: _TOKEN})


def transition_allowed(records):
    """Tell whether ``records`` carries the transition token."""
    return records.env.context.get(_CONTEXT_KEY) == _TOKEN
