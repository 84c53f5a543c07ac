"""Poisson arrivals at a rate that scenarios may change during a run."""

from __future__ import annotations

import math
from collections.abc import Callable

import simpy

from ..pathway import MONTH
from .streams import Stream


def arrivals(
    env: simpy.Environment,
    stream: Stream,
    mean_wait: Callable[[], float | None],
    arrive: Callable[[float], None],
    marked: bool = False,
):
    """A process calling ``arrive(mark)`` at each arrival of a Poisson stream whose mean time
    between arrivals (days; None: no arrivals) is ``mean_wait()`` when each wait begins.

    A wait longer than a month is dropped and drawn again a month later: exact for a Poisson
    process, and it follows rate changes. With ``marked`` each wait also draws a uniform
    ``mark`` for the arrival (it is 0.0 otherwise).
    """
    while True:
        mean = mean_wait()
        wait = stream.exp(mean) if mean is not None else math.inf
        mark = stream.u() if marked else 0.0
        if wait > MONTH:
            yield env.timeout(MONTH)
            continue
        yield env.timeout(wait)
        arrive(mark)


def mean_wait_for(rate_per_month: float) -> float | None:
    """Mean days between arrivals at ``rate_per_month`` (None for no arrivals)."""
    return MONTH / rate_per_month if rate_per_month > 0 else None
