"""Whether the pooled stock model's spread holds from year to year: the standardised changes
of each year (the pairs it was fitted on, and the year a backtest scores), and a
likelihood-ratio test of a spread for each training year against the one spread it fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from . import pooled

Z90 = float(norm.ppf(0.95))
"""Half the width of the 90% interval in standard deviations."""


def by_year(model: pooled.StockModel, rows: pd.DataFrame) -> pd.DataFrame:
    """For each year of ``rows`` (pairs of consecutive years): the authorities, the root mean
    square of the standardised changes (1 where the spread fits the year) and the share (%)
    inside the 90% interval."""
    design = pooled.stock_design(rows)
    z = model.standardised(pooled.stock_change(rows), design, rows["looked_after"])
    years = rows["year"].to_numpy()
    return pd.DataFrame(
        [
            {
                "year": year,
                "authorities": int(np.sum(years == year)),
                "rms": float(np.sqrt(np.mean(z[years == year] ** 2))),
                "inside_90": 100 * float(np.mean(np.abs(z[years == year]) <= Z90)),
            }
            for year in np.unique(years)
        ]
    )


@dataclass(frozen=True)
class LikelihoodRatio:
    statistic: float
    degrees_of_freedom: int
    p_value: float


def yearly_test(model: pooled.StockModel, rows: pd.DataFrame) -> LikelihoodRatio:
    """A spread (constant and part over the stock) fitted to each year of ``rows`` against the
    model's one, on the residuals of the model's coefficients: chi-squared with two degrees of
    freedom for each year beyond the first."""
    design = pooled.stock_design(rows).to_numpy()
    residuals = pooled.stock_change(rows).to_numpy() - design @ model.params
    stock = rows["looked_after"].to_numpy()
    years = rows["year"].to_numpy()
    each = 0.0
    for year in np.unique(years):
        mine = years == year
        spread = pooled.fit_spread(residuals[mine], stock[mine])
        each += pooled.deviance(spread, residuals[mine], stock[mine])
    statistic = max(pooled.deviance(model.spread, residuals, stock) - each, 0.0)
    freedom = 2 * (len(np.unique(years)) - 1)
    return LikelihoodRatio(statistic, freedom, float(chi2.sf(statistic, freedom)))
