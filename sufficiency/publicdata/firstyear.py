"""The children expected in care a year on, as the engine runs a baseline: today's children
(ages uniform within their band, time already in care drawn from the stationary law of their
band at entry, as ``engine.population`` draws it), each leaving by a Weibull time conditional
on the time already spent, or at 18; those placed for adoption leaving at the adoption rate;
and the year's entrants, some of whom leave within the year. Worked out on a monthly grid, so
that the level of time in care can be searched for without running the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, gamma

import numpy as np

from ..pathway import AGE_BAND_BOUNDS, AGE_BANDS
from .durations import search

STEPS = 12
"""Grid points a year, for age and time already in care."""
ADULT = 18 * STEPS


@dataclass(frozen=True)
class Start:
    """What the first year depends on besides the time in care: today's children and their
    age mix, the share placed for adoption and their mean months left, and the year's entrants
    by age band at entry."""

    stock: float
    ages: dict[str, float]
    placed_for_adoption: float
    months_placed: float
    entrants: dict[str, float]


def grid(band: str) -> np.ndarray:
    """Ages in months at the middle of each month of ``band``."""
    low, high = AGE_BAND_BOUNDS[band]
    return (np.arange(low * STEPS, high * STEPS) + 0.5) * 12 / STEPS


def survival(days: np.ndarray, scale: np.ndarray, shape: float) -> np.ndarray:
    return np.exp(-((np.maximum(days, 0.0) / scale) ** shape))


def scales(means: dict[str, float], shape: float) -> np.ndarray:
    """Each band's Weibull scale (months) by month of age at entry, 0 to 18."""
    out = np.empty(ADULT)
    for band in AGE_BANDS:
        low, high = AGE_BAND_BOUNDS[band]
        out[low * STEPS : high * STEPS] = means[band] / gamma(1.0 + 1.0 / shape)
    return out


def leaving_today(ages: np.ndarray, scale: np.ndarray, shape: float) -> np.ndarray:
    """For children of ``ages`` (months) in care today, the chance each leaves within the year."""
    elapsed = (np.arange(ADULT) + 0.5) * 12 / STEPS
    entry = ages[:, None] - elapsed[None, :]
    possible = entry >= 0
    at_entry = scale[np.clip((entry * STEPS / 12).astype(int), 0, ADULT - 1)]
    weight = np.where(possible, survival(elapsed[None, :], at_entry, shape), 0.0)
    stays = survival(elapsed[None, :] + 12, at_entry, shape) / np.maximum(
        survival(elapsed[None, :], at_entry, shape), 1e-300
    )
    chance = 1.0 - (weight * stays).sum(axis=1) / weight.sum(axis=1)
    return np.where(ages + 12 >= 18 * 12, 1.0, chance)


def leaving_entrants(band: str, scale: np.ndarray, shape: float) -> float:
    """The chance an entrant in ``band`` (age uniform in it, entering at a uniform time in the
    year) leaves before the year ends."""
    ages = grid(band)
    left = (np.arange(STEPS) + 0.5) * 12 / STEPS
    at_entry = scale[(ages * STEPS / 12).astype(int)]
    stays = survival(left[None, :], at_entry[:, None], shape)
    leaves = np.where(ages[:, None] + left[None, :] >= 18 * 12, 1.0, 1.0 - stays)
    return float(leaves.mean())


def expected_stock(start: Start, means: dict[str, float], shape: float) -> float:
    """Children expected in care a year on with mean months ``means`` by band at entry."""
    scale = scales(means, shape)
    kept = start.placed_for_adoption * exp(-12.0 / start.months_placed)
    others = start.stock - start.placed_for_adoption
    for band, share in start.ages.items():
        kept += others * share * float(1.0 - leaving_today(grid(band), scale, shape).mean())
    for band, count in start.entrants.items():
        kept += count * (1.0 - leaving_entrants(band, scale, shape))
    return kept


def fit_first_year(
    profile: dict[str, float], shape: float, start: Start, target: float
) -> tuple[float, bool]:
    """The multiplier on ``profile`` at which ``target`` children are expected in care a year
    on, and whether it was found (else the nearest limit of the search)."""

    def gap(multiplier: float) -> float:
        means = {band: months * multiplier for band, months in profile.items()}
        return expected_stock(start, means, shape) - target

    return search(gap)


def entrants_staying(start: Start, means: dict[str, float], shape: float) -> float:
    """The share of the year's entrants still in care at its end: how much an entrant more or
    less changes the children expected in care a year on."""
    scale = scales(means, shape)
    total = sum(start.entrants.values())
    left = sum(
        count * leaving_entrants(band, scale, shape) for band, count in start.entrants.items()
    )
    return 1.0 - left / total if total > 0 else 1.0
