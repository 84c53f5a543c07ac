"""Time in care by age at entry from an authority's stocks and flows (a stock-flow method).

In a steady state, children entering at a given age at a given yearly rate, staying a Weibull
time (the model's law) cut at 18, give a stock at 31 March by age and children ceasing by age
(and at 18). The mean months by age band at entry are the ones whose stock by age and ceased
by age best match the published ones, averaged over the authority's years (Poisson deviance),
with a ridge pulling the bands' multipliers on Leicester's profile towards their common value
(the profile's shape unless the figures say otherwise). The curvature of the deviance gives
each band's 90% interval. Exit routes are not told apart: the tables do not cross reason
ceased with age or time in care.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gamma, log

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammainc

from ..pathway import AGE_BAND_BOUNDS, AGE_BANDS
from .counts import split
from .durations import LIMITS
from .tables import PublicData

STOCK_GROUPS = {
    "Under 1 year": (0, 5),
    "1 to 4 years": (0, 5),
    "5 to 9 years": (5, 10),
    "10 to 15 years": (10, 16),
    "16 years and over": (16, 18),
}
CEASED_GROUPS = {
    "Under 1 year": (0, 5),
    "1 to 4 years": (0, 5),
    "5 to 9 years": (5, 10),
    "10 to 15 years": (10, 16),
    "16 years": (16, 18),
    "17 years": (16, 18),
    "18 years and over": (18, 19),
}
RIDGE = 2.0
"""Weight of the pull of the bands' log multipliers towards their mean (assumption)."""
Z90 = 1.645
LONGEST = 240.0
"""Months a band's mean may reach: beyond 20 years the figures say only that children stay to
18."""


@dataclass(frozen=True)
class Observed:
    """Yearly averages: starts by age band at entry, stock by age group at 31 March, ceased
    by age group (the group's [low, high) years of age; 18 for ceasing at 18)."""

    starts: dict[str, float]
    stock: dict[tuple[int, int], float]
    ceased: dict[tuple[int, int], float]


@dataclass(frozen=True)
class Durations:
    """Mean months by band, each band's 90% interval, and the deviance at the fit."""

    months: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]
    deviance: float


def observed(data: PublicData, la_code: str, year: int, band_of: dict[str, str]) -> Observed | None:
    """The authority's yearly averages over its years up to ``year`` with all three
    breakdowns published (suppressed cells sharing what the total leaves), or ``None``."""
    years = []
    for past in data.years:
        if past > year:
            break
        tables = [
            split(data.breakdown(table, group, la_code, past))
            for table, group in (
                ("cla_started", "Age on starting"),
                ("cla_at_31_march", "Age group"),
                ("cla_ceased", "Age on ceasing"),
            )
        ]
        if not any(table is None for table in tables):
            years.append([table for table in tables if table is not None])
    if not years:
        return None

    def average(index: int, group_of: dict) -> dict:
        out: dict = {}
        for tables in years:
            for name, count in tables[index].counts.items():
                if name in group_of:
                    out[group_of[name]] = out.get(group_of[name], 0.0) + count / len(years)
        return out

    return Observed(average(0, band_of), average(1, STOCK_GROUPS), average(2, CEASED_GROUPS))


def integral(scale: np.ndarray, shape: float, months: np.ndarray) -> np.ndarray:
    """Integral of the Weibull survival from 0 to ``months``."""
    k = 1.0 / shape
    return scale * k * gamma(k) * gammainc(k, (np.maximum(months, 0.0) / scale) ** shape)


def survival(scale: np.ndarray, shape: float, months: np.ndarray) -> np.ndarray:
    return np.exp(-((np.maximum(months, 0.0) / scale) ** shape))


def predicted(
    means: dict[str, float], shape: float, observed: Observed
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
    """Steady-state stock and ceased by age group for yearly starts ``observed.starts``, the
    entrants of a band spread evenly over its years of age (entering mid-year)."""
    bands = [band for band in observed.starts]
    ages = [(band, age) for band in bands for age in range(*AGE_BAND_BOUNDS[band])]
    width = {band: np.subtract(*AGE_BAND_BOUNDS[band][::-1]) for band in bands}
    entry = np.array([age + 0.5 for _, age in ages])[:, None]
    rate = np.array([observed.starts[band] / width[band] for band, _ in ages])[:, None]
    scale = np.array([means[band] / gamma(1.0 + 1.0 / shape) for band, _ in ages])[:, None]
    to_18 = (18 - entry) * 12

    def span(groups: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        bounds = np.array(groups, dtype=float)
        first = np.clip((bounds[None, :, 0] - entry) * 12, 0.0, to_18)
        return first, np.clip((bounds[None, :, 1] - entry) * 12, 0.0, to_18)

    stock_groups = list(observed.stock)
    first, last = span(stock_groups)
    held = (integral(scale, shape, last) - integral(scale, shape, first)) * rate / 12
    ceased_groups = list(observed.ceased)
    first, last = span(ceased_groups)
    left = (survival(scale, shape, first) - survival(scale, shape, last)) * rate
    at_18 = np.array([group[0] >= 18 for group in ceased_groups])
    left[:, at_18] = (survival(scale, shape, to_18) * rate)[:, [0] * int(at_18.sum())]
    return (
        dict(zip(stock_groups, held.sum(axis=0).tolist(), strict=True)),
        dict(zip(ceased_groups, left.sum(axis=0).tolist(), strict=True)),
    )


def deviance(observed: dict, expected: dict) -> float:
    total = 0.0
    for group, count in observed.items():
        mean = max(expected[group], 1e-9)
        total += 2 * ((count * log(count / mean) if count > 0 else 0.0) - (count - mean))
    return total


def fit_durations(profile: dict[str, float], shape: float, observed: Observed) -> Durations:
    """Multipliers on ``profile`` by band, fitted to ``observed`` (see the module)."""

    def months(theta: np.ndarray) -> dict[str, float]:
        return {band: profile[band] * float(np.exp(t)) for band, t in zip(AGE_BANDS, theta)}

    def objective(theta: np.ndarray) -> float:
        stock, ceased = predicted(months(theta), shape, observed)
        ridge = RIDGE * float(np.sum((theta - theta.mean()) ** 2))
        return deviance(observed.stock, stock) + deviance(observed.ceased, ceased) + ridge

    bounds = [(log(LIMITS[0]), log(min(LIMITS[1], LONGEST / profile[band]))) for band in AGE_BANDS]
    result = minimize(objective, np.zeros(len(AGE_BANDS)), method="SLSQP", bounds=bounds)
    theta = np.asarray(result.x)
    sd = np.sqrt(np.clip(np.diag(np.linalg.pinv(hessian(objective, theta))), 0.0, None) * 2)
    return Durations(
        months(theta),
        months(theta - Z90 * sd),
        months(theta + Z90 * sd),
        float(result.fun),
    )


def hessian(function, at: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Central-difference second derivatives of ``function`` at ``at``."""
    n = len(at)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            shifts = []
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                point = at.copy()
                point[i] += si * step
                point[j] += sj * step
                shifts.append(function(point))
            out[i, j] = (shifts[0] - shifts[1] - shifts[2] + shifts[3]) / (4 * step * step)
    return out
