"""The in-house children's homes: each home's beds, the ages it takes, and who is in it.

The homes act as one capacity pool (the interface of ``placements.Places``) for the matcher, so
a child is placed in-house when some open home has a free bed that suits the child's age, and
externally otherwise. Each take and release is logged per home for occupancy and home costs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR
from .placements import Places

if TYPE_CHECKING:
    from ..parameters import Home
    from .model import Child, Model


class HomeBeds(Places):
    """One home's beds and the ages (whole years, inclusive) it takes."""

    def __init__(self, index: int, spec: Home) -> None:
        super().__init__(0)
        self.index = index
        ages = spec.ages.value if spec.ages is not None else None
        self.low = ages.low * DAYS_PER_YEAR if ages is not None else 0.0
        self.high = (ages.high + 1) * DAYS_PER_YEAR if ages is not None else float("inf")

    def takes(self, age: float | None) -> bool:
        """A bed is free for a child of ``age`` days (for any child, with None)."""
        return self.free >= 1 and (age is None or self.low <= age < self.high)


class Homes(Places):
    """Every in-house home, as one pool: a child takes a bed in the first listed home with a
    free bed for its age; ``held`` remembers which, so the bed is given back there. Beds change
    home by home (``resize_home``), never for the pool as a whole."""

    def __init__(self, model: Model) -> None:
        super().__init__(0)
        self.model = model
        self.homes = [HomeBeds(i, spec) for i, spec in enumerate(model.params.homes)]
        self.held: dict[int, HomeBeds] = {}

    def _sync(self) -> None:
        """The pool's totals, as the homes' sums."""
        homes = self.homes
        self.capacity = sum(home.capacity for home in homes)
        self.pending = sum(home.pending for home in homes)
        self._free = sum(home.free for home in homes)

    def _suited(self, child: Child | None) -> HomeBeds | None:
        age = child.age(self.model.env.now) if child is not None else None
        return next((home for home in self.homes if home.takes(age)), None)

    def has_free(self, child: Child | None = None) -> bool:
        """A bed is free now (for ``child``'s age, when given)."""
        return self._suited(child) is not None

    def take(self, child: Child | None = None) -> None:
        """Take a free bed for ``child`` (call only when ``has_free(child)``)."""
        home = self._suited(child)
        assert home is not None and child is not None, "a bed taken for a child that fits"
        home.take()
        self.held[child.id] = home
        self._sync()
        self._log(home, 1)

    def release(self, child: Child | None = None) -> None:
        """Give back the bed ``child`` held."""
        assert child is not None, "a bed is given back by the child who held it"
        home = self.held.pop(child.id)
        home.release()
        self._sync()
        self._log(home, -1)

    def resize_home(self, index: int, delta: int) -> None:
        """A home opens (more beds) or closes (fewer)."""
        home = self.homes[index]
        home.resize(home.places + delta)
        self._sync()

    def _log(self, home: HomeBeds, change: int) -> None:
        self.model.log.occupancy.append((self.model.env.now, home.index, change))
