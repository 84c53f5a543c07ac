"""A synthetic world with known rates, written as SSDA903 returns (for the recovery tests).

Children come into care as Poisson streams by age band, stay a Weibull time (a mean by band at
entry, one shape) unless they turn 18 first, leave by a route drawn by band, are placed on
entry by band, and at 16 a share move to supported accommodation (a second episode). Every
episode is written to each collection year's return it overlaps, open at the year end if it
ends later, as local authorities submit them.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BANDS = {"0-4": (0, 5), "5-9": (5, 10), "10-15": (10, 16), "16-17": (16, 18)}
YEAR = 365.25
MONTH = YEAR / 12
PLACE = {
    "foster_inhouse": ("U4", "PR1"),
    "foster_ifa": ("U5", "PR4"),
    "foster_kinship": ("U1", "PR1"),
    "home_external": ("K2", "PR4"),
    "placed_with_parents": ("P1", "PR0"),
    "supported_accommodation": ("H5", "PR4"),
}
REC = {"reunified": "E4A", "permanence": "E45", "other": "E8", "turned_18": "E17"}


@dataclass(frozen=True)
class World:
    """The known parameters."""

    rate_per_month: dict[str, float] = field(
        default_factory=lambda: {"0-4": 4.0, "5-9": 2.5, "10-15": 4.0, "16-17": 1.5}
    )
    mean_months: dict[str, float] = field(
        default_factory=lambda: {"0-4": 30.0, "5-9": 36.0, "10-15": 28.0, "16-17": 14.0}
    )
    shape: float = 0.9
    routes: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "0-4": {"reunified": 0.4, "permanence": 0.5, "other": 0.1},
            "5-9": {"reunified": 0.5, "permanence": 0.3, "other": 0.2},
            "10-15": {"reunified": 0.6, "permanence": 0.1, "other": 0.3},
            "16-17": {"reunified": 0.5, "permanence": 0.0, "other": 0.5},
        }
    )
    placements: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "0-4": {"foster_inhouse": 0.5, "foster_kinship": 0.3, "placed_with_parents": 0.2},
            "5-9": {"foster_inhouse": 0.5, "foster_ifa": 0.3, "foster_kinship": 0.2},
            "10-15": {"foster_inhouse": 0.3, "foster_ifa": 0.4, "home_external": 0.3},
            "16-17": {"foster_ifa": 0.4, "supported_accommodation": 0.4, "home_external": 0.2},
        }
    )
    supported_at_16: float = 0.3


@dataclass(frozen=True)
class Episode:
    child: str
    start: dt.date
    end: dt.date | None  # None: still open when the world stops
    rec: str  # X1 if care continues, else the reason for leaving
    rne: str
    place: str


def draw(rng: np.random.Generator, shares: dict[str, float]) -> str:
    keys = list(shares)
    return keys[int(rng.choice(len(keys), p=[shares[k] for k in keys]))]


def birthday(born: dt.date, years: int) -> dt.date:
    """The day a child turns ``years`` (29 February births on 28 February)."""
    return dt.date(
        born.year + years, born.month, 28 if (born.month, born.day) == (2, 29) else born.day
    )


def day(origin: dt.date, days: float) -> dt.date:
    return origin + dt.timedelta(days=math.floor(days))


def simulate(
    world: World, first: dt.date, last: dt.date, seed: int
) -> tuple[list[Episode], dict[str, dt.date]]:
    """Every episode of the children coming into care from ``first`` to ``last``, and each
    child's date of birth."""
    rng = np.random.default_rng(seed)
    span = (last - first).days
    episodes: list[Episode] = []
    born: dict[str, dt.date] = {}
    for band, per_month in world.rate_per_month.items():
        low, high = BANDS[band]
        scale = world.mean_months[band] * MONTH / math.gamma(1 + 1 / world.shape)
        for when in np.sort(rng.uniform(0, span, rng.poisson(per_month * span / MONTH))):
            child = f"W{len(born):06d}"
            start = day(first, when)
            birth = start - dt.timedelta(days=int(rng.uniform(low, high) * YEAR))
            born[child] = birth
            adult = birthday(birth, 18)
            stay = scale * rng.weibull(world.shape)
            route = draw(rng, world.routes[band])
            end = day(start, stay)
            if end >= adult:
                end, route = adult, "turned_18"
            end = max(end, start + dt.timedelta(days=1))
            sixteen = birthday(birth, 16)
            place = draw(rng, world.placements[band])
            moves = (
                start < sixteen < end
                and place != "supported_accommodation"
                and rng.random() < world.supported_at_16
            )
            close = None if end > last else end
            if moves:
                episodes.append(Episode(child, start, sixteen, "X1", "S", place))
                start, place, rne = sixteen, "supported_accommodation", "P"
            else:
                rne = "S"
            episodes.append(Episode(child, start, close, REC[route] if close else "", rne, place))
    return episodes, born


def in_care(episodes: list[Episode], on: dt.date) -> int:
    return sum(1 for e in episodes if e.start <= on and (e.end is None or e.end > on))


def british(date: dt.date | None) -> str:
    return "" if date is None else date.strftime("%d/%m/%Y")


def write_returns(
    episodes: list[Episode], born: dict[str, dt.date], years: range, folder: Path
) -> None:
    """One return per collection year (named by the year it ends): episodes and header CSVs."""
    folder.mkdir(parents=True, exist_ok=True)
    for year in years:
        start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
        rows = [e for e in episodes if e.start <= end and (e.end is None or e.end >= start)]
        with (folder / f"{year}_episodes.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(
                ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]
            )
            for e in rows:
                closed = e.end is not None and e.end <= end
                place, provider = PLACE[e.place]
                out.writerow(
                    [
                        e.child,
                        british(e.start),
                        e.rne,
                        "C2",
                        "N1",
                        place,
                        provider,
                        british(e.end) if closed else "",
                        e.rec if closed else "",
                    ]
                )
        with (folder / f"{year}_header.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["CHILD", "SEX", "DOB", "ETHNIC"])
            for child in sorted({e.child for e in rows}):
                out.writerow([child, "1", british(born[child]), "WBRI"])
