"""The pooled stock model's spread: a constant plus a part over the stock, by maximum
likelihood, and coefficients weighted by it (feasible generalised least squares)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from sufficiency.publicdata.pooled import fit_spread, fit_stock

CONSTANT, BY_SIZE = 0.002, 1.5


def world(seed: int = 7, n: int = 4000) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    """Changes in the log stock with a known coefficient and known spread."""
    rng = np.random.default_rng(seed)
    stock = pd.Series(np.exp(rng.uniform(np.log(10), np.log(2000), n)))
    design = pd.DataFrame({"distance": rng.normal(0.0, 0.3, n)})
    sd = np.sqrt(CONSTANT + BY_SIZE / stock)
    change = -0.05 * design["distance"] + rng.standard_normal(n) * sd
    return change, design, stock


def test_the_spread_is_recovered_by_maximum_likelihood() -> None:
    change, _, stock = world()
    constant, by_size = fit_spread(change.to_numpy(), stock.to_numpy())
    assert abs(constant / CONSTANT - 1) < 0.15
    assert abs(by_size / BY_SIZE - 1) < 0.1


def test_maximum_likelihood_beats_least_squares_on_squared_residuals() -> None:
    """Least squares on the squared residuals lets the smallest stocks' large moves set the
    constant; the likelihood weights each by its own variance. Over twenty worlds the
    likelihood's constant errs less."""
    errors = {"likelihood": [], "squares": []}
    for seed in range(20):
        change, _, stock = world(seed, 300)
        errors["likelihood"].append(
            abs(fit_spread(change.to_numpy(), stock.to_numpy())[0] - CONSTANT)
        )
        squares = sm.OLS(change**2, np.column_stack([np.ones(len(stock)), 1 / stock])).fit()
        errors["squares"].append(abs(float(squares.params.iloc[0]) - CONSTANT))
    assert np.mean(errors["likelihood"]) < np.mean(errors["squares"])


def test_the_coefficients_are_weighted_by_the_spread() -> None:
    change, design, stock = world()
    model = fit_stock(change, design, stock)
    weights = 1 / (model.spread[0] + model.spread[1] / stock)
    weighted = sm.WLS(change, design, weights=weights).fit()
    assert np.allclose(model.params, weighted.params, atol=1e-6)
    assert abs(model.params[0] + 0.05) < 3 * np.sqrt(model.cov[0, 0])
