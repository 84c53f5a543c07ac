"""What the engine records: one Transition per change of state, and counted events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .pathway import ExitRoute


class Transition(NamedTuple):
    """A child moved from one state to another (``from_state`` -1 on first entry)."""

    time: float
    child: int
    from_state: int
    to_state: int


class Measure:
    """The names of what the engine counts (plain strings: the engine counts in its hot path)."""

    ENTRIES = "entries"
    EXITS = "exits"
    PROGRAMME_STARTS = "programme_starts"
    PROGRAMME_COMPLETIONS = "programme_completions"
    TURNED_AWAY = "turned_away"
    FAMILIES_STARTED = "families_started"
    PLACED_EXTERNALLY = "placed_externally"
    STEP_DOWNS = "step_downs"
    MOVES_TO_SUPPORTED = "moves_to_supported"
    REUNIFICATION_STARTS = "reunification_starts"
    REUNIFICATION_RETURNS = "reunification_returns"
    REUNIFICATION_BREAKDOWNS = "reunification_breakdowns"
    REENTRIES_AFTER_PROGRAMME = "reentries_after_programme"
    MOVES = "moves"
    THREE_OR_MORE_PLACEMENTS = "three_or_more_placements"


class MoveKind:
    """The kinds of placement move (the routes of ``Measure.MOVES``)."""

    BRIDGING = "bridging"  # a short first placement on coming into care ends
    BREAKDOWN = "breakdown"  # a foster placement breaks down
    STEP_UP = "step_up"  # from foster care to a children's home
    STEP_DOWN = "step_down"  # from an external placement to the in-house place wanted
    AT_16 = "at_16"  # on to supported accommodation at 16


MOVE_KINDS: tuple[str, ...] = (
    MoveKind.BRIDGING,
    MoveKind.BREAKDOWN,
    MoveKind.STEP_UP,
    MoveKind.STEP_DOWN,
    MoveKind.AT_16,
)


MEASURES: tuple[str, ...] = (
    Measure.ENTRIES,
    Measure.EXITS,
    Measure.PROGRAMME_STARTS,
    Measure.PROGRAMME_COMPLETIONS,
    Measure.TURNED_AWAY,
    Measure.THREE_OR_MORE_PLACEMENTS,
)
"""Counted flows reported in flows.csv (children); ``three_or_more_placements`` is reduced
from the transitions (children looked after at each 31 March with three or more placements
during the year ending then), not counted as it happens."""
ACTIVITY: tuple[str, ...] = (
    Measure.FAMILIES_STARTED,
    Measure.PLACED_EXTERNALLY,
    Measure.STEP_DOWNS,
    Measure.MOVES_TO_SUPPORTED,
    Measure.REUNIFICATION_STARTS,
    Measure.REUNIFICATION_RETURNS,
    Measure.REUNIFICATION_BREAKDOWNS,
    Measure.REENTRIES_AFTER_PROGRAMME,
    Measure.MOVES,
)
"""Further counted events reported in activity.csv."""

COUNTED: tuple[str, ...] = MEASURES + ACTIVITY
COUNTED_INDEX = {m: i for i, m in enumerate(COUNTED)}

ALL_ROUTES = "all"
"""The route that holds the total over every route."""
EXIT_ROUTES: tuple[str, ...] = tuple(r.value for r in ExitRoute)


@dataclass
class Log:
    """Append-only records of one replication."""

    # Flat lists (list.extend of a tuple is far quicker than array.array's): read as arrays.
    transitions: list[float] = field(default_factory=list)  # time, child, from, to
    counts: list[float] = field(default_factory=list)  # time, measure, route id, n
    routes: dict[str, int] = field(default_factory=dict)  # route name -> id in ``counts``
    waiting: list[tuple[float, int, int]] = field(default_factory=list)
    capacity: list[tuple[float, int, int]] = field(default_factory=list)
    occupancy: list[tuple[float, int, int]] = field(default_factory=list)  # time, home, +1/-1
    granted: list[int] = field(default_factory=list)  # children entering by the grant's stream
    positions: list[tuple[int, float]] = field(default_factory=list)  # child, cost position
    _array: np.ndarray | None = field(default=None, repr=False)

    def array(self) -> np.ndarray:
        """The transitions as rows of (day, child, from state, to state), converted once for
        each length of the log (reductions read them several times)."""
        if self._array is None or len(self._array) * 4 != len(self.transitions):
            self._array = np.array(self.transitions, dtype=float).reshape(-1, 4)
        return self._array

    def rows(self) -> list[Transition]:
        """The transitions as records."""
        flat = self.transitions
        return [
            Transition(flat[i], int(flat[i + 1]), int(flat[i + 2]), int(flat[i + 3]))
            for i in range(0, len(flat), 4)
        ]

    def count(self, time: float, measure: str, route: str, n: int = 1) -> None:
        routes = self.routes
        route_id = routes.get(route)
        if route_id is None:
            route_id = routes[route] = len(routes)
        self.counts.extend((time, COUNTED_INDEX[measure], route_id, n))

    def counted(self, measure: str) -> list[tuple[float, str, int]]:
        """(time, route, n) of each count of ``measure``."""
        names = list(self.routes)
        flat, index = self.counts, COUNTED_INDEX[measure]
        return [
            (flat[i], names[int(flat[i + 2])], int(flat[i + 3]))
            for i in range(0, len(flat), 4)
            if flat[i + 1] == index
        ]
