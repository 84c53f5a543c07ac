"""The model: the simpy environment, the children, the capacity pools and the log."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np

from ..parameters import ParameterSet
from ..pathway import IN_HOUSE, PLACEMENTS, STATE_INDEX, Programme, State, age_band
from ..records import Log, Measure
from ..timeline import Change, live_fields, views
from . import carers, children, population, programmes, reunification
from .carers import Households
from .children import U_MOVES, DirectEntries, ExitLaw, start_care
from .clock import Environment, width_for
from .homes import Homes
from .moves import Moves
from .placements import Matcher, Pool, Seat, place, step_down, transfer, vacate
from .programmes import ProgrammeActor
from .reunification import Reunification
from .streams import Streams

T = TypeVar("T")


class Child:
    """One child: fixed draws made at creation, and where the child is now."""

    __slots__ = (
        "birth",
        "drawn",
        "draws",
        "entered",
        "exit_at",
        "generation",
        "id",
        "need",
        "seat",
        "serial",
        "state",
        "tried_reunification",
        "wants",
    )

    def __init__(self, cid: int, birth: float, need: str, draws: list[float]) -> None:
        self.id = cid
        self.birth = birth
        self.need = need
        self.draws = draws
        self.drawn = U_MOVES
        """The next of ``draws`` a placement move uses."""
        self.state: State | None = None
        self.seat: Seat | None = None
        """The in-house place the child holds (a household, or the homes' beds), if any."""
        self.serial = 0
        """Changes of state so far: a move scheduled from a placement checks it still holds."""
        self.wants: State | None = None
        self.entered = 0.0
        self.exit_at = 0.0
        """The day the child's drawn exit from its current time in care comes due."""
        self.generation = 0
        self.tried_reunification = False

    def age(self, now: float) -> float:
        return now - self.birth

    def band(self, now: float) -> str:
        return age_band(now - self.birth)


class Model:
    """One replication's world. Nothing here is shared between replications."""

    __deletable__ = (
        "env",
        "homes",
        "pools",
        "placed",
        "wanting",
        "listeners",
        "carers",
        "moves",
        "entries",
        "programmes",
        "reunification",
    )
    """What ``close`` lets go of (mypyc compiles a class whose attributes may be deleted only
    when they are named here)."""

    def __init__(
        self, params: ParameterSet, streams, horizon_days: float, changes: Iterable[Change] = ()
    ) -> None:
        self.params = params
        self.streams = streams
        self.horizon = horizon_days
        self.start = params.start_date
        self.env = Environment(
            width_for(params.population.total.value),
            initial_time=-programmes.WARM_UP,
            horizon=horizon_days,
        )
        """The clock begins before day 0, for the referral streams' warm-up (programmes.start)."""
        self.log = Log()
        self.granted_stream = params.costs.grant.entry_stream
        """The entry stream whose children the grant is paid for."""
        self.positions = streams["cost_position"]
        """Each child's cost position, drawn when it first comes into care."""
        self._record = self.log.transitions.extend
        self.live: dict[str, Any] = views(params)
        """Each group of live parameters (``sufficiency.timeline``), by path prefix."""
        self._fields = {path: (view, name) for path, view, name in live_fields(self.live)}
        self.matcher = Matcher(params.matching.preferences.value)
        self.exit_law = ExitLaw(params.exits)
        self.homes = Homes(self)
        """The in-house children's homes, the pool of ``State.HOME_INHOUSE``."""
        self.pools: dict[State, Pool] = {State.HOME_INHOUSE: self.homes}
        """The in-house capacity pools: the homes' beds, and (once started) the households."""
        self.placed: dict[State, dict[int, Child]] = {p: {} for p in PLACEMENTS}
        self.wanting: dict[State, dict[int, Child]] = {p: {} for p in IN_HOUSE}
        """Children placed externally for want of an in-house place, by the type they want."""
        self.listeners: dict[str, list[Callable[[], None]]] = {}
        self.changes = sorted(changes, key=lambda c: c.day)
        self.supported_16_peak = self.peak("matching.supported_at_16")
        self._next_id = 0
        self.carers: Households | None = None
        self.moves = Moves(self)
        self.entries: list[DirectEntries] = []
        self.programmes: dict[Programme, ProgrammeActor] = {}
        self.reunification: Reunification | None = None

    # -- time ---------------------------------------------------------------------------
    def day(self, date: dt.date) -> float:
        """Days from the start date to the start of ``date``."""
        return float((date - self.start).days)

    # -- children -----------------------------------------------------------------------
    def new_id(self) -> int:
        """The next child's number (children are numbered within a replication)."""
        cid = self._next_id
        self._next_id += 1
        return cid

    @property
    def numbered(self) -> int:
        """Children numbered so far."""
        return self._next_id

    def new_child(self, birth: float, need: str, draws: list[float]) -> Child:
        return Child(self.new_id(), birth, need, draws)

    def child_at(
        self, cid: int, birth: float, need: str, draws: list[float], state: State | None
    ) -> Child:
        """A tracked ``Child`` for a child numbered earlier and now in ``state`` (not in care)."""
        child = Child(cid, birth, need, draws)
        child.state = state
        return child

    def move_outside_care(self, ids: list[int], old: State | None, to: State) -> None:
        """Record children moving together between states that are not placements (waiting,
        a programme, home), without ``Child`` objects."""
        now, record = self.env.now, self._record
        start = -1 if old is None else STATE_INDEX[old]
        end = STATE_INDEX[to]
        for cid in ids:
            record((now, cid, start, end))

    def move(self, child: Child, to: State) -> None:
        """Change a child's state and record it; keeps the placement registry in step."""
        old = child.state
        placed = self.placed
        if old in placed:
            del placed[old][child.id]
        if to in placed:
            placed[to][child.id] = child
        child.state = to
        child.serial += 1
        self._record(
            (self.env.now, child.id, -1 if old is None else STATE_INDEX[old], STATE_INDEX[to])
        )

    def want(self, child: Child, in_house: State | None) -> None:
        """Note (or, with None, forget) the in-house placement a child is waiting for."""
        if child.wants is not None:
            del self.wanting[child.wants][child.id]
        if in_house is not None:
            self.wanting[in_house][child.id] = child
        child.wants = in_house

    def enter_care(self, child: Child, route: str, u_place: float) -> None:
        """A child comes into care now by ``route`` and is placed."""
        placement = place(self, child, u_place)
        if route == self.granted_stream:
            self.log.granted.append(child.id)
        if child.generation == 0:  # the first time in care: its cost position
            self.log.positions.extend((child.id, self.positions.u()))
        child.entered = self.env.now
        self.move(child, placement)
        self.log.count(self.env.now, Measure.ENTRIES, route)
        start_care(self, child)
        self.moves.placed(child, unplanned=True)

    def leave_care(self, child: Child, to: State, route: str) -> None:
        """A child leaves care now to ``to`` (an exit or reunification support)."""
        vacate(child)
        self.want(child, None)
        child.generation += 1
        self.move(child, to)
        self.log.count(self.env.now, Measure.EXITS, route)

    def relocate(self, child: Child, to: State) -> bool:
        """Move a child between placements (a planned move) if a place suits there; True if
        moved."""
        if not transfer(self, child, to):
            return False
        self.moves.placed(child, unplanned=False)
        return True

    # -- live parameters ----------------------------------------------------------------
    def value(self, path: str) -> Any:
        """The value in force now of the live parameter at ``path``."""
        view, name = self._fields[path]
        return getattr(view, name)

    def on_change(self, path: str, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever a change to ``path`` applies."""
        self.listeners.setdefault(path, []).append(callback)

    def apply(self, change: Change) -> None:
        """Apply a dated change to its live parameter now."""
        view, name = self._fields[change.path]
        setattr(view, name, change.after(getattr(view, name)))
        for callback in self.listeners.get(change.path, ()):
            callback()

    def peak(self, path: str) -> Any:
        """The largest value ``path`` takes in the run: today's, or one its changes make."""
        value = highest = self.value(path)
        for change in self.changes:
            if change.path == path:
                value = change.after(value)
                highest = max(highest, value)
        return highest

    def timeline(self):
        """Apply dated changes as the simulation reaches them."""
        for change in self.changes:
            yield self.env.timeout(max(0.0, change.day - self.env.now))
            self.apply(change)

    def close(self) -> None:
        """Let go of everything a finished replication holds (its events, actors and children
        refer to one another in cycles), so that it is freed at once, without a walk by the
        cyclic garbage collector."""
        self.env.clear()
        del self.env, self.homes, self.pools, self.placed, self.wanting, self.listeners
        del self.carers, self.moves, self.entries, self.programmes, self.reunification

    def record_capacity(self) -> None:
        for index, state in enumerate(IN_HOUSE):
            self.log.capacity.extend((self.env.now, index, self.pools[state].places))


def build(
    params: ParameterSet,
    seed: np.random.SeedSequence,
    horizon: float,
    changes: Iterable[Change] = (),
) -> Model:
    """Set up one replication (today's children placed, every actor started), not yet run."""
    model = Model(params, Streams(seed), horizon, changes)
    model.programmes = programmes.start(model)  # warms up the referral streams to day 0
    model.carers = carers.start(model)
    population.initial_population(model)
    programmes.take_over(model)
    model.carers.settle()
    model.entries = children.start(model)
    model.reunification = reunification.start(model)
    model.env.process(step_down(model))
    model.env.process(model.timeline())
    return model


def simulate(
    params: ParameterSet,
    seed: np.random.SeedSequence,
    horizon: float,
    changes: Iterable[Change] = (),
    watch: Callable[[Model], None] | None = None,
) -> Model:
    """Run one replication to the horizon and return the model with its log; ``watch(model)``,
    if given, is called once it is built (to start a process that looks on, say)."""
    model = build(params, seed, horizon, changes)
    if watch is not None:
        watch(model)
    model.env.run(until=horizon)
    return model


def replicate(
    params: ParameterSet,
    seed: np.random.SeedSequence,
    horizon: float,
    changes: Iterable[Change],
    reduce: Callable[[Model], T],
    watch: Callable[[Model], None] | None = None,
) -> T:
    """Simulate one replication (``watch`` as ``simulate`` takes it) and keep only
    ``reduce(model)``.

    Python's cyclic garbage collector is paused meanwhile (a replication makes objects by the
    hundred thousand, and collections triggered by them repeatedly walked every live object).
    The model is closed when reduced, which frees it, and the collector then runs once over the
    little left, so memory does not grow.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        model = simulate(params, seed, horizon, changes, watch)
        try:
            return reduce(model)
        finally:
            model.close()
    finally:
        gc.collect(0)
        if enabled:
            gc.enable()
