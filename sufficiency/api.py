"""The Python interface for analysts in notebooks: a run or a comparison as tidy pandas
DataFrames, with the results folder and both reports writable from them."""

from __future__ import annotations

import contextlib
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cluster import chosen
from .effects import EFFECTS
from .errors import InputError
from .output import save, write_run
from .paired import Comparison, compare_scenarios
from .report import check_reports, write_reports_via
from .report.folder import RUN_FILES, RunFrames
from .results import RunResult
from .runner import run as run_scenario
from .scenario import load_scenario

SETTINGS = {"years": (1, 30), "replications": (1, 100_000), "seed": (0, None), "jobs": (1, 256)}
"""The ranges the command line's options allow."""


def check_settings(**values: int) -> None:
    """Refuse a setting the command line would refuse, naming the Python argument."""
    for name, value in values.items():
        low, high = SETTINGS[name]
        whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        if not whole or value < low or (high is not None and value > high):
            span = f"from {low:,} to {high:,}" if high is not None else f"{low:,} or more"
            raise ValueError(f"{name}={value!r}: a whole number {span}")


@contextlib.contextmanager
def python_names() -> Iterator[None]:
    """Name the Python arguments, not the command-line options, in a refused output path."""
    try:
        yield
    except InputError as err:
        if not err.field.startswith("--"):
            raise
        raise InputError(err.file, "path", err.expected.replace("--force", "force=True")) from None


class Writable(ABC):
    """The writers a projection and a comparison share: a results folder and the reports."""

    @property
    @abstractmethod
    def name(self) -> str:
        """The name of the results folder."""

    @abstractmethod
    def write(self, folder: Path) -> None:
        """Write the results into an empty ``folder``."""

    def to_folder(self, path: str | Path, force: bool = False) -> Path:
        """The results folder (CSV files and JSON), whole or not at all."""
        with python_names():
            save(Path(path), force, self.write)
        return Path(path)

    def to_excel(self, path: str | Path, force: bool = False) -> Path:
        """The finance workbook."""
        self.reports(Path(path), None, force)
        return Path(path)

    def to_html(self, path: str | Path, force: bool = False) -> Path:
        """The scrutiny report: one self-contained HTML file."""
        self.reports(None, Path(path), force)
        return Path(path)

    def reports(self, xlsx: Path | None, html: Path | None, force: bool) -> None:
        with python_names():
            check_reports(xlsx, html, force)
        write_reports_via(self.write, self.name, xlsx, html)


@dataclass(frozen=True)
class Projection(RunFrames, Writable):
    """One scenario's run: the tidy frames ``sufficiency run --out`` writes as CSV files, and
    the run's arrays in ``result``."""

    result: RunResult

    @classmethod
    def of(cls, result: RunResult) -> Projection:
        frames = {name: getattr(result, f"{name}_frame")() for name in RUN_FILES}
        return cls(result=result, **frames)

    @property
    def name(self) -> str:
        return self.result.scenario.name

    @property
    def summary(self) -> pd.DataFrame:
        """CLA at each 31 March and total cost per financial year, as the terminal shows."""
        return self.result.summary_frame()

    def write(self, folder: Path) -> None:
        write_run(self.result, folder)


@dataclass(frozen=True)
class ScenarioComparison(Writable):
    """Scenarios against a base, paired: ``comparison`` is comparison.csv as a DataFrame and
    ``projections`` each scenario's run (the base first)."""

    source: Comparison
    comparison: pd.DataFrame
    projections: dict[str, Projection]

    @property
    def name(self) -> str:
        return "comparison"

    def write(self, folder: Path) -> None:
        self.source.write(folder)


def run(
    scenario: str | Path,
    years: int = 5,
    replications: int = 200,
    seed: int = 1,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
) -> Projection:
    """Project a scenario file; the same results as ``sufficiency run`` (``executor="dask"``
    with a ``scheduler`` address or a number of local ``workers`` runs on Dask)."""
    check_settings(years=years, replications=replications, seed=seed, jobs=jobs)
    loaded = load_scenario(scenario)
    with chosen(executor, scheduler, workers):
        return Projection.of(
            run_scenario(loaded, years=years, replications=replications, seed=seed, jobs=jobs)
        )


def compare(
    base: str | Path,
    *others: str | Path,
    years: int = 5,
    replications: int = 500,
    seed: int = 1,
    jobs: int = 1,
    effect: str = "service",
    executor: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
) -> ScenarioComparison:
    """Compare scenario files against a base with common random numbers; the same results as
    ``sufficiency compare`` (``executor``, ``scheduler`` and ``workers`` as for ``run``)."""
    check_settings(years=years, replications=replications, seed=seed, jobs=jobs)
    if effect not in EFFECTS:
        raise ValueError(f"effect={effect!r}: one of {', '.join(EFFECTS)}")
    with chosen(executor, scheduler, workers):
        result = compare_scenarios(
            load_scenario(base),
            [load_scenario(o) for o in others],
            years=years,
            replications=replications,
            seed=seed,
            jobs=jobs,
            effect=effect,
        )
    runs = [result.base, *result.others.values()]
    return ScenarioComparison(
        result, result.frame(), {r.scenario.name: Projection.of(r) for r in runs}
    )
