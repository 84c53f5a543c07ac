"""Paired comparison of scenarios with common random numbers.

Every scenario runs with the same seed and replication indices, and the engine draws each kind
of randomness from its own stream, so replication i of two scenarios meets the same children,
referrals and outcomes wherever the scenarios agree. Differences are taken per replication
(scenario minus base), then summarised by their mean and 90% interval (5th-95th percentile).
For a ``*saving*`` measure the sign is the other way: positive means the scenario costs less.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .calendar import Calendar
from .cost_lines import INVESTMENT_LINES, OTHER_LINES, PLACEMENT_LINES
from .effects import TRIAL_ODDS_RATIOS, apply_effect, trial_scales
from .engine import engine_kind
from .errors import InputError
from .output import write_csv, write_run
from .pathway import (
    IN_HOUSE_NAMES,
    PLACEMENTS,
    PROGRAMMES,
    REUNIFICATION,
    STATE_INDEX,
)
from .results import CLA_INDEX, COMPARISON_COLUMNS, RunResult
from .runner import Progress, run
from .savings import (
    break_even_years,
    council_method,
    council_savings,
    counted,
    first_difference,
)
from .scenario import Scenario
from .uncertainty import chance_share
from .version import __version__

if TYPE_CHECKING:
    from .sweep import Sweep

ALL = "all years"
BREAK_EVEN_COLUMNS = ("difference_mean", "difference_p05", "difference_p95")
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
        "cla": (
            result.cla[:, cal.census].astype(float),
            [cal.dates[i].isoformat() for i in cal.census],
        ),
        "children_entering_care": with_total(counted(result, "entries", "all"), years),
        "placement_days.all": with_total(days[:, CLA_INDEX, :].sum(axis=1), years),
    }
    for p in PLACEMENTS:
        out[f"placement_days.{p.value}"] = with_total(days[:, STATE_INDEX[p], :], years)
    for pool in IN_HOUSE_NAMES:
        out[f"placed_externally.{pool}"] = with_total(
            counted(result, "placed_externally", pool), years
        )
    out["placement_cost"] = with_total(cost_of(result, PLACEMENT_LINES), years)
    out["investment_cost"] = with_total(cost_of(result, INVESTMENT_LINES), years)
    out["other_cost"] = with_total(cost_of(result, OTHER_LINES), years)
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
            counted(result, "families_started", prog.value), years
        )
        out[f"turned_away.{prog.value}"] = with_total(
            counted(result, "turned_away", prog.value), years
        )
        out[f"waiting_at_year_end.{prog.value}"] = (
            result.waiting[:, index, ends].astype(float),
            [cal.month_years[i - 1] for i in ends],
        )
    out["reunification_returns"] = with_total(
        counted(result, "reunification_returns", REUNIFICATION), years
    )
    return out


# -- paired measures ----------------------------------------------------------------------------
def paired_measures(base: RunResult, other: RunResult) -> dict[str, Series]:
    """Measures that exist only as a pair: net saving, cumulative net saving, return per pound."""
    years = base.calendar.financial_years
    saving = base.yearly_costs().sum(axis=1) - other.yearly_costs().sum(axis=1)
    gained = (cost_of(base, PLACEMENT_LINES) - cost_of(other, PLACEMENT_LINES)).sum(axis=1)
    invested = (cost_of(other, INVESTMENT_LINES) - cost_of(base, INVESTMENT_LINES)).sum(axis=1)
    ratio = np.full_like(gained, np.nan)
    if (invested > 0).all():
        ratio = gained / invested
    return {
        "net_saving": with_total(saving, years),
        "cumulative_net_saving": (saving.cumsum(axis=1), years),
        "return_per_pound": (ratio[:, None], [ALL]),
    }


def summary(values: np.ndarray) -> tuple[float, float, float]:
    """Mean, 5th and 95th percentiles over replications (NaN if there are no values)."""
    values = values[~np.isnan(values)]
    if values.size == 0:
        return (np.nan, np.nan, np.nan)
    p05, p95 = np.percentile(values, [5, 95])
    return float(values.mean()), float(p05), float(p95)


def break_even_rows(name: str, saving: np.ndarray) -> list[dict[str, Any]]:
    """When the scenario pays back, from the yearly net saving (rep, financial year): the median
    break-even year (1 = the first; NaN when most replications do not pay back within the run)
    with its 5th and 95th percentiles, and the share of replications that pay back."""
    years = break_even_years(saving.cumsum(axis=1), first_difference(saving))
    late = np.where(np.isnan(years), np.inf, years)
    p05, median, p95 = (
        float(y) if np.isfinite(y) else np.nan
        for y in np.percentile(late, [5, 50, 95], method="inverted_cdf")
    )
    blank = {"period": ALL, "base_mean": np.nan, "scenario_mean": np.nan}
    return [
        {
            "scenario": name,
            "measure": "break_even_year",
            **blank,
            "difference_mean": median,
            "difference_p05": p05,
            "difference_p95": p95,
        },
        {
            "scenario": name,
            "measure": "payback_probability",
            **blank,
            "difference_mean": float(np.isfinite(late).mean()),
            "difference_p05": np.nan,
            "difference_p95": np.nan,
        },
    ]


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


def year_label(number: float, years: list[str]) -> str | None:
    """Financial year ``number`` (1 = the first) as its label, None (blank) if NaN."""
    return None if math.isnan(number) else years[int(number) - 1]


def written(frame: pd.DataFrame) -> pd.DataFrame:
    """comparison.csv's frame with the floats of its mixed columns (break-even labels among
    numbers) written as write_csv writes floats: 12 significant figures, blank for NaN."""
    out = frame.copy()
    for column in BREAK_EVEN_COLUMNS:
        out[column] = [
            f"{v:.12g}" if isinstance(v, float) and not math.isnan(v) else (v or None)
            for v in out[column]
        ]
    return out


# -- the comparison -----------------------------------------------------------------------------
@dataclass
class Comparison:
    """A base run and the other scenarios' runs, with the same seeds and replications."""

    base: RunResult
    others: dict[str, RunResult]
    effect: str = "service"
    sweep: Sweep | None = None
    without_effect: Comparison | None = None  # the same comparison under --effect none
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
            rows += break_even_rows(name, pairs["net_saving"][0][:, :-1])
        return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))

    @staticmethod
    def row(
        name: str, measure: str, period: str, base: np.ndarray | None, other: np.ndarray
    ) -> dict[str, Any]:
        """One comparison.csv row; without ``base`` the values are already paired differences."""
        diff = other if base is None else other - base
        mean, p05, p95 = summary(diff)
        return {
            "scenario": name,
            "measure": measure,
            "period": period,
            "base_mean": np.nan if base is None else base.mean(),
            "scenario_mean": np.nan if base is None else other.mean(),
            "difference_mean": mean,
            "difference_p05": p05,
            "difference_p95": p95,
        }

    def frame(self) -> pd.DataFrame:
        """comparison.csv: every measure for every scenario against the base, break-even years
        as financial-year labels (blank: not within the run)."""
        frame = self._frame.astype({column: object for column in BREAK_EVEN_COLUMNS})
        years = self.base.calendar.financial_years
        labelled = frame.measure == "break_even_year"
        for column in BREAK_EVEN_COLUMNS:
            frame.loc[labelled, column] = [
                year_label(v, years) for v in frame.loc[labelled, column]
            ]
        return frame

    def value(
        self, name: str, measure: str, period: str = ALL, column: str = "difference_mean"
    ) -> float:
        """One figure of comparison.csv."""
        rows = self._frame
        hit = rows[(rows.scenario == name) & (rows.measure == measure) & (rows.period == period)]
        return float(hit[column].iloc[0])

    def savings_frame(self) -> pd.DataFrame:
        """savings.csv: the council's way beside the counterfactual placement saving, by year."""
        rows = self._frame
        council = rows[rows.measure == "council_saving"].set_index(["scenario", "period"])
        placement = rows[rows.measure == "placement_cost"].set_index(["scenario", "period"])
        out = pd.DataFrame(
            {
                "council_mean": council.difference_mean,
                "council_p05": council.difference_p05,
                "council_p95": council.difference_p95,
                "counterfactual_mean": -placement.difference_mean,
                "counterfactual_p05": -placement.difference_p95,
                "counterfactual_p95": -placement.difference_p05,
            }
        )
        return out.reset_index().rename(columns={"period": "financial_year"})

    def net_savings(self, name: str) -> np.ndarray:
        """One scenario's net saving over the run, one per replication."""
        return paired_measures(self.base, self.others[name])["net_saving"][0][:, -1]

    def chance_shares(self) -> dict[str, float]:
        """Per scenario, the share of the variance of the net saving due to chance (the rest
        is parameter uncertainty): see ``uncertainty.chance_share``."""
        return {name: chance_share(self.net_savings(name)) for name in self.others}

    def effect_dependence(self) -> dict[str, float]:
        """Per scenario, the mean net saving less the mean net saving under --effect none: how
        much of the saving rests on the programme effect (empty without that comparison)."""
        none = self.without_effect
        if none is None:
            return {}
        return {n: self.value(n, "net_saving") - none.value(n, "net_saving") for n in self.others}

    def pairing(self) -> dict[str, dict[str, float]]:
        """Paired over independent interval widths, for total cost and CLA at the last 31 March."""
        base = self.measures_of(self.base)
        out = {}
        for name, other in self.others.items():
            theirs = self.measures_of(other)
            out[name] = {
                m: pairing_ratio(base[m][0][:, -1], theirs[m][0][:, -1])
                for m in ("total_cost", "cla")
            }
        return out

    def settings(self) -> dict[str, Any]:
        """compare.json."""
        base = self.base
        return {
            "base": base.scenario.name,
            "scenarios": list(self.others),
            "seed": base.seed,
            "replications": base.replications,
            "years": base.years,
            "start_date": base.scenario.params.start_date.isoformat(),
            "package_version": __version__,
            "engine": engine_kind(),
            "effect": self.effect,
            "trial_odds_ratios": {
                p.value: {"odds_ratio": r, "source": s} for p, (r, s) in TRIAL_ODDS_RATIOS.items()
            },
            "trial_effect_scales": trial_scales(base.scenario.params),
            "sweep": None if self.sweep is None else self.sweep.settings(),
            "council_method": council_method(),
            "pairing_ratio": self.pairing(),
            "chance_share_of_net_saving_variance": self.chance_shares(),
            "net_saving_resting_on_effect": self.effect_dependence() or None,
            "intervals": "5th-95th percentiles of paired differences over replications",
        }

    def write(self, folder: Path) -> None:
        """The comparison folder: CSVs, compare.json and a run folder per scenario (base first)."""
        check_names(self.base.scenario, [r.scenario for r in self.others.values()])
        write_csv(written(self.frame()), folder / "comparison.csv")
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
        return None if math.isnan(value) else float(f"{value:.6g}")
    return value


def check_names(base: Scenario, others: list[Scenario]) -> None:
    """A comparison folder holds one run folder per scenario name: the base's must differ."""
    if base.name in {o.name for o in others}:
        raise InputError(
            base.path,
            "name",
            f"a base named differently from the other scenarios "
            f"(each gets a results folder by name), got {base.name!r} twice",
        )


def check_scenarios(base: Scenario, others: list[Scenario], years: int) -> None:
    """Names distinct, the same start date, every change within the run: before any work."""
    names = [o.name for o in others]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(None, "OTHERS", f"scenarios with distinct names; {repeated} repeated")
    for scenario in (base, *others):
        if scenario.params.start_date != base.params.start_date:
            raise InputError(
                scenario.path,
                "start_date",
                f"the base's start date {base.params.start_date}, got {scenario.params.start_date}",
            )
        scenario.check_horizon(Calendar(scenario.params.start_date, years))


def compare_scenarios(
    base: Scenario,
    others: list[Scenario],
    years: int = 5,
    replications: int = 500,
    seed: int = 1,
    jobs: int = 1,
    progress: Progress | None = None,
    effect: str = "service",
) -> Comparison:
    """Run the base and every other scenario with common random numbers and pair them."""
    check_scenarios(base, others, years)
    scenarios = [apply_effect(s, effect) for s in (base, *others)]
    results = [
        run(s, years=years, replications=replications, seed=seed, jobs=jobs, progress=progress)
        for s in scenarios
    ]
    return Comparison(results[0], {r.scenario.name: r for r in results[1:]}, effect)
