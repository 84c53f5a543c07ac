"""The pooled stock model's interval on synthetic panels with a known spread in each year: exact
percentiles, about 90% inside when the year scored moves as the training years did, more when
it is calmer, and the test of a spread per year tells the two kinds of training years apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency.publicdata import pooled, spread
from sufficiency.publicdata.pooled import StockModel

CONSTANT, BY_SIZE = 0.002, 1.5
BETA = np.array([-0.05, -0.25])
"""The coefficients of the distance from the region's rate and of the older children's share."""


def synthetic(factors: dict[int, float], n: int = 1500, seed: int = 3) -> pd.DataFrame:
    """Pairs of years (``n`` authorities a year) whose change in the log stock has the
    coefficients ``BETA`` and variance ``CONSTANT + BY_SIZE / stock`` times the year's factor.
    The region's rate is 1 per child (log rate 0), so the distance is the own log rate."""
    rng = np.random.default_rng(seed)
    frames = []
    for year, factor in factors.items():
        stock = np.round(np.exp(rng.uniform(np.log(10), np.log(2000), n)))
        distance = rng.normal(0.0, 0.3, n)
        older = rng.normal(0.0, 0.05, n)
        sd = np.sqrt(factor * (CONSTANT + BY_SIZE / stock))
        change = BETA[0] * distance + BETA[1] * older + rng.standard_normal(n) * sd
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "looked_after": stock,
                    "next_looked_after": stock * np.exp(change),
                    "children": (stock + pooled.HALF) / np.exp(distance),
                    "region_looked_after": 1.0 - pooled.HALF,
                    "region_children": 1.0,
                    "oldest_share": 0.25 + older,
                    "region_oldest_share": 0.25,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def fitted(rows: pd.DataFrame) -> StockModel:
    return pooled.fit_stock(
        pooled.stock_change(rows), pooled.stock_design(rows), rows["looked_after"]
    )


def inside(model: StockModel, rows: pd.DataFrame) -> float:
    """The share (%) of ``rows`` whose next stock falls inside the model's 90% interval."""
    low, _, high = model.percentiles(pooled.stock_design(rows), rows["looked_after"]).T
    return 100 * float(
        np.mean((rows["next_looked_after"] >= low) & (rows["next_looked_after"] <= high))
    )


def test_the_synthetic_design_is_the_one_meant() -> None:
    rows = synthetic({2021: 1.0}, n=5)
    design = pooled.stock_design(rows)
    assert np.allclose(
        np.exp(design["distance"]), (rows["looked_after"] + pooled.HALF) / rows["children"]
    )
    assert np.allclose(design["older"], rows["oldest_share"] - 0.25)


def test_the_percentiles_are_those_of_draws_of_the_coefficients_and_the_spread() -> None:
    model = fitted(synthetic({2021: 1.0, 2022: 1.0}))
    rows = synthetic({2023: 1.0}, n=4, seed=9)
    design, stock = pooled.stock_design(rows), rows["looked_after"]
    rng = np.random.default_rng(0)
    draws = 400_000
    coefs = rng.multivariate_normal(model.params, model.cov, draws)
    variance = model.spread[0] + model.spread[1] / stock.to_numpy()[:, None]
    noise = rng.standard_normal((len(stock), draws)) * np.sqrt(variance)
    simulated = stock.to_numpy()[:, None] * np.exp(design.to_numpy() @ coefs.T + noise)
    expected = np.percentile(simulated, pooled.PERCENTILES, axis=1).T
    assert np.allclose(model.percentiles(design, stock), expected, rtol=2e-3)


def test_about_ninety_percent_inside_when_the_year_moves_as_the_training_years() -> None:
    model = fitted(synthetic({2021: 1.0, 2022: 1.0}))
    scored = synthetic({2023: 1.0}, n=4000, seed=11)
    assert 88.0 <= inside(model, scored) <= 92.0
    assert abs(spread.by_year(model, scored)["rms"].iloc[0] - 1) < 0.05


def test_a_calmer_year_scored_falls_inside_more_often() -> None:
    """The year scored with 70% of the training years' variance (sd 0.84 in standardised
    terms, as 2023-24 against the 2023 fit): about 95% inside a calibrated 90% interval."""
    model = fitted(synthetic({2021: 1.0, 2022: 1.0}))
    scored = synthetic({2023: 0.7}, n=4000, seed=11)
    assert 93.5 <= inside(model, scored) <= 96.5
    assert 0.80 < spread.by_year(model, scored)["rms"].iloc[0] < 0.88


def test_the_yearly_test_finds_a_spread_that_changed_and_not_one_that_held() -> None:
    held = synthetic({2021: 1.0, 2022: 1.0})
    changed = synthetic({2021: 1.0, 2022: 0.7})
    assert spread.yearly_test(fitted(held), held).p_value > 0.05
    assert spread.yearly_test(fitted(changed), changed).p_value < 0.001
    assert spread.yearly_test(fitted(changed), changed).degrees_of_freedom == 2
