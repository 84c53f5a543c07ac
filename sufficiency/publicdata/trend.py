"""Next year's starts for every authority from the pooled model (``pooled.py``): the expected
starts, per child aged 0-17 projected a year on from the ONS figures, with their spread (the
fitted coefficients' uncertainty and the year-to-year spread of a rate), fitted on every
authority's pairs of consecutive years up to the year asked for. Area baselines take their
entry rate from it; the backtest scores it (``areas backtest``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import pooled
from .panel import panel
from .tables import PublicData

SEED = 20240331
"""The draws' seed, fixed so that a baseline is the same each time it is built."""


@dataclass(frozen=True)
class Starts:
    """An authority's expected starts in the year after ``year``: mean, sd, 90% interval."""

    year: int
    mean: float
    sd: float
    low: float
    high: float
    children: float
    shrink: float
    """The fitted weight pulling the authority's rate towards its region's."""


@dataclass(frozen=True)
class Forecasts:
    """The pooled model's forecasts from ``year`` by ``la_code``: the starts, and the median
    of children looked after a year on."""

    starts: dict[str, Starts]
    stock: dict[str, float]


CACHE: dict[tuple[int, int], tuple[PublicData, Forecasts]] = {}
"""Fits by (the data's id, year), each kept with its data so that the id stays its own."""


def pooled_forecasts(data: PublicData, year: int) -> Forecasts:
    """Every authority published at ``year``; empty when no pair of years comes before
    ``year`` to fit on."""
    key = (id(data), year)
    if key not in CACHE or CACHE[key][0] is not data:
        CACHE[key] = (data, fitted(data, year))
    return CACHE[key][1]


def trended_starts(data: PublicData, year: int) -> dict[str, Starts]:
    """Every authority's expected starts in the year after ``year``, by ``la_code``."""
    return pooled_forecasts(data, year).starts


def forecast_stock(data: PublicData, year: int) -> dict[str, float]:
    """Every authority's median children looked after a year after ``year``, by ``la_code``."""
    return pooled_forecasts(data, year).stock


def fitted(data: PublicData, year: int) -> Forecasts:
    frame = panel(data)
    frame["projected_children"] = pooled.projected_children(frame)
    history = frame[frame["year"] < year]
    if history["next_started"].notna().sum() == 0:
        return Forecasts({}, {})
    model = pooled.fit(history)
    latest = pooled.usable(frame[frame["year"] == year], ["started", "children"])
    return Forecasts(expected_starts(model, latest, year), stock_medians(model, latest))


def stock_medians(model: pooled.Pooled, latest: pd.DataFrame) -> dict[str, float]:
    known = pooled.usable(latest, ["looked_after"])
    median = model.stock.percentiles(pooled.stock_design(known), known["looked_after"])[:, 1]
    return dict(zip(known["la_code"], median.tolist(), strict=True))


def expected_starts(model: pooled.Pooled, latest: pd.DataFrame, year: int) -> dict[str, Starts]:
    rates = model.starts.rates(
        pooled.starts_design(latest),
        pooled.starts_exposure(latest, latest["projected_children"]),
        np.random.default_rng(SEED),
    )
    low, high = np.percentile(rates, (5, 95), axis=1)
    return {
        code: Starts(
            year,
            float(rates[i].mean()),
            float(rates[i].std()),
            float(low[i]),
            float(high[i]),
            float(children),
            float(model.starts.params[0]),
        )
        for i, (code, children) in enumerate(
            zip(latest["la_code"], latest["projected_children"], strict=True)
        )
    }


def described(starts: Starts) -> str:
    """The estimate, for a source."""
    return (
        f"{starts.mean:.1f} expected starts in the year to 31 March {starts.year + 1} "
        f"(90% interval {starts.low:.0f} to {starts.high:.0f}) from a negative binomial "
        "regression across authorities (statsmodels) of next year's starts per child aged 0-17 "
        f"(here {starts.children:.0f}, projected from the ONS figures' last yearly change) on "
        f"this year's rate, shrunk {starts.shrink:.0%} of the way towards the region's, no drift"
    )
