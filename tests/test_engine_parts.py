"""The engine's parts: waiting lists, share draws, today's time in care, dated peaks, GC pause."""

from __future__ import annotations

import gc
import math

import numpy as np
import pytest

from sufficiency.calendar import Calendar
from sufficiency.engine.children import ExitLaw
from sufficiency.engine.model import Model, replicate, simulate
from sufficiency.engine.placements import Slots
from sufficiency.engine.population import elapsed_in_care
from sufficiency.engine.streams import Shares, Streams
from sufficiency.measures import reduce
from sufficiency.pathway import AGE_BANDS, DAYS_PER_YEAR, STATES, State, age_band
from sufficiency.runner import replication_seed

from .builders import Change, small_set


class Entry:
    waiting = False


def test_a_freed_slot_goes_to_the_longest_waiting_family_still_waiting():
    granted: list[Entry] = []
    slots = Slots(1, granted.append)
    slots.take()
    first, gone, third = Entry(), Entry(), Entry()
    for entry in (first, gone, third):
        slots.join(entry)
    assert not slots.has_free()
    gone.waiting = False  # its maximum wait passed
    slots.release()
    assert granted == [first] and not first.waiting
    slots.release()
    assert granted == [first, third]
    slots.release()
    assert slots.has_free() and slots.free == 1 and not slots.queue


def test_added_slots_serve_the_waiting_list_at_once():
    granted: list[Entry] = []
    slots = Slots(0, granted.append)
    waiting = [Entry() for _ in range(3)]
    for entry in waiting:
        slots.join(entry)
    slots.resize(2)
    assert granted == waiting[:2] and slots.free == 0 and slots.capacity == 2


def test_no_family_waits_past_the_maximum_wait():
    """Served families, and families whose risk turned into care while they waited, waited at
    most the maximum; turned-away ones exactly the maximum."""
    max_wait = 20.0
    params = small_set(
        active=("mst",),
        population={"total": 0},
        programmes={
            "mst": {
                "referrals_per_month": 6.0,
                "children_per_family": 1.0,
                "therapists": 2.0,
                "caseload": 1.0,
                "max_wait_days": max_wait,
            }
        },
    )
    model = simulate(params, replication_seed(2, 0), 5 * 365.0)
    joined: dict[int, float] = {}
    served: list[float] = []
    turned_away: list[float] = []
    waiting, in_mst = STATES.index(State.WAITING), STATES.index(State.IN_MST)
    home = STATES.index(State.HOME)
    into_care: list[float] = []
    for t in model.log.rows():
        if t.to_state == waiting and t.time > 0:
            joined[t.child] = t.time
        elif t.from_state == waiting and t.child in joined:  # not waiting since before day 0
            wait = t.time - joined[t.child]
            {in_mst: served, home: turned_away}.get(t.to_state, into_care).append(wait)
    assert len(served) > 20 and len(turned_away) > 20
    assert max(served + into_care) <= max_wait
    assert np.allclose(turned_away, max_wait)


def test_shares_never_draw_a_zero_share_and_give_the_remainder_to_the_last_key():
    shares = Shares({"a": 0.25, "b": 0.0, "c": 0.5})
    assert [shares.pick(u) for u in (0.0, 0.2499, 0.25, 0.74, 0.75, 0.999)] == [
        "a",
        "a",
        "c",
        "c",
        "c",
        "c",
    ]
    with pytest.raises(ValueError, match="positive"):
        Shares({"a": 0.0})


def stationary_mean(law: ExitLaw, age: float) -> float:
    """Mean of the density proportional to survival (band at entry) on [0, age]."""
    a = np.linspace(0.0, age, 200_001)
    density = np.array([law.survival(age_band(age - x), x) for x in a[::100]])
    grid = a[::100]
    return float(np.trapezoid(grid * density, grid) / np.trapezoid(density, grid))


@pytest.mark.parametrize("years", [3.0, 12.5, 17.5])
def test_time_already_in_care_follows_the_stationary_law(years):
    law = ExitLaw(small_set().exits)
    age = years * DAYS_PER_YEAR
    draws = elapsed_in_care(law, np.full(20_000, age), np.random.default_rng(7))
    assert draws.min() >= 0 and draws.max() <= age
    standard_error = draws.std() / math.sqrt(len(draws))
    assert abs(draws.mean() - stationary_mean(law, age)) < 4 * standard_error


def test_the_peak_of_a_dated_parameter_follows_set_and_add():
    path = "matching.supported_at_16"
    params = small_set(matching={"supported_at_16": 0.3})
    changes = [Change(10.0, path, 0.2), Change(20.0, path, 0.5, add=True), Change(30.0, path, 0.1)]
    model = Model(params, Streams(replication_seed(1, 0)), 100.0, changes)
    assert model.value(path) == 0.3
    assert model.peak(path) == pytest.approx(0.7)
    assert Model(params, Streams(replication_seed(1, 0)), 100.0).peak(path) == 0.3


@pytest.mark.parametrize("enabled", [True, False])
def test_replicate_restores_the_garbage_collector_and_keeps_only_the_reduction(enabled):
    params = small_set()
    cal_days = 365.0
    (gc.enable if enabled else gc.disable)()
    try:
        kept = replicate(
            params,
            replication_seed(4, 0),
            cal_days,
            [],
            lambda model: (gc.isenabled(), model._next_id),
        )
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert kept[0] is False  # paused during the replication
    again = simulate(params, replication_seed(4, 0), cal_days)
    assert kept[1] == again._next_id  # the same replication either way


def test_replicate_and_simulate_reduce_to_the_same_arrays():
    params = small_set()
    cal = Calendar(params.start_date, 1)
    one = replicate(
        params, replication_seed(9, 1), cal.horizon, [], lambda model: reduce(model, cal, [])
    )
    two = reduce(simulate(params, replication_seed(9, 1), cal.horizon), cal, [])
    for name in ("stocks", "days", "flows", "waiting", "capacity", "costs"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name


def test_every_age_band_has_an_exit_scale():
    law = ExitLaw(small_set().exits)
    assert set(law.scale) == set(AGE_BANDS)
