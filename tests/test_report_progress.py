"""Progress on long runs: a bar on standard error with time left, the expected length of a long
run once its first replications are in, and silence when quiet or not at a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from sufficiency.console.progress import duration, estimate, progress_bar


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100), buffer


def clock(*times: float):
    ticks = iter(times)
    return lambda: next(ticks)


def test_estimate_scales_the_first_results_to_the_whole_run():
    assert estimate(elapsed=5.0, done=25, total=500) == 100.0
    assert estimate(elapsed=5.0, done=25, total=500, jobs=2) == 50.0
    assert estimate(elapsed=5.0, done=25, total=30, jobs=2) == 5.0


def test_durations_in_words():
    assert duration(0.2) == "about 1 s"
    assert duration(45) == "about 45 s"
    assert duration(100) == "about 1 min 40 s"
    assert duration(120) == "about 2 min"
    assert duration(7500) == "about 2 h 5 min"


def test_a_long_run_says_how_long_it_will_take_and_shows_a_bar():
    console, buffer = terminal()
    with progress_bar(500, False, console=console, delay=0, clock=clock(0.0, 5.0)) as advance:
        advance(25)
        advance(475)
    shown = buffer.getvalue()
    assert "500 replications will take about 1 min 40 s." in shown
    assert "Replications" in shown and "time left" in shown and "500/500" in shown


def test_a_short_run_is_not_announced_and_shows_no_bar_before_its_delay():
    console, buffer = terminal()
    with progress_bar(10, False, console=console, delay=0, clock=clock(0.0, 0.5)) as advance:
        advance(5)
        advance(5)
    assert "will take" not in buffer.getvalue() and "10/10" in buffer.getvalue()
    console, buffer = terminal()
    with progress_bar(10, False, console=console, delay=600, clock=clock(0.0, 0.5)) as advance:
        advance(10)
    assert buffer.getvalue() == ""


def test_quiet_or_not_a_terminal_prints_nothing():
    console, buffer = terminal()
    with progress_bar(500, True, console=console, delay=0, clock=clock(0.0, 5.0)) as advance:
        advance(25)
    plain = io.StringIO()
    with progress_bar(
        500, False, console=Console(file=plain), delay=0, clock=clock(0.0, 5.0)
    ) as advance:
        advance(25)
    assert buffer.getvalue() == "" and plain.getvalue() == ""
