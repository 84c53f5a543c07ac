"""Yearly series: levels and trends with statsmodels GLMs, with their uncertainty.

Quasi-likelihood lets a short yearly series be over-dispersed: standard errors are scaled by
the Pearson chi-square per degree of freedom when that is above 1 (never below the Poisson or
binomial variance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from ..paths import put
from .figures import Figures, Row, significant

RECENT_YEARS = 3


@dataclass(frozen=True)
class Level:
    """A mean over recent years with its standard error."""

    mean: float
    sd: float


@dataclass(frozen=True)
class Trend:
    """Yearly change on the log scale: the ratio from one year to the next and its 95% range."""

    ratio: float
    low: float
    high: float


def quasi_fit(endog: np.ndarray, exog: np.ndarray, family) -> tuple[np.ndarray, np.ndarray]:
    """GLM coefficients and their standard errors, inflated for over-dispersion."""
    fit = sm.GLM(endog, exog, family=family).fit()
    dispersion = fit.pearson_chi2 / fit.df_resid if fit.df_resid > 0 else 1.0
    return np.asarray(fit.params), np.asarray(fit.bse) * np.sqrt(max(1.0, dispersion))


def count_level(counts: list[float]) -> Level:
    """Intercept-only quasi-Poisson GLM: the mean count and its standard error."""
    y = np.asarray(counts, dtype=float)
    params, bse = quasi_fit(y, np.ones((len(y), 1)), sm.families.Poisson())
    mean = float(np.exp(params[0]))
    return Level(mean, mean * float(bse[0]))


def share_level(events: list[float], exposure: list[float]) -> Level:
    """Intercept-only quasi-binomial GLM: the pooled share and its standard error."""
    events_, exposure_ = np.asarray(events, float), np.asarray(exposure, float)
    endog = np.column_stack([events_, exposure_ - events_])
    params, bse = quasi_fit(endog, np.ones((len(events_), 1)), sm.families.Binomial())
    p = float(1.0 / (1.0 + np.exp(-params[0])))
    return Level(p, p * (1 - p) * float(bse[0]))


def log_trend(years: list[float], counts: list[float]) -> Trend:
    """Log-linear quasi-Poisson GLM of counts on the year."""
    x = sm.add_constant(np.asarray(years, float) - years[0])
    params, bse = quasi_fit(np.asarray(counts, float), x, sm.families.Poisson())
    low, high = params[1] - 1.96 * bse[1], params[1] + 1.96 * bse[1]
    return Trend(float(np.exp(params[1])), float(np.exp(low)), float(np.exp(high)))


def recent(fig: Figures, measure: str) -> list[Row]:
    return [r for r in fig.rows(measure) if len(r.period) == 7][-RECENT_YEARS:]


def foster_carers(data: dict, fig: Figures) -> None:
    """Recruitment (households a year) and attrition (share a year) from the carers table."""
    new = recent(fig, "new_foster_carers")
    households = fig.latest("foster_households")
    carers = fig.get("foster_carers_end_of_year", households.period) if households else None
    if new and households is not None and carers is not None:
        level = count_level([r.value for r in new])
        ratio = households.value / carers.value
        terms = " + ".join(r.token for r in new)
        sourced = fig.derived(
            f"({terms}) / {len(new)} * {households.token} / {carers.token}",
            f"new carers a year over {new[0].period} to {new[-1].period} (quasi-Poisson GLM level) "
            "in households, at the latest households per carer",
        )
        sourced["uncertainty"] = {"distribution": "gamma", "sd": significant(level.sd * ratio, 3)}
        put(data, "foster_carers.recruitment_per_year", sourced)
    attrition(data, fig)


def attrition(data: dict, fig: Figures) -> None:
    """Carers leaving a year over carers at the start: start + new - end, pooled."""
    rows = [
        (r, n, e)
        for r in recent(fig, "foster_carers_start_of_year")
        if (n := fig.get("new_foster_carers", r.period))
        and (e := fig.get("foster_carers_end_of_year", r.period))
    ]
    if not rows:
        return
    years, new, ends = (list(column) for column in zip(*rows))
    starts = [r.value for r in years]
    left = [s + n.value - e.value for s, n, e in zip(starts, new, ends)]
    level = share_level(left, starts)
    leavers = " + ".join(
        f"({s.token} + {n.token} - {e.token})" for s, n, e in zip(years, new, ends)
    )
    sourced = fig.derived(
        f"({leavers}) / ({' + '.join(r.token for r in years)})",
        f"carers leaving over carers at the start of the year, {years[0].period} to "
        f"{years[-1].period} pooled (quasi-binomial GLM)",
    )
    sourced["uncertainty"] = {"distribution": "beta", "sd": significant(level.sd, 3)}
    put(data, "foster_carers.attrition_per_year", sourced)


def apply(data: dict, fig: Figures) -> None:
    """Every trend-based estimate the figures support."""
    foster_carers(data, fig)
