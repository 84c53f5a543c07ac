"""The SSDA903 validation report as a table that fits an 80-column terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

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


def print_report(report: Report) -> None:
    """The table, then how each year was told and the verdict."""
    console = Console(width=min(WIDTH, Console().width))
    console.print(report_table(report))
    for ret in report.returns:
        console.print(f"{ret.year}: collection year from {ret.basis}")
    errors = report.errors
    console.print(f"{errors:,} error-level problems" if errors else "No error-level problems")
