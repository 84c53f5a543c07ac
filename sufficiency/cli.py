"""The `sufficiency` command: thin click commands over the library."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .calendar import Calendar
from .cluster import EXECUTORS, check_choice, chosen
from .console.progress import progress_bar
from .console.tables import (
    print_check,
    print_comparison,
    print_run_summary,
    print_scenario_list,
    print_scenarios,
)
from .effects import EFFECTS
from .errors import InputError
from .executor import WorkersLost
from .library import scenario_path, write_template
from .output import check_target, save, write_run
from .paired import check_names, compare_scenarios
from .report import check_reports, write_reports, write_reports_via
from .runner import run as run_scenario
from .scenario import Scenario, Unloaded, list_scenarios, load_scenario
from .shipped import scenarios_dir
from .shutdown import Terminated, unwind_on_signals
from .sweep import SCALES, sweep_effects
from .version import __version__

NAME = r"[A-Za-z][A-Za-z0-9_.-]*"

if TYPE_CHECKING:
    from .calibration.fit import Settings as FitSettings


class Group(click.Group):
    """A click group that turns a user's mistake into a message and exit status 2."""

    def invoke(self, ctx: click.Context):
        unwind_on_signals()
        try:
            return super().invoke(ctx)
        except InputError as err:
            click.echo(f"Error: {err.file}: {err.field}: {err.expected}", err=True)
            ctx.exit(2)
        except WorkersLost as err:
            click.echo(f"Error: {err}; nothing written", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            interrupted(ctx, "Ctrl-C (SIGINT)", 130)
        except Terminated:
            interrupted(ctx, "SIGTERM", 143)


def interrupted(ctx: click.Context, signal: str, status: int) -> None:
    """One line saying what stopped, then the shell's exit status for that signal."""
    click.echo(
        f"Interrupted by {signal}: 'sufficiency {ctx.invoked_subcommand}' stopped; "
        "no partial output was left",
        err=True,
    )
    ctx.exit(status)


def report_options(command):
    """--xlsx FILE and --html FILE: the finance workbook and the scrutiny report; --budget FILE
    for the workbook."""
    command = click.option(
        "--budget",
        type=click.Path(path_type=Path),
        default=None,
        help="A CSV of financial_year,line,budget to show beside the forecast in the workbook "
        "(line: a cost line of costs.csv).",
    )(command)
    command = click.option(
        "--html",
        type=click.Path(path_type=Path),
        default=None,
        help="Write the scrutiny report (one self-contained HTML file).",
    )(command)
    return click.option(
        "--xlsx",
        type=click.Path(path_type=Path),
        default=None,
        help="Write the finance workbook (Excel).",
    )(command)


def whole(name: str, default: int | None, low: int, high: int | None, **more: Any):
    """An option taking a whole number from ``low`` to ``high`` (no limit if None)."""
    shown = default is not None
    return click.option(
        name, default=default, show_default=shown, type=click.IntRange(low, high), **more
    )


def stacked(*options: Callable) -> Callable:
    """One decorator applying ``options``, which --help then lists in this order."""

    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def executor_options(command):
    """--jobs N, --executor local|dask, --scheduler ADDRESS and --workers N: where the
    command's replications run (results are identical wherever they run)."""

    @functools.wraps(command)
    def placed(*args, executor: str, scheduler: str | None, workers: int | None, **kwargs):
        try:
            check_choice(executor, scheduler, workers)
        except ValueError as err:
            raise click.UsageError(str(err)) from None
        with chosen(executor, scheduler, workers):
            return command(*args, **kwargs)

    return stacked(
        whole(
            "--jobs",
            1,
            1,
            256,
            help="Local worker processes; results are identical for any number.",
        ),
        click.option(
            "--executor",
            type=click.Choice(EXECUTORS),
            default="local",
            show_default=True,
            help="Local processes (--jobs) or a Dask cluster.",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="With --executor dask: a running Dask scheduler, e.g. tcp://10.0.0.5:8786.",
        ),
        whole(
            "--workers",
            None,
            1,
            1024,
            help="With --executor dask: start a local cluster of N worker processes for this run.",
        ),
    )(placed)


def results_options(holds: str) -> Callable:
    """--out DIR (a folder for what ``holds`` says), --force and --quiet."""
    return stacked(
        click.option("--out", type=click.Path(path_type=Path), default=None, help=holds),
        click.option("--force", is_flag=True, help="Replace an existing results folder."),
        click.option("--quiet", is_flag=True, help="No progress bar."),
    )


@dataclass(frozen=True)
class Projection:
    """What --years, --replications and --seed ask a projection for (named as the runner's
    keyword arguments)."""

    years: int
    replications: int
    seed: int


def file_options(holds: str, replaces: str, required: bool = False) -> Callable:
    """--out FILE (what ``holds`` says) and --force (what ``replaces`` says it may replace)."""
    return stacked(
        click.option(
            "--out",
            type=click.Path(path_type=Path, dir_okay=False),
            required=required,  # no default: with click 8.3+ an explicit None counts as given
            help=holds,
        ),
        click.option("--force", is_flag=True, help=replaces),
    )


def projection_options(replications: int) -> Callable:
    """--years, --replications and --seed (the command's default replications), passed to the
    command as one ``projection``."""

    def apply(command: Callable) -> Callable:
        @functools.wraps(command)
        def projected(*args, years: int, replications: int, seed: int, **kwargs):
            return command(*args, projection=Projection(years, replications, seed), **kwargs)

        return stacked(
            whole("--years", 5, 1, 30, help="Years to project from the start date."),
            whole("--replications", replications, 1, 100_000),
            whole("--seed", 1, 0, None),
        )(projected)

    return apply


@click.group(cls=Group)
@click.version_option(__version__, prog_name="sufficiency")
def cli() -> None:
    """Forecast children looked after, placements and costs for a local authority."""


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@projection_options(replications=200)
@results_options("Folder for stocks.csv, snapshots.csv, flows.csv, costs.csv and run.json.")
@whole(
    "--event-log",
    0,
    0,
    None,
    metavar="N",
    help="Also write events.csv: every change of state in the first N "
    "replications, for checking the model (needs --out).",
)
@report_options
@executor_options
def run(
    scenario: Path,
    projection: Projection,
    jobs: int,
    out: Path | None,
    force: bool,
    quiet: bool,
    event_log: int,
    xlsx: Path | None,
    html: Path | None,
    budget: Path | None,
) -> None:
    """Project a SCENARIO (a YAML file, or a shipped scenario's name) and print CLA and cost
    by year."""
    if event_log and out is None:
        raise click.UsageError(
            "--event-log writes events.csv into the results folder: give --out DIR too"
        )
    loaded = load_scenario(scenario_path(scenario))
    if out is not None:
        check_target(out, force)
    check_reports(xlsx, html, force, budget)
    with progress_bar(projection.replications, quiet, jobs=jobs) as advance:
        result = run_scenario(
            loaded,
            **asdict(projection),
            jobs=jobs,
            progress=advance,
            event_logs=min(event_log, projection.replications),
        )
    print_run_summary(result)
    if out is not None:
        save(out, force, lambda folder: write_run(result, folder))
        click.echo(f"Results written to {out}")
        write_reports(out, xlsx, html, budget)
    elif xlsx is not None or html is not None:
        write_reports_via(lambda folder: write_run(result, folder), loaded.name, xlsx, html, budget)
    echo_reports(xlsx, html)


@cli.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
@report_options
@click.option("--force", is_flag=True, help="Replace existing report files.")
def report(
    results_dir: Path, xlsx: Path | None, html: Path | None, budget: Path | None, force: bool
) -> None:
    """Write the finance workbook (--xlsx) and/or the scrutiny report (--html) from a
    RESULTS_DIR written by 'run --out' or 'compare --out'; nothing is simulated again."""
    if xlsx is None and html is None:
        raise click.UsageError("give --xlsx FILE, --html FILE or both")
    check_reports(xlsx, html, force, budget)
    write_reports(results_dir, xlsx, html, budget)
    echo_reports(xlsx, html)


@cli.command()
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("others", nargs=-1, required=True, type=click.Path(path_type=Path))
@projection_options(replications=500)
@results_options(
    "Folder for comparison.csv, compare.json, savings.csv and a run folder per scenario."
)
@click.option(
    "--effect",
    type=click.Choice(EFFECTS),
    default="service",
    show_default=True,
    help="Programme effects: as the service reports, from published trials, or none.",
)
@click.option(
    "--sweep",
    is_flag=True,
    help="Also sweep the effect size (via the targeting deflator) and show where each "
    "investment stops paying for itself (sweep.csv, break_even.csv).",
)
@whole("--sweep-replications", 100, 1, 100_000, help="Replications at each point of the sweep.")
@click.option(
    "--effect-dependence",
    is_flag=True,
    help="Also compare under --effect none (on its own fit) and show how much of each net "
    "saving rests on the programme effect (doubles the run time).",
)
@report_options
@executor_options
def compare(
    base: Path,
    others: tuple[Path, ...],
    projection: Projection,
    jobs: int,
    out: Path | None,
    force: bool,
    quiet: bool,
    effect: str,
    sweep: bool,
    sweep_replications: int,
    effect_dependence: bool,
    xlsx: Path | None,
    html: Path | None,
    budget: Path | None,
) -> None:
    """Compare OTHERS against BASE (scenario YAML files or shipped scenarios' names) in paired
    runs and rank them, each on the parameter set fitted under --effect."""
    if effect_dependence and effect == "none":
        raise click.UsageError("--effect-dependence compares --effect service or trial with none")
    worlds = [effect, "none"] if effect_dependence else [effect]
    loaded = [loaded_scenarios(base, others, e) for e in worlds]
    first, rest = loaded[0]
    if out is not None or xlsx is not None or html is not None:
        check_names(first, rest)
    if out is not None:
        check_target(out, force)
    check_reports(xlsx, html, force, budget)
    total = (1 + len(rest)) * (
        projection.replications * len(worlds) + (sweep_replications * len(SCALES) if sweep else 0)
    )
    with progress_bar(total, quiet, jobs=jobs) as advance:
        result, *without = [
            compare_scenarios(*pair, **asdict(projection), jobs=jobs, progress=advance, effect=e)
            for pair, e in zip(loaded, worlds, strict=True)
        ]
        result.without_effect = without[0] if without else None
        if sweep:
            reported = (
                loaded[0] if effect == "service" else loaded_scenarios(base, others, "service")
            )
            result.sweep = sweep_effects(
                *reported,
                SCALES,
                projection.years,
                sweep_replications,
                projection.seed,
                jobs,
                advance,
            )
    print_comparison(result)
    if out is not None:
        save(out, force, result.write)
        click.echo(f"Results written to {out}")
        write_reports(out, xlsx, html, budget)
    elif xlsx is not None or html is not None:
        write_reports_via(result.write, f"{first.name}-comparison", xlsx, html, budget)
    echo_reports(xlsx, html)


def loaded_scenarios(
    base: Path, others: tuple[Path, ...], effect: str
) -> tuple[Scenario, list[Scenario]]:
    """BASE and OTHERS loaded on the parameter set fitted under ``effect``."""
    first = load_scenario(scenario_path(base), effect=effect)
    return first, [load_scenario(scenario_path(path), effect=effect) for path in others]


@cli.command()
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--sources", is_flag=True, help="Also list each scenario's sources.")
@click.option("--list", "short", is_flag=True, help="One line per scenario.")
def scenarios(folder: Path | None, sources: bool, short: bool) -> None:
    """List the scenarios in FOLDER (default: the shipped library) with their descriptions;
    exit status 2 if any does not load."""
    listing = list_scenarios(folder or scenarios_dir())
    if short:
        print_scenario_list(listing)
    else:
        print_scenarios(listing, sources)
    unloaded = [item for item in listing if isinstance(item, Unloaded)]
    for item in unloaded:
        click.echo(f"Error: {item.error}", err=True)
    if unloaded:
        raise click.exceptions.Exit(2)


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--years", default=5, show_default=True, type=click.IntRange(1, 30))
def check(scenario: Path, years: int) -> None:
    """Validate a SCENARIO (file or shipped name) without running it, and print its resolved
    changes and investments."""
    loaded = load_scenario(scenario_path(scenario))
    loaded.check_horizon(Calendar(loaded.params.start_date, years))
    print_check(loaded)


@cli.command("new-scenario")
@click.argument("name")
@click.option(
    "--base",
    default="baseline",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The scenario it builds on: a file or a shipped scenario's name.",
)
@click.option(
    "--folder",
    default=".",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write NAME.yaml.",
)
def new_scenario(name: str, base: Path, folder: Path) -> None:
    """Write a commented template NAME.yaml building on BASE (never over an existing file)."""
    if not re.fullmatch(NAME, name):
        raise InputError(None, "NAME", "letters, digits, '-', '_' or '.', starting with a letter")
    base_file = scenario_path(base)
    load_scenario(base_file)
    click.echo(f"Scenario template written to {write_template(name, base_file, folder)}")


@dataclass(frozen=True)
class Fitting:
    """What --replications, --seed, --max-evaluations, --window-years and --step ask a fit for."""

    replications: int
    seed: int
    max_evaluations: int
    window_years: int
    step: bool

    def settings(self, jobs: int) -> FitSettings:
        """The calibration's own settings, with the worker processes."""
        from .calibration.fit import Settings

        return Settings(
            self.replications,
            self.seed,
            jobs,
            self.max_evaluations,
            self.window_years,
            step=self.step,
        )


def fit_options(command):
    """--replications (per fit evaluation), --seed, --max-evaluations, --window-years, --step,
    passed to the command as one ``fitting``."""

    @functools.wraps(command)
    def fitted(*args, replications, seed, max_evaluations, window_years, step, **kwargs):
        fitting = Fitting(replications, seed, max_evaluations, window_years, step)
        return command(*args, fitting=fitting, **kwargs)

    return stacked(
        whole("--replications", 16, 2, 10_000, help="Replications per fit evaluation."),
        whole("--seed", 1, 0, None),
        whole("--max-evaluations", 40, 1, 10_000, help="Optimiser steps before giving up."),
        whole(
            "--window-years",
            3,
            1,
            8,
            help="Years of history before the training date that the fit simulates.",
        ),
        click.option(
            "--step",
            is_flag=True,
            help="Also fit a step in the direct entry rate at the start of the latest year of "
            "the DfE's starts in the window (docs/calibration.md: Leicester's figures do not "
            "support one).",
        ),
    )(fitted)


@cli.command()
@file_options(
    "The parameter set to write (e.g. calibration/mine.yaml); the fit report goes beside it.",
    "Replace a parameter set and fit report that 'sufficiency calibrate' wrote.",
    required=True,
)
@fit_options
@whole("--reproduce-replications", 48, 2, 10_000, help="Replications for the reports' own figures.")
@click.option(
    "--ssda903",
    type=click.Path(path_type=Path),
    default=None,
    help="Fit instead from the council's SSDA903 returns in this folder (see docs/ssda903.md).",
)
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="With --ssda903: the population date; the run starts the day after.",
)
@click.option(
    "--effect",
    type=click.Choice(EFFECTS),
    default="service",
    show_default=True,
    help="The programme effects every fitted run assumes (compare --effect uses the set fitted "
    "under its preset).",
)
@executor_options
def calibrate(
    out: Path,
    force: bool,
    fitting: Fitting,
    jobs: int,
    reproduce_replications: int,
    ssda903: Path | None,
    at,
    effect: str,
) -> None:
    """Fit the baseline parameter set to the council's reported figures, or (--ssda903) to its
    SSDA903 returns."""
    if ssda903 is not None or at is not None:
        calibrate_ssda903(ssda903, at, out, force)
        return
    from .calibration.calibrate import calibrate as calibrate_baseline
    from .calibration.calibrate import check_targets
    from .calibration.calibrate import write as write_calibration
    from .calibration.fit import FitError
    from .calibration.report import print_report as print_fit_report

    check_targets(out, force)
    started = time.perf_counter()
    settings = replace(fitting.settings(jobs), effect=effect)
    try:
        result = calibrate_baseline(settings, reproduce_replications)
    except FitError as err:
        raise click.ClickException(f"{err}; nothing written") from None
    print_fit_report(result.fit, result.reproduced)
    for path in write_calibration(result, out):
        click.echo(f"Written {path}")
    click.echo(f"Calibrated in {time.perf_counter() - started:.0f} s")


def calibrate_ssda903(folder: Path | None, at, out: Path, force: bool) -> None:
    """calibrate --ssda903 DIR --at DATE: the parameter set, its scenario and fit report."""
    from .calibration import ssda903 as from_returns
    from .ssda903.mapping import load_mapping

    if folder is None or at is None:
        raise click.UsageError("--ssda903 DIR and --at DATE go together")
    from_returns.check_targets(out, force)
    result = from_returns.calibrate(
        from_returns.read_history(folder, load_mapping()), at.date(), folder.name
    )
    for path in from_returns.write(result, out):
        click.echo(f"Written {path}")


@cli.command()
@click.option(
    "--train-until",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Calibrate on figures for periods ending by this date only.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for backtest.csv, mape.csv and the training fit report.",
)
@click.option("--force", is_flag=True, help="Replace an existing results folder.")
@fit_options
@click.option(
    "--forecast-replications", default=200, show_default=True, type=click.IntRange(2, 100_000)
)
@click.option(
    "--ssda903",
    type=click.Path(path_type=Path),
    default=None,
    help="Fit on and score against the council's SSDA903 returns in this folder instead "
    "(--train-until a 31 March).",
)
@executor_options
def backtest(
    train_until,
    out: Path | None,
    force: bool,
    fitting: Fitting,
    jobs: int,
    forecast_replications: int,
    ssda903: Path | None,
) -> None:
    """Calibrate on figures to --train-until, forecast the later years and score the forecast
    against the reports (or, with --ssda903, the returns), persistence and a linear trend."""
    if ssda903 is not None:
        runs = Projection(0, forecast_replications, fitting.seed)
        backtest_ssda903(ssda903, train_until.date(), out, force, runs, jobs)
        return
    from .calibration.backtest import backtest as run_backtest
    from .calibration.backtest import check_train_until, print_backtest, write_backtest
    from .calibration.fit import FitError
    from .calibration.sources import load_sources

    sources = load_sources()
    check_train_until(sources, train_until.date())
    if out is not None:
        check_target(out, force)
    settings = fitting.settings(jobs)
    try:
        result = run_backtest(sources, train_until.date(), settings, forecast_replications)
    except FitError as err:
        raise click.ClickException(f"{err}; nothing written") from None
    print_backtest(result)
    if out is not None:
        save(out, force, lambda folder: write_backtest(result, folder))
        click.echo(f"Results written to {out}")


def backtest_ssda903(
    folder: Path,
    train_until,
    out: Path | None,
    force: bool,
    runs: Projection,
    jobs: int,
) -> None:
    """backtest --ssda903 DIR: fit on the returns to the date, score the later years."""
    from .calibration.ssda903 import read_history
    from .calibration.ssda903_backtest import backtest as run_backtest
    from .calibration.ssda903_backtest import print_backtest, write_backtest
    from .ssda903.mapping import load_mapping

    mapping = load_mapping()
    if out is not None:
        check_target(out, force)
    result = run_backtest(
        read_history(folder, mapping),
        train_until,
        folder.name,
        mapping,
        runs.replications,
        runs.seed,
        jobs,
    )
    print_backtest(result)
    if out is not None:
        save(out, force, lambda target: write_backtest(result, target))
        click.echo(f"Results written to {out}")


@cli.group()
def areas() -> None:
    """Every English authority from the DfE's public figures: list them, build a baseline."""


@areas.command("list")
@click.option("--csv", "as_csv", is_flag=True, help="Comma-separated, names in full.")
def areas_list(as_csv: bool) -> None:
    """The 153 authorities, their regions and latest published figures."""
    from .publicdata import listing
    from .publicdata.tables import load

    click.echo(listing.as_csv(load()) if as_csv else listing.as_table(load()), nl=not as_csv)


@areas.command("baseline")
@click.argument("area")
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Use the figures at the latest 31 March on or before this date "
    "(default: the latest shipped).",
)
@file_options(
    "The parameter set to write (NAME.yaml); NAME.scenario.yaml goes beside it.",
    "Replace existing files.",
    required=True,
)
def areas_baseline(area: str, at, out: Path, force: bool) -> None:
    """Write a baseline parameter set for AREA (a name in any case, or its la_code) from the
    DfE's public figures, and a scenario that runs it."""
    import datetime as dt

    from .publicdata.baseline import build_baseline
    from .publicdata.files import check_outputs, write_baseline
    from .publicdata.tables import load

    check_outputs(out, force)
    data = load()
    baseline = build_baseline(data, data.find(area), at.date() if at else dt.date.max)
    population = baseline.params.population
    click.echo(
        f"{baseline.area.name} ({baseline.area.la_code}, {baseline.area.region}): "
        f"{population.total.value} children looked after at {population.date}"
    )
    click.echo(baseline.spending.sentence())
    for path in write_baseline(baseline, out):
        click.echo(f"Written {path}")


@areas.command("forecast")
@click.argument("names", nargs=-1, metavar="[AREA]...")
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Start from the latest 31 March on or before this date (default: the latest shipped).",
)
@projection_options(replications=100)
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Folder for area_forecasts.csv."
)
@click.option("--force", is_flag=True, help="Replace an existing results folder.")
@click.option("--region", default=None, metavar="NAME", help="Every authority of a DfE region.")
@click.option(
    "--areas",
    "listing",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A file listing authorities, one a line (name or la_code).",
)
@click.option(
    "--share",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Capacity the authorities share and its allocation rule (YAML; docs/cluster.md).",
)
@executor_options
def areas_forecast(
    names: tuple[str, ...],
    at,
    projection: Projection,
    jobs: int,
    out: Path,
    force: bool,
    region: str | None,
    listing: Path | None,
    share: Path | None,
) -> None:
    """Forecast each AREA's baseline (default: every authority whose figures are published;
    or those of --region and --areas), optionally with shared capacity (--share), and write
    DIR/area_forecasts.csv, with regional and England totals."""
    import datetime as dt

    from .publicdata.forecast import Settings, forecast, write_forecast
    from .publicdata.tables import load
    from .regions import choose, load_share, shared

    data = load()
    sharing = load_share(share) if share is not None else None
    chosen = choose(data, names, region, listing)
    date = at.date() if at else dt.date.max
    buildable = [
        area
        for area in chosen
        if data.number("looked_after_at_31_march", area.la_code, data.year_at(date)).value
        is not None
    ]
    for area in chosen:
        if area not in buildable:
            click.echo(
                f"Skipped {area.name}: its figures at 31 March {data.year_at(date)} "
                "are not published",
                err=True,
            )
    check_target(out, force)
    adjust, allocation = shared(data, buildable, date, sharing) if sharing else (None, None)
    started = time.perf_counter()
    with progress_bar(len(buildable), quiet=False, label="Authorities", jobs=jobs) as advance:
        frame = forecast(
            data,
            buildable,
            Settings(date, projection.years, projection.replications, projection.seed, jobs),
            lambda area: advance(1),
            adjust,
        )

    def write(folder: Path) -> None:
        write_forecast(frame, folder)
        if allocation is not None:
            allocation.to_csv(folder / "shared_capacity.csv", index=False)

    save(out, force, write)
    click.echo(
        f"{len(buildable)} authorities forecast in {time.perf_counter() - started:.0f} s; "
        f"written to {out / 'area_forecasts.csv'}"
    )


@areas.command("backtest")
@click.option(
    "--train-until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="Fit on the figures up to the latest 31 March on or before this date.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for area_backtest.csv and area_backtest_scores.csv.",
)
@click.option("--force", is_flag=True, help="Replace an existing results folder.")
@whole(
    "--simulate",
    0,
    0,
    100_000,
    help="Also run each authority's baseline with this many replications and score it "
    "(0: not run).",
)
@whole("--seed", 1, 0, None)
@executor_options
def areas_backtest(
    train_until, out: Path | None, force: bool, simulate: int, seed: int, jobs: int
) -> None:
    """Forecast every authority one year on from figures up to --train-until, and score the
    forecast against what was published, persistence and a linear trend."""
    from .publicdata.backtest import backtest as run_area_backtest
    from .publicdata.backtest import describe, write_backtest
    from .publicdata.forecast import Settings
    from .publicdata.tables import load

    data = load()
    if out is not None:
        check_target(out, force)
    at = train_until.date()
    settings = Settings(at, 1, simulate, seed, jobs) if simulate else None
    with progress_bar(len(data.areas), quiet=not simulate, label="Authorities", jobs=jobs) as step:
        result = run_area_backtest(data, at, settings, seed, lambda area: step(1))
    click.echo(describe(result))
    if out is not None:
        save(out, force, lambda folder: write_backtest(result, folder))
        click.echo(f"Results written to {out}")


@cli.group()
def ssda903() -> None:
    """A council's own SSDA903 returns to the DfE (episodes, header and UASC tables)."""


@ssda903.command("validate")
@click.argument("folder", type=click.Path(path_type=Path))
@file_options(
    "Also write the problems table as CSV.", "Replace a problems table this command wrote."
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The council's own mapping of SSDA903 codes to placement types and exit routes "
    "(YAML; see docs/ssda903.md).",
)
def ssda903_validate(folder: Path, out: Path | None, force: bool, mapping: Path | None) -> None:
    """Check the SSDA903 returns in FOLDER (CSV or Excel, one or more years) against the DfE's
    rules, and count the children looked after at the end of the latest year by placement type;
    exit status 1 if any error-level problem is found."""
    from .console.ssda903 import print_report
    from .ssda903.mapping import load_mapping
    from .ssda903.validate import check_out, validate, write

    mapped = load_mapping(mapping)
    if out is not None:
        check_out(out, force)
    report = validate(folder, mapped)
    print_report(report)
    if out is not None:
        write(report, out)
        click.echo(f"Problems written to {out}")
    click.get_current_context().exit(report.status)


def echo_reports(xlsx: Path | None, html: Path | None) -> None:
    for kind, path in (("Workbook", xlsx), ("Report", html)):
        if path is not None:
            click.echo(f"{kind} written to {path}")


main = cli

if __name__ == "__main__":
    main()
