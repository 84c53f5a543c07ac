"""Paired comparison of scenarios with common random numbers.

Every scenario runs with the same seed and replication indices, and the engine draws each kind
of randomness from its own stream, so replication i of two scenarios meets the same children,
referrals and outcomes wherever the scenarios agree. Differences are taken per replication
(scenario minus base), then summarised by their mean and 90% interval (5th-95th percentile).
For a ``*saving*`` measure the sign is the other way: positive means the scenario costs less.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .version import __version__
from .calendar import Calendar
from .effects import (TRIAL_ODDS_RATIOS, apply_effect, apply_effect_scale, deflators_at,
                      trial_scales)
from .errors import InputError
from .measures import PROGRAMME_ITEMS
from .output import write_csv, write_run
from .pathway import PLACEMENT_NAMES, PLACEMENTS, PROGRAMMES, REUNIFICATION, STATE_INDEX
from .records import PLACE_ROUTES
from .results import CLA_INDEX, RunResult
from .runner import Progress, run
from .savings import break_even, council_method, council_savings, counted
from .scenario import Scenario, Unloaded

ALL = "all years"
COLUMNS = ["scenario", "measure", "period", "base_mean", "scenario_mean", "difference_mean",
           "difference_p05", "difference_p95"]
INVESTMENT_ITEMS = PROGRAMME_ITEMS + ("investment",)
SCALES = (0.0, 0.25, 0.5, 0.75, 1.0)
WIDE = 160
Series = tuple[np.ndarray, list[str]]  # (replication, period) and the period labels


# -- measures of one run ----------------------------------------------------------------------
def with_total(yearly: np.ndarray, years: list[str]) -> Series:
    """A (rep, financial year) array with its total over the run as a last period."""
    return np.column_stack([yearly, yearly.sum(axis=1)]), [*years, ALL]


def cost_of(result: RunResult, items: tuple[str, ...]) -> np.ndarray:
    """The yearly cost of the named items, (rep, financial year); absent items cost nothing."""
    chosen = [i for i, item in enumerate(result.items) if item in items]
    return result.yearly_costs()[:, chosen, :].sum(axis=1)


def measures(result: RunResult) -> dict[str, Series]:
    """Every compared measure of one run, (rep, period) with period labels."""
    cal = result.calendar
    years = cal.financial_years
    days = result.year_sum(result.days)
    out: dict[str, Series] = {
        "cla": (result.cla[:, cal.census].astype(float), [cal.dates[i].isoformat() for i in cal.census]),
        "children_entering_care": with_total(counted(result, "entries", "all"), years),
        "placement_days.all": with_total(days[:, CLA_INDEX, :].sum(axis=1), years),
    }
    for p in PLACEMENTS:
        out[f"placement_days.{p.value}"] = with_total(days[:, STATE_INDEX[p], :], years)
    for pool in PLACE_ROUTES:
        out[f"placed_externally.{pool}"] = with_total(counted(result, "placed_externally", pool), years)
    out["placement_cost"] = with_total(cost_of(result, PLACEMENT_NAMES), years)
    out["investment_cost"] = with_total(cost_of(result, INVESTMENT_ITEMS), years)
    out["total_cost"] = with_total(result.yearly_costs().sum(axis=1), years)
    out["council_saving"] = with_total(council_savings(result), years)
    out.update(programme_measures(result))
    return out


def programme_measures(result: RunResult) -> dict[str, Series]:
    """Families started, children turned away and children waiting at each year end."""
    cal = result.calendar
    years = cal.financial_years
    ends = [i for i in cal.census if i > 0]
    out: dict[str, Series] = {}
    for index, prog in enumerate(PROGRAMMES):
        out[f"families_started.{prog.value}"] = with_total(
            counted(result, "families_started", prog.value), years)
        out[f"turned_away.{prog.value}"] = with_total(counted(result, "turned_away", prog.value), years)
        out[f"waiting_at_year_end.{prog.value}"] = (
            result.waiting[:, index, ends].astype(float), [cal.month_years[i - 1] for i in ends])
    out["reunification_returns"] = with_total(
        counted(result, "reunification_returns", REUNIFICATION), years)
    return out


# -- paired measures ----------------------------------------------------------------------------
def paired_measures(base: RunResult, other: RunResult) -> dict[str, Series]:
    """Measures that exist only as a pair: net saving, cumulative net saving, return per pound."""
    years = base.calendar.financial_years
    saving = base.yearly_costs().sum(axis=1) - other.yearly_costs().sum(axis=1)
    gained = (cost_of(base, PLACEMENT_NAMES) - cost_of(other, PLACEMENT_NAMES)).sum(axis=1)
    invested = (cost_of(other, INVESTMENT_ITEMS) - cost_of(base, INVESTMENT_ITEMS)).sum(axis=1)
    ratio = np.full_like(gained, np.nan)
    if (invested > 0).all():
        ratio = gained / invested
    return {"net_saving": with_total(saving, years),
            "cumulative_net_saving": (saving.cumsum(axis=1), years),
            "return_per_pound": (ratio[:, None], [ALL])}


def summary(values: np.ndarray) -> tuple[float, float, float]:
    """Mean, 5th and 95th percentiles over replications (NaN if there are no values)."""
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (np.nan, np.nan, np.nan)
    p05, p95 = np.percentile(values, [5, 95])
    return float(values.mean()), float(p05), float(p95)


def break_even_row(name: str, cumulative: np.ndarray) -> dict[str, Any]:
    """The break-even year of the mean cumulative net saving; the 'p05' column holds that of the
    95th percentile curve (the earliest plausible year), 'p95' that of the 5th (the latest)."""
    p05, p95 = np.percentile(cumulative, [5, 95], axis=0)
    return {"scenario": name, "measure": "break_even_year", "period": ALL,
            "base_mean": np.nan, "scenario_mean": np.nan,
            "difference_mean": break_even(cumulative.mean(axis=0)),
            "difference_p05": break_even(p95), "difference_p95": break_even(p05)}


def interval_width(values: np.ndarray) -> float:
    p05, p95 = np.percentile(values, [5, 95])
    return float(p95 - p05)


def pairing_ratio(base: np.ndarray, other: np.ndarray) -> float:
    """Width of the 90% interval of the paired differences over that of independent differences.

    Independent differences pair each replication of the scenario with the next replication of
    the base: a different seed, so the same as running the scenario with another seed.
    """
    if base.size < 2:
        return float("nan")
    independent = interval_width(other - np.roll(base, 1))
    return interval_width(other - base) / independent if independent > 0 else float("nan")


# -- the comparison -----------------------------------------------------------------------------
@dataclass
class Comparison:
    """A base run and the other scenarios' runs, with the same seeds and replications."""

    base: RunResult
    others: dict[str, RunResult]
    effect: str = "service"
    sweep: "Sweep | None" = None
    _measures: dict[int, dict[str, Series]] = field(default_factory=dict, repr=False)

    def measures_of(self, result: RunResult) -> dict[str, Series]:
        key = id(result)
        if key not in self._measures:
            self._measures[key] = measures(result)
        return self._measures[key]

    @cached_property
    def _frame(self) -> pd.DataFrame:
        rows = []
        base = self.measures_of(self.base)
        for name, other in self.others.items():
            for measure, (b, periods) in base.items():
                o = self.measures_of(other)[measure][0]
                for k, period in enumerate(periods):
                    rows.append(self.row(name, measure, period, b[:, k], o[:, k]))
            pairs = paired_measures(self.base, other)
            for measure, (values, periods) in pairs.items():
                for k, period in enumerate(periods):
                    rows.append(self.row(name, measure, period, None, values[:, k]))
            rows.append(break_even_row(name, pairs["cumulative_net_saving"][0]))
        return pd.DataFrame(rows, columns=COLUMNS)

    @staticmethod
    def row(name: str, measure: str, period: str, base: np.ndarray | None,
            other: np.ndarray) -> dict[str, Any]:
        """One comparison.csv row; without ``base`` the values are already paired differences."""
        diff = other if base is None else other - base
        mean, p05, p95 = summary(diff)
        return {"scenario": name, "measure": measure, "period": period,
                "base_mean": np.nan if base is None else base.mean(),
                "scenario_mean": np.nan if base is None else other.mean(),
                "difference_mean": mean, "difference_p05": p05, "difference_p95": p95}

    def frame(self) -> pd.DataFrame:
        """comparison.csv: every measure for every scenario against the base."""
        return self._frame.copy()

    def value(self, name: str, measure: str, period: str = ALL,
              column: str = "difference_mean") -> float:
        """One figure of comparison.csv."""
        rows = self._frame
        hit = rows[(rows.scenario == name) & (rows.measure == measure) & (rows.period == period)]
        return float(hit[column].iloc[0])

    def savings_frame(self) -> pd.DataFrame:
        """savings.csv: the council's way beside the counterfactual placement saving, by year."""
        rows = self._frame
        council = rows[rows.measure == "council_saving"].set_index(["scenario", "period"])
        placement = rows[rows.measure == "placement_cost"].set_index(["scenario", "period"])
        out = pd.DataFrame({
            "council_mean": council.difference_mean, "council_p05": council.difference_p05,
            "council_p95": council.difference_p95,
            "counterfactual_mean": -placement.difference_mean,
            "counterfactual_p05": -placement.difference_p95,
            "counterfactual_p95": -placement.difference_p05,
        })
        return out.reset_index().rename(columns={"period": "financial_year"})

    def pairing(self) -> dict[str, dict[str, float]]:
        """Paired over independent interval widths, for total cost and CLA at the last 31 March."""
        base = self.measures_of(self.base)
        out = {}
        for name, other in self.others.items():
            theirs = self.measures_of(other)
            out[name] = {m: pairing_ratio(base[m][0][:, -1], theirs[m][0][:, -1])
                         for m in ("total_cost", "cla")}
        return out

    def settings(self) -> dict[str, Any]:
        """compare.json."""
        base = self.base
        return {
            "base": base.scenario.name, "scenarios": list(self.others), "seed": base.seed,
            "replications": base.replications, "years": base.years,
            "start_date": base.scenario.params.start_date.isoformat(),
            "package_version": __version__, "effect": self.effect,
            "trial_odds_ratios": {p.value: {"odds_ratio": r, "source": s}
                                  for p, (r, s) in TRIAL_ODDS_RATIOS.items()},
            "trial_effect_scales": trial_scales(base.scenario.params),
            "sweep": None if self.sweep is None else self.sweep.settings(),
            "council_method": council_method(),
            "pairing_ratio": self.pairing(),
            "intervals": "5th-95th percentiles of paired differences over replications",
        }

    def write(self, folder: Path) -> None:
        """The comparison folder: CSVs, compare.json and one run folder per scenario (base first)."""
        check_names(self.base.scenario, [r.scenario for r in self.others.values()])
        write_csv(self.frame(), folder / "comparison.csv")
        write_csv(self.savings_frame(), folder / "savings.csv")
        if self.sweep is not None:
            write_csv(self.sweep.points, folder / "sweep.csv")
            write_csv(self.sweep.break_even(), folder / "break_even.csv")
        (folder / "compare.json").write_text(json.dumps(plain(self.settings()), indent=2))
        for result in (self.base, *self.others.values()):
            sub = folder / result.scenario.name
            sub.mkdir()
            write_run(result, sub)


def plain(value: Any) -> Any:
    """JSON-ready: floats rounded to 6 significant figures, NaN as null."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if value != value else float(f"{value:.6g}")
    return value


def check_names(base: Scenario, others: list[Scenario]) -> None:
    """A comparison folder holds one run folder per scenario name: the base's must differ."""
    if base.name in {o.name for o in others}:
        raise InputError(base.path, "name", f"a base named differently from the other scenarios "
                         f"(each gets a results folder by name), got {base.name!r} twice")


def check_scenarios(base: Scenario, others: list[Scenario], years: int) -> None:
    """Names distinct, the same start date, every change within the run: before any work."""
    names = [o.name for o in others]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(None, "OTHERS", f"scenarios with distinct names; {repeated} repeated")
    for scenario in (base, *others):
        if scenario.params.start_date != base.params.start_date:
            raise InputError(scenario.path, "start_date", f"the base's start date "
                             f"{base.params.start_date}, got {scenario.params.start_date}")
        scenario.check_horizon(Calendar(scenario.params.start_date, years))


def compare_scenarios(base: Scenario, others: list[Scenario], years: int = 5,
                      replications: int = 500, seed: int = 1, jobs: int = 1,
                      progress: Progress | None = None, effect: str = "service") -> Comparison:
    """Run the base and every other scenario with common random numbers and pair them."""
    check_scenarios(base, others, years)
    scenarios = [apply_effect(s, effect) for s in (base, *others)]
    results = [run(s, years=years, replications=replications, seed=seed, jobs=jobs,
                   progress=progress) for s in scenarios]
    return Comparison(results[0], {r.scenario.name: r for r in results[1:]}, effect)


# -- the effect sweep ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Sweep:
    """Net saving at each effect scale (1: as the service reports, 0: no effect)."""

    scales: tuple[float, ...]
    replications: int
    points: pd.DataFrame

    def settings(self) -> dict[str, Any]:
        return {"scales": list(self.scales), "replications": self.replications,
                "moves": "targeting_deflator = care_share + scale x (deflator - care_share), "
                         "care_share = came_into_care + (1 - came_into_care) x re-entry"}

    def break_even(self) -> pd.DataFrame:
        """For each scenario, the effect scale below which it no longer pays for itself, and
        every programme's deflator at that scale."""
        rows = []
        for name, group in self.points.groupby("scenario", sort=False):
            scale, note = crossing(group.effect_scale.to_numpy(), group.net_saving_mean.to_numpy())
            rows.append({"scenario": name, "break_even_scale": scale, **self.deflators(scale),
                         "note": note})
        return pd.DataFrame(rows)

    def deflators(self, scale: float) -> dict[str, float]:
        """Deflators at a scale, interpolated between the sweep's points (linear in the scale)."""
        points = self.points.drop_duplicates("effect_scale").sort_values("effect_scale")
        return {c: float(np.interp(scale, points.effect_scale, points[c]))
                for c in points.columns if c.endswith("_deflator")}


def crossing(scales: np.ndarray, net: np.ndarray) -> tuple[float, str]:
    """Where the mean net saving crosses zero going down from the largest scale."""
    order = np.argsort(scales)
    scales, net = scales[order], net[order]
    if not net.any():
        return float("nan"), "no difference from the base at any effect scale"
    if net[-1] < 0:
        return float("nan"), f"does not pay for itself at effect scale {scales[-1]:g}"
    below = np.flatnonzero(net < 0)
    if below.size == 0:
        return float("nan"), f"pays for itself at every effect scale tried, down to {scales[0]:g}"
    i = int(below[-1])
    s0, s1, n0, n1 = scales[i], scales[i + 1], net[i], net[i + 1]
    return float(s0 + (0 - n0) * (s1 - s0) / (n1 - n0)), "stops paying for itself below this scale"


def sweep_effects(base: Scenario, others: list[Scenario], scales: tuple[float, ...] = SCALES,
                  years: int = 5, replications: int = 100, seed: int = 1, jobs: int = 1,
                  progress: Progress | None = None) -> Sweep:
    """Compare the scenarios at each effect scale, moving every programme's deflator."""
    rows = []
    for scale in scales:
        moved = [apply_effect_scale(s, scale) for s in (base, *others)]
        result = compare_scenarios(moved[0], moved[1:], years, replications, seed, jobs, progress)
        deflators = {f"{k}_deflator": v for k, v in deflators_at(base.params, scale).items()}
        for name in result.others:
            net = [result.value(name, "net_saving", ALL, c) for c in
                   ("difference_mean", "difference_p05", "difference_p95")]
            rows.append({"scenario": name, "effect_scale": scale, **deflators,
                         "placement_saving_mean": -result.value(name, "placement_cost"),
                         "investment_cost_mean": result.value(name, "investment_cost"),
                         "council_saving_mean": result.value(name, "council_saving"),
                         "net_saving_mean": net[0], "net_saving_p05": net[1],
                         "net_saving_p95": net[2]})
    return Sweep(tuple(scales), replications, pd.DataFrame(rows))


# -- what the terminal shows ---------------------------------------------------------------------
def shown(value: float, fmt: str) -> str:
    """A number in ``fmt``; '-' for NaN; a value that rounds to zero without a minus sign."""
    if value != value:
        return "-"
    text = format(value, fmt)
    return format(0.0, fmt) if text.lstrip("-+").strip("0.,£") == "" else text


def number(value: float) -> str:
    return shown(value, ",.0f")


def signed(value: float) -> str:
    return shown(value, "+,.1f")


def with_pound(text: str, suffix: str = "") -> str:
    """'£' after the sign of a shown number: -£1.32."""
    digits = text.lstrip("-")
    return text if text == "-" else f"{text[:len(text) - len(digits)]}£{digits}{suffix}"


def pounds(value: float) -> str:
    """Millions of pounds: -£0.2m."""
    return with_pound(shown(value / 1e6, ",.1f"), "m")


def per_pound(value: float) -> str:
    return with_pound(shown(value, ",.2f"))


def year_label(years: list[str], value: float) -> str:
    return "not within the run" if value != value else years[int(value) - 1]


def ranking(comparison: Comparison) -> list[str]:
    """The other scenarios, best mean net saving over the run first."""
    return sorted(comparison.others, key=lambda n: -comparison.value(n, "net_saving"))


def ranked(comparison: Comparison, title: str, columns: tuple[str, ...],
           cells: Callable[[Comparison, str], list[str]], caption: str) -> Table:
    """A table of the other scenarios, best mean net saving first."""
    base = comparison.base
    table = Table(title=f"{title} against {base.scenario.name}: {base.replications} paired "
                  f"replications, seed {base.seed}, effect '{comparison.effect}'", caption=caption)
    for column in ("Rank", "Scenario", *columns):
        table.add_column(column, justify="left" if column == "Scenario" else "right")
    for rank, name in enumerate(ranking(comparison), 1):
        table.add_row(str(rank), name, *cells(comparison, name))
    return table


def getter(comparison: Comparison, name: str) -> Callable[..., float]:
    def v(measure: str, column: str = "difference_mean", period: str = ALL) -> float:
        return comparison.value(name, measure, period, column)
    return v


def interval(v: Callable[..., float], measure: str, fmt: Callable[[float], str],
             period: str = ALL) -> str:
    """A mean and its 90% interval."""
    return f"{fmt(v(measure, period=period))} [{fmt(v(measure, 'difference_p05', period))} to " \
           f"{fmt(v(measure, 'difference_p95', period))}]"


def last_census(comparison: Comparison) -> str:
    cal = comparison.base.calendar
    return cal.dates[cal.census[-1]].isoformat()


def buys_table(comparison: Comparison) -> Table:
    """What each scenario buys: children, placement-days, external placements."""
    last = last_census(comparison)

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        external = sum(v(f"placed_externally.{pool}") for pool in PLACE_ROUTES)
        return [interval(v, "cla", signed, last), number(-v("children_entering_care")),
                number(-v("placement_days.all")), number(-external),
                number(sum(v(f"families_started.{p.value}") for p in PROGRAMMES)),
                number(v("reunification_returns"))]

    return ranked(comparison, "What each buys", (
        f"CLA change {last} [90%]", "Fewer entries to care", "Placement-days avoided",
        "Fewer placed externally", "More families started", "More children reunified"),
        cells, "Over the run unless dated; differences are paired (scenario minus base).")


def money_table(comparison: Comparison) -> Table:
    """What each scenario costs and saves, both ways of counting, and the pairing check."""
    years = comparison.base.calendar.financial_years
    pairing = comparison.pairing()

    def cells(c: Comparison, name: str) -> list[str]:
        v = getter(c, name)
        return [pounds(-v("placement_cost")), pounds(v("investment_cost")),
                interval(v, "net_saving", pounds), year_label(years, v("break_even_year")),
                per_pound(v("return_per_pound")), pounds(v("council_saving")),
                shown(pairing[name]["total_cost"], ".3f")]

    return ranked(comparison, "What each costs and saves", (
        "Placement cost saved", "Investment cost", "Net saving [90%]", "Breaks even",
        "Return per £", "Council's way", "Pairing ratio"), cells,
        "Over the run. Placement cost saved is the counterfactual (paired) saving; the council's "
        "way counts each diverted child's avoided cost x deflator over years 1-3. Pairing ratio: "
        "90% interval width of the paired total-cost difference / that of independent runs.")


def sweep_table(sweep: Sweep) -> Table:
    """Mean net saving over the run at each effect scale, and where it stops paying."""
    table = Table(title=f"Effect sweep: mean net saving over the run ({sweep.replications} "
                  "replications a point)", caption="Effect scale 1 = as the service reports; "
                  "0 = no effect (each programme's deflator moved to its chance of care with the "
                  "programme)")
    table.add_column("Scenario")
    for scale in sweep.scales:
        table.add_column(f"x{scale:g}", justify="right")
    table.add_column("Stops paying below", justify="right")
    ends = sweep.break_even().set_index("scenario")
    for name, group in sweep.points.groupby("scenario", sort=False):
        scale = ends.loc[name, "break_even_scale"]
        table.add_row(name, *[pounds(x) for x in group.sort_values("effect_scale").net_saving_mean],
                      f"x{scale:.2f}" if scale == scale else ends.loc[name, "note"])
    return table


def stdout() -> Console:
    """The terminal, or a wide page when the output goes to a file."""
    return Console() if sys.stdout.isatty() else Console(width=WIDE)


def print_comparison(comparison: Comparison) -> None:
    console = stdout()
    console.print(buys_table(comparison))
    console.print(money_table(comparison))
    if comparison.sweep is not None:
        console.print(sweep_table(comparison.sweep))


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
        text = s.description + ("\n\nSources:\n- " + "\n- ".join(s.sources())
                                if sources and s.sources() else "")
        table.add_row(s.name, s.path.name, builds_on, text)
    stdout().print(table)
