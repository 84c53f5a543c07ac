"""The simulation clock: simpy's environment with a small event heap.

A replication schedules most of its events years ahead (every child's exit is fixed when the
child comes into care), so simpy's single heap would hold every child in care and each push and
pop would cost more as the population grows. Here only the events due before a moving edge are
in the heap; later ones wait in buckets of ``WIDTH`` days and join the heap when the clock
reaches their bucket. Events keep simpy's order, (time, priority, number in order of
scheduling), so a run is the same event for event.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heapify, heappop, heappush
from typing import Any

import simpy
from simpy.core import StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority

WIDTH = 7.0
"""Days of events held in each bucket, for up to ``CHILDREN`` children in care."""
CHILDREN = 600
"""Children in care (about Leicester's) up to which buckets hold ``WIDTH`` days."""
FIRST = EventPriority(-2)
"""The priority of moving a bucket into the heap: before any event at its edge (simpy's most
urgent events have priority 0, and -1 when a stopped run resumes)."""


def width_for(children: float) -> float:
    """Days of events in each bucket for ``children`` in care at the start: ``WIDTH`` up to
    ``CHILDREN``, in inverse proportion beyond, so that the heap holds about as many events
    whatever the population (a larger heap costs more per event: deeper, and out of cache)."""
    return WIDTH * min(1.0, CHILDREN / children) if children > 0 else WIDTH


class Call:
    """A scheduled call: the least of a simpy event that ``step`` runs (its callbacks, and
    ``_ok``), for the model's many timed actions that nothing waits on."""

    __slots__ = ("callbacks",)
    _ok = True
    _value = None

    def __init__(self, action: Callable[[Any], None]) -> None:
        self.callbacks = [action]


class Environment(simpy.Environment):
    """A simpy environment whose heap holds only the events due before ``edge``."""

    def __init__(self, width: float = WIDTH, initial_time: float = 0.0) -> None:
        super().__init__(initial_time)
        self._width = width
        self._next = 1
        """The bucket that next joins the heap; events due before its start are in the heap."""
        self._edge = width
        self._buckets: dict[int, list] = {}
        self._moving = False

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        """Schedule ``event`` after ``delay`` days: into the heap if due before the edge,
        otherwise into the bucket of its time (never one already moved)."""
        at = self._now + delay
        entry = (at, priority, next(self._eid), event)
        if at < self._edge or at == math.inf:
            heappush(self._queue, entry)
            return
        index = int(at // self._width)
        if index * self._width > at:
            index -= 1
        bucket = self._buckets.get(max(index, self._next))
        if bucket is None:
            self._buckets[max(index, self._next)] = [entry]
            if not self._moving:
                self._move_at_edge()
        else:
            bucket.append(entry)

    def call(self, delay: float, action: Callable[[Any], None], priority=NORMAL) -> None:
        """Call ``action(event)`` after ``delay`` days (as a timeout's callback would be)."""
        self.schedule(Call(action), priority, delay)  # type: ignore[arg-type]

    def run(self, until: Any = None) -> Any:
        """Process events until the time ``until``: simpy's ``run`` with its ``step`` inlined
        (one method call less for each of a replication's thousands of events)."""
        if until is None or isinstance(until, Event):
            return super().run(until)
        stop = Event(self)
        stop._ok = True
        stop._value = None
        stop.callbacks.append(StopSimulation.callback)
        self.schedule(stop, URGENT, until - self._now)
        queue = self._queue
        event: Any
        try:
            while queue:
                self._now, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None
                for callback in callbacks:
                    callback(event)
                if not event._ok and not hasattr(event, "_defused"):
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    raise exc
        except StopSimulation:
            return None
        raise RuntimeError(f"no events left before the run's end at {until}")

    def _move_at_edge(self) -> None:
        """Schedule the next bucket's move into the heap, at the edge, before all else then."""
        mover = Event(self)
        mover._ok = True
        mover._value = None
        mover.callbacks.append(self._move)
        heappush(self._queue, (self._edge, FIRST, -1, mover))
        self._moving = True

    def _move(self, _event: Event) -> None:
        """Move the next bucket into the heap and advance the edge past it."""
        bucket = self._buckets.pop(self._next, None)
        self._next += 1
        self._edge = self._next * self._width
        if bucket:
            self._queue.extend(bucket)
            heapify(self._queue)
        self._moving = False
        if self._buckets:
            self._move_at_edge()

    def clear(self) -> None:
        """Drop every event still scheduled (the run is over)."""
        self._queue.clear()
        self._buckets.clear()
