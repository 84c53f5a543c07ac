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


def scales(means: dict[str, float], shape: float) -> np.ndarray:
    """Each band's Weibull scale (months) by month of age at entry, 0 to 18."""
    out = np.empty(ADULT)
    for band in AGE_BANDS:
        low, high = AGE_BAND_BOUNDS[band]
        out[low * STEPS : high * STEPS] = means[band] / gamma(1.0 + 1.0 / shape)
    return out


class FirstYear:
    """The first year of a run for mean months ``means`` times a multiplier: each survival is
    exp(-(t / scale)^shape), so the powers are worked out once and the multiplier scales them."""

    def __init__(self, start: Start, means: dict[str, float], shape: float) -> None:
        self.start, self.shape = start, shape
        scale = scales(means, shape)
        others = start.stock - start.placed_for_adoption
        elapsed = (np.arange(ADULT) + 0.5) * 12 / STEPS
        self.today = []
        for band, share in start.ages.items():
            ages = grid(band)
            entry = ages[:, None] - elapsed[None, :]
            at_entry = scale[np.clip((entry * STEPS / 12).astype(int), 0, ADULT - 1)]
            possible = entry >= 0
            now = np.where(possible, (elapsed[None, :] / at_entry) ** shape, np.inf)
            later = np.where(possible, ((elapsed[None, :] + 12) / at_entry) ** shape, np.inf)
            self.today.append((others * share, now, later, ages + 12 >= 18 * 12))
        left = (np.arange(STEPS) + 0.5) * 12 / STEPS
        self.entrants = []
        for band, count in start.entrants.items():
            ages = grid(band)
            at_entry = scale[(ages * STEPS / 12).astype(int)]
            powers = (left[None, :] / at_entry[:, None]) ** shape
            self.entrants.append((count, powers, ages[:, None] + left[None, :] >= 18 * 12))

    def staying(self, multiplier: float = 1.0) -> float:
        """Children of today's still in care a year on."""
        factor = multiplier**-self.shape
        kept = self.start.placed_for_adoption * exp(-12.0 / self.start.months_placed)
        for count, now, later, adult in self.today:
            stay = np.exp(-later * factor).sum(axis=1) / np.exp(-now * factor).sum(axis=1)
            kept += count * float(np.where(adult, 0.0, stay).mean())
        return kept

    def entrants_staying(self, multiplier: float = 1.0) -> float:
        """The year's entrants still in care at its end."""
        factor = multiplier**-self.shape
        return sum(
            count * float(np.where(adult, 0.0, np.exp(-powers * factor)).mean())
            for count, powers, adult in self.entrants
        )

    def stock(self, multiplier: float = 1.0) -> float:
        """Children expected in care a year on."""
        return self.staying(multiplier) + self.entrants_staying(multiplier)


def expected_stock(start: Start, means: dict[str, float], shape: float) -> float:
    """Children expected in care a year on with mean months ``means`` by band at entry."""
    return FirstYear(start, means, shape).stock()


def fit_first_year(
    profile: dict[str, float], shape: float, start: Start, target: float
) -> tuple[float, bool]:
    """The multiplier on ``profile`` at which ``target`` children are expected in care a year
    on, and whether it was found (else the nearest limit of the search)."""
    year = FirstYear(start, profile, shape)
    return search(lambda multiplier: year.stock(multiplier) - target)


def entrants_staying(start: Start, means: dict[str, float], shape: float) -> float:
    """The share of the year's entrants still in care at its end: how much an entrant more or
    less changes the children expected in care a year on."""
    total = sum(start.entrants.values())
    return FirstYear(start, means, shape).entrants_staying() / total if total > 0 else 1.0
