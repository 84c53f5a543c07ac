"""The tables printed on standard output: a run's summary, the ranked comparison, the effect
sweep and the list of scenarios."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..documents import cited
from ..formatting import count, millions, pence, percent, shown, signed, times, year_label
from ..paired import ALL, Comparison
from ..pathway import IN_HOUSE_NAMES, PROGRAMMES
from ..results import RunResult
from ..scenario import Scenario, Unloaded
from ..sweep import Sweep

WIDE = 160
Figure = Callable[..., float]  # (measure, column, period) -> one figure of comparison.csv


def stdout() -> Console:
    """The terminal, or a wide page when the output goes to a file."""
    return Console() if sys.stdout.isatty() else Console(width=WIDE)


# -- a run ----------------------------------------------------------------------------------------
def run_table(result: RunResult) -> Table:
    """CLA at each 31 March (median and 90% interval) and total cost per financial year."""
    table = Table(
        title=f"{result.scenario.name}: {result.replications} replications, seed {result.seed}",
        caption="Mean over replications and 90% range (5th-95th percentile)",
    )
    for column in ("31 March", "CLA", "CLA 90% range", "Year", "Cost", "Cost 90% range"):
        table.add_column(column, justify="right")
    for row in result.summary_frame().to_dict("records"):
        has_cost = not math.isnan(row["cost_mean"])
        table.add_row(
            row["31 March"].isoformat(),
            count(row["cla_mean"]),
            f"{count(row['cla_p05'])} - {count(row['cla_p95'])}",
            row["cost_year"] if has_cost else "",
            millions(row["cost_mean"]) if has_cost else "",
            f"{millions(row['cost_p05'])}-{millions(row['cost_p95'])}" if has_cost else "",
        )
    return table


def print_run_summary(result: RunResult) -> None:
    stdout().print(run_table(result))


# -- a comparison ---------------------------------------------------------------------------------
def ranking(comparison: Comparison) -> list[str]:
    """The other scenarios, best mean net saving over the run first."""
    return sorted(comparison.others, key=lambda n: -comparison.value(n, "net_saving"))


def ranked(
    comparison: Comparison,
    title: str,
    columns: tuple[str, ...],
    cells: Callable[[Comparison, str], list[str]],
    caption: str,
) -> Table:
    """A table of the other scenarios, best mean net saving first."""
    base = comparison.base
    table = Table(
        title=f"{title} against {base.scenario.name}: {base.replications} paired "
        f"replications, seed {base.seed}, effect '{comparison.effect}'",
        caption=caption,
    )
    for column in ("Rank", "Scenario", *columns):
        table.add_column(column, justify="left" if column == "Scenario" else "right")
    for rank, name in enumerate(ranking(comparison), 1):
        table.add_row(str(rank), name, *cells(comparison, name))
    return table


def getter(comparison: Comparison, name: str) -> Figure:
    """One scenario's figures of comparison.csv, by measure (mean difference over the run)."""

    def v(measure: str, column: str = "difference_mean", period: str = ALL) -> float:
        return comparison.value(name, measure, period, column)

    return v


def interval(v: Figure, measure: str, fmt: Callable[[float], str], period: str = ALL) -> str:
    """A mean and its 90% interval: '+0.5 [-1.0 to +3.1]'."""
    return (
        f"{fmt(v(measure, period=period))} [{fmt(v(measure, 'difference_p05', period))} to "
        f"{fmt(v(measure, 'difference_p95', period))}]"
    )


def last_census(comparison: Comparison) -> str:
    cal = comparison.base.calendar
    return cal.dates[cal.census[-1]].isoformat()


def buys_table(comparison: Comparison) -> Table:
    """What each scenario buys: children, placement-days, external placements."""
    last = last_census(comparison)

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        external = sum(v(f"placed_externally.{pool}") for pool in IN_HOUSE_NAMES)
        return [
            interval(v, "cla", signed, last),
            count(-v("children_entering_care")),
            count(-v("placement_days.all")),
            count(-external),
            count(sum(v(f"families_started.{p.value}") for p in PROGRAMMES)),
            count(v("reunification_returns")),
        ]

    return ranked(
        comparison,
        "What each buys",
        (
            f"CLA change {last} [90%]",
            "Fewer entries to care",
            "Placement-days avoided",
            "Fewer placed externally",
            "More families started",
            "More children reunified",
        ),
        cells,
        "Over the run unless dated; differences are paired (scenario minus base).",
    )


def money_table(comparison: Comparison) -> Table:
    """What each scenario costs and saves, both ways of counting, and the pairing check."""
    years = comparison.base.calendar.financial_years
    pairing = comparison.pairing()

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        return [
            millions(-v("placement_cost")),
            millions(v("investment_cost")),
            interval(v, "net_saving", millions),
            year_label(v("break_even_year"), years),
            percent(v("payback_probability"), ".0f"),
            pence(v("return_per_pound")),
            millions(v("council_saving")),
            shown(pairing[name]["total_cost"], ".3f"),
        ]

    return ranked(
        comparison,
        "What each costs and saves",
        (
            "Placement cost saved",
            "Investment cost",
            "Net saving [90%]",
            "Breaks even (median)",
            "Pays back",
            "Return per £",
            "Council's way",
            "Pairing ratio",
        ),
        cells,
        "Over the run. Placement cost saved is the counterfactual (paired) saving; the council's "
        "way counts each diverted child's avoided cost x deflator over years 1-3. Pairing ratio: "
        "90% interval width of the paired total-cost difference / that of independent runs.",
    )


def sweep_table(sweep: Sweep) -> Table:
    """Mean net saving over the run at each effect scale, and where it stops paying."""
    table = Table(
        title=f"Effect sweep: mean net saving over the run ({sweep.replications} "
        "replications a point)",
        caption="Effect scale 1 = as the service reports; "
        "0 = no effect (each programme's deflator moved to its chance of care with the "
        "programme)",
    )
    table.add_column("Scenario")
    for scale in sweep.scales:
        table.add_column(times(scale), justify="right")
    table.add_column("Stops paying below", justify="right")
    ends = {end["scenario"]: end for end in sweep.break_even().to_dict("records")}
    for name, group in sweep.points.groupby("scenario", sort=False):
        scale, note = ends[name]["break_even_scale"], ends[name]["note"]
        net = group.sort_values("effect_scale").net_saving_mean
        table.add_row(
            str(name),
            *[millions(x) for x in net],
            note if math.isnan(scale) else times(scale, ".2f"),
        )
    return table


def print_comparison(comparison: Comparison) -> None:
    console = stdout()
    console.print(buys_table(comparison))
    console.print(money_table(comparison))
    if comparison.sweep is not None:
        console.print(sweep_table(comparison.sweep))


# -- the scenario library -------------------------------------------------------------------------
def print_scenarios(scenarios: list[Scenario | Unloaded], sources: bool) -> None:
    """Each scenario's name, file, what it builds on and its description (and sources); a file
    that does not load is marked with its error."""
    table = Table(title="Scenarios", show_lines=True)
    for column in ("Scenario", "File", "Builds on", "Description"):
        table.add_column(column)
    for s in scenarios:
        if isinstance(s, Unloaded):
            table.add_row(s.name, s.path.name, "", Text(f"Error: {s.error}", style="bold red"))
            continue
        builds_on = ", ".join(s.combines) or (s.base.name if s.base else s.root.name)
        text = s.description + (
            "\n\nSources:\n- " + "\n- ".join(map(cited, s.sources()))
            if sources and s.sources()
            else ""
        )
        table.add_row(s.name, s.path.name, builds_on, text)
    stdout().print(table)
