"""The scrutiny report's sentences and warnings, from a small comparison folder changed in
memory: capacity that never binds, a portfolio against its parts, the programme effect."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from sufficiency.formatting import money
from sufficiency.output import save
from sufficiency.paired import compare_scenarios
from sufficiency.report import read_results
from sufficiency.report.findings import (
    chance_shares,
    children,
    effect_unmeasured,
    findings,
    parts_of,
    placement_years,
    spending,
)
from sufficiency.scenario import load_scenario

from .conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"
HILLVIEW = ROOT / "scenarios" / "hillview-home-6-beds.yaml"
HOME = "hillview-home-6-beds"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("findings") / "comparison"
    result = compare_scenarios(
        load_scenario(BASELINE), [load_scenario(HILLVIEW)], years=2, replications=3, seed=1
    )
    save(folder, False, result.write)
    return read_results(folder)


def renamed(results, name: str, changes: list, scale: float):
    """A copy of the Hillview scenario under another name, with other changes and its
    net saving scaled."""
    run = results.runs[1]
    copy = dataclasses.replace(run, meta={**run.meta, "scenario": name, "changes": changes})
    rows = results.comparison[results.comparison["scenario"] == HOME].copy()
    rows["scenario"] = name
    saving = rows["measure"] == "net_saving"
    for column in ("difference_mean", "difference_p05", "difference_p95"):
        rows.loc[saving, column] = rows.loc[saving, column] * scale
    return copy, rows


def test_every_scenario_gets_sentences_with_its_chance_of_paying_back(results):
    (found,) = findings(results)
    assert found.name == HOME
    text = " ".join(found.buys)
    assert "pay back within the run" in text and ("saves" in text or "costs" in text)
    assert "children" in text and "placements" in text


def test_capacity_the_base_never_runs_short_of_is_flagged(results):
    """Beds added where the base places children outside for want of one are not flagged;
    beds added where it never does are (the base's shortfall set both ways in memory)."""
    said = {}
    for shortfall in (2.0, 0.0):
        comparison = results.comparison.copy()
        short = comparison["measure"] == "placed_externally.home_inhouse"
        comparison.loc[short, "base_mean"] = shortfall
        (found,) = findings(dataclasses.replace(results, comparison=comparison))
        said[shortfall] = [w for w in found.warnings if "never binds" in w]
    assert not said[2.0]
    assert any("home beds" in w for w in said[0.0])


def test_a_portfolio_is_compared_with_the_sum_of_its_parts(results):
    changes = results.runs[1].meta["changes"] + [{"set": "foster_carers.x", "date": "2026-01-01"}]
    first, first_rows = renamed(results, "part-home", changes[:1], 1.0)
    second, second_rows = renamed(results, "part-other", changes[1:], 0.0)
    whole, whole_rows = renamed(results, "portfolio", changes, 1.0)
    both = dataclasses.replace(
        results,
        runs=(results.base, first, second, whole),
        comparison=pd.concat([first_rows, second_rows, whole_rows], ignore_index=True),
    )
    assert [p.name for p in parts_of(both, whole)] == ["part-home", "part-other"]
    assert parts_of(both, first) == []
    said = " ".join(next(f for f in findings(both) if f.name == "portfolio").warnings)
    assert "equals the sum of its parts" in said and "part-home" in said


def test_programme_scenarios_say_how_much_rests_on_the_effect(results):
    assert effect_unmeasured(results) == ""
    run = results.runs[1]
    programme = dataclasses.replace(
        run, meta={**run.meta, "changes": [{"set": "programmes.mst.therapists"}]}
    )
    touched = dataclasses.replace(results, runs=(results.base, programme))
    assert HOME in effect_unmeasured(touched) and "`compare --effect trial`" in effect_unmeasured(
        touched
    )
    sweep = pd.DataFrame(
        {"scenario": [HOME, HOME], "effect_scale": [0.0, 1.0], "net_saving_mean": [-1e5, 4e5]}
    )
    swept = dataclasses.replace(touched, extras={"sweep": sweep})
    assert effect_unmeasured(swept) == ""
    (found,) = findings(swept)
    assert any(f"{money(5e5)} of the saving" in w for w in found.warnings)
    settings = {
        **(touched.settings or {}),
        "net_saving_resting_on_effect": {HOME: 123_000.0},
        "chance_share_of_net_saving_variance": {HOME: 0.25},
    }
    (found,) = findings(dataclasses.replace(touched, settings=settings))
    assert any(f"{money(123_000)} of the saving" in w for w in found.warnings)
    assert f"{HOME} 25%" in chance_shares(dataclasses.replace(touched, settings=settings))


def test_zero_and_negative_differences_read_naturally():
    assert (
        children(-0.5)
        == children(0.4)
        == ("It changes how many children come into care by less than one")
    )
    assert children(-4) == "It brings 4 more children into care"
    assert children(1) == "It keeps 1 child out of care"
    assert placement_years(-1.2) == "1 more child-year in placements"
    assert placement_years(0.3) == "about as many child-years in placements as the base"
    assert spending(-0.2, "placements") == "as much on placements as the base"
    assert spending(-2e6, "placements") == f"{money(2e6)} less on placements"
