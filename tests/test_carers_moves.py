"""Foster-carer households and matching, placement moves, and the DfE's placement stability
count."""

from __future__ import annotations

import numpy as np
import pytest

from sufficiency.calendar import Calendar
from sufficiency.engine.model import build, simulate
from sufficiency.measures import flow_array, routes_for, three_or_more_placements
from sufficiency.pathway import DAYS_PER_YEAR, PLACEMENT_NAMES, STATE_INDEX, State
from sufficiency.records import ALL_ROUTES, COUNTED_INDEX, MOVE_KINDS, Measure, MoveKind
from sufficiency.runner import replication_seed

from .builders import Change, small_set, teenagers_wanting

YEARS = 2
HORIZON = YEARS * 365.0
CLA = {STATE_INDEX[State(p)] for p in PLACEMENT_NAMES}


def teenagers_wanting_inhouse_foster(**carers):
    """Only 10-15 year olds coming into care, all of whom want in-house foster care first."""
    return teenagers_wanting(
        "foster_inhouse",
        6.0,
        moves={"bridging_share": 0.0},
        foster_carers={"recruitment_per_year": 0.0, "attrition_per_year": 0.0, **carers},
    )


def placed_externally(model, want: State) -> int:
    return sum(n for _, route, n in model.log.counted(Measure.PLACED_EXTERNALLY) if route == want)


def test_a_child_goes_only_to_a_household_that_takes_its_age():
    model = simulate(
        teenagers_wanting_inhouse_foster(age_ranges={"0-9": 1.0}), replication_seed(1, 0), HORIZON
    )
    entries = sum(n for _, _, n in model.log.counted(Measure.ENTRIES))
    assert entries > 50
    assert not any(row.to_state == STATE_INDEX[State.FOSTER_INHOUSE] for row in model.log.rows())
    assert placed_externally(model, State.FOSTER_INHOUSE.value) == entries


def test_households_on_hold_take_no_new_child():
    held = simulate(
        teenagers_wanting_inhouse_foster(usable_share=0.0), replication_seed(1, 0), HORIZON
    )
    usable = simulate(
        teenagers_wanting_inhouse_foster(usable_share=1.0), replication_seed(1, 0), HORIZON
    )
    assert not held.placed[State.FOSTER_INHOUSE]
    assert len(usable.placed[State.FOSTER_INHOUSE]) > 0
    assert placed_externally(usable, "foster_inhouse") < placed_externally(held, "foster_inhouse")


def test_in_house_foster_capacity_binds_and_holds_the_households_places():
    """Twenty households of 1.5 places on average, usable 80% of the time, and 6 teenagers a
    month wanting them: some go to agencies, and no household holds more than its places."""
    model = build(teenagers_wanting_inhouse_foster(), replication_seed(2, 0), HORIZON)
    carers = model.carers
    assert carers is not None
    while model.env.peek() < model.horizon:
        model.env.step()
        assert all(h.children <= h.places for h in carers.register.values())
        assert carers.occupied == len(model.placed[State.FOSTER_INHOUSE])
    assert placed_externally(model, "foster_inhouse") > 0
    assert carers.occupied > 0


def test_leaving_rises_with_the_carers_age():
    params = small_set(foster_carers={"age_sd": 0.0, "mean_age": 50.0, "recruit_age": 50.0})
    model = build(params, replication_seed(3, 0), HORIZON)
    carers = model.carers
    assert carers is not None
    rate = params.foster_carers.attrition_per_year.value
    h = next(iter(carers.active.values()))
    assert {h.born for h in carers.active.values()} == {-50.0}  # aged 50 at the start
    day = 1.0 / DAYS_PER_YEAR
    assert carers.hazard(h, 0.0, 1.0) == pytest.approx(rate * day, rel=1e-3)
    ten = 10 * DAYS_PER_YEAR
    aged_60 = carers.hazard(h, ten, ten + 1.0) / day
    assert aged_60 / rate == pytest.approx(1.5, rel=1e-3)  # attrition_ratio_per_decade


def households(model) -> dict[float, tuple]:
    """Households still approved at the end, by their carers' birth year."""
    carers = model.carers
    assert carers is not None
    return {h.born: (h.bands, h.places) for h in carers.active.values()}


def test_a_recruitment_drive_keeps_the_baselines_households_and_adds_more():
    """Common random numbers: recruiting more approves the baseline's households and some
    more, and the baseline's households leave on the same days."""
    params = small_set()
    seed = replication_seed(6, 0)
    base = simulate(params, seed, HORIZON)
    more = Change(100.0, "foster_carers.recruitment_per_year", 8.0, add=True)
    drive = simulate(params, seed, HORIZON, [more])
    kept, grown = households(base), households(drive)
    assert kept.items() <= grown.items()
    assert len(grown) > len(kept)


def test_every_move_between_placements_is_counted_by_its_kind():
    params = small_set(moves={"bridging_share": 0.5})
    model = simulate(params, replication_seed(4, 0), HORIZON)
    rows = model.log.rows()
    between = sum(1 for r in rows if r.from_state in CLA and r.to_state in CLA)
    by_kind = {kind: 0 for kind in MOVE_KINDS}
    for _, kind, n in model.log.counted(Measure.MOVES):
        by_kind[kind] += n
    assert sum(by_kind.values()) == between
    assert by_kind[MoveKind.BRIDGING] > 0 and by_kind[MoveKind.BREAKDOWN] > 0


def test_moves_to_supported_reach_activity_under_route_all():
    """A measure counted only under ``all`` keeps its count (it was overwritten by the sum of
    the other routes, always 0)."""
    params = small_set(matching={"supported_at_16": 1.0})
    model = simulate(params, replication_seed(5, 0), HORIZON)
    cal = Calendar(params.start_date, YEARS)
    flows = flow_array(model, cal)
    counted = sum(n for _, _, n in model.log.counted(Measure.MOVES_TO_SUPPORTED))
    assert counted > 0
    row = flows[COUNTED_INDEX[Measure.MOVES_TO_SUPPORTED], routes_for(params).index(ALL_ROUTES)]
    assert row.sum() == counted


def test_three_or_more_placements_are_counted_as_the_dfe_counts_them():
    states = (State.FOSTER_INHOUSE, State.FOSTER_IFA, State.HOME_INHOUSE, State.REUNIFIED)
    foster, ifa, home, gone = (STATE_INDEX[s] for s in states)
    rows = [(0, child, -1, foster) for child in range(4)]
    rows += [(10, 0, foster, ifa), (20, 0, ifa, home)]  # child 0: three in year 0, in care
    rows += [(30, 1, foster, ifa), (40, 1, ifa, home), (50, 1, home, gone)]  # child 1: left
    rows += [(100, 3, foster, ifa)]  # child 3: two in year 0
    rows += [(400, 2, foster, foster), (500, 2, foster, foster)]  # child 2: three in year 1
    rows += [(600, 3, ifa, home)]  # child 3: two in year 1 (held one as it began)
    log = np.array(rows, dtype=float)
    log = log[np.argsort(log[:, 0], kind="stable")]
    assert three_or_more_placements(log, np.array([0.0, 365.0, 730.0])).tolist() == [1, 1]
