"""The in-house children's homes: each home's beds, the ages it takes, and who is in it.

The homes act as one capacity pool (the interface of ``placements.Places``) for the matcher, so
a child is placed in-house when some open home has a free bed that suits the child's age, and
externally otherwise. A bed a child leaves suits no one until it is matched again (an
exponential time, ``matching.home_match_months``, from the home's own stream): a home takes a
child only when the child suits its purpose and the children already there. Each take and
release is logged per home for occupancy and home costs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR, MONTH
from .placements import Places

if TYPE_CHECKING:
    from ..parameters import Home
    from .model import Child, Model


class HomeBeds(Places):
    """One home's beds and the ages (whole years, inclusive) it takes; it is the seat a child
    placed there holds, so giving the seat back frees the bed in this home."""

    def __init__(self, index: int, spec: Home, homes: Homes) -> None:
        super().__init__(0)
        self.index = index
        self.homes = homes
        self.stream = homes.model.streams[f"home_matching.{spec.name}"]
        """The home's own draws, so another home opening changes none of them."""
        ages = spec.ages.value if spec.ages is not None else None
        self.low = ages.low * DAYS_PER_YEAR if ages is not None else 0.0
        self.high = (ages.high + 1) * DAYS_PER_YEAR if ages is not None else float("inf")

    def takes(self, age: float | None) -> bool:
        """A bed is free for a child of ``age`` days (for any child, with None)."""
        return self.free >= 1 and (age is None or self.low <= age < self.high)

    def release(self) -> None:
        """The child placed here leaves its bed, which is matched again after a while."""
        homes = self.homes
        homes.changed(self, -1)
        if homes.match_days <= 0:
            self.matched()
            return
        homes.model.env.call(self.stream.exp(homes.match_days), self.matched)

    def matched(self) -> None:
        """The bed suits a child again (or closes, if the home is closing)."""
        super().release()
        self.homes.sync()


class Homes(Places):
    """Every in-house home, as one pool: a child is admitted to the first listed home with a
    free bed for its age, and holds that home as its seat. Beds change home by home
    (``resize_home``), never for the pool as a whole."""

    def __init__(self, model: Model) -> None:
        super().__init__(0)
        self.model = model
        months = model.params.matching.home_match_months
        self.match_days = months.value * MONTH if months is not None else 0.0
        self.homes = [HomeBeds(i, spec, self) for i, spec in enumerate(model.params.homes)]

    def sync(self) -> None:
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

    def admit(self, child: Child) -> HomeBeds | None:
        """Take a free bed that suits ``child``, if there is one: its home is the seat."""
        home = self._suited(child)
        if home is None:
            return None
        home.take()
        self.changed(home, 1)
        return home

    def changed(self, home: HomeBeds, change: int) -> None:
        """A bed in ``home`` was taken (+1) or given back (-1): totals and the occupancy log."""
        self.sync()
        self.model.log.occupancy.extend((self.model.env.now, home.index, change))

    def resize_home(self, index: int, delta: int) -> None:
        """A home opens (more beds) or closes (fewer)."""
        home = self.homes[index]
        home.resize(home.places + delta)
        self.sync()
