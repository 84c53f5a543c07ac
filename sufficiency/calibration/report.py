"""The fit report: observed against simulated for every target, the fitted knobs, the
stock-flow check, the reproduced report figures and every assumption (screen, CSV, Markdown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from ..parameters import ParameterSet
from .fit import Fit
from .provenance import assumptions
from .shown import WHY, shown_frame
from .simulate import stock_flow
from .targets import TWINS
from .trends import log_trend


def target_frame(fit: Fit) -> pd.DataFrame:
    """One row per target: the sources figure, the simulated mean and 90% range, residuals."""
    sims = fit.simulated
    p05, p95 = np.percentile(sims, [5, 95], axis=1)
    return pd.DataFrame(
        {
            "measure": [t.row.measure for t in fit.targets],
            "period": [t.row.period for t in fit.targets],
            "observed": [t.row.value for t in fit.targets],
            "simulated_mean": sims.mean(axis=1),
            "simulated_p05": p05,
            "simulated_p95": p95,
            "difference": sims.mean(axis=1) - np.array([t.row.value for t in fit.targets]),
            "spread": fit.spreads,
            "residual": fit.residuals(),
            "source_file": [t.row.source_file for t in fit.targets],
            "location": [t.row.location for t in fit.targets],
            "compared_as": [t.definition for t in fit.targets],
        }
    )


def twin_frame(fit: Fit) -> pd.DataFrame:
    """Where the council and the DfE give the same figure: both, beside the simulated mean at
    the council's date, and which the fit follows (the smaller spread) and why."""
    frame = target_frame(fit)
    rows = []
    for measure, (twin, _, why) in TWINS.items():
        dfe = [j for j, t in enumerate(fit.targets) if t.row.measure == twin]
        for i, target in enumerate(fit.targets):
            earlier = [j for j in dfe if fit.targets[j].row.end <= target.row.end]
            if target.row.measure != measure or not earlier:
                continue
            council, other = frame.iloc[i], frame.iloc[earlier[-1]]
            rows.append(
                {
                    "measure": measure,
                    "council_period": council["period"],
                    "council": council["observed"],
                    "dfe_period": other["period"],
                    "dfe": other["observed"],
                    "simulated_mean": council["simulated_mean"],
                    "follows": "council" if council["spread"] <= other["spread"] else "DfE",
                    "why": why,
                }
            )
    return pd.DataFrame(rows)


LEVEL = {
    "dfe_started": "children starting (DfE)",
    "dfe_ceased": "children ceasing (DfE)",
    "avg_months_in_care": "months in care (council): the exits a year that give it at the "
    "simulated CLA",
}
"""The figures that set the yearly flow of a level stock, and how each reads as one."""


def level_frame(fit: Fit) -> pd.DataFrame:
    """Each figure that sets the flow a year, read as children a year with its spread, beside
    the simulated flow (a months figure m at simulated months s and exits e reads as e * s / m,
    the exits that give m at the simulated CLA)."""
    frame = target_frame(fit)
    rows = []
    for i, target in enumerate(fit.targets):
        what = LEVEL.get(target.row.measure)
        if what is None:
            continue
        observed, simulated, spread = (
            frame.iloc[i][k] for k in ("observed", "simulated_mean", "spread")
        )
        a_year, simulated_flow, flow_spread = observed, simulated, spread
        if target.row.measure == "avg_months_in_care":
            exits = fit.history.flow("exits")[:, fit.history.year(target.row.period)].mean()
            a_year, simulated_flow = exits * simulated / observed, exits
            flow_spread = a_year * spread / observed
        rows.append(
            {
                "figure": what,
                "period": target.row.period,
                "observed": observed,
                "children_a_year": a_year,
                "spread_a_year": flow_spread,
                "simulated_a_year": simulated_flow,
            }
        )
    return pd.DataFrame(rows)


def level_section(fit: Fit) -> list[str]:
    level = level_frame(fit)
    if level.empty:
        return []
    weights = 1.0 / level["spread_a_year"] ** 2
    mean = float((level["children_a_year"] * weights).sum() / weights.sum())
    return [
        "## The level of starts and ceased",
        "The model's CLA is nearly level over the window, so its starts and its ceased are "
        "nearly equal, and these figures set that flow together. The fit follows none of them "
        "over the others: each weighs by its spread (the variation between replications and "
        "10% for its definition: the DfE counts children, the model episodes; the council "
        "does not say whom its months average), and their precision-weighted mean is "
        f"{mean:.1f} children a year.",
        markdown_table(level),
    ]


def shown_section(fit: Fit) -> list[str]:
    shown = shown_frame(fit)
    if shown.empty:
        return []
    return ["## Ages and providers at 31 March (shown, not fitted)", WHY, markdown_table(shown)]


def knob_frame(fit: Fit) -> pd.DataFrame:
    """The fitted knobs with their 95% intervals and log standard deviations (runs draw them
    together from the fit's covariance)."""
    rows = []
    for i, knob in enumerate(fit.knobs):
        low, high = fit.interval(i)
        rows.append(
            {
                "knob": knob.name,
                "what": knob.description,
                "start": float(np.exp(fit.start[i])),
                "estimate": float(fit.values[i]),
                "low95": low,
                "high95": high,
                "log_sd": float(fit.marginal_sd[i]),
                "log_sd_given_others": float(fit.conditional_sd[i]),
            }
        )
    return pd.DataFrame(rows)


def cla_trend(fit: Fit) -> str:
    """The yearly change in the CLA rate per 10,000 (quasi-Poisson GLM), for context."""
    rows = fit.figures.rows("cla_rate_per_10000")
    if len(rows) < 3:
        return "Too few yearly CLA rates for a trend."
    years = [(r.end - rows[0].end).days / 365.25 for r in rows]
    trend = log_trend(years, [r.value for r in rows])
    return (
        f"CLA per 10,000 children, {rows[0].period} to {rows[-1].period}: "
        f"{(trend.ratio - 1) * 100:+.1f}% a year (95% interval {(trend.low - 1) * 100:+.1f}% "
        f"to {(trend.high - 1) * 100:+.1f}%; quasi-Poisson GLM on the year)."
    )


def number(value: float) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if not isinstance(value, (int, float, np.number)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def markdown_table(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(number(v) for v in row) + " |")
    return "\n".join(lines)


def twin_section(fit: Fit) -> list[str]:
    twins = twin_frame(fit)
    if twins.empty:
        return []
    return [
        "## Where the council and the DfE differ",
        "Each council figure beside the DfE's for the same or the latest earlier 31 March; the "
        "fit follows the one with the smaller spread.",
        markdown_table(twins),
    ]


def markdown(fit: Fit, params: ParameterSet, reproduced: list[dict], title: str) -> str:
    """The whole report as Markdown."""
    s = fit.settings
    parts = [
        f"# {title}",
        f"Fitted by simulation over {fit.first} to {fit.last} ({s.replications} replications "
        f"per evaluation, seed {s.seed}, common random numbers), {fit.evaluations} evaluations, "
        f"{fit.seconds:.0f} s; optimiser: {fit.message}",
        "## Observed against simulated",
        "Residual = (simulated mean - observed) / spread; the spread combines the variation "
        "between replications with the observation spread.",
        markdown_table(target_frame(fit).drop(columns=["source_file", "location"])),
        *twin_section(fit),
        *level_section(fit),
        *shown_section(fit),
        "## Fitted quantities",
        markdown_table(knob_frame(fit)),
        "## Stock and flow",
        "Entries - exits = change in CLA in every replication when the largest gap is 0.",
        markdown_table(pd.DataFrame(stock_flow(fit.history))),
        "## Trend",
        cla_trend(fit),
    ]
    if reproduced:
        parts += [
            "## The reports' own edge-of-care figures",
            markdown_table(pd.DataFrame(reproduced).drop(columns=["source"])),
        ]
    parts += [
        "## Assumptions",
        "\n".join(f"- `{path}`: {source}" for path, source in assumptions(params)),
    ]
    return "\n\n".join(parts) + "\n"


def table(frame: pd.DataFrame, title: str) -> Table:
    out = Table(title=title)
    for column in frame.columns:
        out.add_column(column, justify="right" if frame[column].dtype.kind in "fib" else "left")
    for row in frame.itertuples(index=False):
        out.add_row(*(number(v) for v in row))
    return out


def wide_console() -> Console:
    """The terminal, at least 110 columns wide so the tables stay readable."""
    return Console(width=max(Console().width, 110))


def print_report(fit: Fit, reproduced: list[dict], console: Console | None = None) -> None:
    console = console or wide_console()
    targets = target_frame(fit)[
        [
            "measure",
            "period",
            "observed",
            "simulated_mean",
            "simulated_p05",
            "simulated_p95",
            "residual",
        ]
    ]
    console.print(table(targets, f"Fit over {fit.first} to {fit.last}: observed against simulated"))
    twins = twin_frame(fit)
    if not twins.empty:
        console.print(table(twins.drop(columns=["why"]), "Council against DfE: which is followed"))
    console.print(
        table(
            knob_frame(fit)[["knob", "estimate", "low95", "high95"]],
            "Fitted quantities (95% intervals)",
        )
    )
    console.print(table(pd.DataFrame(stock_flow(fit.history)), "Stock and flow"))
    if reproduced:
        frame = pd.DataFrame(reproduced)[
            ["year", "figure", "reported", "reproduced_mean", "reproduced_p05", "reproduced_p95"]
        ]
        console.print(table(frame, "Edge-of-care figures: reported against reproduced"))
