"""Property-based tests: random valid scenarios on the small set keep the engine's invariants,
checked from the event log and the results.

Every child is in exactly one state at every time; in-house places, home beds and therapist
slots are never overfilled; stocks and costs are never negative; a placement's cost is its days
times its weekly rate / 7, inflated; programme staff cost their FTE-days; children leave care
only from a placement.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency.calendar import Calendar
from sufficiency.cost_lines import UASC_GRANT
from sufficiency.engine.model import Model, simulate
from sufficiency.parameters import ProgrammeParams, ReunificationParams
from sufficiency.pathway import (
    DAYS_PER_YEAR,
    FALLBACK,
    PLACEMENT_NAMES,
    PROGRAMME_STATE,
    PROGRAMMES,
    REUNIFICATION,
    STATES,
    State,
)
from sufficiency.records import Transition
from sufficiency.results import RunResult
from sufficiency.runner import replication_seed, run
from sufficiency.scenario import Scenario

from .builders import Change, scenario_of, small_set

EXAMPLES = settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

PLACED = frozenset(STATES.index(State(name)) for name in PLACEMENT_NAMES)
ABSORBING = frozenset(
    STATES.index(s) for s in (State.PERMANENCE, State.TURNED_18, State.EXIT_OTHER)
)
EXIT_ROUTE: dict[State, str] = {
    State.REUNIFIED: "reunified",
    State.IN_FFT_REUNIFICATION: "reunified",
    State.PERMANENCE: "permanence",
    State.TURNED_18: "turned_18",
    State.EXIT_OTHER: "other",
}
"""The route an exit from care to each state is counted under."""
LEFT = frozenset(STATES.index(s) for s in EXIT_ROUTE)
"""In-house placement states and their pool numbers in the capacity log."""
START = dt.date(2025, 4, 1)
ROUNDING = 1e-6
"""Days or pounds: what rounding may take a zero below."""


# -- random scenarios -----------------------------------------------------------------------
def amount(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def day_in(horizon: int) -> st.SearchStrategy[int]:
    return st.integers(1, horizon - 1)


@st.composite
def homes(draw) -> list[dict[str, Any]]:
    """Up to three homes, opening before or during the run, some closing during it."""
    out = []
    for i in range(draw(st.integers(0, 3))):
        opens = START + dt.timedelta(days=draw(st.integers(-2000, 600)))
        open_days = draw(st.none() | st.integers(1, 900))
        closes = None if open_days is None else opens + dt.timedelta(days=open_days)
        out.append(
            {"name": f"home {i}", "beds": draw(st.integers(0, 5)), "opens": opens, "closes": closes}
        )
    return out


@st.composite
def programme(draw) -> dict[str, float]:
    return {
        "therapists": draw(amount(0, 4)),
        "caseload": draw(amount(0.5, 8)),
        "referrals_per_month": draw(amount(0, 4)),
        "children_per_family": draw(amount(1, 3)),
        "max_wait_days": draw(amount(0, 60)),
        "duration_days": draw(amount(10, 200)),
    }


def changes(horizon: int) -> st.SearchStrategy[list[Change]]:
    """Dated changes within the run: staff, caseloads, referral and entry rates, deflators,
    carers, step-downs, moves at 16 and unit costs (costs on the first of a month, where the
    cost arrays step)."""
    progs = st.sampled_from([p.value for p in PROGRAMMES])
    first_days = [d for d in range(1, horizon) if (START + dt.timedelta(d)).day == 1]
    one = st.one_of(
        st.builds(
            Change, day_in(horizon), progs.map(lambda p: f"programmes.{p}.therapists"), amount(0, 4)
        ),
        st.builds(
            lambda day, p, v: Change(day, f"programmes.{p}.therapists", v, add=True),
            day_in(horizon),
            progs,
            amount(0, 2),
        ),
        st.builds(
            Change, day_in(horizon), progs.map(lambda p: f"programmes.{p}.caseload"), amount(0.5, 8)
        ),
        st.builds(
            Change,
            day_in(horizon),
            progs.map(lambda p: f"programmes.{p}.referrals_per_month"),
            amount(0, 4),
        ),
        st.builds(
            Change,
            day_in(horizon),
            progs.map(lambda p: f"programmes.{p}.targeting_deflator"),
            amount(0, 1),
        ),
        st.builds(
            Change,
            day_in(horizon),
            st.sampled_from(["entries.direct.rate_per_month", "entries.uasc.rate_per_month"]),
            amount(0, 8),
        ),
        st.builds(Change, day_in(horizon), st.just("reunification.therapists"), amount(0, 2)),
        st.builds(Change, day_in(horizon), st.just("reunification.caseload"), amount(0.5, 4)),
        st.builds(
            Change, day_in(horizon), st.just("foster_carers.places_per_household"), amount(0.5, 3)
        ),
        st.builds(
            Change, day_in(horizon), st.just("foster_carers.recruitment_per_year"), amount(0, 10)
        ),
        st.builds(
            Change,
            day_in(horizon),
            st.sampled_from(
                [
                    "foster_carers.attrition_per_year",
                    "matching.step_down_rate_per_month",
                    "matching.supported_at_16",
                ]
            ),
            amount(0, 1),
        ),
        st.builds(
            Change,
            st.sampled_from(first_days),
            st.sampled_from(PLACEMENT_NAMES).map(lambda n: f"costs.weekly.{n}"),
            amount(0, 10_000),
        ),
    )
    return st.lists(one, max_size=5)


@st.composite
def scenarios(draw) -> tuple[Scenario, int, int]:
    """A random valid scenario on the small set: (scenario, years, seed)."""
    years = draw(st.integers(1, 2))
    params = small_set(
        population={"total": draw(st.integers(0, 80))},
        entries={
            "direct": {"rate_per_month": draw(amount(0, 8))},
            "uasc": {"rate_per_month": draw(amount(0, 2))},
        },
        programmes={p.value: draw(programme()) for p in PROGRAMMES},
        reunification={"therapists": draw(amount(0, 2)), "caseload": draw(amount(0.5, 4))},
        foster_carers={
            "households": draw(st.integers(0, 30)),
            "places_per_household": draw(amount(0.5, 3)),
            "recruitment_per_year": draw(amount(0, 10)),
            "attrition_per_year": draw(amount(0, 0.5)),
        },
        homes=draw(homes()),
        matching={
            "step_down_rate_per_month": draw(amount(0, 1)),
            "supported_at_16": draw(amount(0, 1)),
        },
        costs={
            "weekly": {name: draw(amount(0, 10_000)) for name in PLACEMENT_NAMES},
            "inflation_per_year": draw(amount(-0.2, 0.3)),
            "spread": dict.fromkeys(PLACEMENT_NAMES, 0.0),  # days x rates, as check_costs reads
            "homes": {"fixed_share": 0.0, "reported_occupancy": 0.85},
        },
    )
    horizon = int(Calendar(params.start_date, years).horizon)
    timeline = draw(changes(horizon))
    return scenario_of(params, timeline), years, draw(st.integers(0, 2**32 - 1))


# -- what the log says ----------------------------------------------------------------------
def replay(rows: list[Transition]) -> dict[int, int]:
    """Each child's state at the end; every move starts from the child's state at the time."""
    where: dict[int, int] = {}
    last = 0.0
    for t in rows:
        assert t.time >= last, "the log runs forward in time"
        last = t.time
        assert where.get(t.child, -1) == t.from_state, f"child {t.child} moved from elsewhere"
        where[t.child] = t.to_state
    return where


def in_force(records: Sequence[tuple[float, float]], time: float) -> tuple[float, float]:
    """The least and most a stepped value, from (time, value) records in time order, can be
    at ``time``: the value before, or one that a record at that very time set."""
    values = [v for t, v in records if t < time][-1:] + [v for t, v in records if t == time]
    return min(values), max(values)


def check_states(model: Model, rows: list[Transition]) -> None:
    """The log replays to the model's placements; those in care are under 18; children
    placed externally for want of an in-house place are remembered as wanting it."""
    where = replay(rows)
    assert len(where) == model._next_id  # every child made is somewhere
    now = model.env.now
    for state in map(State, PLACEMENT_NAMES):
        placed = model.placed[state]
        assert {c for c, s in where.items() if STATES[s] is state} == set(placed)
        assert all(0 <= child.age(now) < 18 * DAYS_PER_YEAR for child in placed.values())
    for in_house, wanting in model.wanting.items():
        external = model.placed[FALLBACK[in_house]]
        assert {c.id for c in external.values() if c.wants is in_house} == set(wanting)


def check_waits(model: Model, rows: list[Transition]) -> None:
    """Served families, and families whose risk turned into care while they waited, waited at
    most their programme's maximum wait; families turned away (home) waited exactly a
    programme's maximum, or less for a child who turned 18 while its brothers and sisters came
    into care."""
    waiting = STATES.index(State.WAITING)
    served = {
        STATES.index(PROGRAMME_STATE[p]): model.params.programmes[p].max_wait_days.value
        for p in PROGRAMMES
    }
    maxima = {p.max_wait_days.value for p in model.params.programmes.values()}
    into_care = {t.time for t in rows if t.from_state == waiting and t.to_state in PLACED}
    joined: dict[int, float] = {}
    for t in rows:
        if t.to_state == waiting and t.time > 0:
            joined[t.child] = t.time
        elif t.from_state == waiting and t.child in joined:  # not waiting since before day 0
            wait = t.time - joined.pop(t.child)
            if t.to_state in served:
                assert wait <= served[t.to_state] + 1e-9, t
            elif t.to_state in PLACED or t.time in into_care:
                assert wait <= max(maxima) + 1e-9, t
            else:
                assert any(math.isclose(wait, w, abs_tol=1e-9) for w in maxima), t


def check_exits(model: Model, rows: list[Transition]) -> None:
    """Only children in a placement leave care, and each exit is counted under its route;
    children who have left by permanence, at 18 or otherwise never come back."""
    exits: Counter[str] = Counter()
    entries = 0
    for t in rows:
        assert t.from_state not in ABSORBING, f"child {t.child} came back after leaving"
        if t.from_state in PLACED and t.to_state not in PLACED:
            exits[EXIT_ROUTE[STATES[t.to_state]]] += 1
        elif t.to_state in LEFT:
            assert (t.from_state, t.to_state) == (
                STATES.index(State.IN_FFT_REUNIFICATION),
                STATES.index(State.REUNIFIED),
            ), t
        if t.to_state in PLACED and t.from_state not in PLACED and t.time > 0:
            entries += 1
    counted: Counter[str] = Counter()
    for _, route, n in model.log.counted("exits"):
        counted[route] += n
    assert counted == exits
    assert sum(n for _, _, n in model.log.counted("entries")) == entries


def check_home_beds(model: Model) -> None:
    """Each home takes a child only while it is open and has a bed free."""
    specs = model.params.homes
    occupied = [0] * len(specs)
    for time, home, change in model.log.occupancy:
        index = int(home)
        spec = specs[index]
        closes = model.day(spec.closes) if spec.closes is not None else math.inf
        if change > 0:
            beds = spec.beds.value if model.day(spec.opens) <= time < closes else 0
            assert occupied[index] < beds, (time, spec.name)
        occupied[index] += change


def stepped(initial: float, changes: list[Change], path: str) -> list[tuple[float, float]]:
    """The (day, value) steps of a live parameter, in the order the engine applies them."""
    value, out = initial, [(0.0, initial)]
    for change in sorted((c for c in changes if c.path == path), key=lambda c: c.day):
        value = change.after(value)
        out.append((change.day, value))
    return out


def value_at(records: list[tuple[float, float]], day: float) -> float:
    """A stepped value once every change up to ``day`` has applied."""
    return [v for t, v in records if t <= day][-1]


def check_programme_slots(model: Model, changes: list[Change]) -> None:
    """Families start only into a free slot (FTE x caseload, rounded down) and join a waiting
    list only when none is free."""
    for prog in PROGRAMMES:
        p = model.params.programmes[prog]
        staff = stepped(p.therapists.value, changes, f"programmes.{prog.value}.therapists")
        load = stepped(p.caseload.value, changes, f"programmes.{prog.value}.caseload")
        days = sorted({d for d, _ in staff + load})
        slots = [(d, math.floor(value_at(staff, d) * value_at(load, d) + 1e-9)) for d in days]
        started = [
            t for t, route, _ in model.log.counted("families_started") if route == prog.value
        ]
        ended = [
            t for t, route, _ in model.log.counted("programme_completions") if route == prog.value
        ]
        events = sorted([(t, -1) for t in ended] + [(t, 1) for t in started])
        before = model.programmes[prog].in_service_at_start  # started in the warm-up
        families = before
        for time, step in events:  # a slot frees before the family waiting for it starts
            assert step < 0 or families < in_force(slots, time)[1], (prog, time)
            families += step
            assert families >= 0
        index = PROGRAMMES.index(prog)
        for time, _, _ in (w for w in model.log.waiting if w[1] == index and w[2] > 0):
            busy = before + sum(t <= time for t in started) - sum(t <= time for t in ended)
            assert busy >= in_force(slots, time)[0], (prog, time)


def check_reunification_slots(model: Model, rows: list[Transition], changes: list[Change]) -> None:
    """Reunification work starts only into a free slot. A slot is held from the start for the
    time to return, and on while the child is home with support."""
    r = model.params.reunification
    staff = stepped(r.therapists.value, changes, "reunification.therapists")
    load = stepped(r.caseload.value, changes, "reunification.caseload")
    slots = [
        (d, math.floor(value_at(staff, d) * value_at(load, d) + 1e-9))
        for d in sorted({d for d, _ in staff + load})
    ]
    supported = STATES.index(State.IN_FFT_REUNIFICATION)
    starts = [t for t, _, _ in model.log.counted("reunification_starts")]
    for i, time in enumerate(starts):
        working = sum(1 for s in starts[:i] if time < s + r.days_to_return.value)
        at_home = sum(
            (t.to_state == supported) - (t.from_state == supported) for t in rows if t.time < time
        )
        assert working + at_home < in_force(slots, time)[1], time


def check_waiting_lists(model: Model, rows: list[Transition]) -> None:
    """After every change to a waiting list, the lists hold the children in the waiting state."""
    if not model.log.waiting:
        return
    waiting = STATES.index(State.WAITING)
    times = np.array([t.time for t in rows])
    in_state = np.cumsum([(t.to_state == waiting) - (t.from_state == waiting) for t in rows])
    listed_at = np.array([w[0] for w in model.log.waiting])
    listed = np.cumsum([w[2] for w in model.log.waiting])
    assert np.all(listed >= 0)
    after = np.searchsorted(listed_at, listed_at, side="right") - 1
    moved = np.searchsorted(times, listed_at, side="right") - 1
    assert np.array_equal(listed[after], in_state[moved])


@given(scenarios())
@EXAMPLES
def test_random_scenarios_keep_every_invariant_in_the_event_log(case):
    scenario, years, seed = case
    horizon = Calendar(scenario.params.start_date, years).horizon
    changes = list(scenario.timeline)
    model = simulate(scenario.params, replication_seed(seed, 0), horizon, changes)
    rows = model.log.rows()
    check_states(model, rows)
    check_exits(model, rows)
    check_home_beds(model)
    check_programme_slots(model, changes)
    check_reunification_slots(model, rows, changes)
    check_waiting_lists(model, rows)
    check_waits(model, rows)


# -- what the results say -------------------------------------------------------------------
def placement_days(log: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Days each child spent in each placement state within each month, from the log."""
    out = np.zeros((len(STATES), len(bounds) - 1))
    since: dict[int, tuple[int, float]] = {}
    stays = []
    for time, child, _, to in log.tolist():
        if int(child) in since:
            stays.append((*since.pop(int(child)), time))
        if int(to) in PLACED:
            since[int(child)] = (int(to), time)
    stays += [(state, start, bounds[-1]) for state, start in since.values()]
    for state, start, end in stays:
        overlap = np.minimum(end, bounds[1:]) - np.maximum(start, bounds[:-1])
        out[state] += np.maximum(overlap, 0.0)
    return out


def daily(initial: float, changes: list[Change], path: str, days: int) -> np.ndarray:
    """A live parameter's value on each whole day of the run."""
    out = np.full(days, float(initial))
    for day, value in stepped(initial, changes, path)[1:]:
        out[int(day) :] = value
    return out


def check_costs(result: RunResult) -> None:
    """Placement costs are days x weekly rate / 7, staff costs FTE-days x annual cost / 365.25
    (plus the fixed cost on staffed days), each inflated from the second financial year on."""
    params, cal = result.scenario.params, result.calendar
    changes = list(result.scenario.timeline)
    bounds = np.concatenate([[0.0], cal.points[1:]])
    months = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]
    rate = params.costs.inflation_per_year.value
    factor = np.array([(1 + rate) ** (1 + cal.financial_years.index(fy)) for fy in cal.month_years])
    days = placement_days(result.events[0], bounds)
    placed = sorted(PLACED)
    assert np.allclose(days[placed], result.days[0, placed])
    for name in PLACEMENT_NAMES:
        weekly = daily(
            params.costs.weekly[name].value, changes, f"costs.weekly.{name}", int(cal.horizon)
        )
        expected = days[STATES.index(State(name))] * weekly[[m.start for m in months]] / 7
        assert np.allclose(result.costs[0, result.items.index(name)], expected * factor), name
    staff: dict[str, tuple[str, ProgrammeParams | ReunificationParams]] = {
        f"programmes.{p.value}": (p.value, params.programmes[p]) for p in PROGRAMMES
    }
    staff["reunification"] = (REUNIFICATION, params.reunification)
    for prefix, (item, p) in staff.items():
        fte = daily(p.therapists.value, changes, f"{prefix}.therapists", int(cal.horizon))
        annual = fte * p.cost_per_therapist_per_year.value + (fte > 0) * p.fixed_cost_per_year.value
        expected = np.array([annual[m].sum() for m in months]) / DAYS_PER_YEAR * factor
        assert np.allclose(result.costs[0, result.items.index(item)], expected), item


@given(scenarios())
@EXAMPLES
def test_random_scenarios_give_non_negative_results_and_costs_of_days_times_rates(case):
    scenario, years, seed = case
    result = run(scenario, years=years, replications=1, seed=seed, event_logs=1)
    for name in ("stocks", "flows", "waiting", "capacity"):
        assert np.all(getattr(result, name) >= 0), name
    grant = result.items.index(UASC_GRANT)  # income: the one line below zero
    assert np.all(result.costs[:, grant] <= 0)
    for name in ("days", "costs"):  # sums of floats: rounding may leave -1e-12 for a zero
        values = np.delete(result.costs, grant, axis=1) if name == "costs" else result.days
        assert np.all(np.isfinite(values)) and np.all(values >= -ROUNDING), name
    assert result.cla[0, 0] == scenario.params.population.total.value
    check_costs(result)


def test_no_child_comes_into_care_at_18_or_over():
    params = small_set(
        active=("mst",),
        population={"total": 0},
        entries={"direct": {"rate_per_month": 0.0}, "uasc": {"rate_per_month": 0.0}},
        programmes={
            "mst": {
                "age_range": {"low": 17, "high": 17},
                "therapists": 5.0,
                "referrals_per_month": 4.0,
                "duration_days": 400.0,
                "outcome_split": {"came_into_care": 1.0},
            }
        },
    )
    model = simulate(params, replication_seed(1, 0), 2 * 365.0)
    entered: dict[int, float] = {}
    at_once = []
    for t in model.log.rows():
        if t.to_state in PLACED and t.from_state not in PLACED:
            entered[t.child] = t.time
        elif t.to_state == STATES.index(State.TURNED_18) and entered[t.child] == t.time:
            at_once.append(t.child)
    assert len(entered) > 20
    assert not at_once, f"{len(at_once)} of {len(entered)} entered care at 18 or over"
