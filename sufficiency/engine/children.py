"""A child's life in care: direct entries, time to exit, turning 16 and 18."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..pathway import (
    AGE_BAND_BOUNDS,
    DAYS_PER_YEAR,
    EXIT_STATE,
    MONTH,
    ExitRoute,
    Programme,
    State,
    age_band,
)
from ..records import ALL_ROUTES, Measure, MoveKind
from ..timeline import EntryLive
from .adoption import drawn_mean
from .arrivals import Arrivals, mean_wait_for
from .placements import transfer
from .streams import Shares

if TYPE_CHECKING:
    from .model import Child, Model

U_AGE, U_NEED, U_PLACE, U_EXIT, U_ROUTE, U_MOVE16, U_OUTCOME, U_REENTRY, U_MOVES = range(9)
MOVE_DRAWS = 9
DRAWS = U_MOVES + MOVE_DRAWS
"""Uniform draws fixed at each child's creation: [age, need, placement, exit time, exit route,
move at 16, counterfactual or outcome, re-entry time], then draws for the child's placement
moves, used in turn (so the same child moves alike in every scenario)."""
EXITS = {route: (EXIT_STATE[route], route.value) for route in ExitRoute}
"""Each exit route's state and name."""
AGE_18 = 18 * DAYS_PER_YEAR
AGE_16 = 16 * DAYS_PER_YEAR
PERMANENCE = ExitRoute.PERMANENCE.value
STAYS_AT_16 = (State.SUPPORTED_ACCOMMODATION, State.PLACED_WITH_PARENTS, State.PLACED_FOR_ADOPTION)
"""Placements a child does not leave for supported accommodation at 16."""


def weibull_scale(mean_days: float, shape: float) -> float:
    return mean_days / math.gamma(1.0 + 1.0 / shape)


class ExitLaw:
    """Competing exits by age band at entry: Weibull time to exit, then a route; a share of
    the permanence exits are adoptions, after a time placed for adoption."""

    def __init__(self, exits) -> None:
        self.shape = exits.shape.value
        self.scale = {
            band: weibull_scale(months * MONTH, self.shape)
            for band, months in exits.mean_months_by_band.value.items()
        }
        self.routes = {
            band: Shares(shares, lambda key: EXITS[ExitRoute(key)])
            for band, shares in exits.route_shares_by_band.value.items()
        }
        self.permanence = {
            band: permanence_span(shares)
            for band, shares in exits.route_shares_by_band.value.items()
        }
        adoption = exits.adoption
        self.adopted = adoption.share_of_permanence_by_band.value
        self.days_placed = adoption.months_placed.value * MONTH
        self.drawn_placed = {
            band: drawn_mean(self.days_placed, self.scale[band], self.shape)
            for band, share in self.adopted.items()
            if share > 0
        }
        """Each band's mean of the time drawn before the exit (``engine.adoption``)."""

    def remaining(self, band: str, u: float, elapsed: float = 0.0) -> float:
        """Days left to a chosen exit, given ``elapsed`` days already in care."""
        scale, shape = self.scale[band], self.shape
        hazard_so_far = (elapsed / scale) ** shape
        return scale * (hazard_so_far - math.log(1.0 - u)) ** (1.0 / shape) - elapsed

    def plan(
        self, band: str, u_exit: float, u_route: float, elapsed: float, to_18: float
    ) -> tuple[float, tuple[State, str], float | None]:
        """For a child ``elapsed`` days in care, ``to_18`` days short of 18: days to its exit,
        the exit, and days to its move to its adopters if it is adopted (negative if that move
        came before now; a new entrant then moves in on entry), else None."""
        left = self.remaining(band, u_exit, elapsed)
        if to_18 <= left:
            return to_18, EXITS[ExitRoute.TURNED_18], None
        route = self.route(band, u_route)
        u = self.adoption(band, u_route) if route[1] == PERMANENCE else None
        return left, route, None if u is None else left - self.before_exit(band, u)

    def survival(self, band: str, days: float) -> float:
        return math.exp(-((days / self.scale[band]) ** self.shape))

    def route(self, band: str, u: float) -> tuple[State, str]:
        """The exit state and route name drawn for a child who entered in ``band``."""
        return self.routes[band].pick(u)

    def adoption(self, band: str, u: float) -> float | None:
        """For a route draw ``u`` that chose permanence: if the exit is an adoption, a uniform
        for the time placed for adoption (the draw's place within the adoptions' part of the
        permanence span, so no further draw), else None."""
        low, width = self.permanence[band]
        share = self.adopted[band]
        v = (u - low) / width
        return v / share if v < share else None

    def placed(self, u: float) -> float:
        """Days left placed for adoption for a child placed now: exponential about the mean."""
        return -self.days_placed * math.log(1.0 - u)

    def before_exit(self, band: str, u: float) -> float:
        """Days before its exit an adopted child who entered in ``band`` moves in with its
        adopters (on entry if its exit is sooner)."""
        return -self.drawn_placed[band] * math.log(1.0 - u)


def permanence_span(shares: dict[str, float]) -> tuple[float, float]:
    """Where the permanence route lies among the route draws: its lower bound and width (the
    routes are drawn in the order of ``shares``)."""
    low = 0.0
    for route, share in shares.items():
        if route == ExitRoute.PERMANENCE.value:
            return low, share
        low += share
    return low, 0.0


def start_care(model: Model, child: Child, elapsed: float = 0.0) -> None:
    """Schedule a child's way out of care (and a possible move at 16) from now."""
    now = model.env.now
    draws = child.draws
    band = age_band(now - child.birth - elapsed)
    turns_18 = child.birth + AGE_18
    left, route, moves_in = model.exit_law.plan(
        band, draws[U_EXIT], draws[U_ROUTE], elapsed, turns_18 - now
    )
    exit_at = now + left
    generation = child.generation
    if moves_in is not None:
        model.env.call(max(moves_in, 0.0), to_adopters, model, child, generation)
    child.exit_at = exit_at
    turns_16 = child.birth + AGE_16
    if now < turns_16 < exit_at and draws[U_MOVE16] < model.supported_16_peak:
        model.env.call(turns_16 - now, turn_16, model, child, generation)
    model.env.call(exit_at - now, leave, model, child, generation, route)


def start_placed_for_adoption(model: Model, child: Child) -> None:
    """Schedule the adoption of a child already placed for adoption: the time left is drawn
    from the time placed (exponential, so the time left has the same law)."""
    child.exit_at = model.env.now + model.exit_law.placed(child.draws[U_EXIT])
    route = EXITS[ExitRoute.PERMANENCE]
    model.env.call(child.exit_at - model.env.now, leave, model, child, child.generation, route)


def to_adopters(model: Model, child: Child, generation: int) -> None:
    """The child moves in with its prospective adopters (placed for adoption) until its
    adoption order, its exit already scheduled, unless it left care first."""
    if child.generation == generation:
        transfer(model, child, State.PLACED_FOR_ADOPTION)
        model.log.count(model.env.now, Measure.MOVES, MoveKind.TO_ADOPTERS)


def leave(model: Model, child: Child, generation: int, route: tuple[State, str]) -> None:
    """The child's exit comes due, unless something else took the child out of care first."""
    if child.generation == generation:
        model.leave_care(child, *route)


def turn_16(model: Model, child: Child, generation: int) -> None:
    """At 16 some children move on to supported accommodation."""
    if child.generation != generation:
        return
    if (
        child.draws[U_MOVE16] < model.live["matching"].supported_at_16
        and child.state not in STAYS_AT_16
        and model.relocate(child, State.SUPPORTED_ACCOMMODATION)
    ):
        model.log.count(model.env.now, Measure.MOVES_TO_SUPPORTED, ALL_ROUTES)
        model.log.count(model.env.now, Measure.MOVES, MoveKind.AT_16)


def age_in_band(band: str, u: float) -> float:
    """An age in days, uniform within the band."""
    low, high = AGE_BAND_BOUNDS[band]
    return (low + u * (high - low)) * DAYS_PER_YEAR


class DirectEntries:
    """Children entering care directly (not through a programme), as a Poisson stream."""

    def __init__(
        self, model: Model, name: str, age_shares: Shares, need_shares: dict[str, Shares]
    ) -> None:
        self.model = model
        self.name = name
        self.live: EntryLive = model.live[f"entries.{name}"]
        self.stream = model.streams[f"entries.{name}"]
        self.age_shares = age_shares
        self.need_shares = need_shares

    def mean_wait(self) -> float | None:
        return mean_wait_for(self.live.rate_per_month)

    def arrive(self, _mark: float) -> None:
        """A child comes into care now, unless its family is offered Family Decision Making
        first (``offered_fdm_per_month`` of the stream's children a month, all of them if the
        stream brings fewer; decided by the child's own draw, so the same child in every
        scenario)."""
        model, stream = self.model, self.stream
        draws = stream.us(DRAWS)
        band = self.age_shares.pick(draws[U_AGE])
        age = age_in_band(band, stream.u())
        need = self.need_shares[band].pick(draws[U_NEED])
        live = self.live
        if draws[U_OUTCOME] * live.rate_per_month < live.offered_fdm_per_month:
            fdm = model.programmes[Programme.FDM]
            fdm.offer((model.new_id(), model.env.now - age, need, draws))
            return
        child = model.new_child(model.env.now - age, need, draws)
        model.enter_care(child, self.name, draws[U_PLACE])


def start(model: Model) -> list[DirectEntries]:
    """Start the direct entry streams."""
    actors = []
    for entry in model.params.entries:
        actor = DirectEntries(
            model,
            entry.name,
            Shares(entry.age_band_shares.value),
            {band: Shares(shares) for band, shares in entry.need_shares.value.items()},
        )
        Arrivals(model, actor.stream, actor.mean_wait, actor.arrive)
        actors.append(actor)
    return actors
