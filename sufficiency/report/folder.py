"""Reading a results folder (a run or a comparison) back into DataFrames.

A report never re-runs a simulation: everything it shows comes from these files.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from .units import change_text, investment_text

DATED = ("stocks", "snapshots", "capacity")
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


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(path, "(file)", f"a readable JSON file ({err})") from None
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", "a JSON object")
    return data


def read_csv(path: Path, dated: bool = False) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(path, "(file)", "the results file written by 'sufficiency run --out'")
    try:
        frame = pd.read_csv(path)
        if dated:
            frame["date"] = pd.to_datetime(frame["date"])
    except (ValueError, KeyError, pd.errors.ParserError) as err:
        raise InputError(path, "(file)", f"a results CSV ({err})") from None
    return frame


def read_run(folder: Path) -> RunFolder:
    """A run folder as written by ``sufficiency.output.write_run``."""
    meta = read_json(folder / "run.json")
    for key in ("scenario", "seed", "replications", "years", "provenance"):
        if key not in meta:
            raise InputError(folder / "run.json", key, "present (written by 'sufficiency run')")
    frames = {name: read_csv(folder / f"{name}.csv", name in DATED) for name in RUN_FILES}
    costs = set(frames["costs"]["item"])
    if not {"all_placements", "all_programmes", "total"} <= costs:
        raise InputError(folder / "costs.csv", "item",
                         "rows for all_placements, all_programmes and total "
                         "(results from an older version: run again)")
    return RunFolder(path=folder, meta=meta, **frames)


def read_results(path: Path | str) -> Results:
    """Read a run folder (run.json) or a comparison folder (comparison.csv)."""
    path = Path(path)
    if (path / "comparison.csv").is_file():
        settings = read_json(path / "compare.json")
        names = scenario_names(path, settings)
        runs = tuple(read_run(path / name) for name in names)
        extras = {name: read_csv(path / f"{name}.csv") for name in EXTRAS
                  if (path / f"{name}.csv").is_file()}
        return Results(path, runs, read_csv(path / "comparison.csv"), settings, extras)
    if (path / "run.json").is_file():
        return Results(path, (read_run(path),))
    raise InputError(path, "RESULTS_DIR", "a run folder (with run.json) or a comparison "
                     "folder (with comparison.csv)")


def scenario_names(path: Path, settings: dict[str, Any]) -> list[str]:
    """The base and then the other scenarios, as compare.json lists them."""
    base = settings.get("base")
    others = settings.get("scenarios")
    if not isinstance(base, str) or not isinstance(others, list):
        raise InputError(path / "compare.json", "base, scenarios",
                         "the base scenario's name and a list of the others' names")
    return [base] + [name for name in others if name != base]


def scenario_changes(run: RunFolder) -> list[tuple[dt.date, str, str, str]]:
    """The scenario's dated changes and investment costs: (date, what, value, source)."""
    rows = []
    for change in run.meta.get("changes", []):
        rows.append((dt.date.fromisoformat(str(change["date"])), *change_text(change),
                     change.get("source", "")))
    for item in run.meta.get("investments", []):
        rows.append((dt.date.fromisoformat(str(item["date"])), *investment_text(item),
                     item.get("source", "")))
    return sorted(rows, key=lambda row: row[0])
