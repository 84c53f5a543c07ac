"""Regions: authorities forecast together, and capacity they share.

The authorities are a DfE region by name (``areas forecast --region``) or a file listing them
(``--areas FILE``: one name or la_code a line, ``#`` comments). Shared capacity (``--share
FILE``, YAML) is a regional children's home and a regional pool of foster households, divided
among the authorities by a stated rule:

- ``proportional``: in proportion to each authority's children looked after at the start, in
  whole beds and households (largest remainder; ties to the authority first in the list).

Each authority runs with its share as capacity of its own, so an authority never uses more of
the shared capacity than its share (a region that lets any authority take any free bed, first
come, needs one simulation of the whole region: not yet). Forecast once without the share and
once with it, with the same seed: each authority draws the same random numbers both times, as
scenarios compared with ``compare`` do, so the difference is the share's effect.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError
from .loading import read_text, read_yaml
from .parameters import ParameterSet, revised
from .publicdata.baseline import build_baseline
from .publicdata.forecast import Adjust
from .publicdata.tables import Area, PublicData

RULES = ("proportional",)


def region_areas(data: PublicData, name: str) -> list[Area]:
    """The authorities of the DfE region ``name`` (any case)."""
    found = [area for area in data.areas if area.region.lower() == name.strip().lower()]
    if not found:
        regions = ", ".join(sorted({area.region for area in data.areas}))
        raise InputError("--region", name, f"one of the DfE regions: {regions}")
    return found


def listed_areas(data: PublicData, path: Path) -> list[Area]:
    """The authorities a file lists, one a line (blank lines and ``#`` comments skipped)."""
    lines = [line.split("#", 1)[0].strip() for line in read_text(path, "list").splitlines()]
    areas = [data.find(line, str(path)) for line in lines if line]
    if not areas:
        raise InputError(path, "(lines)", "one authority a line, by name or la_code")
    return list(dict.fromkeys(areas))


@dataclass(frozen=True)
class SharedHome:
    name: str
    beds: int
    opens: dt.date


@dataclass(frozen=True)
class Share:
    """Capacity an authority group shares, and the rule that divides it."""

    name: str
    rule: str
    homes: tuple[SharedHome, ...]
    foster_households: int
    source: str
    path: Path


def load_share(path: Path) -> Share:
    """Read a shared-capacity file (see ``docs/cluster.md``, Regions)."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", "a mapping with name, rule, source and homes")
    rule = data.get("rule")
    if rule not in RULES:
        raise InputError(path, "rule", f"one of {', '.join(RULES)}")
    homes = []
    for i, home in enumerate(data.get("homes") or []):
        try:
            homes.append(SharedHome(str(home["name"]), whole(home["beds"]), opened(home["opens"])))
        except (KeyError, TypeError, ValueError):
            raise InputError(
                path, f"homes[{i}]", "name, beds (a whole number) and opens (a date)"
            ) from None
    try:
        households = whole(data.get("foster_households", 0))
    except (TypeError, ValueError):
        raise InputError(path, "foster_households", "a whole number, 0 or more") from None
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(path, "source", "where the shared capacity comes from")
    name = str(data.get("name", path.stem))
    return Share(name, rule, tuple(homes), households, source, path)


def whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def opened(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def proportional(total: int, weights: list[float]) -> list[int]:
    """``total`` in whole parts in proportion to ``weights`` (largest remainder; ties to the
    earlier)."""
    whole_sum = sum(weights)
    raw = [total * w / whole_sum if whole_sum > 0 else 0.0 for w in weights]
    parts = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class Allocation:
    """One authority's part of the shared capacity."""

    beds: tuple[int, ...]  # by shared home
    foster_households: int


def allocate(share: Share, children: list[int]) -> list[Allocation]:
    """Each authority's part, by the share's rule, from its children looked after at the start."""
    weights = [float(n) for n in children]
    beds = [proportional(home.beds, weights) for home in share.homes]
    households = proportional(share.foster_households, weights)
    return [Allocation(tuple(b[i] for b in beds), households[i]) for i in range(len(children))]


def with_share(params: ParameterSet, share: Share, part: Allocation) -> ParameterSet:
    """``params`` with the authority's part of the shared homes and foster households."""
    source = f"{share.source} ({share.rule} share of '{share.name}')"

    def revise(data: dict) -> None:
        for home, beds in zip(share.homes, part.beds):
            if beds:
                data["homes"].append(
                    {
                        "name": f"{home.name} (share)",
                        "beds": {"value": beds, "source": source},
                        "opens": home.opens,
                    }
                )
        households = data["foster_carers"]["households"]
        households["value"] += part.foster_households
        households["source"] += f"; plus {part.foster_households}: {source}"

    return revised(params, revise, share.path)


def allocation_frame(share: Share, areas: list[Area], parts: list[Allocation]) -> pd.DataFrame:
    """The allocation as a table: one row per authority and shared item."""
    rows = []
    for area, part in zip(areas, parts):
        for home, beds in zip(share.homes, part.beds):
            rows.append((area.la_code, area.name, home.name, "beds", beds, share.rule))
        rows.append(
            (
                area.la_code,
                area.name,
                "foster pool",
                "households",
                part.foster_households,
                share.rule,
            )
        )
    return pd.DataFrame(rows, columns=["la_code", "area", "item", "unit", "allocated", "rule"])


def choose(
    data: PublicData, names: tuple[str, ...], region: str | None, listing: Path | None
) -> list[Area]:
    """The authorities named, of ``region`` and listed in ``listing``; every one if none is."""
    picked = [data.find(name) for name in names]
    if region is not None:
        picked += region_areas(data, region)
    if listing is not None:
        picked += listed_areas(data, listing)
    return list(dict.fromkeys(picked)) if picked else list(data.areas)


def shared(
    data: PublicData, areas: list[Area], at: dt.date, share: Share
) -> tuple[Adjust, pd.DataFrame]:
    """How each authority's baseline takes its part of ``share``, and the allocation table."""
    children = [build_baseline(data, area, at).params.population.total.value for area in areas]
    parts = allocate(share, children)
    by_code = {area.la_code: part for area, part in zip(areas, parts)}

    def adjust(area: Area, params: ParameterSet) -> ParameterSet:
        return with_share(params, share, by_code[area.la_code])

    return adjust, allocation_frame(share, areas, parts)
