"""Mean time in care from stock and flow: the level of the exit-time profile that makes the
children entering care stay, on average, as long as the stock and the flow through it imply
(Little's law: stock = throughput x mean time in care), with care ending at 18.
"""

from __future__ import annotations

from collections.abc import Callable
from math import gamma

from scipy.optimize import brentq
from scipy.special import gammainc

from ..pathway import AGE_BAND_BOUNDS

LIMITS = (0.05, 50.0)
"""The range searched for the multiplier on the profile."""


def time_in_care(mean_months: float, shape: float, months_to_18: float) -> float:
    """Mean months in care of a Weibull time with the given mean and shape, cut at 18:
    E[min(T, c)] = mean * P(1/shape, (c/scale)^shape)."""
    scale = mean_months / gamma(1.0 + 1.0 / shape)
    return mean_months * float(gammainc(1.0 / shape, (months_to_18 / scale) ** shape))


def expected_months(
    profile: dict[str, float], entry_shares: dict[str, float], shape: float, multiplier: float
) -> float:
    """Mean months in care of an entrant (ages spread evenly over each band's years)."""
    total = 0.0
    for band, share in entry_shares.items():
        low, high = AGE_BAND_BOUNDS[band]
        ages = [age + 0.5 for age in range(low, high)]
        total += (
            share
            * sum(time_in_care(profile[band] * multiplier, shape, (18 - age) * 12) for age in ages)
            / len(ages)
        )
    return total


def fit_level(
    profile: dict[str, float], entry_shares: dict[str, float], shape: float, target_months: float
) -> tuple[float, bool]:
    """The multiplier on ``profile`` that gives entrants ``target_months`` in care, and whether
    it was found (else the nearest limit of the search)."""
    return search(lambda m: expected_months(profile, entry_shares, shape, m) - target_months)


def search(gap: Callable[[float], float]) -> tuple[float, bool]:
    """The multiplier within ``LIMITS`` where ``gap`` (rising with it) is zero, and whether it
    was found (else the nearest limit)."""
    low, high = LIMITS
    if gap(low) > 0:
        return low, False
    if gap(high) < 0:
        return high, False
    return float(brentq(gap, low, high, xtol=1e-6)), True
