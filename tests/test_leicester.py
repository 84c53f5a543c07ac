"""The calibrated Leicester baseline: it loads, runs, and its key figures stay sane.

Bands are wide on purpose: these tests catch a broken calibration or a broken baseline, not a
recalibration (the engine's own tests use the small set in builders.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from sufficiency.pathway import PLACEMENT_NAMES, PROGRAMMES, STATES, State
from sufficiency.records import COUNTED
from sufficiency.results import RunResult
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .conftest import BASELINE_SCENARIO

FOSTER = ("foster_inhouse", "foster_kinship", "foster_ifa")


@pytest.fixture(scope="module")
def baseline_run() -> RunResult:
    return run(load_scenario(BASELINE_SCENARIO), years=2, replications=8, seed=1)


def test_the_baseline_loads_with_todays_children(baseline_params):
    assert baseline_params.name == "leicester"
    assert baseline_params.population.total.value == 597
    assert {e.name for e in baseline_params.entries} == {"direct", "uasc"}
    assert sum(h.beds.value for h in baseline_params.homes) == 27


def test_children_looked_after_stay_near_todays_number(baseline_run):
    census = baseline_run.cla[:, baseline_run.calendar.census]
    assert np.all(census[:, 0] == 597)
    assert np.all(np.abs(census.mean(axis=0) / 597 - 1) < 0.15), census.mean(axis=0)


def test_most_children_are_fostered(baseline_run):
    index = [STATES.index(State(name)) for name in FOSTER]
    ends = baseline_run.calendar.census
    fostered = baseline_run.stocks[:, index][:, :, ends].sum(axis=1)
    share = fostered.sum(axis=0) / baseline_run.cla[:, ends].sum(axis=0)
    assert np.all((share > 0.5) & (share < 0.7)), share


def test_placement_costs_are_tens_of_millions_a_year(baseline_run):
    items = [baseline_run.items.index(name) for name in (*PLACEMENT_NAMES, "home_inhouse_fixed")]
    first_year = np.array(baseline_run.calendar.month_years) == "2025-26"
    yearly = baseline_run.costs[:, items][:, :, first_year].sum(axis=(1, 2))
    assert np.all((yearly > 40e6) & (yearly < 60e6)), yearly


def test_in_house_places_are_never_overfilled_and_homes_are_nearly_full(baseline_run):
    for pool, state in enumerate((State.FOSTER_INHOUSE, State.HOME_INHOUSE)):
        children = baseline_run.stocks[:, STATES.index(state)]
        assert np.all(children <= baseline_run.capacity[:, pool]), state
    homes = baseline_run.stocks[:, STATES.index(State.HOME_INHOUSE)]
    assert homes.mean() > 0.8 * baseline_run.capacity[:, 1].mean()


def test_every_programme_starts_families(baseline_run):
    started = baseline_run.flows[:, COUNTED.index("families_started")]
    for prog in PROGRAMMES:
        assert started[:, baseline_run.routes.index(prog.value)].sum(axis=-1).min() > 0, prog
