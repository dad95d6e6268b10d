"""Pure-Python domain logic of project_flow.

Nothing in this package imports ``odoo``: it is loaded both as
``odoo.addons.project_flow.engine`` and as plain ``engine`` from a checkout,
and tested with plain pytest (``python3 -m pytest engine``).
"""

from . import approval, gate, graph, schedule
from .calendar import WorkCalendar
from .graph import CycleError
from .schedule import ScheduleError

__all__ = [
    "CycleError",
    "ScheduleError",
    "WorkCalendar",
    "approval",
    "gate",
    "graph",
    "schedule",
]
