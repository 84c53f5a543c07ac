"""The tables printed on standard output: a run's summary, the ranked comparison, the effect
sweep and the list of scenarios."""

from __future__ import annotations

import math
import os
import sys
import textwrap
from collections.abc import Callable

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..documents import cited
from ..formatting import (
    MISSING,
    count,
    millions,
    pence,
    percent,
    pounds,
    shown,
    signed,
    times,
    year_of,
)
from ..paired import ALL, Comparison
from ..pathway import IN_HOUSE_NAMES, PROGRAMMES, names_programme
from ..results import RunResult
from ..scenario import Scenario, Unloaded
from ..sweep import Sweep
from ..uncertainty import chance_share

NARROW = 80
HEADING = 8
"""Column headings wrap at this many characters, so that the figures set each column's width."""
RULED = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
"""No lines but a rule under the headings, in ASCII: a piped table is as many bytes as columns."""
RANGE = "90% range"
INDENT = (0, 0, 0, 2)
"""A scenario's description, under its name."""
Figure = Callable[..., float]  # (measure, column, period) -> one figure of comparison.csv


def stdout() -> Console:
    """The terminal (or the width COLUMNS sets), else 80 columns when the output goes to a file
    or a pipe."""
    unsized = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(width=NARROW) if unsized else Console()


def ruled(title: str) -> Table:
    """A table with only a rule under its headings, columns two spaces apart."""
    return Table(title=title, box=RULED, padding=(0, 1, 0, 0), show_edge=False)


def wrapped(name: str) -> str:
    """A column heading wrapped to lines of about ``HEADING`` characters."""
    return textwrap.fill(name, HEADING, break_long_words=False, break_on_hyphens=False)


def noted(table: Table, note: str) -> Group:
    """A table and its note below it, the note wrapped to the screen rather than to the table
    (a narrow table would otherwise squeeze it into a column of a few words)."""
    return Group(table, Text(note, style="italic"), Text(""))


# -- a run ----------------------------------------------------------------------------------------
def run_table(result: RunResult) -> Group:
    """CLA at each 31 March and total cost per financial year: mean and 90% range."""
    table = ruled(f"{result.scenario.name}: {result.replications} replications, seed {result.seed}")
    for column in ("31 March", "CLA", "CLA 90% range", "Year", "Cost", "Cost 90% range"):
        table.add_column(wrapped(column), justify="right")
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
    return noted(table, "Mean over replications and 90% range (5th-95th percentile).")


def print_run_summary(result: RunResult) -> None:
    console = stdout()
    console.print(run_table(result))
    console.print(spread_sources(result))


def spread_sources(result: RunResult) -> str:
    """In words: how much of the spread of CLA at the last 31 March and of the cost over the
    run comes from chance, and how much from parameters."""
    cal = result.calendar
    parts = []
    for what, values in (
        (f"CLA at {cal.dates[cal.census[-1]].isoformat()}", result.cla[:, cal.census[-1]]),
        ("the cost over the run", result.yearly_costs().sum(axis=1)),
    ):
        share = chance_share(values)
        if not math.isnan(share):
            parts.append(
                f"{what}: {percent(share, '.0f')} chance, {percent(1 - share, '.0f')} parameters"
            )
    if not parts:
        return "Too few replications to split the spread between chance and parameters."
    return (
        "Where the spread comes from (share of the variance between replications; pairs of "
        "replications share one parameter draw, so the spread within pairs is chance): "
        + "; ".join(parts)
        + "."
    )


# -- a comparison ---------------------------------------------------------------------------------
def ranking(comparison: Comparison) -> list[str]:
    """The other scenarios, best mean net saving over the run first."""
    return sorted(comparison.others, key=lambda n: -comparison.value(n, "net_saving"))


def ranked(
    comparison: Comparison,
    title: str,
    columns: tuple[str, ...],
    cells: Callable[[Comparison, str], list[str]],
    note: str,
) -> Group:
    """A table of the other scenarios by rank, best mean net saving first (the key below the
    tables gives each rank's scenario, so the table fits 80 columns), and its note."""
    table = ruled(title)
    for column in ("#", *columns):
        table.add_column(wrapped(column), justify="right", no_wrap=column != RANGE)
    for rank, name in enumerate(ranking(comparison), 1):
        table.add_row(str(rank), *cells(comparison, name))
    return noted(table, note)


def heading(comparison: Comparison) -> str:
    base = comparison.base
    return (
        f"Against {base.scenario.name}: {base.replications} paired replications, seed "
        f"{base.seed}, effect '{comparison.effect}'. Differences are scenario minus base; "
        "savings are base minus scenario. Over the run unless dated; mean and 90% range."
    )


def key(comparison: Comparison) -> str:
    return "Key: " + "; ".join(f"{k} {n}" for k, n in enumerate(ranking(comparison), 1))


def getter(comparison: Comparison, name: str) -> Figure:
    """One scenario's figures of comparison.csv, by measure (mean difference over the run)."""

    def v(measure: str, column: str = "difference_mean", period: str = ALL) -> float:
        return comparison.value(name, measure, period, column)

    return v


def spread_of(v: Figure, measure: str, fmt: Callable[[float], str], period: str = ALL) -> str:
    """A 90% interval: '-1.0 to +3.1'."""
    low, high = v(measure, "difference_p05", period), v(measure, "difference_p95", period)
    return f"{fmt(low)} to {fmt(high)}"


def last_census(comparison: Comparison) -> str:
    cal = comparison.base.calendar
    return cal.dates[cal.census[-1]].isoformat()


def buys_table(comparison: Comparison) -> Group:
    """What each scenario buys: children, placement-days, external placements."""
    last = last_census(comparison)

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        external = sum(v(f"placed_externally.{pool}") for pool in IN_HOUSE_NAMES)
        return [
            signed(v("cla", period=last)),
            spread_of(v, "cla", signed, last),
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
            "CLA change",
            RANGE,
            "Fewer entries",
            "Care days saved",
            "Fewer placed outside",
            "More started",
            "More returned home",
        ),
        cells,
        f"CLA change at {last}; care days: placement-days; placed outside: with an agency or "
        "external home because in-house places were full; started: families starting a "
        "programme; returned home: children reunified.",
    )


def money_table(comparison: Comparison) -> Group:
    """What each scenario costs and saves, and its chance of paying back."""
    years = comparison.base.calendar.financial_years

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        return [
            millions(-v("placement_cost")),
            millions(v("investment_cost")),
            millions(v("net_saving")),
            spread_of(v, "net_saving", millions),
            year_of(v("break_even_year"), years) or MISSING,
            percent(v("payback_probability"), ".0f"),
        ]

    return ranked(
        comparison,
        "What each costs and saves",
        (
            "Saved",
            "Invested",
            "Net saving",
            RANGE,
            "Breaks even",
            "Pays back",
        ),
        cells,
        "Saved: placement cost. Breaks even: median year ('-': not within the run in most "
        "futures); pays back: the share of futures that break even within the run.",
    )


def checks_table(comparison: Comparison) -> Group:
    """The return per pound, the council's way of counting and the pairing check."""
    pairing = comparison.pairing()

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        changes = c.others[name].scenario.changes
        return [
            pence(v("return_per_pound")),
            millions(v("council_saving"))
            if names_programme(str(change.set) for change in changes)
            else MISSING,
            shown(pairing[name]["total_cost"], ".3f"),
        ]

    return ranked(
        comparison,
        "Other ways of counting",
        ("Return per £", "Council's way", "Pairing ratio"),
        cells,
        "Return: placement cost saved per £1 invested. Council's way: each diverted child's "
        "avoided cost x deflator over years 1-3 ('-': the scenario changes no programme). "
        "Pairing ratio: 90% width of the paired "
        "total-cost difference / that of independent runs.",
    )


def sources_table(comparison: Comparison) -> Group:
    """Where each net saving's spread comes from, and (when compared) how much of the saving
    rests on the programme effect."""
    chance = comparison.chance_shares()
    rests = comparison.effect_dependence()
    none = comparison.without_effect

    def cells(c: Comparison, name: str) -> list[str]:
        share = chance[name]
        row = [
            MISSING if math.isnan(share) else percent(share, ".0f"),
            MISSING if math.isnan(share) else percent(1 - share, ".0f"),
        ]
        if none is not None:
            row += [millions(c.value(name, "net_saving")), millions(none.value(name, "net_saving"))]
            row.append(millions(rests[name]))
        return row

    columns: tuple[str, ...] = ("Chance", "Parameters")
    caption = (
        "Share of the net saving's variance between replications due to chance and to what "
        "we do not know about parameters (replications run in pairs sharing one parameter "
        "draw; the spread within pairs is chance)."
    )
    if none is not None:
        columns += (f"Net, '{comparison.effect}'", "Net, 'none'", "Rests on effect")
        caption += (
            f" Rests on effect: mean net saving under '{comparison.effect}' less under "
            "'none' (each on its own fit)."
        )
    return ranked(comparison, "Where the spread and the saving come from", columns, cells, caption)


def sweep_table(sweep: Sweep, ranks: dict[str, int]) -> Group:
    """Mean net saving over the run at each effect scale, and where it stops paying."""
    table = ruled(
        f"Effect sweep: mean net saving over the run ({sweep.replications} replications a point)"
    )
    table.add_column("#", justify="right")
    for scale in sweep.scales:
        table.add_column(times(scale), justify="right")
    table.add_column(wrapped("Stops paying below"), justify="right")
    ends = {end["scenario"]: end for end in sweep.break_even().to_dict("records")}
    for name, group in sweep.points.groupby("scenario", sort=False):
        scale, note = ends[name]["break_even_scale"], ends[name]["note"]
        net = group.sort_values("effect_scale").net_saving_mean
        table.add_row(
            str(ranks[str(name)]),
            *[millions(x) for x in net],
            note if math.isnan(scale) else times(scale, ".2f"),
        )
    return noted(
        table,
        "Effect scale 1 = as the service reports; 0 = no effect (each programme's deflator "
        "moved to its chance of care with the programme); at each scale the direct entry rate "
        "is refitted so the base projects as many entries as at scale 1.",
    )


def print_comparison(comparison: Comparison) -> None:
    console = stdout()
    console.print(heading(comparison))
    console.print(buys_table(comparison))
    console.print(money_table(comparison))
    console.print(checks_table(comparison))
    console.print(sources_table(comparison))
    console.print(key(comparison))
    if comparison.sweep is not None:
        ranks = {name: k for k, name in enumerate(ranking(comparison), 1)}
        console.print(sweep_table(comparison.sweep, ranks))


# -- the scenario library -------------------------------------------------------------------------
def print_scenario_list(scenarios: list[Scenario | Unloaded]) -> None:
    """One line per scenario: its name and the first sentence of its description, cut to the
    terminal's width (80 columns in a pipe)."""
    console = stdout()
    width = max((len(s.name) for s in scenarios), default=0)
    for s in scenarios:
        about = f"Error: {s.error}" if isinstance(s, Unloaded) else first_sentence(s.description)
        line = f"{s.name:<{width}}  {about}"
        fits = line if len(line) <= console.width else line[: console.width - 1] + "…"
        console.print(fits, markup=False, highlight=False)


def first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".")


def print_check(scenario: Scenario) -> None:
    """A scenario that loads: what it builds on and its changes and investments as resolved."""
    console = stdout()
    builds_on = ", ".join(scenario.combines) or (
        scenario.base.name if scenario.base else str(scenario.root)
    )
    console.print(
        f"{scenario.name}: valid; builds on {builds_on}; starts {scenario.params.start_date}"
    )
    table = ruled("Changes (inherited ones first, as resolved)")
    for column in ("Date", "Parameter", "Value"):
        table.add_column(column)
    for change in scenario.changes:
        if change.add_home is not None:
            home = change.add_home
            table.add_row(str(change.date), "add_home", f"{home.name}: {home.beds.value} beds")
        else:
            table.add_row(str(change.date), str(change.set), str(change.value))
    console.print(table if scenario.changes else "No changes.")
    for item in scenario.investments:
        amount = item.one_off if item.one_off is not None else item.per_year
        kind = "one-off" if item.one_off is not None else "a year"
        console.print(
            f"Investment from {item.date}: {item.item}, {pounds(float(amount or 0))} {kind}"
        )


def print_scenarios(scenarios: list[Scenario | Unloaded], sources: bool) -> None:
    """Each scenario's name, file and what it builds on, then its description (and sources)
    indented below, wrapped to the screen; a file that does not load is marked with its error."""
    console = stdout()
    for s in scenarios:
        if isinstance(s, Unloaded):
            console.print(Text(f"{s.name} ({s.path.name})", style="bold"))
            console.print(
                Padding(Text(f"Error: {s.error}", style="bold red"), INDENT, expand=False)
            )
            continue
        root = s.root.name if s.root else ""
        builds_on = ", ".join(s.combines) or (s.base.name if s.base else root)
        file = s.path.name if s.path else ""
        console.print(Text(s.name, style="bold"), f"({file}; builds on {builds_on})")
        text = s.description + (
            "\nSources:\n- " + "\n- ".join(map(cited, s.sources()))
            if sources and s.sources()
            else ""
        )
        console.print(Padding(Text(text), INDENT, expand=False))
        console.print()
