"""In-house capacity over time: foster-carer households and children's homes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR, State
from .placements import MONTH

if TYPE_CHECKING:
    from .model import Model


class Carers:
    """Foster-carer households joining and leaving; their places feed the in-house pool."""

    def __init__(self, model: "Model") -> None:
        self.model = model
        self.households = model.params.foster_carers.households.value
        self.stream = model.streams["carers"]
        self.pool = model.pools[State.FOSTER_INHOUSE]
        model.on_change("foster_carers.places_per_household", lambda *_: self.update())
        self.update()

    def places(self) -> int:
        per_household = self.model.live["foster_carers.places_per_household"]
        return int(math.floor(self.households * per_household + 1e-9))

    def update(self) -> None:
        self.pool.resize(self.places())
        self.model.record_capacity()

    def run(self):
        """Recruitment and attrition as competing Poisson clocks, re-drawn at least monthly."""
        env, live = self.model.env, self.model.live
        while True:
            recruit = live["foster_carers.recruitment_per_year"] / DAYS_PER_YEAR
            leave = live["foster_carers.attrition_per_year"] * self.households / DAYS_PER_YEAR
            total = recruit + leave
            wait = self.stream.exp(1.0 / total) if total > 0 else math.inf
            u = self.stream.u()
            if wait > MONTH:
                yield env.timeout(MONTH)
                continue
            yield env.timeout(wait)
            self.households += 1 if u * total < recruit else -1
            self.update()


def change_beds(model: "Model", day: float, delta: int):
    """A home opening (more beds) or closing (fewer) on its date."""
    yield model.env.timeout(day - model.env.now)
    pool = model.pools[State.HOME_INHOUSE]
    pool.resize(pool.places + delta)
    model.record_capacity()


def start(model: "Model") -> None:
    """Open the homes open today (before today's children are placed); schedule the rest."""
    pool = model.pools[State.HOME_INHOUSE]
    for spec in model.params.homes:
        opens = model.day(spec.opens)
        closes = model.day(spec.closes) if spec.closes is not None else math.inf
        if opens <= 0 < closes:
            pool.resize(pool.places + spec.beds.value)
        if opens > 0:
            model.env.process(change_beds(model, opens, spec.beds.value))
        if 0 < closes < math.inf:
            model.env.process(change_beds(model, closes, -spec.beds.value))
    carers = Carers(model)
    model.env.process(carers.run())
