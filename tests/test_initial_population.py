"""Today's children: the exits drawn for children already in care agree with the children the
population places with adopters (no child leaves by an adoption it should already be placed for)."""

from __future__ import annotations

import numpy as np
import pytest

from sufficiency.engine import engine_kind, population
from sufficiency.engine.children import AGE_18, U_EXIT, U_ROUTE, ExitLaw
from sufficiency.engine.model import build
from sufficiency.engine.population import not_yet_placed, stationary
from sufficiency.pathway import State, age_band
from sufficiency.runner import replication_seed

from .test_adoption import adoptive_set


def already_placed(law: ExitLaw, drawn) -> int:
    """Children not placed for adoption whose drawn adoption would have placed them by now."""
    placements, draws, ages, elapsed = drawn
    count = 0
    for placement, row, age, already in zip(placements, draws, ages, elapsed):
        if placement is State.PLACED_FOR_ADOPTION or not already:
            continue
        band = age_band(age - already)
        plan = law.plan(band, row[U_EXIT], row[U_ROUTE], already, AGE_18 - age)
        count += plan[2] is not None and plan[2] <= 0
    return count


def test_children_already_in_care_are_not_left_to_an_adoption_that_is_past():
    params = adoptive_set(share=0.05, months=9.0)
    law = ExitLaw(params.exits)
    rng = np.random.default_rng(4)
    placements, draws, ages, elapsed = stationary(params.population, law, rng)
    before = draws.copy()
    assert already_placed(law, (placements, draws, ages, elapsed)) > 5
    not_yet_placed(law, placements, draws, ages - elapsed, elapsed, rng)
    assert already_placed(law, (placements, draws, ages, elapsed)) == 0
    changed = np.flatnonzero((draws != before).any(axis=1))
    assert len(changed) > 5
    assert all(placements[i] is not State.PLACED_FOR_ADOPTION for i in changed)
    others = np.delete(np.arange(draws.shape[1]), [U_EXIT, U_ROUTE])
    assert (draws[:, others] == before[:, others]).all()


@pytest.mark.skipif(
    engine_kind() == "compiled", reason="compiled code calls not_yet_placed directly, unpatched"
)
def test_a_population_without_children_placed_for_adoption_keeps_its_exits(monkeypatch):
    """With none placed for adoption nobody stands for the children already placed, so the
    draws are left whole (recorded SSDA903 cells count them among other placements)."""
    calls = []
    original = population.not_yet_placed
    monkeypatch.setattr(population, "not_yet_placed", lambda *a: calls.append(original(*a)))
    build(adoptive_set(share=0.0), replication_seed(1, 0), 365.25)
    assert not calls
    build(adoptive_set(share=0.05), replication_seed(1, 0), 365.25)
    assert len(calls) == 1
