"""A programme that changes nothing saves nothing (issue 11).

With ``--effect none``, a scenario that changes only programmes or reunification must, in every
paired replication, bring the same children into care on the same days as its base: the same
entries, placement days and placement cost, and a net saving of exactly minus the difference in
programme and investment cost.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency.paired import Comparison, compare_scenarios, paired_measures
from sufficiency.pathway import PLACEMENTS, PROGRAMMES
from sufficiency.scenario import Scenario, list_scenarios, load_scenario
from sufficiency.timeline import Change

from .builders import scenario_of, small_set
from .conftest import BASELINE_SCENARIO

LIBRARY = BASELINE_SCENARIO.parent
SERVICE_PATHS = ("programmes.", "reunification.")
THINNING = ".offered_fdm_per_month"
UNCHANGED = (
    "children_entering_care",
    "placement_days.all",
    *(f"placement_days.{p.value}" for p in PLACEMENTS),
    "placement_cost",
    "cla",
)


def changes_only_services(scenario: Scenario) -> bool:
    """True if every change is to a programme, reunification or the FDM thinning."""
    paths = [c.set or "" for c in scenario.changes]  # a home added has no path
    return bool(paths) and all(p.startswith(SERVICE_PATHS) or p.endswith(THINNING) for p in paths)


SERVICE_SCENARIOS = sorted(
    s.name for s in list_scenarios(LIBRARY) if s.name != "baseline" and changes_only_services(s)
)


def assert_nothing_saved(comparison: Comparison) -> None:
    """Every paired replication: the same care, and net saving = -(extra service cost)."""
    base = comparison.measures_of(comparison.base)
    for name, other in comparison.others.items():
        theirs = comparison.measures_of(other)
        for measure in UNCHANGED:
            np.testing.assert_array_equal(theirs[measure][0], base[measure][0], err_msg=name)
        extra = theirs["investment_cost"][0] - base["investment_cost"][0]
        saving = paired_measures(comparison.base, other)["net_saving"][0]
        np.testing.assert_allclose(saving, -extra, rtol=0, atol=1e-6, err_msg=name)


def test_the_shipped_service_scenarios_are_found():
    assert {
        "no-edge-of-care",
        "fdm-every-pre-proceedings-family",
        "add-2-fft-reunification-therapists",
        "mst-full-staffing",
    } <= set(SERVICE_SCENARIOS)


@pytest.mark.parametrize("name", SERVICE_SCENARIOS)
def test_with_no_effect_a_shipped_service_scenario_saves_only_its_cost(name):
    """On the set fitted under ``none`` (as ``compare --effect none`` loads it), whose fitted
    deflators are drawn in every replication with the outcome split following them."""
    base = load_scenario(LIBRARY / "baseline.yaml", effect="none")
    other = load_scenario(LIBRARY / f"{name}.yaml", effect="none")
    assert base.params.fit is not None and base.params.fit.effect == "none"
    comparison = compare_scenarios(base, [other], years=3, replications=3, seed=5, effect="none")
    assert_nothing_saved(comparison)


HORIZON = 2 * 365


def service_changes() -> st.SearchStrategy[list[Change]]:
    """Dated changes to staffing, caseloads, waits and durations, reunification staffing and
    the share of direct entries offered FDM."""
    progs = st.sampled_from([p.value for p in PROGRAMMES])
    day = st.integers(1, HORIZON - 1)
    value = st.floats(0, 6, allow_nan=False)
    one = st.one_of(
        st.builds(Change, day, progs.map(lambda p: f"programmes.{p}.therapists"), value),
        st.builds(
            Change,
            day,
            progs.map(lambda p: f"programmes.{p}.caseload"),
            value.map(lambda v: v + 0.5),
        ),
        st.builds(
            Change,
            day,
            progs.map(lambda p: f"programmes.{p}.max_wait_days"),
            value.map(lambda v: v * 20),
        ),
        st.builds(
            Change,
            day,
            progs.map(lambda p: f"programmes.{p}.duration_days"),
            value.map(lambda v: v * 40 + 5),
        ),
        st.builds(Change, day, st.just("reunification.therapists"), value),
        st.builds(Change, day, st.just("entries.direct.offered_fdm_per_month"), value),
    )
    return st.lists(one, min_size=1, max_size=4)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timeline=service_changes(), seed=st.integers(0, 1000))
def test_with_no_effect_random_service_changes_save_only_their_cost(timeline, seed):
    busy = {"therapists": 1.0, "caseload": 2.0, "referrals_per_month": 3.0, "max_wait_days": 30.0}
    params = small_set(
        population={"total": 60},
        programmes={p.value: busy for p in PROGRAMMES},
        reunification={"therapists": 1.0, "min_days_in_care": 30.0},
    )
    base = scenario_of(params)
    other = dataclasses.replace(scenario_of(params, timeline), name="changed")
    comparison = compare_scenarios(base, [other], years=2, replications=2, seed=seed, effect="none")
    assert_nothing_saved(comparison)
