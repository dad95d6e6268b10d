"""A ValueError that carries a code and parameters.

The engine has no translations: it raises a code with the values a message
needs, and the Odoo models map the code to their own translatable text.  The
English message built here is for logs and plain-Python callers.
"""


class CodedError(ValueError):
    """Base of the engine's coded errors; subclasses set ``messages``, a dict
    code -> ``%``-format template over ``params``."""

    messages = {}

    def __init__(self, code, params=None):
        self.code = code
        self.params = dict(params or {})
        template = self.messages.get(code, code)
        try:
            message = template % self.params
        except (KeyError, TypeError, ValueError):
            message = f"{code} {self.params}"
        super().__init__(message)
