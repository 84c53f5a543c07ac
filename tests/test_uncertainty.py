"""Joint parameter uncertainty (issue 11): the fit's knobs drawn together from its covariance,
stated uncertainties each from its own stream, pairs of replications sharing one draw, and the
split of a result's variance between chance and parameters."""

from __future__ import annotations

import numpy as np
import pytest

from sufficiency.calibration.knobs import KNOBS
from sufficiency.effects import care_share, preset_care_share, with_effect
from sufficiency.parameters import JointFit, revised
from sufficiency.paths import sourced, sourced_items
from sufficiency.pathway import Programme
from sufficiency.runner import parameter_rng, replication_seed, run
from sufficiency.uncertainty import SHARING, chance_share, draw_index, draw_parameters

from .builders import scenario_of, small_set

RATE = "entries.direct.rate_per_month"
MONTHS = "exits.mean_months_by_band"


def certain(params):
    """``params`` with no value's own uncertainty."""

    def strip(data: dict) -> None:
        for _, node in sourced_items(data):
            node["uncertainty"] = None

    return revised(params, strip)


def with_fit(params, covariance, **more):
    """``params`` with a two-knob fit block (direct entry rate, exit-time multiplier)."""
    block = JointFit(
        effect="service",
        source="fitted: a test",
        knobs=[
            {"name": "direct_entry_rate", "estimate": 10.0, "paths": [RATE]},
            {"name": "exit_time_multiplier", "estimate": 1.0, "paths": [MONTHS]},
        ],
        log_covariance=covariance,
    )
    return params.model_copy(update={"fit": block, **more})


def draws(params, n: int = 400) -> np.ndarray:
    """(n, 2): the log ratio of each draw's direct entry rate and first band's months to the
    set's own."""
    rate = params.entries[0].rate_per_month.value
    months = params.exits.mean_months_by_band.value["0-4"]
    out = []
    for i in range(n):
        drawn = draw_parameters(params, parameter_rng(replication_seed(1, i)))
        out.append(
            [
                np.log(drawn.entries[0].rate_per_month.value / rate),
                np.log(drawn.exits.mean_months_by_band.value["0-4"] / months),
            ]
        )
    return np.array(out)


def test_the_knobs_are_drawn_together_with_the_fits_covariance():
    params = with_fit(certain(small_set()), [[0.04, -0.03], [-0.03, 0.04]])
    logs = draws(params)
    assert np.corrcoef(logs.T)[0, 1] == pytest.approx(-0.75, abs=0.1)
    assert logs.std(axis=0) == pytest.approx([0.2, 0.2], rel=0.15)
    assert abs(logs.mean(axis=0)).max() < 0.05


def test_a_set_with_nothing_uncertain_is_returned_as_it_is():
    fixed = certain(small_set())
    assert draw_parameters(fixed, parameter_rng(replication_seed(1, 0))) is fixed


def test_the_same_seed_gives_the_same_draw_and_pairs_share_it():
    params = with_fit(small_set(), [[0.04, 0.0], [0.0, 0.04]])
    first, again = (
        draw_parameters(params, parameter_rng(replication_seed(3, draw_index(i)))) for i in (0, 1)
    )
    other = draw_parameters(params, parameter_rng(replication_seed(3, draw_index(SHARING))))
    assert first == again
    assert first.entries[0].rate_per_month.value != other.entries[0].rate_per_month.value


def test_fixing_one_value_leaves_every_other_draw_as_it_was():
    params = small_set()
    assert params.entries[0].rate_per_month.uncertainty is not None
    data = params.model_dump(mode="python")
    sourced(data, "costs.inflation_per_year")["uncertainty"] = {
        "distribution": "normal",
        "sd": 0.01,
    }
    uncertain = revised(params, lambda d: d.update(data))
    fixed_rate = revised(uncertain, lambda d: sourced(d, RATE).update(value=5.0, uncertainty=None))
    rng = lambda: parameter_rng(replication_seed(9, 0))  # noqa: E731
    a, b = draw_parameters(uncertain, rng()), draw_parameters(fixed_rate, rng())
    assert a.costs.inflation_per_year.value == b.costs.inflation_per_year.value
    assert a.costs.inflation_per_year.value != uncertain.costs.inflation_per_year.value
    assert b.entries[0].rate_per_month.value == 5.0


@pytest.mark.parametrize("name", ["foster_preference_weight"])
def test_rescaling_a_weight_composes_with_the_fitted_weight(name):
    data = small_set().model_dump(mode="python")
    once = small_set().model_dump(mode="python")
    KNOBS[name].apply(data, 0.5)
    KNOBS[name].rescale(data, 3.0)
    KNOBS[name].apply(once, 1.5)
    a, b = sourced(data, "matching.preferences")["value"], sourced(once, "matching.preferences")
    for band, by_need in a.items():
        for need, shares in by_need.items():
            assert shares == pytest.approx(b["value"][band][need])


def test_rescaling_an_absolute_knob_multiplies_its_values():
    data = small_set().model_dump(mode="python")
    before = sourced(data, RATE)["value"]
    KNOBS["direct_entry_rate"].rescale(data, 2.0)
    assert sourced(data, RATE)["value"] == pytest.approx(2 * before)


def test_chance_share_splits_the_variance_by_pairs():
    rng = np.random.default_rng(0)
    parameter = np.repeat(rng.normal(0, 3, 2000), SHARING)  # shared within each pair
    chance = rng.normal(0, 1, parameter.size)
    assert chance_share(parameter + chance) == pytest.approx(1 / 10, abs=0.02)
    assert chance_share(chance) == pytest.approx(1.0, abs=0.05)
    assert chance_share(parameter) == 0.0
    assert np.isnan(chance_share(np.ones(3)))


def test_a_run_draws_the_same_parameters_for_each_pair_on_one_or_two_jobs():
    params = with_fit(small_set(), [[0.09, 0.0], [0.0, 0.09]])
    scenario = scenario_of(params)
    one = run(scenario, years=1, replications=4, seed=2, jobs=1)
    two = run(scenario, years=1, replications=4, seed=2, jobs=2)
    assert np.array_equal(one.stocks, two.stocks)
    assert np.array_equal(one.costs, two.costs)


@pytest.mark.parametrize("effect", ["trial", "none"])
def test_a_drawn_deflator_moves_the_presets_split_with_it_and_stays_at_most_1(effect):
    """A set fitted under trial or none draws its deflator multiplier with the knobs; each
    draw's outcome split follows the drawn deflator, so the preset holds in every replication."""
    therapies = ("mst_bsf", "fft_cw")
    params = small_set(programmes={p: {"targeting_deflator": 0.9} for p in therapies})
    paths = [f"programmes.{p}.targeting_deflator" for p in therapies]
    block = JointFit(
        effect=effect,
        source="fitted: a test",
        knobs=[{"name": "deflator_multiplier", "estimate": 0.9, "paths": paths}],
        log_covariance=[[0.04]],
    )
    params = certain(with_effect(params, effect)).model_copy(update={"fit": block})
    seen = []
    for i in range(60):
        drawn = draw_parameters(params, parameter_rng(replication_seed(2, i)))
        for prog in therapies:
            p = drawn.programmes[prog]
            deflator = p.targeting_deflator.value
            seen.append(deflator)
            assert deflator <= 1.0
            assert care_share(p) == pytest.approx(preset_care_share(effect, Programme(prog), p))
    assert min(seen) < 0.85 and max(seen) == 1.0  # moved both ways; held at 1 above it
