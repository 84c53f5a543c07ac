"""What the engine records: one Transition per change of state, and counted events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Transition(NamedTuple):
    """A child moved from one state to another (``from_state`` -1 on first entry)."""

    time: float
    child: int
    from_state: int
    to_state: int


MEASURES: tuple[str, ...] = (
    "entries",
    "exits",
    "programme_starts",
    "programme_completions",
    "turned_away",
)
"""Counted flows reported in flows.csv (children)."""

ACTIVITY: tuple[str, ...] = (
    "families_started",
    "placed_externally",
    "step_downs",
    "moves_to_supported",
    "reunification_starts",
    "reunification_returns",
    "reunification_breakdowns",
    "reentries_after_programme",
)
"""Further counted events reported in activity.csv."""

COUNTED: tuple[str, ...] = MEASURES + ACTIVITY
COUNTED_INDEX = {m: i for i, m in enumerate(COUNTED)}

EXIT_ROUTES: tuple[str, ...] = ("reunified", "permanence", "turned_18", "other")
PLACE_ROUTES: tuple[str, ...] = ("foster_inhouse", "home_inhouse")


@dataclass
class Log:
    """Append-only records of one replication."""

    # Flat lists (list.extend of a tuple is far quicker than array.array's): read as arrays.
    transitions: list[float] = field(default_factory=list)  # time, child, from, to
    counts: list[float] = field(default_factory=list)  # time, measure, route id, n
    routes: dict[str, int] = field(default_factory=dict)  # route name -> id in ``counts``
    waiting: list[tuple[float, int, int]] = field(default_factory=list)
    capacity: list[tuple[float, int, int]] = field(default_factory=list)

    def rows(self) -> list[Transition]:
        """The transitions as records."""
        flat = self.transitions
        return [Transition(flat[i], int(flat[i + 1]), int(flat[i + 2]), int(flat[i + 3]))
                for i in range(0, len(flat), 4)]

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
        return [(flat[i], names[int(flat[i + 2])], int(flat[i + 3]))
                for i in range(0, len(flat), 4) if flat[i + 1] == index]
