"""Forecasts from the public-data baselines: children looked after at each 31 March and
children starting and ceasing in each year to 31 March, for each authority asked for, with the
regional and England totals of those authorities.

Each authority runs with its own seed (the seed given plus its place in the alphabetical list
of all authorities), so authorities' replications are independent, and a total's quantiles
come from adding the authorities' replications one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ..calendar import Calendar
from ..executor import Task, gather_each
from ..parameters import ParameterSet
from ..runner import Job
from ..scenario import Scenario
from .baseline import build_baseline
from .tables import Area, PublicData
from .values import forecast_chunk, keys

COLUMNS = ("la_code", "area", "region", "date", "measure", "mean", "p05", "p50", "p95")

Draws = dict[tuple[str, dt.date], np.ndarray]
"""Replications of each (measure, date)."""
Adjust = Callable[[Area, ParameterSet], ParameterSet]
"""What changes an authority's baseline before it runs (its part of shared capacity)."""


@dataclass(frozen=True)
class Settings:
    at: dt.date
    years: int
    replications: int
    seed: int
    jobs: int


def draws(cal: Calendar, reps: list[np.ndarray]) -> Draws:
    """The replications' values by (measure, date), each in replication order."""
    columns = np.array(reps).T.copy()
    return dict(zip(keys(cal), columns, strict=True))


def rows(la_code: str, name: str, region: str, values: Draws) -> list[tuple]:
    out = []
    for (measure, date), sample in values.items():
        p05, p50, p95 = np.percentile(sample, (5, 50, 95))
        out.append((la_code, name, region, date.isoformat(), measure, sample.mean(), p05, p50, p95))
    return out


def add(total: Draws, values: Draws) -> None:
    for key, sample in values.items():
        total[key] = total[key] + sample if key in total else sample.copy()


def job_for(
    data: PublicData, area: Area, place: int, settings: Settings, adjust: Adjust | None
) -> Job:
    """The replications of one authority's baseline (as ``adjust`` leaves it), seeded by its
    ``place`` in the list of all authorities."""
    params = build_baseline(data, area, settings.at).params
    if adjust is not None:
        params = adjust(area, params)
    scenario = Scenario(params.name, params.description, Path(f"{params.name}.yaml"), params)
    scenario.check_horizon(Calendar(params.start_date, settings.years))
    return Job.of(scenario, settings.years, settings.seed + place, settings.replications)


def replications(
    data: PublicData,
    areas: list[Area],
    settings: Settings,
    done: Callable[[Area], None] = lambda area: None,
    adjust: Adjust | None = None,
) -> list[tuple[Job, Draws]]:
    """Each authority's job (its baseline as ``adjust`` leaves it) and its replications' values.
    The authorities' replications run as one stream of chunks, each baseline built when its
    chunks are next due, so workers never wait between them."""
    place = {area.la_code: i for i, area in enumerate(data.areas)}
    made: list[Job] = []

    def tasks() -> Iterator[tuple[Task[np.ndarray], int]]:
        for area in areas:
            made.append(job_for(data, area, place[area.la_code], settings, adjust))
            yield partial(forecast_chunk, made[-1]), settings.replications

    per_area = gather_each(tasks(), settings.jobs, lambda k: done(areas[k]))
    return [(job, draws(job.calendar, reps)) for job, reps in zip(made, per_area, strict=True)]


def forecast(
    data: PublicData,
    areas: list[Area],
    settings: Settings,
    done: Callable[[Area], None] = lambda area: None,
    adjust: Adjust | None = None,
) -> pd.DataFrame:
    """Every authority's forecast (from its baseline as ``adjust`` leaves it), then its
    region's and England's totals."""
    table, regions, england = [], {}, {}  # type: ignore[var-annotated]
    for area, (_, values) in zip(
        areas, replications(data, areas, settings, done, adjust), strict=True
    ):
        table += rows(area.la_code, area.name, area.region, values)
        add(regions.setdefault(area.region, {}), values)
        add(england, values)
    for region, values in sorted(regions.items()):
        table += rows("", region, region, values)
    table += rows("", "England", "", england)
    return pd.DataFrame(table, columns=list(COLUMNS))


def write_forecast(frame: pd.DataFrame, folder: Path) -> None:
    frame.to_csv(folder / "area_forecasts.csv", index=False, float_format="%.6g")
