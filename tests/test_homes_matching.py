"""In-house children's homes: a bed a child leaves is matched again only after a while."""

from __future__ import annotations

from sufficiency.engine.model import build, simulate
from sufficiency.pathway import AGE_BANDS, State
from sufficiency.records import Measure
from sufficiency.runner import replication_seed

from .builders import teenagers_wanting

HORIZON = 3 * 365.0


def teenagers_wanting_a_home(match_months: float | None):
    """Only 10-15 year olds coming into care, all of whom want an in-house home first; no
    moves."""
    return teenagers_wanting(
        "home_inhouse",
        3.0,
        {"home_match_months": match_months},
        moves={"bridging_share": 0.0, "step_up_per_year": dict.fromkeys(AGE_BANDS, 0.0)},
    )


def placed_externally(model) -> int:
    return sum(
        n for _, route, n in model.log.counted(Measure.PLACED_EXTERNALLY) if route == "home_inhouse"
    )


def bed_days(model) -> float:
    """Occupied in-house bed-days over the run, from the per-home occupancy log."""
    occupied, last, total = 0, 0.0, 0.0
    for day, _, change in sorted(model.log.occupancy):
        total += occupied * (day - last)
        occupied, last = occupied + change, day
    return total + occupied * (HORIZON - last)


def test_a_freed_bed_takes_no_child_until_it_is_matched_again():
    model = build(teenagers_wanting_a_home(2.0), replication_seed(7, 0), HORIZON)
    homes = model.homes
    waited = False
    while model.env.peek() < model.horizon:
        model.env.step()
        for home in homes.homes:
            assert 0 <= home.free <= home.capacity
        occupied = len(model.placed[State.HOME_INHOUSE])
        assert occupied <= homes.capacity
        waited |= occupied + homes.free < homes.capacity  # a bed being matched
    assert waited
    assert placed_externally(model) > 0


def test_matching_time_lowers_occupancy_and_sends_more_children_to_external_homes():
    seed = replication_seed(8, 0)
    at_once = simulate(teenagers_wanting_a_home(None), seed, HORIZON)
    matched = simulate(teenagers_wanting_a_home(4.0), seed, HORIZON)
    assert bed_days(matched) < bed_days(at_once)
    assert placed_externally(matched) > placed_externally(at_once)
