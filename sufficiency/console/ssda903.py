"""The SSDA903 validation report as a table that fits an 80-column terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..ssda903.census import shown
from ..ssda903.validate import Report

WIDTH = 80


def report_table(report: Report) -> Table:
    """Problems by rule: level, count, example rows and what the rule checks."""
    years = ", ".join(f"{r.year}" for r in report.returns) or "none"
    table = Table(
        title=f"SSDA903 returns read: {years} (year ending 31 March)",
        caption="Rows count from the header (row 1). No value from the files is shown.",
    )
    table.add_column("Rule", no_wrap=True)
    table.add_column("Level")
    table.add_column("Count", justify="right")
    table.add_column("Examples", ratio=2)
    table.add_column("Check", ratio=3)
    for line in report.lines:
        table.add_row(line.rule, line.level, f"{line.count:,}", line.examples, line.check)
    return table


def census_table(report: Report) -> Table:
    """Children looked after on the latest 31 March, by the model's placement types."""
    year = report.returns[-1].year
    table = Table(title=f"Looked after on 31 March {year}, by the model's placement types")
    table.add_column("Placement type")
    table.add_column("Children", justify="right")
    for name, count in report.census.items():
        table.add_row(name, shown(count))
    return table


def print_report(report: Report) -> None:
    """The table, then how each year was told and the verdict."""
    console = Console(width=min(WIDTH, Console().width))
    console.print(report_table(report))
    if report.census:
        console.print(census_table(report))
    bases: dict[str, list[str]] = {}
    for ret in report.returns:
        bases.setdefault(ret.basis, []).append(str(ret.year))
    for basis, years in bases.items():
        console.print(f"Collection years {', '.join(years)}: from {basis}")
    errors = (
        f"{report.errors:,} error-level problems" if report.errors else "No error-level problems"
    )
    console.print(f"{errors}; {report.warnings:,} warnings")
