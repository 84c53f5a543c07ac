"""Pooled one-year-ahead forecasts of every authority's children looked after, starts and
ceased, fitted across authorities (statsmodels) on the years before the forecast.

- Starts: a negative binomial regression of next year's starts, with next year's children
  aged 0-17 (projected from their own last change) at the authority's own rate as exposure, on
  how far its region's rate sits from its own, with no intercept: the fitted weight is the
  share of the way each authority's rate moves towards its region's (partial pooling), with no
  drift.
- Ceased: the same for next year's ceased per child looked after at 31 March, with the share
  of those children aged 16 and over (who leave at 18).
- Children looked after: the change in the log stock on how far the authority's rate per
  10,000 children sits from its region's (shrinking towards it) and how far its share aged 16
  and over sits from its region's (older children leave at 18), with no drift: successive
  yearly changes are uncorrelated across authorities, so a trend is damped to nothing. The
  spread of the change is a constant plus a part falling with the stock's size, fitted by
  maximum likelihood, and the coefficients weight each authority by the inverse of its spread
  (feasible generalised least squares, iterated until the two agree).

Intervals carry the fitted coefficients' uncertainty (their estimated covariance) as well as
the outcome's own spread: for starts and ceased as percentiles of draws, for the stock exactly
(normal on the log scale, so no seed moves its interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.optimize import minimize
from scipy.stats import norm

DRAWS = 4000
PERCENTILES = (5, 50, 95)
"""The interval's ends and the point forecast (the median)."""
HALF = 0.5
"""Added to counts before taking logs, so that an authority with no starts has a rate."""
ROUNDS = 50
TOLERANCE = 1e-6
"""The stock model's weights are settled when no authority's moves by more than this share."""
NELDER_MEAD = {"xatol": 1e-8, "fatol": 1e-10, "maxiter": 5000}


def log_rate(count: pd.Series, exposure: pd.Series) -> pd.Series:
    return ((count + HALF) / exposure).apply(np.log)


def projected_children(frame: pd.DataFrame) -> pd.Series:
    """Next year's children aged 0-17: this year's times its own last yearly change (ONS
    figures as the DfE gives them), or this year's where there is no earlier year."""
    before = frame.groupby("la_code")["children"].shift(1)
    change = (frame["children"] / before).where(before > 0, 1.0).fillna(1.0)
    return frame["children"] * change


def starts_design(frame: pd.DataFrame) -> pd.DataFrame:
    own = log_rate(frame["started"], frame["children"])
    region = log_rate(frame["region_started"], frame["region_children"])
    return pd.DataFrame({"distance": region - own})


def starts_exposure(frame: pd.DataFrame, children: pd.Series) -> pd.Series:
    """Next year's children at this year's own rate of starts."""
    return children * np.exp(log_rate(frame["started"], frame["children"]))


def ceased_design(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "const": 1.0,
            "own": log_rate(frame["ceased"], frame["looked_after"]),
            "region": log_rate(frame["region_ceased"], frame["region_looked_after"]),
            "oldest": frame["oldest_share"],
        }
    )


def stock_design(frame: pd.DataFrame) -> pd.DataFrame:
    own = log_rate(frame["looked_after"], frame["children"])
    region = log_rate(frame["region_looked_after"], frame["region_children"])
    older = (frame["oldest_share"] - frame["region_oldest_share"]).fillna(0.0)
    return pd.DataFrame({"distance": own - region, "older": older})


@dataclass(frozen=True)
class CountModel:
    """A fitted negative binomial regression: coefficients, the dispersion last."""

    params: np.ndarray
    cov: np.ndarray

    def rates(
        self, design: pd.DataFrame, exposure: pd.Series, rng: np.random.Generator
    ) -> np.ndarray:
        """Expected counts (authorities x draws): the coefficients drawn from their estimate,
        times the gamma spread of the year's rate the dispersion implies."""
        coefs = rng.multivariate_normal(self.params, self.cov, DRAWS)
        mean = np.exp(design.to_numpy() @ coefs[:, :-1].T) * exposure.to_numpy()[:, None]
        size = 1.0 / np.clip(coefs[:, -1], 1e-4, None)
        return mean * rng.gamma(size, 1.0 / size, mean.shape)

    def draws(
        self, design: pd.DataFrame, exposure: pd.Series, rng: np.random.Generator
    ) -> np.ndarray:
        """Outcomes (authorities x draws): Poisson around the drawn rates (negative binomial)."""
        return rng.poisson(self.rates(design, exposure, rng)).astype(float)


def fit_counts(outcome: pd.Series, design: pd.DataFrame, exposure: pd.Series) -> CountModel:
    model = sm.NegativeBinomial(outcome, design, offset=np.log(exposure), loglike_method="nb2")
    result = model.fit(disp=0, maxiter=200)
    return CountModel(np.asarray(result.params), np.asarray(result.cov_params()))


@dataclass(frozen=True)
class StockModel:
    """The change in the log stock: its coefficients (and their covariance), and its spread
    as a constant plus a part over the stock."""

    params: np.ndarray
    cov: np.ndarray
    spread: tuple[float, float]

    def variance(self, design: pd.DataFrame, stock: pd.Series) -> np.ndarray:
        """The variance of each change in the log stock about its forecast: the coefficients'
        uncertainty plus the spread."""
        x = design.to_numpy()
        uncertainty = np.einsum("ij,jk,ik->i", x, self.cov, x)
        return uncertainty + self.spread[0] + self.spread[1] / stock.to_numpy()

    def standardised(self, change: pd.Series, design: pd.DataFrame, stock: pd.Series) -> np.ndarray:
        """Each change's distance from its forecast, in standard deviations."""
        error = change.to_numpy() - design.to_numpy() @ self.params
        return error / np.sqrt(self.variance(design, stock))

    def percentiles(self, design: pd.DataFrame, stock: pd.Series) -> np.ndarray:
        """Next year's stock at ``PERCENTILES`` (authorities x 3), exactly: the change in the log
        stock is normal, its mean and variance from the coefficients' estimate."""
        z = norm.ppf(np.array(PERCENTILES) / 100)
        mean = design.to_numpy() @ self.params
        sd = np.sqrt(self.variance(design, stock))
        return stock.to_numpy()[:, None] * np.exp(mean[:, None] + sd[:, None] * z)


def fit_stock(change: pd.Series, design: pd.DataFrame, stock: pd.Series) -> StockModel:
    """Feasible generalised least squares: the coefficients by least squares weighted by the
    inverse of the fitted spread, the spread refitted on their residuals, until they agree."""
    weights = np.ones(len(stock))
    for _ in range(ROUNDS):
        result = sm.WLS(change, design, weights=weights).fit()
        spread = fit_spread(np.asarray(result.resid), stock.to_numpy())
        settled = 1.0 / (spread[0] + spread[1] / stock.to_numpy())
        if np.allclose(settled, weights, rtol=TOLERANCE, atol=0.0):
            break
        weights = settled
    return StockModel(np.asarray(result.params), np.asarray(result.cov_params()), spread)


def fit_spread(residuals: np.ndarray, stock: np.ndarray) -> tuple[float, float]:
    """The variance of the change as a constant plus a part over the stock, by maximum
    likelihood of normal residuals (each squared residual weighted by its own variance, so the
    smallest authorities' large moves do not set everyone's spread)."""

    def minus_log_likelihood(logs: np.ndarray) -> float:
        return deviance((np.exp(logs[0]), np.exp(logs[1])), residuals, stock)

    mean_square = float(np.mean(residuals**2))
    start = np.log([mean_square / 2, mean_square / 2 * float(np.mean(1.0 / stock)) ** -1])
    logs = minimize(minus_log_likelihood, start, method="Nelder-Mead", options=NELDER_MEAD).x
    return float(np.exp(logs[0])), float(np.exp(logs[1]))


def deviance(spread: tuple[float, float], residuals: np.ndarray, stock: np.ndarray) -> float:
    """Minus twice the normal log likelihood of ``residuals`` with variance ``spread[0] +
    spread[1] / stock``, less its constant."""
    variance = spread[0] + spread[1] / stock
    return float(np.sum(np.log(variance) + residuals**2 / variance))


@dataclass(frozen=True)
class Pooled:
    starts: CountModel
    ceased: CountModel
    stock: StockModel


def usable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` with every one of ``columns`` published and above zero."""
    known = frame.dropna(subset=columns)
    return known.loc[(known[columns] > 0).all(axis=1)]


def pairs(history: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``history`` the models are fitted on: every figure of the year and the next
    published, and the age mix."""
    needed = ["looked_after", "started", "ceased", "children", "next_looked_after"]
    rows = usable(history, needed + ["next_started", "next_ceased", "next_children"])
    return rows.dropna(subset=["oldest_share"])


def stock_change(rows: pd.DataFrame) -> pd.Series:
    """The change in the log stock to the next 31 March."""
    return (rows["next_looked_after"] / rows["looked_after"]).apply(np.log)


def fit(history: pd.DataFrame) -> Pooled:
    """The three models from every authority's pairs of consecutive years in ``history``."""
    rows = pairs(history)
    return Pooled(
        fit_counts(
            rows["next_started"],
            starts_design(rows),
            starts_exposure(rows, rows["next_children"]),
        ),
        fit_counts(rows["next_ceased"], ceased_design(rows), rows["looked_after"]),
        fit_stock(stock_change(rows), stock_design(rows), rows["looked_after"]),
    )


def forecast(model: Pooled, latest: pd.DataFrame, seed: int) -> dict[str, np.ndarray]:
    """Next year's looked_after, started and ceased at ``PERCENTILES`` (authorities x 3) for
    each row of ``latest``; ``seed`` draws the counts."""
    rng = np.random.default_rng(seed)
    oldest = latest["oldest_share"].fillna(latest["oldest_share"].mean())
    counts = {
        "started": model.starts.draws(
            starts_design(latest),
            starts_exposure(latest, latest["projected_children"]),
            rng,
        ),
        "ceased": model.ceased.draws(
            ceased_design(latest.assign(oldest_share=oldest)), latest["looked_after"], rng
        ),
    }
    return {
        "looked_after": model.stock.percentiles(stock_design(latest), latest["looked_after"]),
        **{name: np.percentile(draws, PERCENTILES, axis=1).T for name, draws in counts.items()},
    }
