"""Forecasts from the public-data baselines: children looked after at each 31 March and
children starting and ceasing in each year to 31 March, for each authority asked for, with the
regional and England totals of those authorities.

Each authority runs with its own seed (the seed given plus its place in the alphabetical list
of all authorities), so authorities' replications are independent, and a total's quantiles
come from adding the authorities' replications one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..parameters import ParameterSet
from ..records import COUNTED_INDEX, Measure
from ..results import RunResult
from ..runner import run
from ..scenario import Scenario
from .baseline import build_baseline
from .tables import Area, PublicData

COLUMNS = ("la_code", "area", "region", "date", "measure", "mean", "p05", "p50", "p95")
FLOWS = {"started": Measure.ENTRIES, "ceased": Measure.EXITS}

Draws = dict[tuple[str, dt.date], np.ndarray]
"""Replications of each (measure, date)."""


@dataclass(frozen=True)
class Settings:
    at: dt.date
    years: int
    replications: int
    seed: int
    jobs: int


def draws(result: RunResult) -> Draws:
    """Children looked after at each 31 March after the start, and starts and ceased in each
    year to 31 March (dated on that 31 March)."""
    cal = result.calendar
    out: Draws = {}
    for i in cal.census[1:]:
        out[("looked_after", cal.dates[i])] = result.cla[:, i].astype(float)
    everything = result.routes.index("all")
    for name, measure in FLOWS.items():
        for k, year in enumerate(cal.financial_years):
            march = dt.date(int(year[:4]) + 1, 3, 31)
            out[(name, march)] = result.flows[:, COUNTED_INDEX[measure], everything, k].astype(
                float
            )
    return out


def rows(la_code: str, name: str, region: str, values: Draws) -> list[tuple]:
    out = []
    for (measure, date), sample in values.items():
        p05, p50, p95 = np.percentile(sample, (5, 50, 95))
        out.append((la_code, name, region, date.isoformat(), measure, sample.mean(), p05, p50, p95))
    return out


def add(total: Draws, values: Draws) -> None:
    for key, sample in values.items():
        total[key] = total[key] + sample if key in total else sample.copy()


def forecast(
    data: PublicData,
    areas: list[Area],
    settings: Settings,
    done: Callable[[Area], None] = lambda area: None,
    adjust: Callable[[Area, ParameterSet], ParameterSet] | None = None,
) -> pd.DataFrame:
    """Every authority's forecast (from its baseline as ``adjust`` leaves it), then its
    region's and England's totals."""
    table, regions, england = [], {}, {}  # type: ignore[var-annotated]
    place = {area.la_code: i for i, area in enumerate(data.areas)}
    for area in areas:
        params = build_baseline(data, area, settings.at).params
        if adjust is not None:
            params = adjust(area, params)
        scenario = Scenario(params.name, params.description, Path(f"{params.name}.yaml"), params)
        result = run(
            scenario,
            settings.years,
            settings.replications,
            settings.seed + place[area.la_code],
            settings.jobs,
        )
        values = draws(result)
        table += rows(area.la_code, area.name, area.region, values)
        add(regions.setdefault(area.region, {}), values)
        add(england, values)
        done(area)
    for region, values in sorted(regions.items()):
        table += rows("", region, region, values)
    table += rows("", "England", "", england)
    return pd.DataFrame(table, columns=list(COLUMNS))


def write_forecast(frame: pd.DataFrame, folder: Path) -> None:
    frame.to_csv(folder / "area_forecasts.csv", index=False, float_format="%.6g")
