"""In-house capacity over time: foster-carer households and children's homes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR, State
from ..timeline import CarersLive
from .arrivals import arrivals

if TYPE_CHECKING:
    from .model import Model


class Carers:
    """Foster-carer households joining and leaving; their places feed the in-house pool."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.live: CarersLive = model.live["foster_carers"]
        self.households = model.params.foster_carers.households.value
        self.stream = model.streams["carers"]
        self.pool = model.pools[State.FOSTER_INHOUSE]
        self.recruit = self.total = 0.0
        model.on_change("foster_carers.places_per_household", self.update)
        self.update()

    def places(self) -> int:
        return int(math.floor(self.households * self.live.places_per_household + 1e-9))

    def update(self) -> None:
        self.pool.resize(self.places())
        self.model.record_capacity()

    def mean_wait(self) -> float | None:
        """Mean days to the next household joining or leaving (competing Poisson clocks),
        noting the rates for ``turnover``."""
        self.recruit = self.live.recruitment_per_year / DAYS_PER_YEAR
        leave = self.live.attrition_per_year * self.households / DAYS_PER_YEAR
        self.total = self.recruit + leave
        return 1.0 / self.total if self.total > 0 else None

    def turnover(self, mark: float) -> None:
        """A household joins or leaves, by the rates noted when the wait began."""
        self.households += 1 if mark * self.total < self.recruit else -1
        self.update()


def change_beds(model: Model, day: float, index: int, delta: int):
    """A home opening (more beds) or closing (fewer) on its date."""
    yield model.env.timeout(day - model.env.now)
    model.homes.resize_home(index, delta)
    model.record_capacity()


def start(model: Model) -> Carers:
    """Open the homes open today (before today's children are placed); schedule the rest."""
    for index, spec in enumerate(model.params.homes):
        opens = model.day(spec.opens)
        closes = model.day(spec.closes) if spec.closes is not None else math.inf
        if opens <= 0 < closes:
            model.homes.resize_home(index, spec.beds.value)
        if opens > 0:
            model.env.process(change_beds(model, opens, index, spec.beds.value))
        if 0 < closes < math.inf:
            model.env.process(change_beds(model, closes, index, -spec.beds.value))
    carers = Carers(model)
    model.env.process(
        arrivals(model.env, carers.stream, carers.mean_wait, carers.turnover, marked=True)
    )
    return carers
