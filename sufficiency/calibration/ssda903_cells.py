"""The children in care on a date as cells of placement type x age band x time in care, with
every count below 5 merged into a neighbour so that none is ever written.

Merging goes from the coarsest grouping to the finest: placement types with fewer than 5
children are pooled (with the smallest other type if still too few); within a type, neighbouring
age bands are joined until each group holds 5; within a group, neighbouring spans of time in
care likewise. A remainder too small to stand joins the group before it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd

from ..pathway import AGE_BANDS, PLACEMENT_NAMES
from ..ssda903.census import SMALL

MONTH_EDGES = (0.0, 6.0, 12.0, 24.0, 48.0, 216.0)
"""Spans of months in care: under 6 months, 6-12, 1-2 years, 2-4 years, 4 years and more."""

T = TypeVar("T")


def runs(items: Sequence[T], count: Callable[[list[T]], int]) -> list[list[T]]:
    """``items`` cut into consecutive groups of at least SMALL (by ``count``); a short tail
    joins the group before it."""
    groups: list[list[T]] = []
    current: list[T] = []
    for item in items:
        current.append(item)
        if count(current) >= SMALL:
            groups.append(current)
            current = []
    if current and count(current) > 0:
        if groups:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def placement_groups(by_type: dict[str, int]) -> list[list[str]]:
    """Types with at least 5 children alone; the smaller ones pooled, and the pool joined to
    the smallest type that stands alone if it is itself too small."""
    alone = [[t] for t in PLACEMENT_NAMES if by_type.get(t, 0) >= SMALL]
    pool = [t for t in PLACEMENT_NAMES if 0 < by_type.get(t, 0) < SMALL]
    if not pool:
        return alone
    if sum(by_type[t] for t in pool) >= SMALL or not alone:
        return [*alone, pool]
    smallest = min(alone, key=lambda g: by_type[g[0]])
    return [g + pool if g is smallest else g for g in alone]


def cells(children: pd.DataFrame) -> list[dict]:
    """Cells from one row a child: TYPE, BAND (an age band) and MONTHS (months in care)."""
    if len(children) < SMALL:
        raise ValueError(f"at least {SMALL} children in care on the date")
    spans = pd.cut(children["MONTHS"].clip(upper=MONTH_EDGES[-1] - 1e-9), MONTH_EDGES, right=False)
    span_index = spans.cat.codes
    out = []
    for types in placement_groups(
        {str(k): int(n) for k, n in children["TYPE"].value_counts().items()}
    ):
        of_types = children[children["TYPE"].isin(types)]
        band_count = of_types["BAND"].value_counts()

        def in_bands(group: list[str], counts=band_count) -> int:
            return int(sum(counts.get(b, 0) for b in group))

        for bands in runs(AGE_BANDS, in_bands):
            chosen = of_types[of_types["BAND"].isin(bands)]
            per_span = span_index[chosen.index].value_counts()

            def in_spans(group: list[int], counts=per_span) -> int:
                return int(sum(counts.get(i, 0) for i in group))

            for group in runs(range(len(MONTH_EDGES) - 1), in_spans):
                span = [i for i in group if per_span.get(i, 0)]
                out.append(
                    {
                        "placements": types,
                        "age_bands": [b for b in bands if band_count.get(b, 0)] or bands,
                        "months_in_care": [MONTH_EDGES[span[0]], MONTH_EDGES[span[-1] + 1]],
                        "count": in_spans(span),
                    }
                )
    return out


def spread(cell_list: list[dict], field: str, keys: Sequence[str]) -> dict[str, float]:
    """Shares over ``keys`` implied by the cells, each cell's count split evenly among the
    ``field`` values it lists (so the shares reveal nothing the cells do not)."""
    totals = dict.fromkeys(keys, 0.0)
    for cell in cell_list:
        for key in cell[field]:
            totals[key] += cell["count"] / len(cell[field])
    whole = sum(totals.values())
    return {key: value / whole for key, value in totals.items()}
