"""The scrutiny report's charts (matplotlib, no pyplot): PNG bytes with a title, caption and alt
text each. Colours vary in lightness and areas carry hatching, so they read in greyscale."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib import dates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..formatting import count, money
from ..pathway import IN_HOUSE_NAMES, PLACEMENT_NAMES, PROGRAMMES
from .folder import Results, RunFolder
from .words import between, label

INK = "#1a1a1a"
BAND_90 = "#c6d4e6"
BAND_50 = "#7f9cc4"
MEDIAN = "#0b2545"
SHADES = ("#0b2545", "#3a5a80", "#6d8bb3", "#a6bbd6", "#dce5f0")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo", "||")
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


def millions(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"£{v / 1e6:,.0f}m"))


def fan(ax, x, frame: pd.DataFrame) -> None:
    """90% and 50% bands and the mean (the reports' headline) of a frame with mean, p05, p25,
    p75, p95 columns."""
    ax.fill_between(
        x, frame["p05"], frame["p95"], color=BAND_90, label="90% of futures", linewidth=0
    )
    ax.fill_between(
        x,
        frame["p25"],
        frame["p75"],
        color=BAND_50,
        hatch="///",
        edgecolor="white",
        label="50% of futures",
        linewidth=0,
    )
    ax.plot(x, frame["mean"], color=MEDIAN, linewidth=2, label="mean")


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


def cla_chart(results: Results) -> Chart:
    fig, axes = panels(len(results.runs))
    for ax, run in zip(axes, results.runs):
        cla = run.stocks[run.stocks["state"] == "cla_total"]
        fan(ax, cla["date"], cla)
        counts, converted, population = history(run)
        ax.plot(
            converted.index,
            converted,
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            color=INK,
            label="rate per 10,000 × child population",
        )
        ax.plot(
            counts.index,
            counts,
            linestyle="none",
            marker="s",
            color=INK,
            label="published count at 31 March",
        )
        ax.set_title(run.name, loc="left", fontsize=10)
        ax.set_ylabel("children looked after")
        years_axis(ax)
    axes[0].legend(loc="lower left", fontsize=8, frameon=False, ncol=2)
    base = results.base
    counts, converted, population = history(base)
    people = f"{population:,.0f}" if population else "not given"
    caption = (
        "Children looked after at each month end: the line is the mean of the simulated "
        "futures, the darker hatched band holds the middle 50% and the light band 90%. Before "
        "the projection: published counts at 31 March (filled squares) and the published rate "
        "per 10,000 children converted to children with the scenario's child population "
        f"({people}, the population now, so earlier years are approximate; open circles)."
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
        cla = run.stocks[run.stocks["state"] == "cla_total"]
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


def cost_chart(results: Results) -> Chart:
    fig, axes = panels(len(results.runs))
    alt = ["Fan chart of total cost per financial year."]
    for ax, run in zip(axes, results.runs):
        total = run.costs[run.costs["item"] == "total"]
        years = list(total["financial_year"])
        fan(ax, range(len(years)), total)
        ax.plot(range(len(years)), total["mean"], linestyle="none", marker="o", color=MEDIAN)
        ax.set_xticks(range(len(years)), years)
        ax.set_title(run.name, loc="left", fontsize=10)
        millions(ax)
        ax.set_ylabel("cost per year")
        alt.append(
            f"{run.name}: mean {money(total['mean'].iloc[0])} in {years[0]} and "
            f"{money(total['mean'].iloc[-1])} in {years[-1]}, when 90% of futures are "
            f"{between(total['p05'].iloc[-1], total['p95'].iloc[-1], money)}."
        )
    axes[0].legend(loc="lower left", fontsize=8, frameon=False, ncol=3)
    caption = (
        "Total cost of placements and programmes per financial year, in pounds at "
        "each year's prices: mean, 50% and 90% bands. The council's reports give no "
        "historical series of the same total, so none is drawn."
    )
    return Chart("cost", "Cost over time", caption, " ".join(alt), png(fig))


# -- placement mix ---------------------------------------------------------------------------
def mix_chart(results: Results) -> Chart:
    fig, axes = panels(len(results.runs), height=3.4)
    alt = ["Stacked area chart of the average number of children in each placement type."]
    for ax, run in zip(axes, results.runs):
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
        ax.set_title(run.name, loc="left", fontsize=10)
        ax.set_ylabel("children (mean)")
        years_axis(ax)
        first, last = wide.iloc[0], wide.iloc[-1]
        alt.append(
            f"{run.name}: "
            + "; ".join(f"{label(p)} {count(first[p])} to {count(last[p])}" for p in wide.columns)
            + "."
        )
    axes[0].legend(
        loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False, reverse=True
    )
    caption = (
        "The mix of placements: the average number of children in each type at each "
        "month end (averages, so the layers add up to the average of all children "
        "looked after). Layers are told apart by shade and hatching, listed top first."
    )
    return Chart("mix", "Placement mix over time", caption, " ".join(alt), png(fig))


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


def capacity_chart(results: Results) -> Chart:
    fig, axes = panels(len(results.runs) * len(IN_HOUSE_NAMES), height=2.8, cols=2, sharey="col")
    alt = ["Line charts of in-house places against the children in them."]
    for r, run in enumerate(results.runs):
        for c, pool in enumerate(IN_HOUSE_NAMES):
            ax = axes[r * len(IN_HOUSE_NAMES) + c]
            frame = run.capacity
            places = frame[frame["measure"] == f"{pool}_places"]
            children = frame[frame["measure"] == f"{pool}_children"]
            fan(ax, children["date"], children)
            ax.plot(
                places["date"],
                places["p50"],
                color=INK,
                linestyle="--",
                linewidth=1.5,
                label="places (median)",
            )
            ax.set_title(f"{run.name}: {POOL_NAMES[pool]}", loc="left", fontsize=9)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            years_axis(ax)
            last_p, last_c = places.iloc[-1], children.iloc[-1]
            alt.append(
                f"{run.name}, {POOL_NAMES[pool].lower()}: {count(last_p['p50'])} places "
                f"and {count(last_c['p50'])} children in them (median) by "
                f"{last_c['date']:%B %Y}."
            )
        for ax in axes[r * 2 : r * 2 + 2]:
            ax.tick_params(labelbottom=True)
    handles, labels = axes[0].get_legend_handles_labels()
    named = [f"children in them: {t}" if "futures" in t or t == "mean" else t for t in labels]
    legend_below(fig, handles, named, 4)
    caption = (
        "In-house capacity against demand: the dashed line is the number of in-house "
        "places (foster places from approved households, beds in open homes), the bands "
        "the children in them. Where children fill the places, further children go to "
        "agency foster care or external homes: the table below counts them."
    )
    return Chart("capacity", "In-house capacity against demand", caption, " ".join(alt), png(fig))


# -- waiting lists ---------------------------------------------------------------------------
def waiting_chart(results: Results) -> Chart:
    programmes = [p.value for p in PROGRAMMES]
    fig, axes = panels(len(programmes), height=2.6, cols=2)
    alt = ["Bar charts of children waiting for each programme at each 31 March."]
    width = 0.8 / len(results.runs)
    for ax, programme in zip(axes, programmes):
        for s, run in enumerate(results.runs):
            rows = waiting_rows(run, programme)
            x = np.arange(len(rows)) + (s - (len(results.runs) - 1) / 2) * width
            ax.bar(
                x,
                rows["p50"],
                width,
                color=SHADES[(s * 2) % len(SHADES)],
                hatch=HATCHES[s % len(HATCHES)],
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
                capsize=3,
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
        ax.tick_params(labelbottom=True)
    axes[0].set_ylabel("waiting at 31 March")
    axes[2].set_ylabel("waiting at 31 March")
    if len(results.runs) > 1:
        legend_below(fig, *axes[0].get_legend_handles_labels(), len(results.runs))
    caption = (
        "Waiting lists per programme: the number waiting for a place at each 31 March "
        "(the end of each financial year; flows.csv, measure waiting_at_year_end), median "
        "with whiskers to the 5th and 95th percentiles. Children wait up to the "
        "programme's longest wait; after that their family is turned away."
    )
    return Chart("waiting", "Waiting lists per programme", caption, " ".join(alt), png(fig))


def waiting_rows(run: RunFolder, programme: str) -> pd.DataFrame:
    rows = run.flows[
        (run.flows["measure"] == "waiting_at_year_end") & (run.flows["route"] == programme)
    ]
    return rows.reset_index(drop=True)


def all_charts(results: Results) -> list[Chart]:
    return [
        cla_chart(results),
        cost_chart(results),
        mix_chart(results),
        capacity_chart(results),
        waiting_chart(results),
    ]
