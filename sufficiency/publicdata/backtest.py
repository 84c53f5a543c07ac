"""The national backtest: every authority forecast one year ahead from the figures up to a
31 March only, scored against what was published the year after.

Methods: the pooled model (``pooled.py``, its median as the point forecast), persistence (the
last figure carried forward), a linear trend fitted to the authority's own years, and
optionally the simulation of each authority's public-data baseline (as ``areas forecast``
runs it; its point the replications' mean with the starts as a control variate, the plain mean
beside). Scores: the mean absolute percentage error across authorities, and for the methods
with an interval the share of authorities whose outcome fell inside the 90% interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..parameters import ParameterSet
from . import pooled
from .baseline import first_year_start
from .firstyear import entrants_staying
from .forecast import Settings, replications
from .panel import panel
from .tables import Area, PublicData

MEASURES = ("looked_after", "started", "ceased")
WORST = 5
NAMES = {
    "pooled": "pooled model",
    "persistence": "persistence",
    "linear_trend": "linear trend",
    "simulation": "simulation",
    "simulation_mean": "plain mean",
}
"""The methods scored, as the table names them."""


@dataclass(frozen=True)
class Backtest:
    """Forecasts beside outcomes (an authority and measure a row), and their scores."""

    year: int
    table: pd.DataFrame
    scores: pd.DataFrame

    def worst(self, measure: str = "looked_after", count: int = WORST) -> pd.DataFrame:
        """The authorities the pooled model missed most on ``measure``."""
        rows = self.table[self.table["measure"] == measure]
        error = (rows["pooled"] - rows["actual"]).abs() / rows["actual"]
        return rows.assign(error=error).nlargest(count, "error")


def training_year(data: PublicData, train_until: dt.date) -> int:
    """The latest year at or before ``train_until`` that has a published year after it."""
    year = data.year_at(train_until)
    if year + 1 not in data.years:
        raise InputError(
            "--train-until",
            train_until.isoformat(),
            f"a date before 31 March {data.years[-1]}, so that a later year is there to score",
        )
    return year


def linear_trend(frame: pd.DataFrame, measure: str, year: int) -> pd.Series:
    """Each authority's own least-squares line through its published years up to ``year``,
    at the next year (the last figure where only one is published)."""

    def line(rows: pd.DataFrame) -> float:
        known = rows.dropna(subset=[measure])
        if len(known) < 2:
            return float(known[measure].iloc[-1]) if len(known) else np.nan
        slope, level = np.polyfit(known["year"], known[measure], 1)
        return float(slope * (year + 1) + level)

    past = frame[frame["year"] <= year]
    return past.groupby("la_code")[["year", measure]].apply(line)


def scored_rows(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The authorities whose figures at ``year`` and the year after are all published."""
    latest = frame[frame["year"] == year]
    columns = [*MEASURES, "children", *(f"next_{name}" for name in MEASURES)]
    return pooled.usable(latest, columns)


def fitted(data: PublicData, year: int) -> tuple[pd.DataFrame, pooled.Pooled]:
    """Every authority's years (``panel``, with next year's projected children) and the pooled
    model fitted on the pairs of years before ``year``."""
    frame = panel(data)
    frame["projected_children"] = pooled.projected_children(frame)
    return frame, pooled.fit(frame[frame["year"] < year])


def simulated(
    data: PublicData, latest: pd.DataFrame, year: int, settings: Settings, done: Callable
) -> pd.DataFrame:
    """Each authority's baseline from ``year`` run one year: the mean (``simulation``, with the
    starts as a control variate), p05 and p95, and the plain mean of the replications."""
    areas = [data.find(code) for code in latest["la_code"]]
    date = dt.date(year + 1, 3, 31)
    rows = []
    for area, (job, values) in zip(areas, replications(data, areas, settings, done), strict=True):
        started = values[("started", date)]
        shift = started.mean() - stream_starts(job.params)
        staying = staying_share(job.params)
        for measure, weight in (
            ("looked_after", staying),
            ("started", 1.0),
            ("ceased", 1 - staying),
        ):
            sample = values[(measure, date)]
            p05, p95 = np.percentile(sample, (5, 95))
            rows.append(
                {
                    "la_code": area.la_code,
                    "measure": measure,
                    "simulation": sample.mean() - weight * shift,
                    "simulation_p05": p05,
                    "simulation_p95": p95,
                    "simulation_mean": sample.mean(),
                }
            )
    return pd.DataFrame(rows)


def stream_starts(params: ParameterSet) -> float:
    """The starts a year the baseline's entry streams bring, on average."""
    return 12 * sum(entry.rate_per_month.value for entry in params.entries)


def staying_share(params: ParameterSet) -> float:
    """The share of a year's entrants the baseline expects still in care at the year's end."""
    dumped = params.model_dump(mode="json", include={"population", "entries"})
    exits = params.exits
    start = first_year_start(
        dumped["population"], dumped["entries"], exits.adoption.months_placed.value
    )
    return entrants_staying(start, exits.mean_months_by_band.value, exits.shape.value)


def backtest(
    data: PublicData,
    train_until: dt.date,
    settings: Settings | None = None,
    seed: int = 1,
    done: Callable = lambda area: None,
    areas: list[Area] | None = None,
) -> Backtest:
    """Fit on the years up to ``train_until`` (every authority's, as the model pools them),
    forecast the next 31 March, score: every authority published both years, or those of
    ``areas``. With ``settings`` the baselines' simulation is run and scored too."""
    year = training_year(data, train_until)
    frame, model = fitted(data, year)
    latest = scored_rows(frame, year)
    if areas is not None:
        latest = latest[latest["la_code"].isin([area.la_code for area in areas])]
    percentiles = pooled.forecast(model, latest, seed)
    parts = []
    for measure in MEASURES:
        low, middle, high = percentiles[measure].T
        trend = linear_trend(frame, measure, year)
        parts.append(
            pd.DataFrame(
                {
                    "la_code": latest["la_code"],
                    "area": latest["area"],
                    "region": latest["region"],
                    "measure": measure,
                    "actual": latest[f"next_{measure}"],
                    "pooled": middle,
                    "pooled_p05": low,
                    "pooled_p95": high,
                    "persistence": latest[measure],
                    "linear_trend": trend.loc[latest["la_code"]].to_numpy(),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    if settings is not None:
        table = table.merge(
            simulated(data, latest, year, settings, done), on=["la_code", "measure"], how="left"
        )
    return Backtest(year, table, score(table))


def score(table: pd.DataFrame) -> pd.DataFrame:
    """MAPE (%) by measure and method, and the share (%) inside the 90% interval."""
    rows = []
    for measure, rows_of in table.groupby("measure", sort=False):
        for method in NAMES:
            if method not in rows_of:
                continue
            error = (rows_of[method] - rows_of["actual"]).abs() / rows_of["actual"]
            inside = np.nan
            if f"{method}_p05" in rows_of:
                held = rows_of["actual"].between(rows_of[f"{method}_p05"], rows_of[f"{method}_p95"])
                inside = 100 * held.mean()
            rows.append(
                {
                    "measure": measure,
                    "method": method,
                    "authorities": len(rows_of),
                    "mape": 100 * error.mean(),
                    "inside_90": inside,
                }
            )
    return pd.DataFrame(rows)


def describe(result: Backtest) -> str:
    """The scores as a table, then the authorities the pooled model missed most."""
    year = result.year
    lines = [
        f"Forecast of 31 March {year + 1} from the figures to 31 March {year}, "
        f"{result.scores['authorities'].iloc[0]} authorities",
        f"{'measure':<14}{'method':<16}{'MAPE %':>8}{'in 90% interval %':>20}",
    ]
    for score in result.scores.to_dict("records"):
        inside = "" if np.isnan(score["inside_90"]) else f"{score['inside_90']:.1f}"
        lines.append(
            f"{score['measure']:<14}{NAMES[score['method']]:<16}{score['mape']:>8.2f}{inside:>20}"
        )
    lines.append("Missed most on children looked after (pooled model):")
    for row in result.worst().to_dict("records"):
        lines.append(
            f"  {row['area']:<28}{row['actual']:>7.0f} against {row['pooled']:.0f} "
            f"({row['pooled_p05']:.0f}-{row['pooled_p95']:.0f}), {100 * row['error']:.1f}% off"
        )
    return "\n".join(lines)


def write_backtest(result: Backtest, folder: Path) -> None:
    result.table.to_csv(folder / "area_backtest.csv", index=False, float_format="%.6g")
    result.scores.to_csv(folder / "area_backtest_scores.csv", index=False, float_format="%.4g")
