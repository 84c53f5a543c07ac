"""The tables both reports show, derived from one run folder's CSV files."""

from __future__ import annotations

import pandas as pd

from ..calendar import financial_year
from ..cost_lines import PLACEMENT_LINES
from ..errors import InputError
from ..pathway import PLACEMENT_NAMES
from .folder import Results, RunFolder

HEADLINE = "mean"
"""The one statistic every headline shows, for money and counts alike: means add up across
items, years and placement types, so every total is the sum of its lines."""
BANDS = ("p05", HEADLINE, "p95")
COST_PARTS = {
    "placements": "all_placements",
    "programmes": "all_programmes",
    "other": "all_other",
    "total": "total",
}
DIFFERENCES = {
    "placements": "placement_cost",
    "programmes": "investment_cost",
    "other": "other_cost",
    "total": "total_cost",
}
PAIRED = {"p05": "difference_p05", "mean": "difference_mean", "p95": "difference_p95"}
ALL_YEARS = "all years"


def census_cla(run: RunFolder) -> pd.DataFrame:
    """All children looked after at each 31 March: date, financial_year (ending then), quantiles."""
    snap = run.snapshots[run.snapshots["state"] == "cla_total"].copy()
    snap["financial_year"] = [financial_year(d) for d in snap["date"].dt.date]
    return snap.reset_index(drop=True)


def yearly(run: RunFolder) -> pd.DataFrame:
    """One row per financial year: CLA at its 31 March, placement, programme and total cost,
    each as p05, mean, p95 (CLA blank for a year the run ends before 31 March); the total's
    mean is the sum of the parts' means."""
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
    return summed(frame)


def summed(frame: pd.DataFrame) -> pd.DataFrame:
    """The total cost's mean as the sum of the parts' means (equal to the mean of the totals,
    but without rounding apart)."""
    frame["total_mean"] = sum(frame[f"{part}_mean"] for part in COST_PARTS if part != "total")
    return frame


def by_placement(run: RunFolder) -> pd.DataFrame:
    """Placement-days and cost per financial year and placement cost line (in-house homes'
    fixed cost a line with no days)."""
    days = run.placement_days.rename(columns={"placement": "item"})
    costs = run.costs[run.costs["item"].isin(PLACEMENT_LINES)]
    keys = ["financial_year", "item"]
    quantiles = ["mean", "p05", "p50", "p95"]
    merged = costs[keys + quantiles].merge(
        days[keys + quantiles], on=keys, suffixes=("_cost", "_days"), how="left"
    )
    return merged.rename(columns={"item": "placement"})


def monthly(run: RunFolder) -> pd.DataFrame:
    """Month-end CLA by placement type and in all: one row per date, columns (state, quantile);
    the mean of all is the sum of the types' means."""
    states = [*PLACEMENT_NAMES, "cla_total"]
    rows = run.stocks[run.stocks["state"].isin(states)]
    wide = rows.pivot(index="date", columns="state", values=list(BANDS))
    wide = wide.swaplevel(axis=1)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([states, BANDS]))
    wide[("cla_total", HEADLINE)] = sum(wide[(s, HEADLINE)] for s in PLACEMENT_NAMES)
    return wide


def paired(results: Results, name: str, measure: str) -> pd.DataFrame:
    """One measure of comparison.csv for one scenario, indexed by period, with columns
    p05, mean, p95 of the paired difference (scenario minus base; savings the other way)."""
    frame = results.comparison
    if frame is None:
        raise InputError(results.path, "comparison.csv", "a comparison folder")
    rows = frame[(frame["scenario"] == name) & (frame["measure"] == measure)]
    if rows.empty:
        raise InputError(
            results.path / "comparison.csv",
            "measure",
            f"rows for scenario {name!r} and measure {measure!r}",
        )
    return rows.set_index("period")[list(PAIRED.values())].rename(
        columns={v: k for k, v in PAIRED.items()}
    )


def differences(results: Results, run: RunFolder) -> pd.DataFrame:
    """The Summary's rows for a scenario minus the base, from the paired comparison:
    CLA at each 31 March and the cost parts per financial year (p05, mean, p95)."""
    frame = yearly(run)[["financial_year", "march"]].copy()
    cla = paired(results, run.name, "cla")
    march = frame["march"].map(lambda d: d.date().isoformat() if pd.notna(d) else None)
    for q in PAIRED:
        frame[f"cla_{q}"] = march.map(cla[q])
    for part, measure in DIFFERENCES.items():
        costs = paired(results, run.name, measure)
        for q in PAIRED:
            frame[f"{part}_{q}"] = frame["financial_year"].map(costs[q])
    return summed(frame)


def impact(results: Results, run: RunFolder) -> pd.DataFrame:
    """The headline for one scenario against the base, per financial year: its CLA at 31 March
    (mean and range), children fewer in care than the base then and the net saving in the
    year (paired mean and range)."""
    frame = yearly(run)[["financial_year", "march", "cla_p05", "cla_mean", "cla_p95"]].copy()
    fewer = paired(results, run.name, "cla")
    saving = paired(results, run.name, "net_saving")
    march = frame["march"].map(lambda d: d.date().isoformat() if pd.notna(d) else None)
    for q in PAIRED:
        frame[f"fewer_{q}"] = -march.map(fewer[q])
        frame[f"saving_{q}"] = frame["financial_year"].map(saving[q])
    frame["fewer_p05"], frame["fewer_p95"] = frame["fewer_p95"], frame["fewer_p05"]
    return frame


def over_run(results: Results, run: RunFolder) -> dict[str, pd.Series]:
    """Over the whole run: children kept out of care (fewer entering), net saving, break-even
    year (median over replications and its 5th and 95th percentiles; 1 = the first year; NaN
    if not within the run), the share of replications that pay back and return per pound."""
    kept = -whole_run(results, run, "children_entering_care")
    kept["p05"], kept["p95"] = kept["p95"], kept["p05"]
    return {
        "kept": kept,
        "saving": whole_run(results, run, "net_saving"),
        "break_even": whole_run(results, run, "break_even_year"),
        "payback": whole_run(results, run, "payback_probability"),
        "return": whole_run(results, run, "return_per_pound"),
    }


def base_mean(results: Results, name: str, measure: str) -> float:
    """The base's mean of a comparison.csv measure over the whole run (0 if not written: a
    count that was zero in every replication)."""
    frame = results.comparison
    if frame is None:
        raise InputError(results.path, "comparison.csv", "a comparison folder")
    rows = frame[
        (frame["scenario"] == name) & (frame["measure"] == measure) & (frame["period"] == ALL_YEARS)
    ]
    return float(rows["base_mean"].iloc[0]) if len(rows) else 0.0


def whole_run(results: Results, run: RunFolder, measure: str) -> pd.Series:
    """One measure of comparison.csv over the whole run: p05, mean, p95."""
    row = paired(results, run.name, measure).loc[ALL_YEARS]
    assert isinstance(row, pd.Series), "one row per scenario, measure and period"
    return row


def no_difference(results: Results, run: RunFolder) -> bool:
    """Exactly the base's children and costs in every future."""
    saving = whole_run(results, run, "net_saving")
    cla = paired(results, run.name, "cla")
    return bool(
        (saving[["p05", "mean", "p95"]] == 0).all() and (cla[["p05", "p95"]] == 0).all().all()
    )


def differing(results: Results) -> list[RunFolder]:
    """The scenarios other than the base that make some difference to it (a comparison's
    charts and tables by scenario leave the others out, and say so)."""
    return [run for run in results.runs[1:] if not no_difference(results, run)]


def left_out(results: Results) -> str:
    """' X makes no difference to the base and is left out.', or ''."""
    same = [run.name for run in results.runs[1:] if no_difference(results, run)]
    if not same:
        return ""
    verbs = (
        "make no difference to the base and are"
        if len(same) > 1
        else "makes no difference to the base and is"
    )
    return f" {' and '.join(same)} {verbs} left out."
