"""The scrutiny report's charts (matplotlib, no pyplot): PNG bytes with a title, caption and alt
text each. Colours vary in lightness and areas carry hatching, so they read in greyscale."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib import dates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..formatting import count, money, shown, signed, with_pound
from ..pathway import IN_HOUSE_NAMES, PLACEMENT_NAMES, PROGRAMMES
from . import tables
from .folder import Results, RunFolder
from .words import between, label

INK = "#1a1a1a"
BAND_90 = "#c6d4e6"
BAND_50 = "#7f9cc4"
MEDIAN = "#0b2545"
SHADES = ("#0b2545", "#3a5a80", "#6d8bb3", "#a6bbd6", "#dce5f0")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo", "||", "**")
DPI = 110


@dataclass(frozen=True)
class Chart:
    """One embedded chart: an id for links, its heading, a caption, alt text and PNG bytes."""

    key: str
    title: str
    caption: str
    alt: str
    png: bytes


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def panels(
    n: int, height: float = 3.2, cols: int = 1, sharey: bool | Literal["col"] = True
) -> tuple[Figure, list[Axes]]:
    """A figure with one panel per scenario (or item), in rows of ``cols``, sharing axes."""
    rows = -(-n // cols)
    fig = Figure(figsize=(8.5 if cols > 1 else 8, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, sharey=sharey, squeeze=False)
    for ax in axes.flat:
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat)


def legend_below(fig: Figure, handles: list, labels: list[str], columns: int) -> None:
    """One legend for the whole figure, below its panels."""
    fig.legend(handles, labels, loc="outside lower center", ncol=columns, fontsize=8, frameon=False)


def years_axis(ax) -> None:
    """Dates on the x axis as years, ticks at 1 January."""
    ax.xaxis.set_major_locator(dates.YearLocator())
    ax.xaxis.set_major_formatter(dates.DateFormatter("%Y"))


def millions(ax, fmt: str = ",.0f") -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: with_pound(shown(v / 1e6, fmt), "m")))


def fan(ax, x, frame: pd.DataFrame, prefix: str = "") -> None:
    """90% and 50% bands and the mean (the reports' headline) of a frame with mean, p05, p25,
    p75, p95 columns; ``prefix`` starts each legend label."""
    ax.fill_between(
        x, frame["p05"], frame["p95"], color=BAND_90, label=f"{prefix}90% of futures", linewidth=0
    )
    ax.fill_between(
        x,
        frame["p25"],
        frame["p75"],
        color=BAND_50,
        hatch="///",
        edgecolor="white",
        label=f"{prefix}50% of futures",
        linewidth=0,
    )
    ax.plot(x, frame["mean"], color=MEDIAN, linewidth=2, label=f"{prefix}mean")


# -- one line per scenario ------------------------------------------------------------------------
LINES = ("#b35806", "#542788", "#1b7837", "#c51b7d", "#8c510a", "#2166ac", "#d6604d", "#4d4d4d")
STYLES = ("--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1)))


def scenario_style(k: int) -> dict:
    """The line of the k-th scenario after the base: colour and dash differ, so that it reads in
    greyscale too."""
    return {"color": LINES[k % len(LINES)], "linestyle": STYLES[k % len(STYLES)], "linewidth": 1.4}


def others(results: Results) -> list[tuple[RunFolder, dict]]:
    """The scenarios other than the base that make a difference to it, each with its line
    style (a scenario keeps its style whichever others are drawn)."""
    shown = {run.name for run in tables.differing(results)}
    return [(run, scenario_style(k)) for k, run in enumerate(results.runs[1:]) if run.name in shown]


def legend_columns(n: int) -> int:
    return 3 if n > 4 else 2


def single(height: float) -> tuple[Figure, Axes]:
    fig, axes = panels(1, height=height)
    return fig, axes[0]


# -- children looked after -----------------------------------------------------------------------
def history(run: RunFolder) -> tuple[pd.Series, pd.Series, float | None]:
    """Published CLA counts at 31 March, and the published rate per 10,000 converted to
    children with the scenario's child population; both before the run starts."""
    params = run.meta["parameters"]
    counts = published(params, "cla_at_31_march")
    population = (params.get("child_population") or {}).get("value")
    rates = published(params, "cla_rate_per_10000")
    converted = rates * population / 10_000 if population else rates[:0]
    return counts, converted, population


def published(params: dict, measure: str) -> pd.Series:
    """A published series from the parameter set's ``history``, indexed by date."""
    figures = (params.get("history") or {}).get(measure) or {}
    dates = pd.to_datetime(list(figures))
    return pd.Series([f["value"] for f in figures.values()], index=dates, dtype=float, name=measure)


def cla_total(run: RunFolder) -> pd.DataFrame:
    return run.stocks[run.stocks["state"] == "cla_total"]


def cla_chart(results: Results) -> Chart:
    """The base's fan (with the published history before it) and each other scenario's mean."""
    fig, ax = single(3.0)
    base = results.base
    fan(ax, cla_total(base)["date"], cla_total(base), f"{base.name}: ")
    counts, converted, population = history(base)
    ax.plot(
        converted.index,
        converted,
        linestyle="none",
        marker="o",
        markerfacecolor="white",
        color=INK,
        label="published rate per 10,000 × child population",
    )
    ax.plot(counts.index, counts, linestyle="none", marker="s", color=INK, label="published count")
    for run, style in others(results):
        ax.plot(cla_total(run)["date"], cla_total(run)["mean"], label=f"{run.name}: mean", **style)
    ax.set_ylabel("children looked after")
    ax.set_ylim(bottom=0)
    years_axis(ax)
    legend_below(fig, *ax.get_legend_handles_labels(), legend_columns(len(results.runs) + 4))
    people = f"{population:,.0f}" if population else "not given"
    lines = (
        " The other scenarios are drawn by their means only; the chart of differences above "
        f"gives each one's range against the base.{tables.left_out(results)}"
        if results.is_comparison
        else ""
    )
    caption = (
        f"Children looked after at each month end in {base.name}: the line is the mean of the "
        "simulated futures, the darker hatched band holds the middle 50% and the light band "
        "90%. Before the projection: published counts at 31 March (filled squares) and the "
        "published rate per 10,000 children converted to children with the scenario's child "
        f"population ({people}, the population now, so earlier years are approximate; open "
        f"circles).{lines}"
    )
    return Chart(
        "cla",
        "Children looked after over time",
        caption,
        cla_alt(results, converted, counts),
        png(fig),
    )


def cla_alt(results: Results, converted: pd.Series, counts: pd.Series) -> str:
    parts = []
    if len(converted) or len(counts):
        known = pd.concat([converted, counts]).sort_index()
        parts.append(
            f"Fan chart. History from {known.index[0].year} to {known.index[-1].year}: "
            f"between {count(known.min())} and {count(known.max())} children."
        )
    for run in results.runs:
        cla = cla_total(run)
        last = cla.iloc[-1]
        parts.append(
            f"{run.name}: the mean goes from {count(cla['mean'].iloc[0])} to "
            f"{count(last['mean'])} by {last['date']:%B %Y}, when 90% of futures are "
            f"{between(last['p05'], last['p95'])}."
        )
    return " ".join(parts)


# -- cost ------------------------------------------------------------------------------------
def year_end(financial_year: str) -> pd.Timestamp:
    return pd.Timestamp(dt.date(int(financial_year[:4]) + 1, 3, 31))


def total_cost(run: RunFolder) -> pd.DataFrame:
    return run.costs[run.costs["item"] == "total"]


def cost_chart(results: Results) -> Chart:
    fig, ax = single(2.9)
    base = results.base
    years = list(total_cost(base)["financial_year"])
    x = range(len(years))
    fan(ax, x, total_cost(base), f"{base.name}: ")
    for run, style in others(results):
        ax.plot(x, total_cost(run)["mean"], label=f"{run.name}: mean", **style)
    ax.set_xticks(x, years)
    ax.set_ylim(bottom=0)
    millions(ax)
    ax.set_ylabel("cost per year")
    legend_below(fig, *ax.get_legend_handles_labels(), legend_columns(len(results.runs) + 2))
    alt = ["Fan chart of total cost per financial year, from zero."]
    for run in results.runs:
        total = total_cost(run)
        alt.append(
            f"{run.name}: mean {money(total['mean'].iloc[0])} in {years[0]} and "
            f"{money(total['mean'].iloc[-1])} in {years[-1]}, when 90% of futures are "
            f"{between(total['p05'].iloc[-1], total['p95'].iloc[-1], money)}."
        )
    caption = (
        f"Total cost of placements and programmes per financial year in {base.name}, in pounds "
        "at each year's prices, on an axis from zero: mean, 50% and 90% bands"
        + (
            f"; the other scenarios by their means.{tables.left_out(results)}"
            if results.is_comparison
            else "."
        )
        + " The council's reports give no historical series of the same total, so none is drawn."
    )
    return Chart("cost", "Cost over time", caption, " ".join(alt), png(fig))


# -- differences from the base ----------------------------------------------------------------
def difference_chart(results: Results) -> Chart:
    """Each scenario minus the base, paired: children looked after at each 31 March and the
    cumulative cost, mean and 90% band, one row per scenario."""
    runs = tables.differing(results) or results.runs[1:2]
    fig, axes = panels(2 * len(runs), height=1.2, cols=4 if len(runs) > 1 else 2, sharey=False)
    fig.set_figwidth(9.5)
    alt = ["Difference charts, one row per scenario, each against the base."]
    for r, run in enumerate(runs):
        cla = tables.paired(results, run.name, "cla")
        saving = tables.paired(results, run.name, "cumulative_net_saving")
        left, right = axes[2 * r], axes[2 * r + 1]
        band(left, pd.to_datetime(cla.index), cla["mean"], cla["p05"], cla["p95"], 1.0)
        ends = [year_end(y) for y in saving.index]
        band(right, ends, -saving["mean"], -saving["p95"], -saving["p05"], 10_000.0)
        left.set_title(run.name, loc="left", fontsize=8, fontweight="bold")
        left.set_ylabel("children", fontsize=7.5)
        right.set_ylabel("cumulative cost", fontsize=7.5)
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v)))
        for ax in (left, right):
            years_axis(ax)
            ax.tick_params(labelsize=7, labelbottom=True)
            ax.yaxis.set_major_locator(MaxNLocator(4, integer=ax is left))
            ax.xaxis.set_major_locator(dates.YearLocator(2))
        last = cla.iloc[-1]
        total = saving.iloc[-1]
        alt.append(
            f"{run.name}: {signed(last['mean'])} children in care by {cla.index[-1]} "
            f"({between(last['p05'], last['p95'], signed)}); cumulative cost "
            f"{money(-total['mean'])} against the base by {saving.index[-1]}."
        )
    legend_below(fig, *axes[0].get_legend_handles_labels(), 3)
    caption = (
        "Each scenario minus the base in the same simulated futures (paired), two panels per "
        "scenario: first the children looked after at each 31 March, then the cost added up "
        "from the start of the run to each 31 March. Below the zero line the scenario has "
        "fewer children in care or has cost less so far; the band holds 90% of the futures. "
        f"Each panel has its own scale: read the figures on its axis.{tables.left_out(results)}"
    )
    return Chart("difference", "Each scenario against the base", caption, " ".join(alt), png(fig))


def band(ax, x, mean, low, high, least: float) -> None:
    """A paired difference: its 90% band, its mean and the zero line, on an axis that holds
    zero and at least ``least`` either side."""
    ax.fill_between(x, low, high, color=BAND_90, linewidth=0, label="90% of futures")
    ax.set_ylim(min(float(low.min()), -least) * 1.08, max(float(high.max()), least) * 1.08)
    ax.plot(x, mean, color=MEDIAN, linewidth=1.8, marker="o", markersize=3, label="mean")
    ax.axhline(0, color=INK, linewidth=0.9, linestyle=":", label="no difference")


# -- placement mix ---------------------------------------------------------------------------
def mix_chart(results: Results) -> Chart:
    fig, ax = single(2.7)
    run = results.base
    rows = run.stocks[run.stocks["state"].isin(PLACEMENT_NAMES)]
    wide = rows.pivot(index="date", columns="state", values="mean")[list(PLACEMENT_NAMES)]
    layers = ax.stackplot(
        wide.index,
        wide.T.to_numpy(),
        labels=[label(str(p)) for p in wide],
        colors=[SHADES[i % len(SHADES)] for i in range(len(wide.columns))],
        edgecolor="white",
        linewidth=0.3,
    )
    for layer, hatch in zip(layers, HATCHES):
        layer.set_hatch(hatch)
    ax.set_ylabel("children (mean)")
    years_axis(ax)
    handles, labels = ax.get_legend_handles_labels()
    legend_below(fig, handles[::-1], labels[::-1], 3)
    first, last = wide.iloc[0], wide.iloc[-1]
    alt = (
        f"Stacked area chart of the average number of children in each placement type in "
        f"{run.name}: "
        + "; ".join(f"{label(p)} {count(first[p])} to {count(last[p])}" for p in wide.columns)
        + "."
    )
    caption = (
        f"The mix of placements in {run.name}: the average number of children in each type at "
        "each month end (averages, so the layers add up to the average of all children "
        "looked after). Layers are told apart by shade and hatching; the legend lists them top "
        "first."
        + (
            " The table below gives each scenario's change in the mix."
            if results.is_comparison
            else ""
        )
    )
    return Chart("mix", "Placement mix over time", caption, alt, png(fig))


# -- in-house capacity -----------------------------------------------------------------------
POOL_NAMES = {"foster_inhouse": "In-house foster places", "home_inhouse": "In-house home beds"}


def placed_externally(run: RunFolder) -> pd.DataFrame:
    """Children placed externally because in-house places were full, per year and pool
    (a pool absent from activity.csv had none in any replication)."""
    rows = run.activity[run.activity["measure"] == "placed_externally"]
    years = list(dict.fromkeys(run.costs["financial_year"]))
    out = []
    for pool in IN_HOUSE_NAMES:
        found = rows[rows["route"] == pool].set_index("financial_year")
        for year in years:
            values = found.loc[year] if year in found.index else None
            out.append(
                {
                    "financial_year": year,
                    "pool": pool,
                    **{
                        q: (values[q] if values is not None else 0.0)
                        for q in ("mean", "p05", "p50", "p95")
                    },
                }
            )
    return pd.DataFrame(out)


def places(run: RunFolder, pool: str) -> pd.DataFrame:
    return run.capacity[run.capacity["measure"] == f"{pool}_places"]


def children_in(run: RunFolder, pool: str) -> pd.DataFrame:
    return run.capacity[run.capacity["measure"] == f"{pool}_children"]


SUPPLY = {"foster_inhouse": ("foster_carers.",), "home_inhouse": ("homes.", "add_home")}
"""What a scenario's change names (a parameter path's start, or an ``add_home``) when it changes
a pool's places."""


def supply_changes(run: RunFolder, pool: str) -> list[str]:
    """The run's dated changes (as in run.json) that change the places of ``pool``."""
    return [
        json.dumps(item, sort_keys=True)
        for item in run.meta.get("changes", [])
        if str(item.get("set", "add_home" if "add_home" in item else "")).startswith(SUPPLY[pool])
    ]


def changes_places(run: RunFolder, base: RunFolder, pool: str) -> bool:
    """Whether ``run``'s changes to the places of ``pool`` differ from the base's (read from
    the changes, not the places: carers join and leave by chance, so a scenario that changes
    no supply still has slightly other mean places than the base)."""
    return supply_changes(run, pool) != supply_changes(base, pool)


def capacity_chart(results: Results) -> Chart:
    """One panel per in-house pool: the base's places and the children in them (fan), and
    each scenario that changes the pool's places, by its means."""
    fig, axes = panels(len(IN_HOUSE_NAMES), height=2.9, cols=2, sharey=False)
    base = results.base
    alt = ["Line charts of in-house places against the children in them, from zero."]
    for ax, pool in zip(axes, IN_HOUSE_NAMES):
        kids = children_in(base, pool)
        fan(ax, kids["date"], kids, f"{base.name}: children, ")
        ax.plot(
            places(base, pool)["date"],
            places(base, pool)["mean"],
            color=INK,
            linewidth=1.6,
            drawstyle="steps-post",
            label=f"{base.name}: places",
        )
        for run, style in others(results):
            if changes_places(run, base, pool):
                mine = places(run, pool)
                ax.plot(
                    mine["date"],
                    mine["mean"],
                    drawstyle="steps-post",
                    label=f"{run.name}: places",
                    **{**style, "linewidth": 1.8},
                )
                ax.plot(
                    children_in(run, pool)["date"],
                    children_in(run, pool)["mean"],
                    label=f"{run.name}: children",
                    **{**style, "linewidth": 0.9},
                )
        ax.set_title(POOL_NAMES[pool], loc="left", fontsize=9.5)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
        ax.tick_params(labelbottom=True)
        years_axis(ax)
        last_p, last_c = places(base, pool).iloc[-1], kids.iloc[-1]
        alt.append(
            f"{base.name}, {POOL_NAMES[pool].lower()}: {count(last_p['mean'])} places and "
            f"{count(last_c['mean'])} children in them (mean) by {last_c['date']:%B %Y}."
        )
    labels: dict[str, object] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels()):
            labels.setdefault(text, handle)
    legend_below(fig, list(labels.values()), list(labels), 3)
    caption = (
        "In-house capacity against demand, on axes from zero: the solid step line is the "
        "number of in-house places (foster places from approved households, beds in open "
        "homes) and the bands the children in them. Scenarios that change the places are drawn "
        "by their means (places thick, children thin); the others have the base's places. "
        "Where children fill the places, further children go to agency foster care or external "
        "homes: the table below counts them."
    )
    return Chart("capacity", "In-house capacity against demand", caption, " ".join(alt), png(fig))


# -- waiting lists ---------------------------------------------------------------------------
def waiting_rows(run: RunFolder, programme: str) -> pd.DataFrame:
    rows = run.flows[
        (run.flows["measure"] == "waiting_at_year_end") & (run.flows["route"] == programme)
    ]
    return rows.reset_index(drop=True)


def with_waiting(results: Results) -> list[str]:
    """The programmes anyone waits for in some scenario and year (a panel for each)."""
    return [
        p.value
        for p in PROGRAMMES
        if any(waiting_rows(run, p.value)["p95"].max() > 0 for run in results.runs)
    ]


def waits_differently(run: RunFolder, base: RunFolder, programme: str) -> bool:
    mine, theirs = waiting_rows(run, programme), waiting_rows(base, programme)
    return bool((mine["mean"] - theirs["mean"]).abs().max() >= 0.5)


def waiting_chart(results: Results) -> Chart:
    programmes = with_waiting(results)
    base = results.base
    n = max(len(programmes), 1)
    fig, axes = panels(n, height=2.1, cols=2 if n in (2, 4) else min(n, 3), sharey=False)
    alt = ["Bar charts of children waiting for each programme at each 31 March."]
    shown_runs: dict[str, int] = {}
    for ax, programme in zip(axes, programmes):
        runs = [base] + [r for r in results.runs[1:] if waits_differently(r, base, programme)]
        width = 0.8 / len(runs)
        for s, run in enumerate(runs):
            k = shown_runs.setdefault(run.name, len(shown_runs))
            rows = waiting_rows(run, programme)
            x = np.arange(len(rows)) + (s - (len(runs) - 1) / 2) * width
            ax.bar(
                x,
                rows["p50"],
                width,
                color=SHADES[0] if k == 0 else LINES[(k - 1) % len(LINES)],
                hatch=HATCHES[k % len(HATCHES)],
                edgecolor=INK,
                linewidth=0.5,
                label=run.name,
            )
            ax.errorbar(
                x,
                rows["p50"],
                yerr=[rows["p50"] - rows["p05"], rows["p95"] - rows["p50"]],
                fmt="none",
                ecolor=INK,
                capsize=2,
                linewidth=0.8,
            )
            alt.append(
                f"{label(programme)}, {run.name}: median "
                + ", ".join(
                    f"{count(v)} ({y})" for y, v in zip(rows["financial_year"], rows["p50"])
                )
                + "."
            )
            ax.set_xticks(
                np.arange(len(rows)), [str(year_end(y).year) for y in rows["financial_year"]]
            )
        ax.set_title(label(programme), loc="left", fontsize=10)
        ax.set_ylabel("waiting at 31 March", fontsize=8)
        ax.tick_params(labelbottom=True)
    labels: dict[str, object] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels()):
            labels.setdefault(text, handle)
    legend_below(fig, list(labels.values()), list(labels), 3)
    nobody = [label(p.value) for p in PROGRAMMES if p.value not in programmes]
    caption = (
        "Waiting lists per programme: the number waiting for a place at each 31 March "
        "(flows.csv, measure waiting_at_year_end), median with whiskers to the 5th and 95th "
        "percentiles; each panel shows the base and the scenarios whose waiting list differs "
        "from it. Children wait up to the programme's longest wait; after that their family is "
        "turned away."
        + (f" Nobody waits for {', '.join(nobody)} in any scenario." if nobody else "")
    )
    return Chart("waiting", "Waiting lists per programme", caption, " ".join(alt), png(fig))


def all_charts(results: Results) -> list[Chart]:
    charts = [cla_chart(results), cost_chart(results), mix_chart(results)]
    charts += [capacity_chart(results), waiting_chart(results)]
    return [difference_chart(results), *charts] if results.is_comparison else charts
