"""What the terminal shows: a progress bar on standard error and summary tables."""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .results import RunResult

stderr = Console(stderr=True)


def money(value: float) -> str:
    """Pounds in millions, as finance reads them: £47.2m."""
    return f"£{value / 1e6:,.1f}m"


@contextlib.contextmanager
def progress_bar(total: int, quiet: bool, label: str = "Replications") -> Iterator[Callable[[int], None]]:
    """A progress bar with time left on standard error; silent when quiet or not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield lambda n: None
        return
    started = time.perf_counter()
    told = False
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=stderr, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int) -> None:
            nonlocal told
            bar.advance(task, n)
            done = bar.tasks[0].completed
            if not told and done and done < total:
                rate = (time.perf_counter() - started) / done
                stderr.print(f"About {rate * (total - done):.0f} s to go for {total} replications.")
                told = True

        yield advance


def run_table(result: RunResult) -> Table:
    """CLA at each 31 March (median and 90% interval) and total cost per financial year."""
    table = Table(title=f"{result.scenario.name}: {result.replications} replications, seed "
                  f"{result.seed}", caption="CLA: median and 90% range; cost: mean and 90% range")
    for column in ("31 March", "CLA", "CLA 90% range", "Year", "Cost", "Cost 90% range"):
        table.add_column(column, justify="right")
    for row in result.summary_frame().itertuples(index=False):
        cost = row.cost_mean
        has_cost = cost == cost  # not NaN
        table.add_row(
            row[0].isoformat(), f"{row.cla_p50:,.0f}", f"{row.cla_p05:,.0f} - {row.cla_p95:,.0f}",
            row.cost_year if has_cost else "", money(cost) if has_cost else "",
            f"{money(row.cost_p05)}-{money(row.cost_p95)}" if has_cost else "",
        )
    return table


def print_run_summary(result: RunResult) -> None:
    Console().print(run_table(result))
