"""The reductions from a replication's log to arrays agree with direct counts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sufficiency.measures import three_or_more_placements
from sufficiency.pathway import PLACEMENTS, STATE_INDEX, STATES

PLACED = {STATE_INDEX[p] for p in PLACEMENTS}


def counted_directly(log: np.ndarray, bounds: np.ndarray) -> list[int]:
    """Three or more placements, child by child: the placement held as each year began, plus
    those taken during it, for children in a placement as it ends."""
    moves: dict[int, list[tuple[float, int]]] = {}
    for time, child, _, to in log.tolist():
        moves.setdefault(int(child), []).append((time, int(to)))

    def held(rows: list[tuple[float, int]], day: float) -> bool:
        before = [to for time, to in rows if time < day]
        return bool(before) and before[-1] in PLACED

    out = []
    for a, b in itertools.pairwise(bounds):
        n = 0
        for rows in moves.values():
            taken = sum(1 for time, to in rows if a <= time < b and to in PLACED)
            n += held(rows, b) and held(rows, a) + taken >= 3
        out.append(n)
    return out


@pytest.mark.parametrize("first_child", [0, 70_000])
def test_three_or_more_placements_match_a_count_child_by_child(first_child: int) -> None:
    rng = np.random.default_rng(5)
    rows = []
    for child in range(first_child, first_child + 300):
        state = -1
        for time in np.sort(rng.uniform(-30, 800, rng.integers(1, 9))).round():
            to = int(rng.integers(len(STATES)))
            rows.append((time, child, state, to))
            state = to
    log = np.array(rows, dtype=float)
    log = log[np.argsort(log[:, 0], kind="stable")]
    bounds = np.array([0.0, 365.0, 730.0])
    expected = counted_directly(log, bounds)
    assert sum(expected) > 0
    assert three_or_more_placements(log, bounds).tolist() == expected
