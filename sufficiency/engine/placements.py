"""Capacity pools, placement matching by age and need, and the step-down policy."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..pathway import AGE_BANDS, FALLBACK, IN_HOUSE, MATCHED, MONTH, NEEDS, State
from ..records import Measure, MoveKind
from .streams import Shares

if TYPE_CHECKING:
    from ..timeline import ProgrammeLive, ReunificationLive
    from .model import Child, Model


class Places:
    """A count of finite places: free now, occupied, and closures pending.

    Places removed while occupied close as they are vacated (``pending``), so occupancy never
    exceeds the places that exist. In-house placements use this directly: a child never waits
    for a placement, the external market takes the overflow.
    """

    def __init__(self, places: int = 0) -> None:
        self.capacity = 0
        self.pending = 0
        self._free = 0
        self.resize(places)

    @property
    def free(self) -> int:
        return self._free

    @property
    def occupied(self) -> int:
        return self.capacity - self.free

    def has_free(self, _child: Child | None = None) -> bool:
        """A place is free now and nobody is queued for one (any place suits any child)."""
        return self._free >= 1

    def take(self) -> None:
        """Take a free place now (call only when ``has_free``)."""
        self._free -= 1

    def admit(self, _child: Child) -> Places | None:
        """Take a free place for a child, if there is one: the pool is the seat it holds."""
        if self._free >= 1:
            self._free -= 1
            return self
        return None

    def _put(self, n: int) -> None:
        self._free += n

    def _get(self, n: int) -> None:
        self._free -= n

    def release(self) -> None:
        """Give a place back; it closes instead if a removal is pending."""
        if self.pending:
            self.pending -= 1
            self.capacity -= 1
        else:
            self._put(1)

    def resize(self, places: int) -> None:
        """Set the number of places: add now, or remove free ones now and the rest when vacated."""
        delta = places + self.pending - self.capacity
        if delta > 0:
            cancel = min(self.pending, delta)
            self.pending -= cancel
            delta -= cancel
            if delta:
                self.capacity += delta
                self._put(delta)
        elif delta < 0:
            remove_now = min(self.free, -delta)
            if remove_now:
                self._get(remove_now)
                self.capacity -= remove_now
            self.pending += -delta - remove_now

    @property
    def places(self) -> int:
        """Places that exist and are not due to close."""
        return self.capacity - self.pending


class Slots(Places):
    """Therapist slots with a first-come, first-served waiting list.

    A family that finds no free slot ``join``s the list; a slot that frees (or is added) goes
    straight to the longest-waiting family still waiting, through ``grant``. A family that
    stops waiting (its maximum wait passed) sets ``waiting`` False and is skipped. So a slot is
    free only when nobody waits, and a family never waits while a slot is free.
    """

    def __init__(self, places: int, grant: Callable[[Any], None]) -> None:
        self.queue: deque = deque()
        self.grant = grant
        super().__init__(places)

    def join(self, entry) -> None:
        """Queue ``entry`` (an object with a ``waiting`` flag, set True here)."""
        entry.waiting = True
        self.queue.append(entry)

    def _put(self, n: int) -> None:
        self._free += n
        queue = self.queue
        while self._free >= 1 and queue:
            entry = queue.popleft()
            if entry.waiting:
                entry.waiting = False
                self._free -= 1
                self.grant(entry)


P = TypeVar("P", bound=Places)


class Seat(Protocol):
    """What a child placed in-house holds: it gives the place back."""

    def release(self) -> None: ...


class Pool(Protocol):
    """An in-house capacity pool: the homes' beds (``Places``) or the foster households."""

    @property
    def places(self) -> int: ...

    @property
    def free(self) -> int: ...

    @property
    def occupied(self) -> int: ...

    @property
    def capacity(self) -> int: ...

    def has_free(self, child: Child | None = None) -> bool: ...

    def admit(self, child: Child) -> Seat | None: ...


def slots(therapists: float, caseload: float) -> int:
    """Families (or children) that can be worked with at once: FTE x caseload, rounded down."""
    return int(math.floor(therapists * caseload + 1e-9))


def staffed(model: Model, prefix: str, live: ProgrammeLive | ReunificationLive, pool: P) -> P:
    """``pool`` sized at FTE x caseload slots, and kept so as dated changes move either (the
    live parameters under ``prefix``)."""

    def resize() -> None:
        pool.resize(slots(live.therapists, live.caseload))

    resize()
    model.on_change(f"{prefix}.therapists", resize)
    model.on_change(f"{prefix}.caseload", resize)
    return pool


class Matcher:
    """Chooses a placement type from the preferences (weights) for a child's age band and need."""

    def __init__(self, preferences: dict[str, dict[str, dict[str, float]]]) -> None:
        self._table: dict[str, dict[str, tuple[Shares, float]]] = {
            band: {
                need.value: (
                    Shares(
                        {p.value: preferences[band][need.value][p.value] for p in MATCHED}, State
                    ),
                    sum(preferences[band][need.value][p.value] for p in MATCHED),
                )
                for need in NEEDS
            }
            for band in AGE_BANDS
        }

    def first_choice(self, band: str, need: str, u: float) -> State:
        shares, total = self._table[band][need]
        return shares.pick(u * total)


def seat(model: Model, child: Child, choice: State) -> State:
    """Take an in-house place of the type chosen, or give its fallback when none suits."""
    pool = model.pools.get(choice)
    if pool is None:
        return choice
    held = pool.admit(child)
    if held is None:
        return FALLBACK[choice]
    child.seat = held
    return choice


def place(model: Model, child: Child, u: float) -> State:
    """The placement a child gets now: first choice, or its fallback if in-house is full."""
    choice = model.matcher.first_choice(child.band(model.env.now), child.need, u)
    placement = seat(model, child, choice)
    if placement is not choice:
        model.want(child, choice)
        model.log.count(model.env.now, Measure.PLACED_EXTERNALLY, choice.value)
    return placement


def vacate(child: Child) -> None:
    """Give back the in-house place a child held, if any."""
    if child.seat is not None:
        child.seat.release()
        child.seat = None


def transfer(model: Model, child: Child, to: State) -> bool:
    """Move a child to placement ``to`` now if a place suits there (an in-house place is
    taken before the old one is given back, so a child never moves to the seat it leaves);
    True if moved."""
    held = None
    pool = model.pools.get(to)
    if pool is not None:
        held = pool.admit(child)
        if held is None:
            return False
    vacate(child)
    child.seat = held
    model.want(child, None)
    model.move(child, to)
    return True


def step_down(model: Model):
    """Monthly: children placed externally for want of an in-house place move when one frees."""
    stream = model.streams["step_down"]
    live = model.live["matching"]
    while True:
        yield model.env.timeout(MONTH)
        rate = live.step_down_rate_per_month
        for in_house in IN_HOUSE:
            pool = model.pools[in_house]
            for child in list(model.wanting[in_house].values()):
                if not pool.has_free():
                    break
                if not pool.has_free(child):
                    continue  # no free place suits this child: no draw, as if none were free
                if stream.u() < rate and model.relocate(child, in_house):
                    model.log.count(model.env.now, Measure.STEP_DOWNS, in_house.value)
                    model.log.count(model.env.now, Measure.MOVES, MoveKind.STEP_DOWN)
