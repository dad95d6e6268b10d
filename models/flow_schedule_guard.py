"""Context markers of the scheduler's own writes.

Two kinds of writes must not trigger the reactions they would trigger when a
user makes them:

- ``in_scheduler``: the scheduler writing its results (planned windows,
  phase and project dates), or a batch (template instantiation, project
  copy) that reschedules once at its end.  Such writes do not reschedule the
  project again and are not taken as the user pinning a start date.
- ``syncing_links``: ``project.task.link`` and Odoo's ``depend_on_ids``
  mirroring each other.  A link created because ``depend_on_ids`` was written
  does not insert the pair again, and the other way round.

As in ``flow_guard``, the context value is a token generated when the server
process starts, so a remote caller cannot put these keys in its context to
skip the scheduler or desynchronise the two representations.
"""

import secrets

_SCHEDULER_KEY = "project_flow_scheduler"
_LINK_SYNC_KEY = "project_flow_link_sync"
_TOKEN = secrets.token_hex(16)


def scheduler(records):
    """Return ``records`` in a context whose writes do not reschedule."""
    return records.with_context(**{_SCHEDULER_KEY: _TOKEN})


def in_scheduler(records):
    return records.env.context.get(_SCHEDULER_KEY) == _TOKEN


def syncing_links(records):
    """Return ``records`` in a context that does not mirror links and dependencies."""
    return records.with_context(**{_LINK_SYNC_KEY: _TOKEN})


def links_syncing(records):
    return records.env.context.get(_LINK_SYNC_KEY) == _TOKEN
