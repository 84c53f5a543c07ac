"""Poisson arrivals at a rate that scenarios may change during a run."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from simpy.events import URGENT

from ..pathway import MONTH
from .streams import Stream

if TYPE_CHECKING:
    from .model import Model


class Arrivals:
    """Calls ``arrive(mark)`` at each arrival of a Poisson stream whose mean time between
    arrivals (days; None: no arrivals) is ``mean_wait()`` when each wait begins.

    A wait longer than a month is dropped and drawn again a month later: exact for a Poisson
    process, and it follows rate changes. With ``marked`` each wait also draws a uniform
    ``mark`` for the arrival (it is 0.0 otherwise). The first wait begins as the run starts,
    as a simpy process's would, and each wait is one scheduled call (no process to resume).
    """

    __slots__ = ("arrive", "mark", "marked", "mean_wait", "model", "stream")

    def __init__(
        self,
        model: Model,
        stream: Stream,
        mean_wait: Callable[[], float | None],
        arrive: Callable[[float], None],
        marked: bool = False,
    ) -> None:
        self.model = model
        self.stream = stream
        self.mean_wait = mean_wait
        self.arrive = arrive
        self.marked = marked
        self.mark = 0.0
        model.env.call(0.0, self.wait, priority=URGENT)

    def wait(self) -> None:
        """Draw the wait to the next arrival (or to a fresh draw a month on)."""
        mean = self.mean_wait()
        stream = self.stream
        wait = stream.exp(mean) if mean is not None else math.inf
        self.mark = stream.u() if self.marked else 0.0
        if wait > MONTH:
            self.model.env.call(MONTH, self.wait)
        else:
            self.model.env.call(wait, self.arrived)

    def arrived(self) -> None:
        self.arrive(self.mark)
        self.wait()


def mean_wait_for(rate_per_month: float) -> float | None:
    """Mean days between arrivals at ``rate_per_month`` (None for no arrivals)."""
    return MONTH / rate_per_month if rate_per_month > 0 else None
