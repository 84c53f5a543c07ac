"""Named random streams (one generator per source of randomness, for common random numbers),
and drawing keys by their shares.

Each stream is derived from the replication's SeedSequence and a stable hash of its name, so
adding a stream never shifts another, and two scenarios run with the same seed draw the same
numbers for the same arrivals.
"""

from __future__ import annotations

import bisect
import itertools
import math
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

BLOCK = 2048


class Stream:
    """A buffered source of uniform, exponential and gamma draws."""

    __slots__ = ("_buf", "_gammas", "_i", "rng")

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self._buf: list[float] = []
        self._i = 0
        self._gammas: dict[float, list[float]] = {}

    def u(self) -> float:
        """One uniform draw in [0, 1)."""
        if self._i >= len(self._buf):
            self._buf = self.rng.random(BLOCK).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value

    def us(self, k: int) -> list[float]:
        """``k`` uniform draws."""
        i = self._i
        if i + k > len(self._buf):
            self._buf = self._buf[i:] + self.rng.random(BLOCK).tolist()
            i = 0
        self._i = i + k
        return self._buf[i : i + k]

    def exp(self, mean: float) -> float:
        """An exponential draw with the given mean."""
        return -mean * math.log(1.0 - self.u())

    def gamma(self, mean: float, cv: float) -> float:
        """A gamma draw with the given mean and coefficient of variation (cv 1: exponential)."""
        shape = 1.0 / (cv * cv)
        block = self._gammas.get(shape)
        if not block:
            block = self._gammas[shape] = self.rng.standard_gamma(shape, BLOCK).tolist()[::-1]
        return block.pop() * mean / shape


class Streams:
    """Lazily created named streams for one replication."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self._seed = seed
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        stream = self._streams.get(name)
        if stream is None:
            key = zlib.crc32(name.encode("utf-8"))
            child = np.random.SeedSequence(
                entropy=self._seed.entropy, spawn_key=(*self._seed.spawn_key, key)
            )
            stream = self._streams[name] = Stream(child)
        return stream


class Shares:
    """Shares of a set of keys, ready to draw a key from one uniform (zero shares never drawn;
    a ``u`` at or beyond the total gives the last key)."""

    __slots__ = ("cumulative", "keys")

    def __init__(self, shares: dict[str, float], convert: Callable[[str], Any] = str) -> None:
        self.keys = [convert(key) for key, share in shares.items() if share > 0]
        self.cumulative = list(itertools.accumulate(s for s in shares.values() if s > 0))
        if not self.keys:
            raise ValueError("shares: at least one share must be positive")
        self.cumulative[-1] = math.inf  # the last key takes any remainder

    def pick(self, u: float):
        """The key whose cumulative share first exceeds ``u``."""
        return self.keys[bisect.bisect_right(self.cumulative, u)]
