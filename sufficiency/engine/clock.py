"""The simulation clock: simpy's environment with a small event heap.

A replication schedules most of its events years ahead (every child's exit is fixed when the
child comes into care), so simpy's single heap would hold every child in care and each push and
pop would cost more as the population grows. Here only the events due before a moving edge are
in the heap; later ones wait in buckets of ``WIDTH`` days and join the heap when the clock
reaches their bucket. Events keep simpy's order, (time, priority, number in order of
scheduling), so a run is the same event for event.

Most of a replication's events are timed actions that nothing waits on: ``call`` puts the action
itself in the heap, as ``(time, priority, number, None, action, arguments)``, with no event
object at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heapify, heappop, heappush
from typing import Any, cast

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


class Environment(simpy.Environment):
    """A simpy environment whose heap holds only the events due before ``edge``."""

    now: float = 0.0
    """The current time: a plain attribute (simpy's is a property, read by the thousand)."""

    def __init__(
        self, width: float = WIDTH, initial_time: float = 0.0, horizon: float = math.inf
    ) -> None:
        super().__init__(initial_time)
        self.now = initial_time
        self._heap = cast(list[Any], self._queue)
        """simpy's heap, whose entries here may also be calls (five items, no event)."""
        self.horizon = horizon
        """Actions due at or after this time are never called (the run stops first)."""
        self._width = width
        self._next = 1
        """The bucket that next joins the heap; events due before its start are in the heap."""
        self._edge = width
        self._buckets: dict[int, list] = {}
        self._moving = False

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        """Schedule ``event`` after ``delay`` days."""
        at = self._now + delay
        self._push(at, (at, priority, next(self._eid), event))

    def call(self, delay: float, action: Callable[..., None], *args: Any, priority=NORMAL) -> None:
        """Call ``action(*args)`` after ``delay`` days (at once if ``delay`` is negative), unless
        that is at or after the horizon."""
        at = self._now + delay if delay > 0 else self._now
        if at >= self.horizon:
            return
        entry = (at, priority, next(self._eid), None, action, args)
        if at < self._edge:
            heappush(self._heap, entry)
        else:
            self._push(at, entry)

    def _push(self, at: float, entry: tuple) -> None:
        """Put ``entry`` into the heap if due before the edge, otherwise into the bucket of its
        time (never one already moved)."""
        if at < self._edge or at == math.inf:
            heappush(self._heap, entry)
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

    def run(self, until: float) -> None:  # type: ignore[override]
        """Process events until the time ``until``: simpy's ``run`` with its ``step`` inlined
        (one method call less for each of a replication's thousands of events)."""
        stop = Event(self)
        stop._ok = True
        stop._value = None
        stop.callbacks.append(StopSimulation.callback)
        self.schedule(stop, URGENT, until - self._now)
        queue = self._heap
        event: Any
        try:
            while queue:
                entry = heappop(queue)
                self._now = self.now = entry[0]
                event = entry[3]
                if event is None:
                    entry[4](*entry[5])
                    continue
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

    def step(self) -> None:
        """Process the next event or call (as simpy's ``step``)."""
        entry = self._heap[0] if self._heap else None
        if entry is None or entry[3] is not None:
            super().step()
            self.now = self._now
            return
        heappop(self._heap)
        self._now = self.now = entry[0]
        entry[4](*entry[5])

    def _move_at_edge(self) -> None:
        """Schedule the next bucket's move into the heap, at the edge, before all else then."""
        mover = Event(self)
        mover._ok = True
        mover._value = None
        mover.callbacks.append(self._move)
        heappush(self._heap, (self._edge, FIRST, -1, mover))
        self._moving = True

    def _move(self, _event: Event) -> None:
        """Move the next bucket into the heap and advance the edge past it."""
        bucket = self._buckets.pop(self._next, None)
        self._next += 1
        self._edge = self._next * self._width
        if bucket:
            self._heap.extend(bucket)
            heapify(self._heap)
        self._moving = False
        if self._buckets:
            self._move_at_edge()

    def clear(self) -> None:
        """Drop every event still scheduled (the run is over)."""
        self._heap.clear()
        self._buckets.clear()
