"""The progress bar on standard error, and how long a run will take in words."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

stderr = Console(stderr=True)
SHOW_AFTER = 1.0
"""Seconds before a progress bar appears: quicker runs show none."""
LONG_RUN = 10.0
"""Seconds: a run expected to take longer says so when its first replications are done."""


def estimate(elapsed: float, done: int, total: int, jobs: int = 1) -> float:
    """Expected seconds for the whole run when ``done`` replications took ``elapsed`` seconds.

    Results come back in order, so when the first arrive the other ``jobs - 1`` workers have
    done about as many."""
    finished = min(total, done * max(1, jobs))
    return elapsed * total / finished


def duration(seconds: float) -> str:
    """A duration in words: 'about 45 s', 'about 1 min 40 s', 'about 2 h 5 min'."""
    seconds = round(seconds)
    if seconds < 60:
        return f"about {max(seconds, 1)} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"about {minutes} min {secs} s" if secs else f"about {minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"


@contextlib.contextmanager
def progress_bar(
    total: int,
    quiet: bool,
    label: str = "Replications",
    jobs: int = 1,
    console: Console | None = None,
    delay: float = SHOW_AFTER,
    clock: Callable[[], float] = time.perf_counter,
) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error (replications done and time left) for runs longer than
    ``delay`` seconds, and the expected length of a long run once its first results are in.
    Silent when quiet or when standard error is not a terminal."""
    console = console or stderr
    if quiet or not console.is_terminal:
        yield lambda n: None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("time left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(label, total=total)
    started, told = clock(), False
    timer = threading.Timer(delay, bar.start)
    timer.daemon = True
    timer.start()

    def advance(n: int) -> None:
        nonlocal told
        bar.advance(task, n)
        done = int(bar.tasks[0].completed)
        if not told and 0 < done < total:
            told = True
            expected = estimate(clock() - started, done, total, jobs)
            if expected >= LONG_RUN:
                console.print(
                    f"{total} {label.lower()} will take {duration(expected)}.", highlight=False
                )

    try:
        yield advance
    finally:
        timer.cancel()
        timer.join()
        bar.stop()
