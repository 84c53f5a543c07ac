"""How long before its exit an adopted child moves in with its adopters.

The time placed is drawn as an exponential time D before the child's drawn exit, and a child
whose time in care T is shorter moves in on entry, so it is placed for min(D, T). D's mean m is
chosen so that min(D, T) has the mean of ``exits.adoption.months_placed`` (the DfE's stock over
its flow, Little's law). Given T, min(D, T) has mean m (1 - e^(-T/m)); T is Weibull (scale s,
shape k) for the child's age band at entry, so T = s y^(1/k) with y exponential, and the mean
over y is taken by Gauss-Laguerre quadrature.
"""

from __future__ import annotations

import math

import numpy as np

NODES = tuple(zip(*(a.tolist() for a in np.polynomial.laguerre.laggauss(16))))
"""Gauss-Laguerre nodes and weights: the integral of e^-y f(y) is the sum of w f(x) (within
0.1% of the mean time placed at Weibull shape 0.8, 2.5% at 0.3)."""
STEPS = 40
"""Bisection steps on the log of D's mean."""
ON_ENTRY = 1e12
"""D's mean (days) that moves every adopted child in on entry."""


def placed(mean_days: float, scale: float, shape: float) -> float:
    """The mean time placed, min(D, T), for D exponential with ``mean_days`` and T Weibull."""
    return mean_days * sum(
        w * -math.expm1(-scale * x ** (1.0 / shape) / mean_days) for x, w in NODES
    )


def drawn_mean(target_days: float, scale: float, shape: float) -> float:
    """D's mean for which the time placed, min(D, T), has mean ``target_days``; when the mean
    time in care is not longer than the target, every adopted child moves in on entry."""
    if scale * math.gamma(1.0 + 1.0 / shape) <= target_days:
        return ON_ENTRY
    low, high = target_days, 2.0 * target_days
    while placed(high, scale, shape) < target_days:
        low, high = high, 2.0 * high
    for _ in range(STEPS):
        middle = math.sqrt(low * high)
        if placed(middle, scale, shape) < target_days:
            low = middle
        else:
            high = middle
    return math.sqrt(low * high)
