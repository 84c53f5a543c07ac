"""Today's children in care: who they are, where they live and how long they have been in care.

Drawn together as arrays (one replication's whole population at once), then placed one by one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..pathway import AGE_BAND_BOUNDS, AGE_BANDS, DAYS_PER_YEAR, PLACEMENTS
from .children import DRAWS, U_AGE, U_NEED, ExitLaw, age_in_band, start_care
from .placements import seat
from .streams import Shares

if TYPE_CHECKING:
    from .model import Model

BAND_STARTS = np.array([AGE_BAND_BOUNDS[band][0] for band in AGE_BANDS[1:]]) * DAYS_PER_YEAR
"""Age in days at which each band after the first begins (for ``np.searchsorted``)."""

MAX_ROUNDS = 1000


def initial_population(model: Model) -> None:
    """Place today's children, with time already in care drawn from the stationary law."""
    pop = model.params.population
    rng = model.streams["initial"].rng
    placements = [
        p
        for p, n in zip(PLACEMENTS, allocate(pop.total.value, pop.placement_shares.value))
        for _ in range(n)
    ]
    draws = rng.random((len(placements), DRAWS))
    bands = pick_many(Shares(pop.age_band_shares.value), draws[:, U_AGE])
    needs = pick_many(Shares(pop.need_shares.value), draws[:, U_NEED])
    ages = ages_in_bands(bands, rng.random(len(placements)))
    elapsed = elapsed_in_care(model.exit_law, ages, rng)
    for placement, row, need, age, already in zip(
        placements, draws.tolist(), needs, ages.tolist(), elapsed.tolist()
    ):
        child = model.new_child(-age, need, row)
        child.entered = -already
        model.move(child, seat(model, placement, child))
        start_care(model, child, already)


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
