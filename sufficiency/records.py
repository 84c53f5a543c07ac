"""What the engine records: one Transition per change of state, and counted events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, NamedTuple

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

    ENTRIES: Final = "entries"
    EXITS: Final = "exits"
    PROGRAMME_STARTS: Final = "programme_starts"
    PROGRAMME_COMPLETIONS: Final = "programme_completions"
    TURNED_AWAY: Final = "turned_away"
    FAMILIES_STARTED: Final = "families_started"
    PLACED_EXTERNALLY: Final = "placed_externally"
    STEP_DOWNS: Final = "step_downs"
    MOVES_TO_SUPPORTED: Final = "moves_to_supported"
    REUNIFICATION_STARTS: Final = "reunification_starts"
    REUNIFICATION_RETURNS: Final = "reunification_returns"
    REUNIFICATION_BREAKDOWNS: Final = "reunification_breakdowns"
    REENTRIES_AFTER_PROGRAMME: Final = "reentries_after_programme"
    MOVES: Final = "moves"
    THREE_OR_MORE_PLACEMENTS: Final = "three_or_more_placements"


class MoveKind:
    """The kinds of placement move (the routes of ``Measure.MOVES``)."""

    BRIDGING: Final = "bridging"  # a short first placement on coming into care ends
    BREAKDOWN: Final = "breakdown"  # a foster placement breaks down
    STEP_UP: Final = "step_up"  # from foster care to a children's home
    STEP_DOWN: Final = "step_down"  # from an external placement to the in-house place wanted
    AT_16: Final = "at_16"  # on to supported accommodation at 16
    TO_ADOPTERS: Final = "to_adopters"  # placed for adoption with prospective adopters


MOVE_KINDS: tuple[str, ...] = (
    MoveKind.BRIDGING,
    MoveKind.BREAKDOWN,
    MoveKind.STEP_UP,
    MoveKind.STEP_DOWN,
    MoveKind.AT_16,
    MoveKind.TO_ADOPTERS,
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


BLOCK = 1 << 15
"""Records a log's list holds before they move into a block of numbers (a long run's log then
costs 8 bytes a number, not a list slot and a Python number each)."""


class Records:
    """Append-only rows of ``width`` numbers: the latest in a flat list (``extend`` takes a
    row's tuple, the quickest append there is), earlier ones moved into float64 blocks."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.latest: list[float] = []
        """The rows not yet in a block, flat."""
        self.extend = self.latest.extend
        self._blocks: list[np.ndarray] = []
        self._rows = 0
        self._array: np.ndarray | None = None

    def __len__(self) -> int:
        return self._rows + len(self.latest) // self.width

    def __iter__(self) -> Iterator[tuple[float, ...]]:
        """Every row, as a tuple."""
        return map(tuple, self.array().tolist())

    def flush(self) -> None:
        """Move the list's rows into a block."""
        if self.latest:
            latest = self.latest
            block = np.fromiter(latest, dtype=float, count=len(latest)).reshape(-1, self.width)
            self._blocks.append(block)
            self._rows += len(block)
            self.latest.clear()

    def array(self) -> np.ndarray:
        """Every row, (row, ``width``), made once for each length (reductions read it often)."""
        if self._array is None or len(self._array) != len(self):
            self.flush()
            blocks = self._blocks
            if len(blocks) > 1:
                self._blocks = blocks = [np.concatenate(blocks)]
            self._array = blocks[0] if blocks else np.zeros((0, self.width))
        return self._array


class Log:
    """Append-only records of one replication."""

    def __init__(self) -> None:
        self.transitions = Records(4)  # time, child, from, to
        self.counts = Records(4)  # time, measure, route id, n
        self.routes: dict[str, int] = {}  # route name -> id in ``counts``
        self.waiting = Records(3)  # time, programme, change in the list's length
        self.capacity = Records(3)  # time, in-house pool, places
        self.occupancy = Records(3)  # time, home, +1/-1
        self.granted: list[int] = []  # children entering by the grant's stream
        self.positions = Records(2)  # child, cost position
        self._counting = self.counts.latest

    def rows(self) -> list[Transition]:
        """The transitions as records."""
        return [
            Transition(time, int(child), int(old), int(new))
            for time, child, old, new in self.transitions
        ]

    def count(self, time: float, measure: str, route: str, n: int = 1) -> None:
        """Count ``n`` of ``measure`` by ``route`` now; once ``BLOCK`` counts wait in the list,
        move them and the transitions (logged at about the same rate) into blocks."""
        routes = self.routes
        route_id = routes.get(route)
        if route_id is None:
            route_id = routes[route] = len(routes)
        counting = self._counting
        counting.extend((time, COUNTED_INDEX[measure], route_id, n))
        if len(counting) >= BLOCK * 4:
            self.transitions.flush()
            self.counts.flush()

    def counted(self, measure: str) -> list[tuple[float, str, int]]:
        """(time, route, n) of each count of ``measure``."""
        names = list(self.routes)
        return [
            (time, names[int(route)], int(n))
            for time, index, route, n in self.counts
            if index == COUNTED_INDEX[measure]
        ]
