"""A run's results: replications stacked into arrays, and tidy DataFrames derived from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .calendar import Calendar
from .cost_lines import SUBTOTALS, TOTAL
from .engine import engine_kind
from .measures import Replication
from .parameters import provenance
from .pathway import (
    IN_HOUSE_NAMES,
    PLACEMENTS,
    PROGRAMMES,
    STATE_INDEX,
    STATES,
    State,
)
from .records import ACTIVITY, COUNTED, MEASURES
from .version import __version__

if TYPE_CHECKING:
    from .scenario import Scenario

QUANTILES = ("mean", "p05", "p25", "p50", "p75", "p95")
PERCENTILES = (5, 25, 50, 75, 95)
CLA_INDEX = [STATE_INDEX[p] for p in PLACEMENTS]
COMPARISON_COLUMNS = (
    "scenario",
    "measure",
    "period",
    "base_mean",
    "scenario_mean",
    "difference_mean",
    "difference_p05",
    "difference_p95",
)
"""The columns of comparison.csv: each measure for the base and the scenario, and the paired
difference (scenario minus base; for a saving, base cost minus scenario cost)."""


def summarise(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean and 5th, 25th, 50th, 75th, 95th percentiles over the first axis (replications)."""
    cuts = np.percentile(values, PERCENTILES, axis=0)
    return {"mean": values.mean(axis=0), **dict(zip(QUANTILES[1:], cuts))}


@dataclass
class RunResult:
    """Every replication of one scenario, reduced; axis 0 is always the replication."""

    scenario: Scenario
    years: int
    seed: int
    routes: tuple[str, ...]
    items: tuple[str, ...]
    stocks: np.ndarray  # (rep, state, point)
    days: np.ndarray  # (rep, state, month)
    flows: np.ndarray  # (rep, counted measure, route, financial year)
    waiting: np.ndarray  # (rep, programme, point)
    capacity: np.ndarray  # (rep, pool, point)
    costs: np.ndarray  # (rep, item, month)
    homes: np.ndarray  # (rep, home, HOME_MEASURES, point)
    seconds: float = 0.0
    jobs: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    events: list[np.ndarray] = field(default_factory=list)  # full logs, when asked

    @classmethod
    def from_replications(cls, replications: list[Replication], **kw) -> RunResult:
        def stack(name: str) -> np.ndarray:
            return np.stack([getattr(r, name) for r in replications])

        return cls(
            stocks=stack("stocks"),
            days=stack("days"),
            flows=stack("flows"),
            waiting=stack("waiting"),
            capacity=stack("capacity"),
            costs=stack("costs"),
            homes=stack("homes"),
            events=[r.events for r in replications if r.events is not None],
            **kw,
        )

    def add_cost_item(self, item: str, monthly: np.ndarray) -> None:
        """Append a cost item that is the same in every replication (pounds per month)."""
        extra = np.broadcast_to(monthly, (self.replications, 1, monthly.shape[-1]))
        self.costs = np.concatenate([self.costs, extra], axis=1)
        self.items = (*self.items, item)

    # -- axes -----------------------------------------------------------------------------
    @property
    def calendar(self) -> Calendar:
        return Calendar(self.scenario.params.start_date, self.years)

    @property
    def replications(self) -> int:
        return self.stocks.shape[0]

    @property
    def cla(self) -> np.ndarray:
        """All children looked after, (rep, point)."""
        return self.stocks[:, CLA_INDEX, :].sum(axis=1)

    def year_sum(self, monthly: np.ndarray) -> np.ndarray:
        """Sum a (..., month) array into (..., financial year)."""
        cal = self.calendar
        labels = np.array(cal.month_years)
        return np.stack(
            [monthly[..., labels == fy].sum(axis=-1) for fy in cal.financial_years], axis=-1
        )

    # -- tidy frames ------------------------------------------------------------------------
    def stocks_frame(self) -> pd.DataFrame:
        """Month-end stocks by state, and ``cla_total``."""
        cal = self.calendar
        series = {s.value: self.stocks[:, i, :] for i, s in enumerate(STATES)}
        series["cla_total"] = self.cla
        return long_frame(series, "state", {"date": cal.dates})

    def snapshots_frame(self) -> pd.DataFrame:
        """Stocks at each 31 March, with the rate per 10,000 children where known."""
        cal = self.calendar
        frame = self.stocks_frame()
        census = {cal.dates[i] for i in cal.census}
        frame = frame[frame["date"].isin(census)].reset_index(drop=True)
        population = self.scenario.params.child_population
        if population is not None:
            for q in QUANTILES:
                frame[f"rate_per_10000_{q}"] = frame[q] / population.value * 10_000
        return frame

    def flows_frame(self, measures: tuple[str, ...] = MEASURES) -> pd.DataFrame:
        """Counted flows per financial year; route ``all`` is each measure's total."""
        cal = self.calendar
        rows = []
        for measure in measures:
            m = COUNTED.index(measure)
            for r, route in enumerate(self.routes):
                values = self.flows[:, m, r, :]
                if route != "all" and not values.any():
                    continue
                rows.append(
                    block(
                        values,
                        {"financial_year": cal.financial_years, "measure": measure, "route": route},
                    )
                )
        if "turned_away" in measures:
            rows.extend(self.waiting_rows())
        return order(pd.concat(rows, ignore_index=True), ["financial_year", "measure", "route"])

    def waiting_rows(self) -> list[pd.DataFrame]:
        """Children waiting at each financial year end, per programme and in all."""
        cal = self.calendar
        ends = [i for i in cal.census if i > 0]
        years = [cal.month_years[i - 1] for i in ends]
        rows = []
        for p, prog in enumerate(PROGRAMMES):
            rows.append(
                block(
                    self.waiting[:, p, ends],
                    {
                        "financial_year": years,
                        "measure": "waiting_at_year_end",
                        "route": prog.value,
                    },
                )
            )
        rows.append(
            block(
                self.waiting[:, :, ends].sum(axis=1),
                {"financial_year": years, "measure": "waiting_at_year_end", "route": "all"},
            )
        )
        return rows

    def activity_frame(self) -> pd.DataFrame:
        """Further counted events (placed externally, step-downs, reunification...)."""
        return self.flows_frame(ACTIVITY)

    def yearly_costs(self) -> np.ndarray:
        """(rep, item, financial year) in pounds."""
        return self.year_sum(self.costs)

    def costs_frame(self) -> pd.DataFrame:
        """Cost per financial year by line (``cost_lines``), each subtotal and the total, in
        pounds (the subtotals' percentiles are of the sums, not sums of percentiles)."""
        cal = self.calendar
        yearly = self.yearly_costs()
        series = dict(zip(self.items, yearly.transpose(1, 0, 2)))
        for name, lines in SUBTOTALS.items():
            series[name] = yearly[:, np.isin(self.items, lines), :].sum(axis=1)
        series[TOTAL] = yearly.sum(axis=1)
        return long_frame(series, "item", {"financial_year": cal.financial_years})

    def placement_days_frame(self) -> pd.DataFrame:
        """Placement-days per financial year and placement type."""
        cal = self.calendar
        yearly = self.year_sum(self.days)
        rows = [
            block(
                yearly[:, STATE_INDEX[p], :],
                {"financial_year": cal.financial_years, "placement": p.value},
            )
            for p in PLACEMENTS
        ]
        return order(pd.concat(rows, ignore_index=True), ["financial_year", "placement"])

    def capacity_frame(self) -> pd.DataFrame:
        """In-house places against the children in and wanting them, at each month end."""
        cal = self.calendar
        series = {f"{pool}_places": self.capacity[:, i, :] for i, pool in enumerate(IN_HOUSE_NAMES)}
        for pool in IN_HOUSE_NAMES:
            series[f"{pool}_children"] = self.stocks[:, STATE_INDEX[State(pool)], :]
        for i, home in enumerate(self.scenario.params.homes):
            beds, children = self.homes[:, i, 0, :], self.homes[:, i, 1, :]
            series[f"home.{home.name}.beds"] = beds
            series[f"home.{home.name}.children"] = children
        monthly = long_frame(series, "measure", {"date": cal.dates})
        both = pd.concat([monthly, self.homes_yearly()], ignore_index=True)
        return order(both, ["date", "measure"])

    def homes_yearly(self) -> pd.DataFrame:
        """Each in-house home's occupancy (occupied bed-days over bed-days open), fixed and
        variable cost over each financial year, dated at the 31 March that ends it."""
        cal = self.calendar
        ends = [cal.dates[i] for i in cal.census if i > 0]
        years = len(ends)  # financial years that end within the run
        series = {}
        for i, home in enumerate(self.scenario.params.homes):
            open_days, occupied, fixed, variable = (
                self.year_sum(self.homes[:, i, m, 1:])[:, :years] for m in range(2, 6)
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                series[f"home.{home.name}.occupancy"] = occupied / open_days
            series[f"home.{home.name}.fixed_cost"] = fixed
            series[f"home.{home.name}.variable_cost"] = variable
        return long_frame(series, "measure", {"date": ends})

    def events_frame(self) -> pd.DataFrame:
        """Every change of state in the replications whose logs were kept. ``child`` numbers
        the simulated children within each replication; it identifies nobody."""
        names = np.array(["none", *(s.value for s in STATES)])  # from state -1: a new child
        start = np.datetime64(self.scenario.params.start_date, "D")
        frames = [
            pd.DataFrame(
                {
                    "replication": rep,
                    "day": log[:, 0],
                    "date": (start + np.floor(log[:, 0]).astype("timedelta64[D]")).astype(
                        "datetime64[s]"
                    ),
                    "child": log[:, 1].astype(np.int64),
                    "from_state": names[log[:, 2].astype(int) + 1],
                    "to_state": names[log[:, 3].astype(int) + 1],
                }
            )
            for rep, log in enumerate(self.events)
        ]
        return pd.concat(frames, ignore_index=True)

    def summary_frame(self) -> pd.DataFrame:
        """The screen summary: CLA at each 31 March and total cost per financial year."""
        cal = self.calendar
        cla = summarise(self.cla[:, cal.census])
        cost = summarise(self.yearly_costs().sum(axis=1))
        years = [cal.month_years[i - 1] if i > 0 else "start" for i in cal.census]
        frame = pd.DataFrame(
            {
                "31 March": [cal.dates[i] for i in cal.census],
                "cla_mean": cla["mean"],
                "cla_p05": cla["p05"],
                "cla_p95": cla["p95"],
                "cost_year": years,
            }
        )
        for q in ("mean", "p05", "p95"):
            by_year = dict(zip(cal.financial_years, cost[q]))
            frame[f"cost_{q}"] = [by_year.get(y, np.nan) for y in years]
        return frame

    def monthly_costs_frame(self) -> pd.DataFrame:
        """Cost per month by item and in total, in pounds, dated by the month's last day (the
        finance workbook's monthly profile; costs.csv sums the same months by financial year)."""
        series = dict(zip(self.items, self.costs.transpose(1, 0, 2)))
        series["total"] = self.costs.sum(axis=1)
        return long_frame(series, "item", {"date": self.calendar.months})

    def metadata(self) -> dict[str, Any]:
        """What run.json records."""
        s = self.scenario
        return {
            "scenario": s.name,
            "scenario_file": str(s.path),
            "description": s.description,
            "seed": self.seed,
            "replications": self.replications,
            "years": self.years,
            "start_date": s.params.start_date.isoformat(),
            "package_version": __version__,
            "engine": engine_kind(),
            "run_seconds": round(self.seconds, 3),
            "jobs": self.jobs,
            "event_log_replications": len(self.events),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "changes": [c.model_dump(mode="json", exclude_none=True) for c in s.changes],
            "investments": [i.model_dump(mode="json", exclude_none=True) for i in s.investments],
            "parameters": s.params.model_dump(mode="json"),
            "provenance": provenance(s.params),
        }


def block(values: np.ndarray, columns: dict[str, Any]) -> pd.DataFrame:
    """Rows for one series: the given columns plus the mean and percentiles over replications."""
    stats = summarise(values.astype(float))
    frame = pd.DataFrame(dict(columns))
    for q in QUANTILES:
        frame[q] = stats[q]
    return frame


def long_frame(series: dict[str, np.ndarray], key: str, index: dict[str, list]) -> pd.DataFrame:
    """Stack several (rep, point) series into one long frame keyed by ``key``."""
    name, values = next(iter(index.items()))
    rows = [block(arr, {name: values, key: label}) for label, arr in series.items()]
    return order(pd.concat(rows, ignore_index=True), [name, key])


def order(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Stable sort by keys, keeping the first-seen order of each key's values."""
    ranks = {k: {v: i for i, v in enumerate(dict.fromkeys(frame[k]))} for k in keys}
    sort_cols = [frame[k].map(ranks[k]) for k in keys]
    idx = np.lexsort([c.to_numpy() for c in reversed(sort_cols)])
    return frame.iloc[idx].reset_index(drop=True)
