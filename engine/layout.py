"""Sequential layout of a project created from a flow template.

Phases run one after another; inside a phase, tasks start as soon as the
phase has begun and their predecessors have finished. This is the simple
layout used at project creation; the critical-path scheduler replaces it.
Durations are in working days of a ``WorkCalendar``.
"""

from dataclasses import dataclass

from .graph import topological_order


@dataclass(frozen=True)
class TaskSpec:
    """A task to lay out: ``predecessors`` are keys of tasks in this or earlier phases."""

    key: object
    duration: int
    predecessors: tuple = ()

    def __post_init__(self):
        _check_duration(self.key, self.duration)
        object.__setattr__(self, "predecessors", tuple(self.predecessors))


@dataclass(frozen=True)
class PhaseSpec:
    """A phase to lay out, with its planned duration and its tasks."""

    key: object
    duration: int
    tasks: tuple = ()

    def __post_init__(self):
        _check_duration(self.key, self.duration)
        object.__setattr__(self, "tasks", tuple(self.tasks))


def _check_duration(key, duration):
    if duration < 0:
        raise ValueError(f"Duration of {key!r} is negative ({duration})")


def layout_sequential(phases, calendar, start):
    """Return ``{key: (begin_date, end_date)}`` for every phase and task.

    - The first phase begins on the first working day on or after ``start``;
      each next phase begins on the working day after the previous one ends.
    - A task begins at the latest of its phase's begin and the working day
      after each predecessor's end; a 0-duration task (milestone) ends on the
      day it begins.
    - A phase ends at the latest of ``begin + duration - 1`` working days and
      its tasks' ends (a 0-duration phase without tasks ends on its begin day).

    Tasks are placed in topological order of their predecessors within the
    phase (``graph.CycleError`` on a cycle). Raises ``ValueError`` for a
    duplicate key, an unknown predecessor or one in a later phase.
    """
    phases = tuple(phases)
    phase_of = {}
    for index, phase in enumerate(phases):
        for key in (phase.key, *(task.key for task in phase.tasks)):
            if key in phase_of:
                raise ValueError(f"Duplicate key {key!r} in the layout")
            phase_of[key] = index

    dates = {}
    begin = calendar.next_working_day(start)
    for index, phase in enumerate(phases):
        tasks = {task.key: task for task in phase.tasks}
        edges = []
        for task in phase.tasks:
            for predecessor in task.predecessors:
                if predecessor not in phase_of:
                    raise ValueError(f"Task {task.key!r} has unknown predecessor {predecessor!r}")
                if predecessor == phases[phase_of[predecessor]].key:
                    raise ValueError(
                        f"Task {task.key!r} has predecessor {predecessor!r}, which is a phase"
                    )
                if phase_of[predecessor] > index:
                    raise ValueError(
                        f"Task {task.key!r} depends on {predecessor!r}, which is in a later phase"
                    )
                if predecessor in tasks:
                    edges.append((predecessor, task.key))

        end = calendar.add_working_days(begin, phase.duration)
        for key in topological_order(list(tasks), edges):
            task = tasks[key]
            task_begin = begin
            for predecessor in task.predecessors:
                task_begin = max(task_begin, calendar.shift(dates[predecessor][1], 1))
            task_end = calendar.add_working_days(task_begin, task.duration)
            dates[key] = (task_begin, task_end)
            end = max(end, task_end)
        dates[phase.key] = (begin, end)
        begin = calendar.shift(end, 1)
    return dates
