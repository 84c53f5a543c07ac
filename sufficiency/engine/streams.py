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
"""Uniforms drawn from a generator at a time (so the draws do not depend on how many are used)."""
PIECE = 32
"""Uniforms first converted to Python floats at a time; the piece doubles with each conversion
up to a whole block (most streams use a few hundred draws a replication, some many thousands)."""


class Stream:
    """A buffered source of uniform, exponential and gamma draws."""

    __slots__ = ("_at", "_block", "_buf", "_gammas", "_i", "_piece", "rng")

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self._block = np.empty(0)
        self._at = 0
        """Draws of ``_block`` converted so far."""
        self._buf: list[float] = []
        self._i = 0
        self._piece = PIECE
        self._gammas: dict[float, list[float]] = {}

    def u(self) -> float:
        """One uniform draw in [0, 1)."""
        if self._i >= len(self._buf):
            self._convert(1)
        value = self._buf[self._i]
        self._i += 1
        return value

    def us(self, k: int) -> list[float]:
        """``k`` uniform draws."""
        if self._i + k > len(self._buf):
            self._convert(k)
        i = self._i
        self._i = i + k
        return self._buf[i : i + k]

    def _convert(self, k: int) -> None:
        """Make at least ``k`` draws ready in ``_buf``: convert more of the block (a piece, or
        what ``k`` needs), drawing the next block only when this one is used up."""
        buf = self._buf[self._i :]
        need = k - len(buf)
        more = min(max(need, self._piece), len(self._block) - self._at)
        self._piece = min(2 * self._piece, BLOCK)
        buf += self._block[self._at : self._at + more].tolist()
        self._at += more
        need -= more
        while need > 0:
            self._block = self.rng.random(BLOCK)
            self._at = min(max(need, self._piece), BLOCK)
            buf += self._block[: self._at].tolist()
            need -= self._at
        self._buf = buf
        self._i = 0

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
