"""From one replication's log to compact arrays: stocks, placement-days, flows, costs.

Runs in the worker, so only these arrays cross process boundaries.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from . import costs
from .calendar import Calendar
from .cost_lines import PROGRAMME_LINES
from .parameters import ParameterSet
from .pathway import (
    DAYS_PER_YEAR,
    IN_HOUSE_NAMES,
    PLACEMENT_NAMES,
    PROGRAMMES,
    REUNIFICATION,
    STATE_INDEX,
    STATES,
    Programme,
    State,
)
from .records import (
    ALL_ROUTES,
    COUNTED,
    COUNTED_INDEX,
    EXIT_ROUTES,
    MOVE_KINDS,
    Measure,
    Records,
)
from .timeline import Change

if TYPE_CHECKING:
    from .engine.model import Model

HOME_MEASURES = (
    "beds",
    "children",
    "bed_days",
    "occupied_bed_days",
    "fixed_cost",
    "variable_cost",
)
"""What ``homes_array`` holds for each home: levels at each point, then monthly sums."""


def routes_for(params: ParameterSet) -> tuple[str, ...]:
    """Every route a counted event can carry, then ``all``."""
    names = [e.name for e in params.entries] + list(PROGRAMME_LINES) + list(EXIT_ROUTES)
    names += list(IN_HOUSE_NAMES) + list(MOVE_KINDS)
    return tuple(dict.fromkeys([*names, ALL_ROUTES]))


@dataclass
class Replication:
    """One replication reduced to arrays (see ``RunResult`` for the axes)."""

    stocks: np.ndarray  # (state, point)
    days: np.ndarray  # (state, month)
    flows: np.ndarray  # (counted measure, route, financial year)
    waiting: np.ndarray  # (programme, point)
    capacity: np.ndarray  # (pool, point)
    costs: np.ndarray  # (cost item, month)
    homes: np.ndarray  # (home, HOME_MEASURES, point)
    events: np.ndarray | None = None  # (transition, [day, child, from, to]), only when asked


def reduce(model: Model, cal: Calendar, changes: list[Change]) -> Replication:
    """Reduce a finished model to arrays on the calendar's grid."""
    steps = StateSteps(transitions(model), cal.points)
    stocks, days = steps.counted
    return Replication(
        stocks=stocks.astype(np.int32),
        days=days,
        flows=flow_array(model, cal),
        waiting=waiting_array(model, cal),
        capacity=capacity_array(model, cal),
        costs=costs_array(model, cal, changes, steps),
        homes=homes_array(model, cal, changes),
    )


def transitions(model: Model) -> np.ndarray:
    """The log's changes of state as rows of (day, child, from state, to state)."""
    return model.log.transitions.array()


class Steps:
    """``count`` series that step at times ``at``, read on a grid of ``points``: each step
    counts from the first point at or after its time on."""

    def __init__(self, series: np.ndarray, at: np.ndarray, count: int, points: np.ndarray):
        self.at, self.count, self.points = at, count, points
        self.width = len(points) + 1  # a column for steps after the last point
        self.cell = series * self.width + np.searchsorted(points, at, side="left")

    def sums(self, change: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Levels at each point and level-days in each month, each step being by ``change``
        (level-days to a point are (point - time) summed the same way)."""
        levels = self.levels(change)
        integral = self.points * levels - self.levels(change * self.at)
        return levels, np.diff(integral, axis=1)

    def levels(self, weights: np.ndarray) -> np.ndarray:
        """Levels at each point, each step being by ``weights``."""
        totals = np.bincount(self.cell, weights=weights, minlength=self.count * self.width)
        return totals.reshape(self.count, self.width).cumsum(axis=1)[:, :-1]


class StateSteps:
    """Stocks by state at each point and state-days in each month, from transitions (day,
    child, from state, to state): each adds one to its new state and takes one from its old."""

    def __init__(self, log: np.ndarray, points: np.ndarray) -> None:
        from_state, to_state = log[:, 2].astype(int), log[:, 3].astype(int)
        left = from_state >= 0
        self.child = np.concatenate([log[:, 1], log[left, 1]]).astype(int)
        self.state = np.concatenate([to_state, from_state[left]])
        self.sign = np.concatenate([np.ones(len(log)), -np.ones(int(left.sum()))])
        at = np.concatenate([log[:, 0], log[left, 0]])
        self.steps = Steps(self.state, at, len(STATES), points)

    @cached_property
    def counted(self) -> tuple[np.ndarray, np.ndarray]:
        """Each child counting one in its state."""
        return self.steps.sums(self.sign)

    def weighted(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each child counting ``weight[state, child]`` in its state."""
        return self.steps.sums(self.sign * weight[self.state, self.child])

    def by_child(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each child counting ``weight[child]`` in whatever state it is in."""
        return self.steps.sums(self.sign * weight[self.child])


def state_arrays(model: Model, cal: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Stocks by state at each point, and state-days in each month."""
    return StateSteps(transitions(model), cal.points).counted


def flow_array(model: Model, cal: Calendar) -> np.ndarray:
    """Counted events by measure, route and financial year: route ``all`` holds each measure's
    total (its own counts, for a measure counted under ``all`` only, plus the other routes'),
    and children with three or more placements in the year."""
    routes = routes_for(model.params)
    route_index = {r: i for i, r in enumerate(routes)}
    years = len(cal.financial_years)
    out = np.zeros((len(COUNTED), len(routes), years), dtype=np.int32)
    if len(model.log.counts):
        counts = model.log.counts.array()
        route = np.array([route_index[name] for name in model.log.routes])
        year = cal.year_of(counts[:, 0])
        np.add.at(
            out,
            (counts[:, 1].astype(int), route[counts[:, 2].astype(int)], year),
            counts[:, 3].astype(np.int32),
        )
    out[:, -1, :] += out[:, :-1, :].sum(axis=1)
    out[COUNTED_INDEX[Measure.THREE_OR_MORE_PLACEMENTS], -1, :] = three_or_more_placements(
        transitions(model), cal.year_bounds
    )
    return out


def three_or_more_placements(log: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """For each financial year, children looked after at its end who had three or more
    placements during it, as the DfE counts them: the placement held as the year began (if
    any) and every placement taken during the year (a move within a placement type counts).

    ``log`` holds transitions (day, child, from, to) in time order; ``bounds`` the years'
    start and end days."""
    years = len(bounds) - 1
    if not len(log):
        return np.zeros(years, dtype=np.int32)
    order = child_order(log[:, 1])
    time, child = log[order, 0], log[order, 1].astype(np.int64)
    placed = costs.PLACEMENT_MASK[log[order, 3].astype(int)]
    children = int(child.max()) + 1
    # each move holds from its day until the child's next move: at every bound in between
    same = child[1:] == child[:-1]
    until = np.append(np.where(same, time[1:], np.inf), np.inf)
    after = np.searchsorted(bounds, time, side="right")  # the first bound after the move
    stop = np.searchsorted(bounds, until[placed], side="right")
    held = bounds_held(child[placed], after[placed], stop, (years + 1, children))
    year = after - 1
    taken = placed & (year >= 0) & (year < years)
    count = np.bincount(year[taken] * children + child[taken], minlength=years * children)
    three = held[1:] & (count.reshape(years, children) + held[:-1] >= 3)
    return np.count_nonzero(three, axis=1).astype(np.int32)


def child_order(child: np.ndarray) -> np.ndarray:
    """The order of rows by child number, stable (a radix sort when the numbers fit 16 bits)."""
    small = child.max() < 1 << 16
    return np.argsort(child.astype(np.uint16 if small else np.int64), kind="stable")


def bounds_held(
    child: np.ndarray, first: np.ndarray, stop: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """(bound, child): whether each child holds a span at each bound, a span covering bounds
    ``first`` to ``stop`` - 1 (no two spans of a child share a bound)."""
    bounds, children = shape
    steps = np.bincount(first * children + child, minlength=(bounds + 1) * children)
    steps -= np.bincount(stop * children + child, minlength=(bounds + 1) * children)
    return steps.reshape(bounds + 1, children)[:bounds].cumsum(axis=0) > 0


def step_levels(records: Records, series: int, points: np.ndarray) -> np.ndarray:
    """Step functions from (time, series, level) records, read at each point: one row for each
    series 0 .. ``series`` - 1, each the level last recorded at or before the point (0 before
    any)."""
    out = np.zeros((series, len(points)), dtype=np.int32)
    data = records.array()
    for s in range(series):
        rows = data[data[:, 1] == s]
        if not len(rows):
            continue
        index = np.searchsorted(rows[:, 0], points, side="right") - 1
        out[s] = np.where(index >= 0, rows[np.maximum(index, 0), 2], 0)
    return out


def waiting_array(model: Model, cal: Calendar) -> np.ndarray:
    """Children on each programme's waiting list at each point, from (time, programme, change
    in the list's length) records."""
    data = model.log.waiting.array()
    steps = Steps(data[:, 1].astype(int), data[:, 0], len(PROGRAMMES), cal.points)
    return steps.levels(data[:, 2]).astype(np.int32)


def capacity_array(model: Model, cal: Calendar) -> np.ndarray:
    """In-house foster places and children's home beds at each point."""
    return step_levels(model.log.capacity, len(IN_HOUSE_NAMES), cal.points)


def step_mean(initial: float, changes: list[tuple[float, float]], a: float, b: float) -> float:
    """The time-average over [a, b) of a value that starts at ``initial`` and steps at changes."""
    value, last, total = initial, a, 0.0
    for day, new in changes:
        if day <= a:
            value = new
            continue
        if day >= b:
            break
        total += value * (day - last)
        value, last = new, day
    total += value * (b - last)
    return total / (b - a)


def step_means(
    initial: float, changes: list[tuple[float, float]], bounds: np.ndarray
) -> np.ndarray:
    """``step_mean`` over each of ``bounds`` (a constant when nothing changes)."""
    if not changes:
        return np.full(len(bounds), float(initial))
    return np.array([step_mean(initial, changes, a, b) for a, b in bounds])


def dated(changes: list[Change], path: str, initial: float) -> list[tuple[float, float]]:
    """The (day, value in force) steps of one parameter, from its initial value."""
    steps, value = [], initial
    for change in sorted((c for c in changes if c.path == path), key=lambda c: c.day):
        value = float(change.after(value))
        steps.append((change.day, value))
    return steps


def inflation_factors(params: ParameterSet, cal: Calendar) -> np.ndarray:
    """Per month: (1 + inflation) ** n, n = 1 in the first financial year of the run.

    Unit costs are the reported prices of the year before the run starts.
    """
    return inflation_at(params.costs.inflation_per_year.value, cal)


@functools.lru_cache(maxsize=16)
def inflation_at(rate: float, cal: Calendar) -> np.ndarray:
    """``inflation_factors`` at a rate (read-only: made once for each rate, a pair of
    replications sharing one)."""
    order = {fy: i + 1 for i, fy in enumerate(cal.financial_years)}
    out = np.array([(1.0 + rate) ** order[fy] for fy in cal.month_years])
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=8)
def month_bounds(cal: Calendar) -> np.ndarray:
    """(month, 2): the first and last day of each month (read-only: made once per calendar)."""
    edges = np.concatenate([[0.0], cal.points[1:]])
    out = np.column_stack([edges[:-1], edges[1:]])
    out.flags.writeable = False
    return out


def costs_array(
    model: Model, cal: Calendar, changes: list[Change], steps: StateSteps
) -> np.ndarray:
    """Pounds per cost line (``cost_lines.ENGINE_LINES``) per month."""
    params = model.params
    days = steps.counted[1]
    bounds = month_bounds(cal)
    factor = inflation_factors(params, cal)
    draws = costs.child_draws(model)
    weighted = steps.weighted(costs.cost_positions(params, draws[0]))[1]
    rows = []
    for name in PLACEMENT_NAMES:
        weekly = params.costs.weekly[name].value
        rate = weekly_rate(params, changes, bounds, name)
        if name == State.HOME_INHOUSE.value:
            share = costs.variable_share(params)
            rate, weekly = rate * share, weekly * share
        index = STATE_INDEX[State(name)]
        rows.append((weighted[index] * weekly + days[index] * (rate - weekly)) / 7.0 * factor)
    home_rate = weekly_rate(params, changes, bounds, State.HOME_INHOUSE.value)
    rows.append(costs.homes_fixed(params, bounds, home_rate).sum(axis=0) * factor)
    for item in PROGRAMME_LINES:
        rows.append(programme_costs(params, item, changes, bounds) * factor)
    rows.extend(costs.leaving_care(model, bounds) * factor)
    uasc = costs.granted(model, draws[1])
    uasc_days = steps.by_child(uasc)[1]
    rows.append(-costs.grant_income(model, bounds, uasc_days, uasc))
    return np.array(rows)


def weekly_rate(
    params: ParameterSet, changes: list[Change], bounds: np.ndarray, name: str
) -> np.ndarray:
    """The mean weekly cost of a placement type in force in each month."""
    weekly = params.costs.weekly[name].value
    return step_means(weekly, dated(changes, f"costs.weekly.{name}", weekly), bounds)


def homes_array(model: Model, cal: Calendar, changes: list[Change]) -> np.ndarray:
    """(home, ``HOME_MEASURES``, point): each in-house home's beds and children at each point,
    and its occupied bed-days, fixed and variable cost in the month to each point (0 at the
    first point)."""
    params = model.params
    homes, points = params.homes, cal.points
    bounds = month_bounds(cal)
    start = params.start_date
    out = np.zeros((len(homes), len(HOME_MEASURES), len(points)))
    for i, home in enumerate(homes):
        closes = (home.closes - start).days if home.closes else np.inf
        out[i, 0] = np.where((points >= (home.opens - start).days) & (points < closes), 1, 0)
        out[i, 0] *= home.beds.value
    occupancy = model.log.occupancy.array()
    children, days = Steps(occupancy[:, 1].astype(int), occupancy[:, 0], len(homes), points).sums(
        occupancy[:, 2]
    )
    rate = weekly_rate(params, changes, bounds, State.HOME_INHOUSE.value)
    factor = inflation_factors(params, cal)
    out[:, 1] = children
    out[:, 2, 1:] = costs.bed_days(params, bounds)
    out[:, 3, 1:] = days
    out[:, 4, 1:] = costs.homes_fixed(params, bounds, rate) * factor
    out[:, 5, 1:] = days * rate * costs.variable_share(params) / 7.0 * factor
    return out


def programme_costs(
    params: ParameterSet, item: str, changes: list[Change], bounds: np.ndarray
) -> np.ndarray:
    """Staff cost per month: FTE x cost per FTE, plus the fixed cost while any FTE is in post."""
    p = params.reunification if item == REUNIFICATION else params.programmes[Programme(item)]
    prefix = "reunification" if item == REUNIFICATION else f"programmes.{item}"
    fte_changes = dated(changes, f"{prefix}.therapists", p.therapists.value)
    fte = step_means(p.therapists.value, fte_changes, bounds)
    staffed = step_means(
        float(p.therapists.value > 0), [(d, float(v > 0)) for d, v in fte_changes], bounds
    )
    annual = fte * p.cost_per_therapist_per_year.value + staffed * p.fixed_cost_per_year.value
    return annual * (bounds[:, 1] - bounds[:, 0]) / DAYS_PER_YEAR
