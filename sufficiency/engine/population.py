"""Today's children in care: who they are, where they live and how long they have been in care.

Drawn together as arrays (one replication's whole population at once), then placed one by one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..pathway import (
    AGE_BAND_BOUNDS,
    AGE_BANDS,
    DAYS_PER_YEAR,
    MONTH,
    PLACEMENTS,
    State,
    age_band,
)
from .children import (
    AGE_18,
    DRAWS,
    U_AGE,
    U_EXIT,
    U_NEED,
    U_ROUTE,
    ExitLaw,
    age_in_band,
    start_care,
    start_placed_for_adoption,
)
from .placements import seat
from .streams import Shares

if TYPE_CHECKING:
    from ..parameters import Population, PopulationCell
    from .model import Model

BAND_STARTS = np.array([AGE_BAND_BOUNDS[band][0] for band in AGE_BANDS[1:]]) * DAYS_PER_YEAR
"""Age in days at which each band after the first begins (for ``np.searchsorted``)."""

MAX_ROUNDS = 1000


def initial_population(model: Model) -> None:
    """Place today's children: from the recorded cells if the parameter set has them, else
    from the shares with time already in care drawn from the stationary law."""
    pop = model.params.population
    rng = model.streams["initial"].rng
    if pop.cells is None:
        placements, draws, ages, elapsed = stationary(pop, model.exit_law, rng)
    else:
        placements, draws, ages, elapsed = recorded(pop.cells.value, rng)
    if State.PLACED_FOR_ADOPTION in placements:
        not_yet_placed(model.exit_law, placements, draws, ages - elapsed, elapsed, rng)
    needs = pick_many(Shares(pop.need_shares.value), draws[:, U_NEED])
    for placement, row, need, age, already in zip(
        placements, draws.tolist(), needs, ages.tolist(), elapsed.tolist()
    ):
        child = model.new_child(-age, need, row)
        child.entered = -already
        model.move(child, seat(model, child, placement))
        if placement is State.PLACED_FOR_ADOPTION:
            start_placed_for_adoption(model, child)
            continue
        start_care(model, child, already)
        model.moves.placed(child, unplanned=False)


Drawn = tuple[list[State], np.ndarray, np.ndarray, np.ndarray]
"""Each child's placement, fixed uniforms, age in days and days already in care."""


def stationary(pop: Population, law: ExitLaw, rng: np.random.Generator) -> Drawn:
    """Children from the shares; time already in care from the stationary law."""
    placements = [
        p
        for p, n in zip(PLACEMENTS, allocate(pop.total.value, pop.placement_shares.value))
        for _ in range(n)
    ]
    draws = rng.random((len(placements), DRAWS))
    bands = pick_many(Shares(pop.age_band_shares.value), draws[:, U_AGE])
    if State.PLACED_FOR_ADOPTION in placements:
        adopted = adoption_bands(pop.age_band_shares.value, law.adopted)
        for i, placement in enumerate(placements):
            if placement is State.PLACED_FOR_ADOPTION:
                bands[i] = adopted.pick(draws[i, U_AGE])
    ages = ages_in_bands(bands, rng.random(len(placements)))
    return placements, draws, ages, elapsed_in_care(law, ages, rng)


def adoption_bands(shares: dict[str, float], adopted: dict[str, float]) -> Shares:
    """Age bands for children placed for adoption: the population's, among the bands whose
    entrants are ever adopted."""
    return Shares({band: share if adopted[band] > 0 else 0.0 for band, share in shares.items()})


def recorded(cells: list[PopulationCell], rng: np.random.Generator) -> Drawn:
    """Children from recorded cells: type and band evenly among the cell's, time already in
    care uniform in its span (below the band's upper age), age uniform above that time."""
    members = [cell for cell in cells for _ in range(cell.count)]
    draws = rng.random((len(members), DRAWS))
    u = rng.random((len(members), 4)).tolist()
    placements, ages, elapsed = [], [], []
    for cell, (u_type, u_band, u_time, u_age) in zip(members, u):
        placements.append(State(cell.placements[int(u_type * len(cell.placements))]))
        low, high = AGE_BAND_BOUNDS[cell.age_bands[int(u_band * len(cell.age_bands))]]
        low_days, high_days = low * DAYS_PER_YEAR, high * DAYS_PER_YEAR - 1.0
        first, last = (min(m * MONTH, high_days) for m in cell.months_in_care)
        already = first + u_time * (last - first)
        youngest = max(low_days, already)
        elapsed.append(already)
        ages.append(youngest + u_age * (high_days - youngest))
    return placements, draws, np.array(ages), np.array(elapsed)


def not_yet_placed(
    law: ExitLaw,
    placements: list[State],
    draws: np.ndarray,
    entry_ages: np.ndarray,
    elapsed: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Redraw the exit of each child already in care and not placed for adoption whose drawn
    adoption would have placed it with its adopters by now: the population's own children
    placed for adoption stand for those, so the rest take the exit law given that they are not
    (otherwise both would leave by adoption, an excess of permanence exits in the first year).
    Only for a population that holds children placed for adoption (recorded cells from SSDA903
    returns count them among other placements, so there the law is left whole)."""
    for i, placement in enumerate(placements):
        if placement is State.PLACED_FOR_ADOPTION or not elapsed[i]:
            continue
        band = age_band(entry_ages[i])
        to_18 = AGE_18 - entry_ages[i] - elapsed[i]
        for _ in range(MAX_ROUNDS):
            moves_in = law.plan(band, draws[i, U_EXIT], draws[i, U_ROUTE], elapsed[i], to_18)[2]
            if moves_in is None or moves_in > 0:
                break
            draws[i, U_EXIT], draws[i, U_ROUTE] = rng.random(2)


def pick_many(shares: Shares, u: np.ndarray) -> list:
    """``shares.pick`` for each of ``u``."""
    index = np.searchsorted(shares.cumulative, u, side="right")
    return [shares.keys[i] for i in index.tolist()]


def ages_in_bands(bands: list[str], u: np.ndarray) -> np.ndarray:
    """Ages in days, uniform within each child's band."""
    return np.array([age_in_band(band, x) for band, x in zip(bands, u.tolist())])


def elapsed_in_care(law: ExitLaw, ages: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days already in care for children of ``ages``: for each, density proportional to the
    survival of its band at entry, on [0, age] (rejection sampling, all children at once)."""
    scales = np.array([law.scale[band] for band in AGE_BANDS])
    elapsed = np.zeros(len(ages))
    pending = np.arange(len(ages))
    for _ in range(MAX_ROUNDS):
        if not pending.size:
            break
        age = ages[pending]
        a = rng.random(pending.size) * age
        scale = scales[np.searchsorted(BAND_STARTS, age - a, side="right")]
        accept = rng.random(pending.size) < np.exp(-((a / scale) ** law.shape))
        elapsed[pending[accept]] = a[accept]
        pending = pending[~accept]
    return elapsed


def allocate(total: int, shares: dict[str, float]) -> list[int]:
    """Whole counts per placement type summing to ``total`` (largest remainder)."""
    raw = [total * shares[p.value] for p in PLACEMENTS]
    counts = [int(math.floor(x)) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
