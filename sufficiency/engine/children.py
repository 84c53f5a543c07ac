"""A child's life in care: today's population, direct entries, time to exit, turning 16 and 18."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..pathway import (
    AGE_BAND_BOUNDS,
    DAYS_PER_YEAR,
    EXIT_STATE,
    PLACEMENTS,
    ExitRoute,
    State,
    age_band,
)
from .placements import MONTH, seat

if TYPE_CHECKING:
    from .model import Child, Model

DRAWS = 8
"""Uniform draws fixed at each child's creation: [age, need, placement, exit time, exit route,
move at 16, counterfactual or outcome, re-entry time]."""
U_AGE, U_NEED, U_PLACE, U_EXIT, U_ROUTE, U_MOVE16, U_OUTCOME, U_REENTRY = range(DRAWS)
AGE_18 = 18 * DAYS_PER_YEAR
AGE_16 = 16 * DAYS_PER_YEAR


def pick(shares: dict[str, float], u: float) -> str:
    """The key whose cumulative share first exceeds ``u``."""
    total = 0.0
    last = ""
    for key, share in shares.items():
        if share <= 0:
            continue
        total += share
        last = key
        if u < total:
            return key
    return last


def weibull_scale(mean_days: float, shape: float) -> float:
    return mean_days / math.gamma(1.0 + 1.0 / shape)


class ExitLaw:
    """Competing exits by age band at entry: Weibull time to exit, then a route."""

    def __init__(self, exits) -> None:
        self.shape = exits.shape.value
        self.scale = {band: weibull_scale(months * MONTH, self.shape)
                      for band, months in exits.mean_months_by_band.value.items()}
        self.routes = exits.route_shares_by_band.value

    def remaining(self, band: str, u: float, elapsed: float = 0.0) -> float:
        """Days left to a chosen exit, given ``elapsed`` days already in care."""
        scale, shape = self.scale[band], self.shape
        hazard_so_far = (elapsed / scale) ** shape
        return scale * (hazard_so_far - math.log(1.0 - u)) ** (1.0 / shape) - elapsed

    def survival(self, band: str, days: float) -> float:
        return math.exp(-((days / self.scale[band]) ** self.shape))

    def route(self, band: str, u: float) -> ExitRoute:
        return ExitRoute(pick(self.routes[band], u))


def at(model: "Model", delay: float, action) -> None:
    """Run ``action()`` after ``delay`` days: a simpy timeout with a callback."""
    model.env.timeout(max(0.0, delay)).callbacks.append(lambda _event: action())


def start_care(model: "Model", child: "Child", elapsed: float = 0.0) -> None:
    """Schedule a child's way out of care (and a possible move at 16) from now."""
    now = model.env.now
    law = model.exit_law
    band = age_band(child.age(now) - elapsed)
    exit_at = now + law.remaining(band, child.draws[U_EXIT], elapsed)
    route = law.route(band, child.draws[U_ROUTE])
    turns_18 = child.birth + AGE_18
    if turns_18 <= exit_at:
        exit_at, route = turns_18, ExitRoute.TURNED_18
    generation = child.generation
    turns_16 = child.birth + AGE_16
    if now < turns_16 < exit_at:
        at(model, turns_16 - now, lambda: turn_16(model, child, generation))
    at(model, exit_at - now, lambda: leave(model, child, generation, route))


def leave(model: "Model", child: "Child", generation: int, route: ExitRoute) -> None:
    """The child's exit comes due, unless something else took the child out of care first."""
    if child.generation == generation:
        model.leave_care(child, EXIT_STATE[route], route.value)


def turn_16(model: "Model", child: "Child", generation: int) -> None:
    """At 16 some children move on to supported accommodation."""
    if child.generation != generation:
        return
    if child.draws[U_MOVE16] < model.live["matching.supported_at_16"] and \
            child.state not in (State.SUPPORTED_ACCOMMODATION, State.PLACED_WITH_PARENTS):
        if model.relocate(child, State.SUPPORTED_ACCOMMODATION):
            model.log.count(model.env.now, "moves_to_supported", "all")


def child_draws(stream) -> list[float]:
    return stream.us(DRAWS)


def age_in_band(band: str, u: float) -> float:
    """An age in days, uniform within the band."""
    low, high = AGE_BAND_BOUNDS[band]
    return (low + u * (high - low)) * DAYS_PER_YEAR


def direct_entries(model: "Model", name: str, age_shares: dict, need_shares: dict):
    """A Poisson stream of children entering care directly."""
    env = model.env
    stream = model.streams[f"entries.{name}"]
    key = f"entries.{name}.rate_per_month"
    while True:
        rate = model.live[key]
        wait = stream.exp(MONTH / rate) if rate > 0 else math.inf
        if wait > MONTH:  # re-draw monthly: exact for a Poisson process, follows rate changes
            yield env.timeout(MONTH)
            continue
        yield env.timeout(wait)
        draws = child_draws(stream)
        band = pick(age_shares, draws[U_AGE])
        age = age_in_band(band, stream.u())
        need = pick(need_shares[band], draws[U_NEED])
        child = model.new_child(env.now - age, need, draws)
        model.enter_care(child, name, draws[U_PLACE])


def initial_population(model: "Model") -> None:
    """Today's children in care, with time already in care drawn from the stationary law."""
    pop = model.params.population
    stream = model.streams["initial"]
    counts = allocate(pop.total.value, pop.placement_shares.value)
    for placement, n in zip(PLACEMENTS, counts):
        for _ in range(n):
            draws = child_draws(stream)
            band = pick(pop.age_band_shares.value, draws[U_AGE])
            age = age_in_band(band, stream.u())
            need = pick(pop.need_shares.value, draws[U_NEED])
            child = model.new_child(-age, need, draws)
            elapsed = elapsed_in_care(model, age, stream)
            state = seat(model, placement)
            child.entered = -elapsed
            model.move(child, state)
            start_care(model, child, elapsed)


def elapsed_in_care(model: "Model", age: float, stream) -> float:
    """Days already in care: density proportional to survival, up to the child's age."""
    for _ in range(1000):
        a = stream.u() * age
        if stream.u() < model.exit_law.survival(age_band(age - a), a):
            return a
    return 0.0


def allocate(total: int, shares: dict[str, float]) -> list[int]:
    """Whole counts per placement type summing to ``total`` (largest remainder)."""
    raw = [total * shares[p.value] for p in PLACEMENTS]
    counts = [int(math.floor(x)) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def start(model: "Model") -> None:
    """Seed today's population and start the direct entry streams."""
    initial_population(model)
    for entry in model.params.entries:
        model.env.process(direct_entries(
            model, entry.name, entry.age_band_shares.value, entry.need_shares.value))

