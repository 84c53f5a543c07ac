"""Checks of why the pooled stock model's 90% interval held 95.3% of authorities at 2024
(docs/areas.md, "The stock interval's coverage at 2024"): the standardised changes' shape, the
coefficients' share of the variance, the scored year by size of stock, rounding and
suppression of the published stocks, a spread fitted to the latest training pair alone (in
hindsight only: not the model's), and how one year's share inside varies under the fitted model
with a common move each year.

Run from the repository root:  PYTHONPATH=. python benchmarks/stock_spread_checks.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import kurtosis, norm, skew, t

from sufficiency.publicdata import pooled
from sufficiency.publicdata.backtest import fitted, scored_rows
from sufficiency.publicdata.panel import OLDEST
from sufficiency.publicdata.spread import Z90
from sufficiency.publicdata.tables import PublicData, load

BANDS = [0, 100, 300, 700, 5000]
YEARS_SIMULATED = 20_000


def published(data: PublicData) -> None:
    """How the authorities' stocks and their count aged 16 and over are published."""
    stocks = [
        data.number("looked_after_at_31_march", area.la_code, year)
        for year in data.years
        for area in data.areas
    ]
    values = np.array([cell.value for cell in stocks if cell.value is not None])
    symbols = pd.Series([cell.symbol for cell in stocks if cell.value is None]).value_counts()
    print(
        f"stocks: {len(values)} published, {100 * np.mean(values % 5 == 0):.1f}% multiples of 5, "
        f"{100 * np.mean(values % 10 == 0):.1f}% of 10; not published: {symbols.to_dict()}"
    )
    oldest = [
        data.breakdown("cla_at_31_march", "Age group", area.la_code, year).get(OLDEST)
        for year in data.years
        for area in data.areas
    ]
    cells = [cell for cell in oldest if cell is not None]
    hidden = sum(cell.suppressed for cell in cells)
    print(f"aged 16 and over: suppressed in {hidden} of {len(cells)} breakdowns")


def inside(error: np.ndarray, variance: np.ndarray) -> float:
    return 100 * float(np.mean(np.abs(error) <= Z90 * np.sqrt(variance)))


def cutoff(data: PublicData, year: int, rng: np.random.Generator) -> None:
    frame, model = fitted(data, year)
    stock = model.stock
    training = pooled.pairs(frame[frame["year"] < year])
    scored = scored_rows(frame, year)
    print(f"trained to 31 March {year}, {len(training)} pairs, {len(scored)} scored")
    z = stock.standardised(
        pooled.stock_change(training), pooled.stock_design(training), training["looked_after"]
    )
    weights = 1 / (stock.spread[0] + stock.spread[1] / training["looked_after"])
    scale = sm.WLS(pooled.stock_change(training), pooled.stock_design(training), weights).fit()
    freedom = len(training) - len(stock.params)
    print(
        f"  training: excess kurtosis {kurtosis(z):.2f}, skew {skew(z):.2f}; weighted least "
        f"squares scale {scale.scale:.3f}; t({freedom}) over normal at 95% "
        f"{t.ppf(0.95, freedom) / norm.ppf(0.95):.4f}"
    )
    design, stocks = pooled.stock_design(scored), scored["looked_after"]
    error = pooled.stock_change(scored).to_numpy() - design.to_numpy() @ stock.params
    variance = stock.variance(design, stocks)
    spread = stock.spread[0] + stock.spread[1] / stocks.to_numpy()
    print(
        f"  scored: coefficients' share of the variance "
        f"{100 * np.mean(1 - spread / variance):.2f}%; inside {inside(error, variance):.1f}%, "
        f"without the coefficients' part "
        f"{inside(error, spread):.1f}%"
    )
    bands = pd.cut(stocks.to_numpy(), BANDS)
    by_size = pd.DataFrame(
        {"z2": error**2 / variance, "inside": np.abs(error) <= Z90 * np.sqrt(variance)}
    )
    for band, rows in by_size.groupby(bands, observed=True):
        print(
            f"    stock {band}: {len(rows)} authorities, root mean square "
            f"{np.sqrt(rows['z2'].mean()):.3f}, inside {100 * rows['inside'].mean():.1f}%"
        )
    if training["year"].nunique() > 1:
        hindsight(training, stock, error, design, stocks)
    common_move(training, stock, variance, spread, inside(error, variance), rng)


def hindsight(
    training: pd.DataFrame,
    stock: pooled.StockModel,
    error: np.ndarray,
    design: pd.DataFrame,
    stocks: pd.Series,
) -> None:
    """The scored year inside an interval whose spread is the latest training pair's alone."""
    latest = training[training["year"] == training["year"].max()]
    residuals = pooled.stock_change(latest) - pooled.stock_design(latest).to_numpy() @ stock.params
    own = pooled.fit_spread(residuals.to_numpy(), latest["looked_after"].to_numpy())
    coefficients = stock.variance(design, stocks) - stock.spread[0] - stock.spread[1] / stocks
    variance = coefficients + own[0] + own[1] / stocks.to_numpy()
    print(
        f"  in hindsight, the latest pair's spread {own[0]:.5f} + {own[1]:.3f}/stock: inside "
        f"{inside(error, variance.to_numpy()):.1f}%"
    )


def common_move(
    training: pd.DataFrame,
    stock: pooled.StockModel,
    variance: np.ndarray,
    spread: np.ndarray,
    observed: float,
    rng: np.random.Generator,
) -> None:
    """One year's share inside under the fitted model, with a common move each year whose
    variance is the mean square of the training years' weighted mean changes beyond the model."""
    residuals = (
        pooled.stock_change(training) - pooled.stock_design(training).to_numpy() @ stock.params
    )
    weights = 1 / (stock.spread[0] + stock.spread[1] / training["looked_after"])
    means = [
        float(np.average(residuals[rows.index], weights=weights[rows.index]))
        for _, rows in training.groupby("year")
    ]
    common = float(np.mean(np.square(means)))
    own = np.sqrt(np.clip(spread - common, 0.0, None))
    moves = rng.normal(0.0, np.sqrt(common), (YEARS_SIMULATED, 1))
    errors = moves + rng.standard_normal((YEARS_SIMULATED, len(spread))) * own
    shares = 100 * np.mean(np.abs(errors) <= Z90 * np.sqrt(variance), axis=1)
    print(
        f"  common move: training years' mean changes {', '.join(f'{m:+.4f}' for m in means)}, "
        f"variance {common:.5f}; one year's share inside within 80-95% with probability "
        f"{np.mean((shares >= 80) & (shares <= 95)):.3f}, at or above the {observed:.1f}% "
        f"scored with probability {np.mean(shares >= observed - 1e-9):.3f}"
    )


def main() -> None:
    data = load()
    published(data)
    rng = np.random.default_rng(1)
    for year in (2022, 2023):
        cutoff(data, year, rng)


if __name__ == "__main__":
    main()
