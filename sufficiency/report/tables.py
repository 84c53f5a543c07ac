"""The tables both reports show, derived from one run folder's CSV files."""

from __future__ import annotations

import pandas as pd

from ..calendar import financial_year
from ..pathway import PLACEMENT_NAMES
from .folder import RunFolder

BANDS = ("p05", "p50", "p95")
COST_PARTS = {"placements": "all_placements", "programmes": "all_programmes", "total": "total"}


def census_cla(run: RunFolder) -> pd.DataFrame:
    """All children looked after at each 31 March: date, financial_year (ending then), quantiles."""
    snap = run.snapshots[run.snapshots["state"] == "cla_total"].copy()
    snap["financial_year"] = [financial_year(d) for d in snap["date"].dt.date]
    return snap.reset_index(drop=True)


def yearly(run: RunFolder) -> pd.DataFrame:
    """One row per financial year: CLA at its 31 March, placement, programme and total cost,
    each as p05, p50, p95 (CLA blank for a year the run ends before 31 March)."""
    costs = run.costs.set_index(["item", "financial_year"])
    years = list(dict.fromkeys(run.costs["financial_year"]))
    frame = pd.DataFrame({"financial_year": years})
    cla = census_cla(run).set_index("financial_year")
    frame["march"] = frame["financial_year"].map(cla["date"])
    for q in BANDS:
        frame[f"cla_{q}"] = frame["financial_year"].map(cla[q])
    for part, item in COST_PARTS.items():
        for q in BANDS:
            frame[f"{part}_{q}"] = [costs.loc[(item, fy), q] for fy in years]
    return frame


def by_placement(run: RunFolder) -> pd.DataFrame:
    """Placement-days and cost per financial year and placement type."""
    days = run.placement_days.rename(columns={"placement": "item"})
    costs = run.costs[run.costs["item"].isin(PLACEMENT_NAMES)]
    keys = ["financial_year", "item"]
    quantiles = ["mean", *BANDS]
    merged = days[keys + quantiles].merge(costs[keys + quantiles], on=keys,
                                          suffixes=("_days", "_cost"), how="left")
    return merged.rename(columns={"item": "placement"})


def monthly(run: RunFolder) -> pd.DataFrame:
    """Month-end CLA by placement type and in all: one row per date, columns (state, quantile)."""
    states = [*PLACEMENT_NAMES, "cla_total"]
    rows = run.stocks[run.stocks["state"].isin(states)]
    wide = rows.pivot(index="date", columns="state", values=list(BANDS))
    wide = wide.swaplevel(axis=1)
    return wide.reindex(columns=pd.MultiIndex.from_product([states, BANDS]))
