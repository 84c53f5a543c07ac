"""The engine: reproducibility, invariants, and known analytic results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sufficiency.calendar import Calendar
from sufficiency.engine.model import Change, build, simulate
from sufficiency.measures import inflation_factors
from sufficiency.pathway import (
    AGE_BANDS,
    FALLBACK,
    PLACEMENT_NAMES,
    PROGRAMME_STATE,
    STATES,
    State,
)
from sufficiency.records import Transition
from sufficiency.runner import replication_seed, run
from sufficiency.scenario import Scenario, load_scenario

from .conftest import BASELINE_SCENARIO, edited, even_shares, quiet_programmes

MONTH = 365.25 / 12


def scenario_of(params, timeline=()) -> Scenario:
    return Scenario(params.name, "test", BASELINE_SCENARIO, params, tuple(timeline))


def steady_params(baseline, total: int, mean_months: float = 12.0):
    """Children aged 5-9 entering at the rate that balances exits from ``total`` in care."""
    edits = quiet_programmes(baseline)
    edits.update({
        "population.total": total,
        "population.age_band_shares": even_shares(AGE_BANDS, "5-9"),
        "exits.mean_months_by_band": {band: mean_months for band in AGE_BANDS},
        "entries.0.rate_per_month": 600 / mean_months,
        "entries.0.age_band_shares": even_shares(AGE_BANDS, "5-9"),
        "entries.1.rate_per_month": 0.0,
    })
    return edited(baseline, edits)


def test_same_seed_same_results_on_one_or_two_jobs():
    scenario = load_scenario(BASELINE_SCENARIO)
    one = run(scenario, years=2, replications=4, seed=7, jobs=1)
    two = run(scenario, years=2, replications=4, seed=7, jobs=2)
    again = run(scenario, years=2, replications=4, seed=7, jobs=1)
    for name in ("stocks", "days", "flows", "waiting", "capacity", "costs"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
        assert np.array_equal(getattr(one, name), getattr(again, name)), name
    other = run(scenario, years=2, replications=4, seed=8, jobs=1)
    assert not np.array_equal(one.stocks, other.stocks)


def test_replication_seeds_do_not_depend_on_the_number_of_replications():
    seed = replication_seed(1, 3).generate_state(4)
    for n in (10, 500):
        assert np.array_equal(seed, np.random.SeedSequence(1).spawn(n)[3].generate_state(4))
    assert not np.array_equal(seed, replication_seed(1, 4).generate_state(4))


def replay(transitions: list[Transition]) -> dict[int, int]:
    """Each child's state after the log; fails if a move starts from the wrong state."""
    where: dict[int, int] = {}
    for t in transitions:
        if t.from_state == -1:
            assert t.child not in where, f"child {t.child} entered twice"
        else:
            assert where.get(t.child) == t.from_state, f"child {t.child} moved from elsewhere"
        where[t.child] = t.to_state
    return where


def test_every_child_is_in_exactly_one_state(baseline_params):
    model = simulate(baseline_params, replication_seed(3, 0), 3 * 365.0)
    where = replay(model.log.rows())
    counts = np.bincount(list(where.values()), minlength=len(STATES))
    for i, state in enumerate(STATES):
        if state.value in PLACEMENT_NAMES:
            assert counts[i] == len(model.placed[state])
    assert counts.sum() == model._next_id  # noqa: SLF001 - every child created is somewhere


def test_a_kept_event_log_replays_to_the_reduced_stocks():
    """The full log of a replication, replayed, gives its month-end stocks exactly."""
    result = run(load_scenario(BASELINE_SCENARIO), years=2, replications=2, seed=8,
                 event_logs=1)
    assert len(result.events) == 1
    log, points = result.events[0], result.calendar.points
    where: dict[int, int] = {}
    cursor = 0
    for p, point in enumerate(points):
        while cursor < len(log) and log[cursor, 0] <= point:
            where[int(log[cursor, 1])] = int(log[cursor, 3])
            cursor += 1
        counts = np.bincount(list(where.values()), minlength=len(STATES))
        assert np.array_equal(counts, result.stocks[0, :, p]), result.calendar.dates[p]


def test_capacities_are_never_exceeded(baseline_params):
    """Checked after every event, through a run with staff cuts and a home closing."""
    params = edited(baseline_params, {"homes.0.closes": "2026-01-01",
                                      "homes.1.closes": "2026-06-01"})
    changes = [Change(200.0, "programmes.fft_cw.therapists", 1.0),
               Change(400.0, "programmes.fft_cw.therapists", 6.0),
               Change(300.0, "foster_carers.places_per_household", 1.0)]
    model = build(params, replication_seed(5, 0), 2 * 365.0, changes)
    env = model.env
    steps = 0
    while env.peek() < model.horizon:
        env.step()
        steps += 1
        for state, pool in model.pools.items():
            assert pool.occupied == len(model.placed[state]), state
            assert 0 <= pool.free and pool.occupied <= pool.capacity, state
        for prog, actor in model.programmes.items():
            in_programme = {c.id for c in model.placed.get(PROGRAMME_STATE[prog], {}).values()}
            assert not in_programme  # programme states are not placements
            assert 0 <= actor.pool.free and actor.pool.occupied <= actor.pool.capacity
            if actor.pool.free:  # nobody waits while a slot is free
                assert not any(family.waiting for family in actor.pool.queue), prog
        for in_house, wanting in model.wanting.items():
            external = model.placed[FALLBACK[in_house]]
            assert all(c.wants is in_house and c.id in external for c in wanting.values())
            assert {c.id for c in external.values() if c.wants is in_house} == set(wanting)
    assert steps > 1000
    assert model.pools[State.HOME_INHOUSE].places < sum(h.beds.value for h in params.homes)


def test_costs_equal_days_times_rates():
    scenario = load_scenario(BASELINE_SCENARIO)
    result = run(scenario, years=2, replications=2, seed=3)
    params = scenario.params
    factor = inflation_factors(params, result.calendar)
    for name in PLACEMENT_NAMES:
        days = result.days[:, STATES.index(State(name)), :]
        expected = days * params.costs.weekly[name].value / 7.0 * factor
        assert np.allclose(result.costs[:, result.items.index(name), :], expected)
    assert result.costs[:, :len(PLACEMENT_NAMES), :].sum() > 1e7


def test_placement_days_match_the_month_end_stocks():
    """Days in care over a month lie between the smallest and largest stock bounds (loosely)."""
    scenario = load_scenario(BASELINE_SCENARIO)
    result = run(scenario, years=1, replications=2, seed=2)
    cla_days = result.days[:, [STATES.index(State(n)) for n in PLACEMENT_NAMES], :].sum(axis=1)
    month_days = np.diff(result.calendar.points)
    average = cla_days / month_days
    ends = result.cla[:, 1:]
    assert np.all(np.abs(average - ends) < 0.15 * ends)


def erlang_c_wait(arrivals_per_day: float, service_days: float, servers: int) -> float:
    """Mean wait in an M/M/c queue (Erlang C)."""
    a = arrivals_per_day * service_days
    top = a ** servers / math.factorial(servers) * servers / (servers - a)
    bottom = sum(a ** k / math.factorial(k) for k in range(servers)) + top
    return top / bottom * service_days / (servers - a)


def test_programme_waits_match_erlang_c(baseline_params):
    edits = quiet_programmes(baseline_params, keep=("mst",))
    edits.update({
        "population.total": 0,
        "entries.0.rate_per_month": 0.0,
        "entries.1.rate_per_month": 0.0,
        "programmes.mst.referrals_per_month": 4.0,
        "programmes.mst.children_per_family": 1.0,
        "programmes.mst.therapists": 5.0,
        "programmes.mst.caseload": 1.0,
        "programmes.mst.duration_days": 30.0,
        "programmes.mst.duration_cv": 1.0,
        "programmes.mst.max_wait_days": 6575.0,  # 18 years, the limit: nobody gives up
        "programmes.mst.outcome_split": {"closed": 1.0, "stepped_down": 0.0, "same_plan": 0.0,
                                         "stepped_up": 0.0, "came_into_care": 0.0},
    })
    params = edited(baseline_params, edits)
    waits = []
    for rep in range(10):
        model = simulate(params, replication_seed(11, rep), 30 * 365.25)
        started: dict[int, float] = {}
        for t in model.log.rows():
            if t.from_state == -1:
                started[t.child] = t.time
            if t.to_state == STATES.index(State.IN_MST):
                waits.append(t.time - started[t.child])
    expected = erlang_c_wait(4.0 / MONTH, 30.0, 5)
    assert len(waits) > 10_000
    assert np.mean(waits) == pytest.approx(expected, rel=0.1)


def test_littles_law_in_a_steady_state_run(baseline_params):
    """Mean stock = entry rate x mean time in care, from an empty start after warm-up."""
    params = steady_params(baseline_params, total=0)
    cal = Calendar(params.start_date, 9)
    result = run(scenario_of(params), years=9, replications=6, seed=4)
    window = [i for i, d in enumerate(cal.dates) if d.year >= 2029]
    mean_stock = result.cla[:, window].mean()
    assert mean_stock == pytest.approx(600 / 12 * 12, rel=0.03)


def test_a_balanced_run_holds_its_starting_population(baseline_params):
    """Today's children get remaining times consistent with time already in care."""
    params = steady_params(baseline_params, total=600)
    result = run(scenario_of(params), years=5, replications=12, seed=6)
    census = result.cla[:, result.calendar.census].mean(axis=0)
    assert census[0] == 600
    assert np.all(np.abs(census / 600 - 1) < 0.04), census


def test_an_undersupplied_run_does_drain(baseline_params):
    """The balance test can fail: halve the entries and the population falls."""
    params = edited(steady_params(baseline_params, total=600), {"entries.0.rate_per_month": 25})
    result = run(scenario_of(params), years=2, replications=4, seed=6)
    assert result.cla[:, result.calendar.census[-1]].mean() < 0.8 * 600
