"""Children looked after at the end of a return's year, by the model's placement type."""

from __future__ import annotations

from collections import Counter

from ..pathway import PLACEMENT_NAMES
from .codes import EPISODES
from .mapping import Mapping
from .read import ROW, Return

SMALL = 5
"""Counts below this are written as 'fewer than 5', never as the number."""


def looked_after(ret: Return, mapping: Mapping) -> dict[str, int]:
    """Each child's episode open on 31 March of the return's year, by placement type."""
    table = ret.tables.get(EPISODES)
    counts: Counter[str] = Counter()
    if table is not None:
        e = table.frame
        decom, dec = table.dates("DECOM"), table.dates("DEC")
        open_then = (decom <= ret.end) & (((e["DEC"] == "") & dec.isna()) | (dec > ret.end))
        latest = (
            e[open_then & (e["CHILD"] != "")]
            .assign(DECOM_D=decom)
            .sort_values(["DECOM_D", ROW])
            .drop_duplicates("CHILD", keep="last")
        )
        counts.update(
            mapping.placement(place, provider)
            for place, provider in zip(latest["PLACE"], latest["PLACE_PROVIDER"], strict=True)
        )
    return {name: counts[name] for name in PLACEMENT_NAMES}


def shown(count: int) -> str:
    """A count as it may be written: 'fewer than 5' for 1 to 4."""
    return "fewer than 5" if 0 < count < SMALL else f"{count:,}"
