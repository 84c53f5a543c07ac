"""Backtest from SSDA903 returns: fit on what the returns knew at a 31 March, forecast the
later years, and score the forecast's children looked after at each later 31 March, periods of
care started and ceased in each later year, against the returns, persistence and a trend.

Only ``periods.until(history, train_until)`` reaches the fit; the later episodes are read only
to score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from ..calendar import financial_year
from ..errors import InputError
from ..output import write_csv
from ..ssda903.census import SMALL
from ..ssda903.mapping import Mapping
from ..ssda903.periods import History, in_care_on, periods
from .backtest import trend
from .report import table, wide_console
from .simulate import History as Simulated
from .simulate import run
from .ssda903 import Calibration, calibrate

COLUMNS = ["date", "measure", "observed", "model_p05", "model", "model_p95", "persistence", "trend"]
METHODS = ("model", "persistence", "trend")


@dataclass
class Backtest:
    calibration: Calibration
    frame: pd.DataFrame  # one row per measure and later 31 March

    def mape(self) -> pd.DataFrame:
        """Mean absolute percentage error by measure and over all rows with 5 or more observed."""
        scored = self.frame[self.frame["observed"] >= SMALL]
        rows = []
        for name, part in [*scored.groupby("measure", sort=False), ("all", scored)]:
            row: dict[str, object] = {"measure": name, "rows": len(part)}
            for method in METHODS:
                row[method] = float(
                    (abs(part[method] - part["observed"]) / part["observed"]).mean() * 100
                )
            rows.append(row)
        return pd.DataFrame(rows)


def march_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        dt.date(y, 3, 31)
        for y in range(first.year, last.year + 1)
        if first <= dt.date(y, 3, 31) <= last
    ]


def observed(h: History, mapping: Mapping, ends: list[dt.date]) -> dict[str, list[float]]:
    """From the returns: children in care at each 31 March, periods started and ceased in the
    year to it."""
    p = periods(h, mapping)
    out: dict[str, list[float]] = {"cla_total": [], "started": [], "ceased": []}
    for end in ends:
        day, year_before = pd.Timestamp(end), pd.Timestamp(end) - pd.DateOffset(years=1)
        out["cla_total"].append(len(in_care_on(h, end)))
        out["started"].append(int(((p["START"] > year_before) & (p["START"] <= day)).sum()))
        out["ceased"].append(int(((p["END"] > year_before) & (p["END"] <= day)).sum()))
    return out


def simulated(sim: Simulated, measure: str, end: dt.date) -> np.ndarray:
    if measure == "cla_total":
        return sim.cla(end)
    return sim.flow("entries" if measure == "started" else "exits")[
        :, sim.year(financial_year(end))
    ]


def backtest(
    h: History,
    train_until: dt.date,
    label: str,
    mapping: Mapping,
    replications: int,
    seed: int,
    jobs: int = 1,
) -> Backtest:
    """Fit on the returns to ``train_until`` (a 31 March), forecast to the last return, score."""
    if (train_until.month, train_until.day) != (3, 31):
        raise InputError(label, "--train-until", "a 31 March (the returns' census date)")
    later = march_ends(train_until + dt.timedelta(days=1), h.last.date())
    past = march_ends(h.first.date() + dt.timedelta(days=365), train_until)
    if not later or not past:
        raise InputError(
            label,
            "--train-until",
            f"a 31 March with a whole year of returns before it and one after "
            f"(the returns cover {h.first.date()} to {h.last.date()})",
        )
    fitted = calibrate(h, train_until, label, mapping)
    sim = run(fitted.params, [], len(later), replications, seed, jobs)
    truth, before = observed(h, mapping, later), observed(h, mapping, past)
    rows = []
    for measure, values in truth.items():
        series = list(zip(past, before[measure], strict=True))
        for end, value in zip(later, values, strict=True):
            p05, p50, p95 = np.percentile(simulated(sim, measure, end), [5, 50, 95])
            rows.append([end, measure, value, p05, p50, p95, series[-1][1], trend(series, end)])
    return Backtest(fitted, pd.DataFrame(rows, columns=COLUMNS))


def suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """Observed counts from 1 to 4 written as 'fewer than 5'."""
    out = frame.astype({"observed": object})
    small = (frame["observed"] > 0) & (frame["observed"] < SMALL)
    out.loc[small, "observed"] = "fewer than 5"
    return out


def print_backtest(result: Backtest, console: Console | None = None) -> None:
    console = console or wide_console()
    console.print(
        table(suppressed(result.frame), "Backtest from SSDA903: observed against forecast")
    )
    console.print(table(result.mape(), "Mean absolute percentage error (%)"))


def write_backtest(result: Backtest, folder: Path) -> None:
    """backtest.csv, mape.csv and the training fit report."""
    write_csv(suppressed(result.frame), folder / "backtest.csv")
    write_csv(result.mape(), folder / "mape.csv")
    (folder / "training_fit.md").write_text(
        "\n".join(result.calibration.report) + "\n", encoding="utf-8"
    )
