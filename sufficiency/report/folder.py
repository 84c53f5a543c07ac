"""Reading a results folder (a run or a comparison) back into DataFrames.

A report never re-runs a simulation: everything it shows comes from these files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from .. import manifest
from ..cost_lines import SUBTOTALS, TOTAL
from ..errors import InputError
from ..results import COMPARISON_COLUMNS, QUANTILES
from .units import change_text, investment_text

DATED = ("stocks", "snapshots", "capacity", "monthly_costs")
EXTRAS = ("savings", "sweep", "break_even")
"""Optional CSV files of a comparison folder that the scrutiny report shows when present."""


@dataclass(frozen=True)
class RunFrames:
    """The tidy frames of one run, as a run folder's CSV files hold them."""

    stocks: pd.DataFrame
    snapshots: pd.DataFrame
    flows: pd.DataFrame
    activity: pd.DataFrame
    costs: pd.DataFrame
    placement_days: pd.DataFrame
    capacity: pd.DataFrame
    monthly_costs: pd.DataFrame


@dataclass(frozen=True)
class RunFolder(RunFrames):
    """One scenario's results read back: the frames, run.json and the folder."""

    path: Path
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.meta["scenario"])


@dataclass(frozen=True)
class Results:
    """A run folder, or a comparison folder's scenarios (the base first) and its comparison."""

    path: Path
    runs: tuple[RunFolder, ...]
    comparison: pd.DataFrame | None = None
    settings: dict[str, Any] | None = None
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def base(self) -> RunFolder:
        return self.runs[0]

    @property
    def is_comparison(self) -> bool:
        return self.comparison is not None


RUN_FILES = tuple(field.name for field in fields(RunFrames))
KEYS = {
    "stocks": ("date", "state"),
    "snapshots": ("date", "state"),
    "flows": ("financial_year", "measure", "route"),
    "activity": ("financial_year", "measure", "route"),
    "costs": ("financial_year", "item"),
    "placement_days": ("financial_year", "placement"),
    "capacity": ("date", "measure"),
    "monthly_costs": ("date", "item"),
}
COLUMNS = {
    **{name: (*KEYS[name], *QUANTILES) for name in RUN_FILES},
    "comparison": COMPARISON_COLUMNS,
    "savings": (
        "scenario",
        "financial_year",
        "council_mean",
        "council_p05",
        "council_p95",
        "counterfactual_mean",
        "counterfactual_p05",
        "counterfactual_p95",
    ),
    "sweep": ("scenario", "effect_scale", "net_saving_mean"),
    "break_even": ("scenario", "break_even_scale", "note"),
}
"""The columns each CSV file of a results folder has (at least), as run and compare write them."""


@dataclass(frozen=True)
class Folder:
    """A results folder whose manifest has been checked: only the files it lists are read."""

    path: Path
    listed: frozenset[str]

    @classmethod
    def checked(cls, path: Path) -> Folder:
        """The folder, if its manifest lists every file unchanged; else an InputError."""
        if not any(
            (path / name).is_file() for name in (manifest.NAME, "run.json", "comparison.csv")
        ):
            raise InputError(
                path,
                "RESULTS_DIR",
                "a run folder (with run.json) or a comparison "
                "folder (with comparison.csv) written by sufficiency",
            )
        try:
            return cls(path, listed(path))
        except manifest.Unsound as err:
            raise InputError(
                path,
                "RESULTS_DIR",
                f"a results folder as sufficiency wrote it, "
                f"but {err}: run the scenarios again to rewrite it",
            ) from None

    def has(self, name: str) -> bool:
        return name in self.listed

    def file(self, name: str) -> Path:
        if name not in self.listed:
            raise InputError(
                self.path / name,
                "(file)",
                f"a file that {manifest.NAME} lists "
                "(written by 'sufficiency run --out' or 'compare --out')",
            )
        return self.path / name

    def json(self, name: str) -> dict[str, Any]:
        path = self.file(name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise InputError(path, "(file)", f"a readable JSON file ({err})") from None
        if not isinstance(data, dict):
            raise InputError(path, "(top level)", "a JSON object")
        return data

    def csv(self, name: str, kind: str) -> pd.DataFrame:
        """A CSV file with the columns ``kind`` has, dates parsed."""
        path = self.file(name)
        try:
            frame = pd.read_csv(path)
        except (ValueError, pd.errors.ParserError) as err:
            raise InputError(path, "(file)", f"a results CSV ({err})") from None
        missing = [column for column in COLUMNS[kind] if column not in frame.columns]
        if missing:
            raise InputError(
                path,
                "columns",
                f"{', '.join(COLUMNS[kind])} as sufficiency "
                f"writes them (missing: {', '.join(missing)})",
            )
        if kind in DATED:
            try:
                frame["date"] = pd.to_datetime(frame["date"])
            except ValueError as err:
                raise InputError(path, "date", f"dates as YYYY-MM-DD ({err})") from None
        return frame


def listed(path: Path) -> frozenset[str]:
    """The files a checked manifest lists for ``path``: its own, or for one scenario's folder
    inside a comparison folder, the comparison's."""
    if (path / manifest.NAME).is_file() or not (path.parent / manifest.NAME).is_file():
        return frozenset(manifest.verify(path))
    prefix = f"{path.name}/"
    return frozenset(
        name.removeprefix(prefix)
        for name in manifest.verify(path.parent)
        if name.startswith(prefix)
    )


def read_run(folder: Folder, prefix: str = "") -> RunFolder:
    """A run folder as written by ``sufficiency.output.write_run`` (or one inside a
    comparison folder, its files' names starting with ``prefix``)."""
    meta = folder.json(f"{prefix}run.json")
    for key in ("scenario", "seed", "replications", "years", "provenance"):
        if key not in meta:
            raise InputError(
                folder.path / f"{prefix}run.json", key, "present (written by 'sufficiency run')"
            )
    frames = {name: folder.csv(f"{prefix}{name}.csv", name) for name in RUN_FILES}
    costs = set(frames["costs"]["item"])
    if not {*SUBTOTALS, TOTAL} <= costs:
        raise InputError(
            folder.path / f"{prefix}costs.csv",
            "item",
            f"rows for {', '.join(SUBTOTALS)} and {TOTAL} "
            "(results from an older version: run again)",
        )
    return RunFolder(path=folder.path / prefix, meta=meta, **frames)


def read_results(path: Path | str) -> Results:
    """Read a run folder (run.json) or a comparison folder (comparison.csv), after checking
    its manifest; files the manifest does not list are ignored."""
    folder = Folder.checked(Path(path))
    if folder.has("comparison.csv"):
        settings = folder.json("compare.json")
        names = scenario_names(folder.path, settings)
        runs = tuple(read_run(folder, f"{name}/") for name in names)
        extras = {
            name: folder.csv(f"{name}.csv", name) for name in EXTRAS if folder.has(f"{name}.csv")
        }
        comparison = numbered(folder.csv("comparison.csv", "comparison"), folder.path)
        return Results(folder.path, runs, comparison, settings, extras)
    return Results(folder.path, (read_run(folder),))


def numbered(comparison: pd.DataFrame, path: Path) -> pd.DataFrame:
    """comparison.csv with its break-even years as numbers (1 = the first financial year of the
    run, NaN for a blank: not within the run), so every difference column is numeric."""
    periods = comparison.loc[comparison["measure"] == "net_saving", "period"]
    years = list(dict.fromkeys(p for p in periods if p != "all years"))
    rows = comparison["measure"] == "break_even_year"
    for column in ("difference_mean", "difference_p05", "difference_p95"):
        labels = comparison.loc[rows, column]
        wrong = sorted({str(x) for x in labels.dropna() if x not in years})
        if wrong:
            raise InputError(
                path / "comparison.csv",
                f"break_even_year: {column}",
                f"a financial year of the run ({', '.join(years)}) or blank, got {wrong[0]}",
            )
        numbers = [float(years.index(x) + 1) if x in years else math.nan for x in labels]
        comparison[column] = pd.to_numeric(comparison[column].where(~rows), errors="coerce")
        comparison.loc[rows, column] = numbers
    return comparison


def scenario_names(path: Path, settings: dict[str, Any]) -> list[str]:
    """The base and then the other scenarios, as compare.json lists them."""
    base = settings.get("base")
    others = settings.get("scenarios")
    if not isinstance(base, str) or not isinstance(others, list):
        raise InputError(
            path / "compare.json",
            "base, scenarios",
            "the base scenario's name and a list of the others' names",
        )
    return [base] + [name for name in others if name != base]


def scenario_changes(run: RunFolder) -> list[tuple[dt.date, str, str, str]]:
    """The scenario's dated changes and investment costs: (date, what, value, source)."""
    rows = []
    for change in run.meta.get("changes", []):
        rows.append(
            (
                dt.date.fromisoformat(str(change["date"])),
                *change_text(change),
                change.get("source", ""),
            )
        )
    for item in run.meta.get("investments", []):
        rows.append(
            (
                dt.date.fromisoformat(str(item["date"])),
                *investment_text(item),
                item.get("source", ""),
            )
        )
    return sorted(rows, key=lambda row: row[0])
