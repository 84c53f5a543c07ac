"""The shipped public data, loaded once and indexed by authority and year.

Authorities are matched on ``la_code`` (the ONS code) in every table, never on their name.
Authorities that changed over 2021-2024 keep their own code: North and West Northamptonshire
(formed 2021) have no figures for 2021 (``z``), and Cumberland and Westmorland and Furness
(formed from Cumbria in 2023) have none before 2024; Cumbria itself is not in the tables. Such a
year is simply absent for that authority: nothing is carried over from a predecessor.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..paths import did_you_mean
from .build import DATA, ENGLAND
from .cells import Cell, parse_cell


@dataclass(frozen=True)
class Area:
    """An authority: its ONS code, name and region."""

    la_code: str
    name: str
    region: str


Key = tuple[str, str, int, str]
"""(table, la_code, year, group)."""


@dataclass(frozen=True)
class PublicData:
    """The shipped tables, indexed: figures by (measure, la_code, year), breakdowns by
    (table, la_code, year, group) as {characteristic: cell}, outturn by la_code."""

    areas: tuple[Area, ...]
    years: tuple[int, ...]
    figures: dict[tuple[str, str, int], Cell]
    breakdowns: dict[Key, dict[str, Cell]]
    outturn: dict[str, dict[str, Cell]]
    outturn_names: dict[str, str]

    def number(self, measure: str, la_code: str, year: int) -> Cell:
        return self.figures.get((measure, la_code, year), Cell(None, "absent"))

    def breakdown(self, table: str, group: str, la_code: str, year: int) -> dict[str, Cell]:
        return self.breakdowns.get((table, la_code, year, group), {})

    def find(self, text: str, source: str = "AREA") -> Area:
        """The authority named by ``text`` (its name in any case, or its ``la_code``)."""
        wanted = text.strip().lower()
        for area in self.areas:
            if wanted in (area.name.lower(), area.la_code.lower()):
                return area
        names = [area.name for area in self.areas]
        raise InputError(
            source,
            text,
            "the name or la_code of an English authority (see "
            f"'sufficiency areas list'){did_you_mean(text, names)}",
        )

    def year_at(self, at: dt.date) -> int:
        """The latest year whose 31 March falls on or before ``at``."""
        years = [year for year in self.years if dt.date(year, 3, 31) <= at]
        if not years:
            raise InputError(
                "--at",
                at.isoformat(),
                "a date on or after "
                f"{dt.date(self.years[0], 3, 31)} (the earliest 31 March shipped)",
            )
        return years[-1]

    @property
    def england(self) -> str:
        return ENGLAND


Row = dict[str, str]


def read(name: str, folder: Path) -> list[Row]:
    """A shipped table's rows, every field as published text."""
    with gzip.open(folder / name, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load(folder: Path = DATA) -> PublicData:
    """The shipped subset (or one built into ``folder``), indexed."""
    numbers = read("numbers.csv.gz", folder)
    figures: dict[tuple[str, str, int], Cell] = {}
    latest: dict[str, tuple[int, Area]] = {}
    for row in numbers:
        code, year = row["la_code"], int(row["time_period"])
        figures[(row["measure"], code, year)] = parse_cell(row["number"])
        figures[("children_aged_0_17", code, year)] = parse_cell(row["children_aged_0_17"])
        figures[(f"rate_per_10000:{row['measure']}", code, year)] = parse_cell(
            row["rate_per_10000"]
        )
        if code != ENGLAND and year >= latest.get(code, (0, None))[0]:
            latest[code] = (year, Area(code, row["area"], row["region"]))
    areas = tuple(sorted((area for _, area in latest.values()), key=lambda area: area.name))
    years = tuple(sorted({int(row["time_period"]) for row in numbers}))
    return PublicData(
        areas,
        years,
        figures,
        index_breakdowns(read("breakdowns.csv.gz", folder)),
        *index_outturn(read("outturn.csv.gz", folder)),
    )


def index_breakdowns(rows: list[Row]) -> dict[Key, dict[str, Cell]]:
    index: dict[Key, dict[str, Cell]] = {}
    for row in rows:
        key = (row["table"], row["la_code"], int(row["time_period"]), row["cla_group"])
        index.setdefault(key, {})[row["characteristic"]] = parse_cell(row["number"])
    return index


def index_outturn(rows: list[Row]) -> tuple[dict[str, dict[str, Cell]], dict[str, str]]:
    """Net current expenditure by authority and line, and the authorities' names in the return."""
    lines: dict[str, dict[str, Cell]] = {}
    names: dict[str, str] = {}
    for row in rows:
        if row["measure"] == "net_current_expenditure":
            lines.setdefault(row["la_code"], {})[row["service"]] = parse_cell(row["thousands_gbp"])
            names[row["la_code"]] = row["authority"]
    return lines, names
