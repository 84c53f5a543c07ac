"""The rates a council's SSDA903 periods of care show: entries by age band with a trend, time to
exit (a Weibull with right-censoring and delayed entry), exit routes, placement on entry, moves.

Children still in care when the returns stop are censored, not dropped (dropping them biases
time in care short), and children already in care when the first return starts count only from
then (delayed entry), since a child who left before it is never seen.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.base.model import GenericLikelihoodModel

from ..parameters import CHOSEN_ROUTES
from ..pathway import AGE_BAND_BOUNDS, AGE_BANDS, DAYS_PER_YEAR, MATCHED_NAMES, MONTH
from ..ssda903.periods import at_least, at_most

FEWEST = 10
"""A band with fewer events than this takes the shares of all bands together."""
TREND_P = 0.05
"""An entry trend is carried to the date only if its p-value is below this."""
AT_18_WITHIN = pd.Timedelta(days=7)
"""An exit this close to the 18th birthday is turning 18 (some returns date it the day before)."""


def band_of(years: pd.Series) -> pd.Series:
    """The model's age band of ages in years."""
    edges = [0, *(AGE_BAND_BOUNDS[b][1] for b in AGE_BANDS)]
    return pd.cut(years.clip(lower=0, upper=17.999), edges, right=False, labels=list(AGE_BANDS))


def birthday(born: pd.Series, years: int) -> pd.Series:
    """The day each child turns ``years`` (29 February births on 28 February)."""
    return born + pd.DateOffset(years=years)


def age_years(born: pd.Series, day: pd.Series | pd.Timestamp) -> pd.Series:
    return (day - born).dt.days / DAYS_PER_YEAR


# -- time to exit ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Survival:
    """Months at risk from the start of care, by band at entry."""

    band: np.ndarray  # band index
    entry: np.ndarray  # months in care when first seen (0 if it started in the window)
    time: np.ndarray  # months in care at the exit or when censored
    event: np.ndarray  # 1 an exit before 18, 0 censored (in care, gone from the returns, 18)


def survival_data(p: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> Survival:
    """Each period's time at risk: from the later of its start and ``first`` to its exit, its
    censoring, ``last`` or the 18th birthday, whichever comes first."""
    adult = birthday(p["DOB"], 18) - AT_18_WITHIN
    stop = at_most(p["END"].fillna(p["CENSORED"]), last)
    event = p["END"].notna() & (p["END"] <= last) & (p["END"] < adult)
    stop = stop.where(stop < adult, adult)
    begin = at_least(p["START"], first)
    keep = (stop > begin) | event & (stop >= begin)
    half_day = 0.5 / MONTH
    months = ((stop - p["START"]).dt.days / MONTH + half_day)[keep]
    entry = ((begin - p["START"]).dt.days / MONTH)[keep]
    bands = band_of(age_years(p["DOB"], p["START"]))[keep]
    return Survival(
        np.array([AGE_BANDS.index(b) for b in bands]),
        entry.to_numpy(float),
        months.to_numpy(float),
        event[keep].to_numpy(int),
    )


class Weibull(GenericLikelihoodModel):
    """Weibull time to exit: one shape, a scale per band; right-censoring, delayed entry."""

    def __init__(self, data: Survival, **kwargs) -> None:
        self.survival = data
        bands = int(data.band.max()) + 1
        super().__init__(data.event.astype(float), np.eye(bands)[data.band], **kwargs)

    def loglikeobs(self, params: np.ndarray) -> np.ndarray:
        d = self.survival
        shape = math.exp(params[0])
        scale = np.exp(params[1:])[d.band]
        z, z0 = (d.time / scale) ** shape, (d.entry / scale) ** shape
        log_hazard = math.log(shape) - shape * np.log(scale) + (shape - 1) * np.log(d.time)
        return d.event * log_hazard - z + z0


@dataclass(frozen=True)
class ExitFit:
    shape: float
    mean_months: dict[str, float]
    se_log_mean: dict[str, float]  # standard error of the log scale, by band (nan: pooled)
    events: dict[str, int]
    at_risk: dict[str, int]


def fit_exits(data: Survival) -> ExitFit:
    """Maximum likelihood (statsmodels) over the bands with an exit; a band without one takes
    the scale of all exits together (weighted by exits)."""
    counts = np.bincount(data.band[data.event == 1], minlength=len(AGE_BANDS))
    fitted = np.flatnonzero(counts)
    if not fitted.size:
        raise ValueError("no child left care in the returns read")
    keep = np.isin(data.band, fitted)
    index = np.searchsorted(fitted, data.band[keep])
    sub = Survival(index, data.entry[keep], data.time[keep], data.event[keep])
    start = np.array([0.0, *([math.log(float(np.mean(sub.time)) + 1.0)] * fitted.size)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Weibull(sub).fit(start_params=start, method="bfgs", maxiter=500, disp=False)
    params = np.asarray(result.params, float)
    shape = float(math.exp(params[0]))
    gamma = math.gamma(1 + 1 / shape)
    pooled = float(np.exp(np.average(params[1:], weights=counts[fitted])))
    bse = np.asarray(result.bse, float)
    means, errors = {}, {}
    for i, band in enumerate(AGE_BANDS):
        j = int(np.searchsorted(fitted, i))
        found = j < fitted.size and fitted[j] == i
        scale = math.exp(params[j + 1]) if found else pooled
        means[band] = float(min(scale * gamma, 600.0))
        errors[band] = float(bse[j + 1]) if found else math.nan
    at_risk = np.bincount(data.band, minlength=len(AGE_BANDS))
    return ExitFit(
        shape,
        means,
        errors,
        {b: int(c) for b, c in zip(AGE_BANDS, counts, strict=True)},
        {b: int(n) for b, n in zip(AGE_BANDS, at_risk, strict=True)},
    )


# -- routes and placements ---------------------------------------------------------------------
def shares_by_band(
    bands: pd.Series, kinds: pd.Series, keys: tuple[str, ...]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Shares of ``kinds`` in each band; a band with fewer than FEWEST takes all bands'
    shares (those bands are listed)."""
    table = pd.crosstab(bands, kinds).reindex(index=list(AGE_BANDS), columns=list(keys))
    counts = table.fillna(0).to_numpy(float)
    pooled = counts.sum(axis=0)
    if pooled.sum() == 0:
        raise ValueError("no rows to share out")
    out, pooled_bands = {}, []
    for band, row in zip(AGE_BANDS, counts, strict=True):
        if row.sum() < FEWEST:
            row = pooled
            pooled_bands.append(band)
        out[band] = {k: float(n / row.sum()) for k, n in zip(keys, row, strict=True)}
    return out, pooled_bands


def route_shares(p: pd.DataFrame, last: pd.Timestamp) -> tuple[dict, list[str], dict[str, int]]:
    """Exit routes by band at entry, exits before 18 only (the model ends care at 18 itself);
    a turned-18 code before the birthday (moved to independent living at 17) counts as other."""
    adult = birthday(p["DOB"], 18) - AT_18_WITHIN
    out = p[p["END"].notna() & (p["END"] <= last) & (p["END"] < adult)]
    routes = out["ROUTE"].where(out["ROUTE"].isin(CHOSEN_ROUTES), "other")
    shares, pooled = shares_by_band(
        band_of(age_years(out["DOB"], out["START"])), routes, CHOSEN_ROUTES
    )
    return shares, pooled, {str(k): int(n) for k, n in routes.value_counts().items()}


def placement_mix(starts: pd.DataFrame) -> tuple[dict, list[str]]:
    """The placement type of each period's first episode, by band at entry."""
    bands = band_of(age_years(starts["DOB"], starts["START"]))
    return shares_by_band(bands, starts["FIRST_TYPE"], MATCHED_NAMES)


# -- entries -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EntryFit:
    rate_per_month: dict[str, float]  # by band, at the date
    trend_per_year: dict[str, float]  # proportional change a year
    p_value: dict[str, float]
    carried: dict[str, bool]  # whether the trend was carried to the date
    months: int


def month_starts(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """The first days of the whole months from ``first`` to ``last``."""
    return pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS")


def fit_entries(starts: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> EntryFit:
    """Periods starting in each whole month of the window, by band at entry: a Poisson GLM of
    the monthly count on time (statsmodels). The rate at ``last`` follows the trend if it is
    significant, else the window's mean."""
    months = month_starts(first, last)
    months = months[months + pd.offsets.MonthEnd(0) <= last]
    if len(months) < 3:
        raise ValueError("at least three whole months of returns before the date")
    bands = band_of(age_years(starts["DOB"], starts["START"]))
    month = starts["START"].dt.to_period("M").dt.to_timestamp()
    x = np.arange(len(months)) / 12.0
    out: dict[str, dict] = {"rate": {}, "trend": {}, "p": {}, "carried": {}}
    for band in AGE_BANDS:
        y = month[bands == band].value_counts().reindex(months, fill_value=0).to_numpy(float)
        rate, trend, p, carried = y.mean(), 0.0, 1.0, False
        if y.sum() > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                glm = sm.GLM(y, sm.add_constant(x), family=sm.families.Poisson()).fit()
            trend, p = float(math.expm1(glm.params[1])), float(glm.pvalues[1])
            if p < TREND_P:
                rate, carried = float(math.exp(glm.params[0] + glm.params[1] * x[-1])), True
        out["rate"][band], out["trend"][band] = float(rate), trend
        out["p"][band], out["carried"][band] = p, carried
    return EntryFit(out["rate"], out["trend"], out["p"], out["carried"], len(months))


# -- moves -------------------------------------------------------------------------------------
def supported_at_16(episodes: pd.DataFrame, p: pd.DataFrame, first, last) -> tuple[float, int]:
    """Of the children in care on their 16th birthday in the window (not already in supported
    accommodation or with parents), the share later placed in supported accommodation in the
    same period of care; and how many such children there were."""
    sixteen = birthday(p["DOB"], 16)
    ends = p["END"].fillna(p["CENSORED"])
    turning = p[(sixteen >= p["START"]) & (sixteen < ends) & (sixteen >= first) & (sixteen <= last)]
    moved, counted = 0, 0
    by_child = dict(tuple(episodes.groupby("CHILD")))
    for child, day, end in zip(turning["CHILD"], sixteen[turning.index], ends[turning.index]):
        e = by_child[child]
        then = e[e["DECOM"] < day].tail(1)
        if then.empty or then["TYPE"].iloc[0] in ("supported_accommodation", "placed_with_parents"):
            continue
        counted += 1
        later = e[(e["DECOM"] >= day) & (e["DECOM"] < end)]
        moved += bool((later["TYPE"] == "supported_accommodation").any())
    return (moved / counted if counted else math.nan), counted


def move_rates(episodes: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, float]:
    """Changes of placement type a child-year in care, by age band at the move, in the window
    (episodes within a period whose type differs from the one before)."""
    e = episodes.sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    same = e["CHILD"].eq(e["CHILD"].shift()) & e["DECOM"].eq(e["DEC"].shift())
    moved = same & e["TYPE"].ne(e["TYPE"].shift()) & e["DECOM"].between(first, last)
    band_moves = band_of(age_years(e["DOB"], e["DECOM"]))[moved].value_counts()
    begin = at_least(e["DECOM"], first)
    stop = at_most(e["DEC"].fillna(e["SEEN"]), last)
    days = (stop - begin).dt.days.clip(lower=0)
    mid = begin + (stop - begin) / 2
    years = days.groupby(band_of(age_years(e["DOB"], mid)), observed=False).sum() / DAYS_PER_YEAR
    return {
        band: float(band_moves.get(band, 0) / years[band]) if years.get(band, 0) > 0 else 0.0
        for band in AGE_BANDS
    }
