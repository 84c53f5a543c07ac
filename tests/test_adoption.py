"""Children placed for adoption: a looked-after state reached before an adoption order, and left
only by adoption; its parameters, costs and the calibration's DfE figures."""

from __future__ import annotations

import copy
import datetime as dt
import math

import numpy as np
import pytest
from scipy.integrate import quad

from sufficiency.calibration import dfe_adoption
from sufficiency.calibration.dfe_sources import MIX, PLACED_FOR_ADOPTION
from sufficiency.calibration.figures import Figures
from sufficiency.calibration.sources import load_sources
from sufficiency.calibration.targets import DFE_MIX
from sufficiency.engine.adoption import ON_ENTRY, drawn_mean
from sufficiency.engine.model import simulate
from sufficiency.errors import InputError
from sufficiency.measures import transitions
from sufficiency.parameters import build_parameters, load_parameters
from sufficiency.pathway import AGE_BANDS, MONTH, STATE_INDEX, State
from sufficiency.runner import replication_seed, run

from .builders import scenario_of, small_set
from .conftest import BASELINE_PARAMETERS
from .test_inputs import a_change, refused, scenario_text

PFA_NAME = State.PLACED_FOR_ADOPTION.value
PFA = STATE_INDEX[State.PLACED_FOR_ADOPTION]
PERMANENCE = STATE_INDEX[State.PERMANENCE]
YEARS = 3


def adoptive_set(share: float = 0.05, months: float = 9.0):
    """The small set, no programmes, ``share`` of today's children placed for adoption."""
    shares = {
        "foster_inhouse": 0.35,
        "foster_ifa": 0.3,
        "home_external": 0.1,
        "supported_accommodation": 0.2 - share,
        "placed_with_parents": 0.05,
        "placed_for_adoption": share,
    }
    adoption = {
        "share_of_permanence_by_band": {"0-4": 0.6, "5-9": 0.6, "10-15": 0.0, "16-17": 0.0},
        "months_placed": months,
    }
    base = small_set(active=()).exits.model_dump(mode="python")
    exits = {key: node for key, node in base.items() if key != "adoption"}
    return small_set(
        active=(),
        population={"total": 400, "placement_shares": shares},
        exits={**exits, "adoption": adoption},
    )


def moves_of(params, seed: int = 1) -> np.ndarray:
    model = simulate(params, replication_seed(seed, 0), YEARS * 365.25)
    return transitions(model)


def test_every_child_placed_for_adoption_leaves_care_by_adoption():
    log = moves_of(adoptive_set())
    rows = np.flatnonzero(log[:, 3] == PFA)
    assert (log[rows, 0] > 0).sum() > 10  # children move in with adopters during the run
    for row in rows:
        child = log[row, 1]
        after = log[row + 1 :][log[row + 1 :, 1] == child]
        assert len(after) <= 1, f"child {child} moved again after its adopters"
        if len(after):
            assert after[0, 3] == PERMANENCE, f"child {child} left other than by adoption"


def test_no_child_is_placed_for_adoption_without_an_adoption_share():
    params = adoptive_set(share=0.0)
    exits = params.exits.model_dump(mode="python")
    exits["adoption"]["share_of_permanence_by_band"]["value"] = dict.fromkeys(AGE_BANDS, 0.0)
    log = moves_of(small_set(active=(), exits=exits))
    assert not (log[:, 3] == PFA).any()
    assert (log[:, 3] == PERMANENCE).sum() > 10  # permanence exits still happen


def test_the_time_placed_follows_the_mean():
    """Children already placed for adoption at the start leave after the mean time placed
    (the time left is exponential with the same mean)."""
    log = moves_of(adoptive_set(share=0.2, months=6.0), seed=2)
    start = log[(log[:, 2] == -1) & (log[:, 3] == PFA), 1]
    leaving = log[np.isin(log[:, 1], start) & (log[:, 3] == PERMANENCE)]
    assert len(start) == 80 and len(leaving) >= 75
    assert leaving[:, 0].mean() == pytest.approx(6.0 * MONTH, rel=0.25)


def test_placed_for_adoption_costs_nothing_and_counts_as_looked_after():
    result = run(scenario_of(adoptive_set(share=0.1)), years=1, replications=2, seed=3)
    days = result.placement_days_frame()
    pfa = days[days["placement"] == "placed_for_adoption"]
    assert pfa["mean"].sum() > 0
    costs = result.costs_frame()
    assert costs[costs["item"] == "placed_for_adoption"]["mean"].abs().sum() == 0


def edited(edit) -> InputError:
    """The error building the baseline parameters with ``edit`` applied to their data."""
    data = copy.deepcopy(load_parameters(BASELINE_PARAMETERS).model_dump(mode="python"))
    edit(data)
    with pytest.raises(InputError) as err:
        build_parameters(data, "p.yaml")
    return err.value


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("exits.adoption.months_placed", 0, "a number > 0"),
        (
            "exits.adoption.share_of_permanence_by_band",
            "{0-4: 1.5, 5-9: 0.5, 10-15: 0, 16-17: 0}",
            "a number <= 1",
        ),
    ],
)
def test_a_bad_adoption_value_is_refused_by_the_cli(tmp_path, path, value, expected):
    file = tmp_path / "bad.yaml"
    file.write_text(scenario_text(a_change("2025-04-01", set=path, value=value)))
    message = refused(file)
    assert message.startswith("changes[0].value: ") and expected in message, message


def test_placed_for_adoption_is_not_a_first_placement_nor_reunified():
    def prefer(data):
        data["matching"]["preferences"]["value"]["0-4"]["standard"]["placed_for_adoption"] = 0.1

    err = edited(prefer)
    assert err.field.startswith("matching.preferences")
    assert "'placed_for_adoption' is not one" in err.expected
    err = edited(lambda d: d["reunification"]["eligible_placements"]["value"].append(PFA_NAME))
    assert err.field.startswith("reunification.eligible_placements")


def test_children_placed_for_adoption_need_an_adoption_share():
    def no_adoptions(data):
        by_band = data["exits"]["adoption"]["share_of_permanence_by_band"]["value"]
        data["exits"]["adoption"]["share_of_permanence_by_band"]["value"] = dict.fromkeys(
            by_band, 0.0
        )

    err = edited(no_adoptions)
    assert "share_of_permanence_by_band above 0" in err.expected


def test_the_calibration_reads_leicesters_adoptions_from_the_dfe():
    """Adopted over permanence, and Little's law, pooled over the DfE years (2020-21 to
    2023-24: 103 adopted of 219 permanence exits; 98 placed for adoption at four 31 Marches)."""
    fig = Figures(load_sources())
    data = load_parameters(BASELINE_PARAMETERS).model_dump(mode="python")
    dfe_adoption.apply(data, fig)
    node = data["exits"]["adoption"]
    part = dfe_adoption.under_ten_share(data)
    assert node["share_of_permanence_by_band"]["value"]["0-4"] == pytest.approx(
        103 / 219 / part, abs=1e-4
    )
    assert node["share_of_permanence_by_band"]["value"]["10-15"] == 0.0
    assert node["months_placed"]["value"] == pytest.approx(98 / 4 / (103 / 4) * 12, rel=1e-2)
    assert "Little's law" in node["months_placed"]["source"]


def test_the_baseline_has_children_placed_for_adoption_as_the_dfe_counts():
    """At 31 March 2026 about as many as the DfE's 17-34 a year at 31 March 2021-2024, and
    every one with an adoption to come."""
    params = load_parameters(BASELINE_PARAMETERS)
    result = run(scenario_of(params), years=2, replications=4, seed=5)
    stocks = result.snapshots_frame()
    march = stocks[(stocks["date"] == dt.date(2026, 3, 31)) & (stocks["state"] == PFA_NAME)]
    assert 12 <= float(march["mean"].iloc[0]) <= 45


@pytest.mark.parametrize(("scale", "shape"), [(1400.0, 0.8), (600.0, 0.8), (900.0, 1.5)])
def test_the_drawn_time_before_exit_gives_the_mean_time_placed(scale, shape):
    """min(D, T) for the D drawn has the target mean, by direct integration."""
    target = 11.4 * MONTH
    m = drawn_mean(target, scale, shape)
    realised = quad(lambda t: math.exp(-t / m - (t / scale) ** shape), 0, math.inf)[0]
    assert m > target and realised == pytest.approx(target, rel=5e-3)


def test_a_time_in_care_shorter_than_the_time_placed_moves_in_on_entry():
    assert drawn_mean(11.4 * MONTH, 5 * MONTH, 0.8) == ON_ENTRY


def test_the_fits_supported_or_other_share_counts_children_placed_for_adoption():
    """The DfE counts children placed for adoption in the combined share the fit matches."""
    counted = {name: states for name, states, _ in DFE_MIX}
    assert State.PLACED_FOR_ADOPTION in counted["dfe_pct_cla_in_supported_or_other"]
    assert PLACED_FOR_ADOPTION in MIX["dfe_pct_cla_in_supported_or_other"]
    assert all(State.PLACED_FOR_ADOPTION not in counted[m] for m in counted if "other" not in m)
