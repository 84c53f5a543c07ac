"""Backtest: calibrate on the figures to a date, forecast the later years, score the forecast
against what the reports later recorded, and against persistence and a linear trend.

Where the DfE publishes the same figure as the council (children looked after and the share in
foster care at each 31 March, ``targets.TWINS``), the forecast is scored against both: the DfE's
rows are measures of their own (``dfe_...``), with persistence and the trend drawn from the DfE's
own training years, and the ``followed`` summary scores each figure by the source the fit
follows.

Only ``until(df, train_until)`` reaches the fit and the forecast; the later rows are read
only to score (``observed``). The forecast knows nothing after the training date: no homes
opened later, no later staffing changes or pilots, no later child population.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from ..errors import InputError
from ..output import write_csv
from ..parameters import ParameterSet
from .figures import Figures, Row
from .files import parameter_yaml
from .fit import Fit, Settings, fit, parameters
from .history import child_population
from .report import markdown, table, target_frame, wide_console
from .simulate import History, run
from .sources import until
from .targets import FOSTER, IN_HOUSE, PLACEMENTS, TWINS

COLUMNS = [
    "date",
    "measure",
    "observed",
    "forecast_p05",
    "forecast_p50",
    "forecast_p95",
    "persistence",
    "trend",
]
MEASURES: dict[str, tuple[str, Callable[[History, dt.date], np.ndarray]]] = {
    # backtest measure: (sources measure, simulated value on a date)
    "cla_total": ("cla_at_31_march", lambda h, d: h.cla(d)),
    "pct_cla_in_foster": ("pct_cla_in_foster", lambda h, d: h.share(d, FOSTER, PLACEMENTS)),
    "pct_cla_with_inhouse_carers": (
        "pct_cla_with_inhouse_carers",
        lambda h, d: h.share(d, IN_HOUSE, FOSTER),
    ),
    "dfe_cla_at_31_march": ("dfe_cla_at_31_march", lambda h, d: h.cla(d)),
    "dfe_pct_cla_in_foster": (
        "dfe_pct_cla_in_foster",
        lambda h, d: h.share(d, FOSTER, PLACEMENTS),
    ),
}


def followed(measure: str) -> bool:
    """Whether a measure is scored against the source the fit follows for that figure."""
    source = MEASURES[measure][0]
    for council, (dfe, follows, _) in TWINS.items():
        if source in (council, dfe):
            return source == (council if follows == "council" else dfe)
    return True


@dataclass
class Backtest:
    fit: Fit
    params: ParameterSet
    frame: pd.DataFrame

    def mape(self) -> pd.DataFrame:
        """Mean absolute percentage error of each forecast, by measure, over the figures of
        the source the fit follows, and over all rows."""
        rows = []
        groups = [(m, self.frame[self.frame["measure"] == m]) for m in MEASURES]
        chosen = self.frame[self.frame["measure"].map(followed)]
        for name, part in groups + [("followed", chosen), ("all", self.frame)]:
            if part.empty:
                continue
            row = {"measure": name, "rows": len(part)}
            for method in ("forecast_p50", "persistence", "trend"):
                row[method] = float(
                    (abs(part[method] - part["observed"]) / part["observed"]).mean() * 100
                )
            rows.append(row)
        return pd.DataFrame(rows).rename(columns={"forecast_p50": "model"})


def training_series(fig: Figures, measure: str) -> list[tuple[dt.date, float]]:
    """The training figures of a backtest measure: CLA as counts (rates times the children
    aged 0-17 known at the time), shares as published."""
    if measure != "cla_total":
        return [(r.end, r.value) for r in fig.rows(MEASURES[measure][0])]
    counts = {r.end: r.value for r in fig.rows("cla_at_31_march")}
    for r in fig.rows("cla_rate_per_10000"):
        if r.end not in counts:
            counts[r.end] = r.value * fig.value(child_population(fig, r.end)[1]) / 10_000
    return sorted(counts.items())


def years_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def trend(series: list[tuple[dt.date, float]], date: dt.date) -> float:
    """An ordinary least-squares straight line through the series, read on ``date``."""
    x = np.array([years_between(series[0][0], d) for d, _ in series])
    y = np.array([v for _, v in series])
    slope, intercept = np.polyfit(x, y, 1) if len(series) > 1 else (0.0, y[0])
    return float(intercept + slope * years_between(series[0][0], date))


def later_rows(df: pd.DataFrame, train_until: dt.date) -> dict[str, list[Row]]:
    """What the reports recorded after the training date (read only to score)."""
    fig = Figures(df[df["period_end"] > pd.Timestamp(train_until)])
    return {
        m: [r for r in fig.rows(source) if len(r.period) in (7, 10)]
        for m, (source, _) in MEASURES.items()
    }


def forecast(
    df: pd.DataFrame, train_until: dt.date, settings: Settings, replications: int
) -> tuple[Fit, ParameterSet, History]:
    """Calibrate on figures to ``train_until`` and run the forecast from the day after."""
    result = fit(until(df, train_until), train_until, settings)
    params = parameters(result)
    later = later_rows(df, train_until)
    last = max((r.end for rows in later.values() for r in rows), default=train_until)
    years = max(1, math.ceil(years_between(train_until, last) - 1e-9))
    return result, params, run(params, [], years, replications, settings.seed, settings.jobs)


def month_end(h: History, date: dt.date) -> dt.date:
    """A date on the run's grid: the month end on or before ``date``."""
    return max(d for d in h.cal.dates if d <= date)


def backtest(
    df: pd.DataFrame,
    train_until: dt.date,
    settings: Settings | None = None,
    replications: int = 200,
) -> Backtest:
    settings = settings or Settings()
    result, params, h = forecast(df, train_until, settings, replications)
    fig = result.figures
    rows = []
    for measure, observed in later_rows(df, train_until).items():
        series = training_series(fig, measure)
        simulate = MEASURES[measure][1]
        for row in observed:
            if row.end > h.cal.dates[-1]:
                continue
            values = simulate(h, month_end(h, row.end))
            p05, p50, p95 = np.percentile(values, [5, 50, 95])
            rows.append(
                [
                    row.end,
                    measure,
                    row.value,
                    p05,
                    p50,
                    p95,
                    series[-1][1] if series else np.nan,
                    trend(series, row.end),
                ]
            )
    return Backtest(result, params, pd.DataFrame(rows, columns=COLUMNS))


def check_train_until(df: pd.DataFrame, train_until: dt.date) -> None:
    """Refuse a training date with nothing reported after it to score against."""
    if not any(later_rows(df, train_until).values()):
        scored = df[df["measure"].isin([source for source, _ in MEASURES.values()])]
        last = scored["period_end"].max().date()
        raise InputError(
            "calibration/sources",
            "--train-until",
            f"a date before the last reported CLA or placement figures ({last}), got {train_until}",
        )


def print_backtest(result: Backtest, console: Console | None = None) -> None:
    console = console or wide_console()
    console.print(table(result.frame, "Backtest: observed against forecast"))
    console.print(table(result.mape(), "Mean absolute percentage error (%)"))


def write_backtest(result: Backtest, folder: Path) -> None:
    """backtest.csv, mape.csv, the training fit report and the trained parameter set."""
    write_csv(result.frame, folder / "backtest.csv")
    write_csv(result.mape(), folder / "mape.csv")
    write_csv(target_frame(result.fit), folder / "training_fit.csv")
    (folder / "training_fit.md").write_text(
        markdown(result.fit, result.params, [], f"Backtest training fit to {result.fit.last}"),
        encoding="utf-8",
    )
    (folder / "trained_parameters.yaml").write_text(
        parameter_yaml(result.params, f"Parameters calibrated on figures to {result.fit.last}"),
        encoding="utf-8",
    )
