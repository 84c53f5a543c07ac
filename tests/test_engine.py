"""The engine: reproducibility, invariants, and known analytic results, on the small set."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from sufficiency.calendar import Calendar
from sufficiency.engine.children import ExitLaw
from sufficiency.engine.model import build, simulate
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

from .builders import MONTH, Change, scenario_of, small_set


def steady_params(total: int, mean_months: float = 12.0, rate: float | None = None):
    """No programmes; children aged 5-9 entering directly at the rate (by default the one that
    balances exits from ``total`` in care), staying ``mean_months`` on average."""
    ages = {"5-9": 1.0}
    return small_set(
        active=(),
        population={"total": total, "age_band_shares": ages},
        exits={"mean_months_by_band": {band: mean_months for band in AGE_BANDS}},
        entries={
            "direct": {
                "rate_per_month": 600 / mean_months if rate is None else rate,
                "age_band_shares": ages,
            },
            "uasc": {"rate_per_month": 0.0},
        },
    )


def test_same_seed_same_results_on_one_or_two_jobs():
    scenario = scenario_of(small_set())
    assert scenario.params.entries[0].rate_per_month.uncertainty  # drawn per replication
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


def test_every_child_is_in_exactly_one_state():
    model = simulate(small_set(), replication_seed(3, 0), 3 * 365.0)
    where = replay(model.log.rows())
    counts = np.bincount(list(where.values()), minlength=len(STATES))
    for i, state in enumerate(STATES):
        if state.value in PLACEMENT_NAMES:
            assert counts[i] == len(model.placed[state])
    assert counts.sum() == model._next_id  # every child created is somewhere
    left = (State.HOME, State.REUNIFIED, State.PERMANENCE, State.TURNED_18, State.EXIT_OTHER)
    assert all(counts[STATES.index(state)] for state in left)  # every way out is exercised


def test_a_kept_event_log_replays_to_the_reduced_stocks():
    """The full log of a replication, replayed, gives its month-end stocks exactly."""
    result = run(scenario_of(small_set()), years=2, replications=2, seed=8, event_logs=1)
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
    assert cursor == len(log) > 500


def test_capacities_are_never_exceeded():
    """Checked after every event, through a run with staff cuts and homes closing."""
    params = small_set(
        homes={"home a": {"closes": "2026-01-01"}, "home b": {"closes": "2026-06-01"}},
        foster_carers={"households": 12},
        entries={"direct": {"rate_per_month": 8.0}},
        programmes={"fft_cw": {"referrals_per_month": 3.0}},
    )
    changes = [
        Change(200.0, "programmes.fft_cw.therapists", 0.0),
        Change(400.0, "programmes.fft_cw.therapists", 2.0),
        Change(300.0, "foster_carers.places_per_household", 1.0),
    ]
    model = build(params, replication_seed(5, 0), 3 * 365.0, changes)
    env = model.env
    steps = 0
    full: set[State] = set()
    while env.peek() < model.horizon:
        env.step()
        steps += 1
        for state, pool in model.pools.items():
            assert pool.occupied == len(model.placed[state]), state
            assert pool.free >= 0 and pool.occupied <= pool.capacity, state
            if not pool.free:
                full.add(state)
        for prog, actor in model.programmes.items():
            in_programme = {c.id for c in model.placed.get(PROGRAMME_STATE[prog], {}).values()}
            assert not in_programme  # programme states are not placements
            assert actor.pool.free >= 0 and actor.pool.occupied <= actor.pool.capacity
            if actor.pool.free:  # nobody waits while a slot is free
                assert not any(family.waiting for family in actor.pool.queue), prog
        for in_house, wanting in model.wanting.items():
            external = model.placed[FALLBACK[in_house]]
            assert all(c.wants is in_house and c.id in external for c in wanting.values())
            assert {c.id for c in external.values() if c.wants is in_house} == set(wanting)
    assert steps > 1000
    assert full == set(model.pools)  # every pool was full at some time
    assert model.pools[State.HOME_INHOUSE].places == 0


def test_costs_equal_days_times_rates():
    """With no spread between children, a type's cost is its days x its weekly rate (for
    in-house homes, the variable part of it)."""
    spread = dict.fromkeys(PLACEMENT_NAMES, 0.0)
    scenario = scenario_of(small_set(costs={"spread": spread}))
    result = run(scenario, years=2, replications=2, seed=3)
    weekly = scenario.params.costs.weekly
    rate = scenario.params.costs.inflation_per_year.value
    years = result.calendar.financial_years
    factor = np.array([(1 + rate) ** (1 + years.index(fy)) for fy in result.calendar.month_years])
    variable = 1 - scenario.params.costs.homes.fixed_share.value
    for name in PLACEMENT_NAMES:
        days = result.days[:, STATES.index(State(name)), :]
        assert days.sum() > 0, name
        share = variable if name == State.HOME_INHOUSE.value else 1.0
        expected = days * weekly[name].value * share / 7.0 * factor
        assert np.allclose(result.costs[:, result.items.index(name), :], expected), name


def test_placement_days_match_the_month_end_stocks():
    """Days in care over a month lie between the smallest and largest stock bounds (loosely)."""
    result = run(scenario_of(small_set(population={"total": 300})), years=1, replications=2, seed=2)
    cla_days = result.days[:, [STATES.index(State(n)) for n in PLACEMENT_NAMES], :].sum(axis=1)
    month_days = np.diff(result.calendar.points)
    average = cla_days / month_days
    ends = result.cla[:, 1:]
    assert np.all(np.abs(average - ends) < 0.15 * ends)


def erlang_c_wait(arrivals_per_day: float, service_days: float, servers: int) -> float:
    """Mean wait in an M/M/c queue (Erlang C)."""
    a = arrivals_per_day * service_days
    top = a**servers / math.factorial(servers) * servers / (servers - a)
    bottom = sum(a**k / math.factorial(k) for k in range(servers)) + top
    return top / bottom * service_days / (servers - a)


def test_programme_waits_match_erlang_c():
    params = small_set(
        active=("mst",),
        population={"total": 0},
        entries={"direct": {"rate_per_month": 0.0}, "uasc": {"rate_per_month": 0.0}},
        programmes={
            "mst": {
                "referrals_per_month": 4.0,
                "children_per_family": 1.0,
                "therapists": 5.0,
                "caseload": 1.0,
                "duration_days": 30.0,
                "duration_cv": 1.0,
                "max_wait_days": 6575.0,
                "outcome_split": {"closed": 1.0},
                "targeting_deflator": 0.0,  # nobody leaves the queue for care
            }
        },
    )
    means = []
    for rep in range(10):
        model = simulate(params, replication_seed(11, rep), 30 * 365.25)
        started: dict[int, float] = {}
        waits = []
        for t in model.log.rows():
            if t.from_state == -1 and t.time > 0:  # not referred before day 0
                started[t.child] = t.time
            if t.to_state == STATES.index(State.IN_MST) and t.child in started:
                waits.append(t.time - started[t.child])
        assert len(waits) > 1_000
        means.append(np.mean(waits))
    # at 80% load a replication's mean wait varies by about half its value (long busy periods)
    expected = erlang_c_wait(4.0 / MONTH, 30.0, 5)
    standard_error = np.std(means, ddof=1) / math.sqrt(len(means))
    assert abs(np.mean(means) - expected) < 3 * standard_error
    assert standard_error < 0.25 * expected


def test_littles_law_in_a_steady_state_run():
    """Stock = entry rate x the time in care survived so far, from an empty start: at day t,
    rate x integral of S(s) over [0, t], which tends to rate x mean time in care (600) but
    is still about 2% short four years in with the Weibull shape's long tail."""
    params = steady_params(total=0)
    cal = Calendar(params.start_date, 9)
    result = run(scenario_of(params), years=9, replications=6, seed=4)
    window = [i for i, d in enumerate(cal.dates) if d.year >= 2029]
    law = ExitLaw(params.exits)
    per_day = 600 / 12 / MONTH
    expected = [
        per_day * quad(lambda s: law.survival("5-9", s), 0, (d - params.start_date).days + 1)[0]
        for d in (cal.dates[i] for i in window)
    ]
    assert np.mean(expected) < 600 * 0.99  # the warm-up matters
    assert result.cla[:, window].mean() == pytest.approx(np.mean(expected), rel=0.02)


def test_a_balanced_run_holds_its_starting_population():
    """Today's children get remaining times consistent with time already in care."""
    params = steady_params(total=600)
    result = run(scenario_of(params), years=5, replications=12, seed=6)
    census = result.cla[:, result.calendar.census].mean(axis=0)
    assert census[0] == 600
    assert np.all(np.abs(census / 600 - 1) < 0.04), census


def test_an_undersupplied_run_does_drain():
    """The balance test can fail: halve the entries and the population falls."""
    params = steady_params(total=600, rate=25.0)
    result = run(scenario_of(params), years=2, replications=4, seed=6)
    assert result.cla[:, result.calendar.census[-1]].mean() < 0.8 * 600
