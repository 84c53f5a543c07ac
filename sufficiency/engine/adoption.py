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
STEPS = 100
"""Newton steps at most (from below the answer they rise to it; a few are needed)."""
TOLERANCE = 1e-9
"""Relative size of the last Newton step at which D's mean is taken as found."""
ON_ENTRY = 1e12
"""D's mean (days) that moves every adopted child in on entry."""


def placed(mean_days: float, scale: float, shape: float) -> float:
    """The mean time placed, min(D, T), for D exponential with ``mean_days`` and T Weibull."""
    return mean_days * sum(
        w * -math.expm1(-scale * x ** (1.0 / shape) / mean_days) for x, w in NODES
    )


def drawn_mean(target_days: float, scale: float, shape: float) -> float:
    """D's mean m for which the time placed, min(D, T), has mean ``target_days``: Newton's
    method on m (sum w a (1 - e^(-a/m)) over the nodes, a = s x^(1/k), is increasing and
    concave in m, so from m = the target the steps rise to the answer). When the mean time in
    care is not longer than the target, every adopted child moves in on entry."""
    points = [(w, scale * x ** (1.0 / shape)) for x, w in NODES]
    if sum(w * a for w, a in points) <= target_days:
        return ON_ENTRY
    m = target_days
    for _ in range(STEPS):
        value = slope = 0.0
        for w, a in points:
            e = math.exp(-a / m)
            value += w * (1.0 - e)
            slope += w * (1.0 - e - a / m * e)
        step = (m * value - target_days) / slope
        m -= step
        if -step <= TOLERANCE * m:
            break
    return m
