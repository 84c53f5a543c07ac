"""A parameter draw validates again only what it changes, and gives what validating the whole
revised set gives: the same set, or the same failure (and so the same redraw)."""

from __future__ import annotations

from functools import partial

import pytest

from sufficiency.errors import InputError
from sufficiency.parameters import ParameterSet, load_parameters, revised
from sufficiency.paths import sourced
from sufficiency.revisions import Revision
from sufficiency.scenario import load_scenario
from sufficiency.uncertainty import ATTEMPTS, Draws

from .builders import small_set

BRIDGING = "moves.bridging_share"


def drawn_in_full(draws: Draws, root: int) -> tuple[ParameterSet, int]:
    """The draw from ``root`` made by validating each attempt's whole revised set, and the
    attempts it took (``with_effect`` left out: it is the same after either)."""
    for attempt in range(ATTEMPTS):
        try:
            return revised(
                draws.params, partial(draws.draw_all, root=root, attempt=attempt)
            ), attempt
        except InputError:
            continue
    return draws.params, ATTEMPTS


def drawn_in_part(draws: Draws, root: int) -> ParameterSet:
    for attempt in range(ATTEMPTS):
        try:
            return draws.revision(partial(draws.draw_all, root=root, attempt=attempt))
        except InputError:
            continue
    return draws.params


@pytest.mark.parametrize(
    "params",
    [
        load_scenario("scenarios/baseline.yaml").params,
        load_parameters("calibration/leicester.trial.yaml"),
    ],
    ids=["baseline", "trial"],
)
def test_a_draw_is_the_draw_validated_in_full(params: ParameterSet) -> None:
    draws = Draws.of(params)
    assert draws is not None and draws.uncertain and params.fit is not None
    for root in range(5):
        full, _ = drawn_in_full(draws, root)
        part = drawn_in_part(draws, root)
        assert part == full
        assert part.model_dump_json() == full.model_dump_json()
        assert part != params


def test_a_draw_breaking_validation_is_drawn_again_as_in_full() -> None:
    """A share drawn from a wide normal often falls outside [0, 1]: each attempt fails or
    passes as the whole set's validation does."""

    def widen(data: dict) -> None:
        sourced(data, BRIDGING).update(value=0.2, uncertainty={"distribution": "normal", "sd": 0.4})

    draws = Draws.of(revised(small_set(), widen))
    assert draws is not None
    retried = 0
    for root in range(12):
        full, attempts = drawn_in_full(draws, root)
        retried += attempts > 0
        assert drawn_in_part(draws, root) == full
    assert retried > 0


def test_a_revision_changes_only_its_paths() -> None:
    params = small_set()
    path = tuple(BRIDGING.split("."))
    revision = Revision(params, [path])

    def halve(data: dict) -> None:
        node = sourced(data, BRIDGING)
        node["value"] /= 2

    assert revision(halve).moves.bridging_share.value == params.moves.bridging_share.value / 2
    assert revision(halve).exits is params.exits  # validated once, shared
    assert revision(halve) == revised(params, halve)
    assert (
        params.moves.bridging_share.value == revision(lambda data: None).moves.bridging_share.value
    )

    def off_path(data: dict) -> None:
        data["moves"]["bridging_months"] = sourced(data, "moves.bridging_months") | {"value": 1.0}

    with pytest.raises(ValueError, match="bridging_months"):
        revision(off_path)


def test_a_revision_reaches_a_name_holding_a_dot() -> None:
    def rename(data: dict) -> None:
        data["homes"][0]["name"] = "St. Anne's"

    params = revised(small_set(), rename)
    revision = Revision(params, [("homes", "St. Anne's", "beds")])

    def one_more(data: dict) -> None:
        data["homes"][0]["beds"]["value"] += 1

    assert revision(one_more).homes[0].beds.value == params.homes[0].beds.value + 1
