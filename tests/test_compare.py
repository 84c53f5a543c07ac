"""Paired comparison: common random numbers, what capacity and therapists buy, break-even,
effect presets and the sweep, the comparison folder and the compare command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.cost_lines import HOMES_FIXED
from sufficiency.effects import (
    apply_effect,
    apply_effect_scale,
    care_share,
    deflators_at,
    with_effect,
)
from sufficiency.errors import InputError
from sufficiency.output import save
from sufficiency.paired import ALL, compare_scenarios, cost_of, pairing_ratio
from sufficiency.pathway import STATE_INDEX, State
from sufficiency.results import COMPARISON_COLUMNS as COLUMNS
from sufficiency.savings import break_even_years, first_difference, spread
from sufficiency.scenario import load_scenario
from sufficiency.sweep import crossing, entering, refit_factor, sweep_effects, with_direct_factor

from .conftest import BASELINE_SCENARIO, ROOT

LIBRARY = ROOT / "scenarios"
SOURCE = "assumption: test"


def scenario_file(folder: Path, name: str, base: Path, changes: list[dict]) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump({"name": name, "description": "test", "base": str(base), "changes": changes})
    )
    return path


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE_SCENARIO)


@pytest.fixture(scope="module")
def staffed(baseline):
    """MST at full staffing and Hillview against the baseline: 4 replications, 3 years."""
    others = [
        load_scenario(LIBRARY / f"{n}.yaml")
        for n in ("mst-full-staffing", "hillview-home-6-beds", "fdm-every-pre-proceedings-family")
    ]
    return compare_scenarios(baseline, others, years=3, replications=4, seed=5)


def test_a_scenario_paired_with_itself_differs_by_exactly_zero(baseline):
    comparison = compare_scenarios(baseline, [baseline], years=2, replications=3, seed=2)
    frame = comparison.frame()
    paid_back = frame.set_index("measure").loc[["break_even_year", "payback_probability"]]
    assert paid_back.difference_mean.tolist() == [None, 0.0]
    measures = ["return_per_pound", "break_even_year", "payback_probability"]
    differences = frame[~frame.measure.isin(measures)]
    assert {
        "cla",
        "children_entering_care",
        "placement_days.home_external",
        "placement_cost",
        "investment_cost",
        "council_saving",
        "turned_away.mst",
        "waiting_at_year_end.fdm",
        "net_saving",
        "cumulative_net_saving",
    } <= set(differences.measure)
    assert (differences[["difference_mean", "difference_p05", "difference_p95"]] == 0).all().all()
    assert (differences.dropna(subset=["base_mean"]).eval("base_mean == scenario_mean")).all()
    assert comparison.pairing() == {"baseline": {"total_cost": 0.0, "cla": 0.0}}


def test_adding_only_in_house_capacity_moves_children_in_house_at_its_fixed_cost(tmp_path):
    # without reunification, nothing else depends on where children are placed
    base = scenario_file(
        tmp_path,
        "no-reunification",
        BASELINE_SCENARIO,
        [{"date": "2025-04-01", "set": "reunification.therapists", "value": 0, "source": SOURCE}],
    )
    home = scenario_file(
        tmp_path,
        "extra-home",
        base,
        [
            {
                "date": "2025-04-01",
                "source": SOURCE,
                "add_home": {
                    "name": "extra",
                    "opens": "2025-04-01",
                    "beds": {"value": 6, "source": SOURCE},
                },
            }
        ],
    )
    comparison = compare_scenarios(
        load_scenario(base), [load_scenario(home)], years=3, replications=4, seed=3
    )
    before, after = comparison.base, comparison.others["extra-home"]

    def days(result, state):
        return result.days[:, STATE_INDEX[state], :].sum(axis=1)

    moved = days(after, State.HOME_INHOUSE) - days(before, State.HOME_INHOUSE)
    assert (moved > 0).all()
    # external-home days fall by about the days moved in-house: not exactly, as a child's
    # later moves (a step-up, a breakdown) depend on where it was placed
    assert days(after, State.HOME_EXTERNAL) == pytest.approx(
        days(before, State.HOME_EXTERNAL) - moved, rel=0.02
    )
    assert (after.cla == before.cla).all()
    # external homes cost less and the new home's fixed running cost is paid, full or not;
    # for Leicester's fit the two about cancel (paired differences in placement cost up to
    # +-£1.9m a replication, means +£0.06m over 4 and -£0.07m over 16), so the parts are
    # asserted, not the net

    def change(line: str) -> np.ndarray:
        return (cost_of(after, (line,)) - cost_of(before, (line,))).sum(axis=1)

    assert (change("home_external") < 0).all() and (change(HOMES_FIXED) > 0).all()
    assert comparison.value("extra-home", "placed_externally.home_inhouse") < 0


def test_adding_therapists_never_lengthens_a_waiting_list(staffed):
    for name in ("mst-full-staffing", "fdm-every-pre-proceedings-family"):
        assert (staffed.others[name].waiting <= staffed.base.waiting).all(), name
    frame = staffed.frame()
    mst = frame[(frame.scenario == "mst-full-staffing") & (frame.measure == "turned_away.mst")]
    assert mst.difference_mean.iloc[-1] < 0


def test_the_break_even_year_follows_the_cumulative_net_saving(staffed):
    frame = staffed.frame()
    for name in staffed.others:
        rows = frame[frame.scenario == name]
        cumulative = rows[rows.measure == "cumulative_net_saving"].difference_mean
        yearly = rows[(rows.measure == "net_saving") & (rows.period != ALL)].difference_mean
        assert cumulative.to_numpy(float) == pytest.approx(np.cumsum(yearly.to_numpy(float)))
        label = rows[rows.measure == "break_even_year"].difference_mean.iloc[0]
        share = rows[rows.measure == "payback_probability"].difference_mean.iloc[0]
        assert label is None or label in set(rows.period)
        assert 0 <= share <= 1 and (label is None) == (share < 0.5)


def test_break_even_per_replication_on_known_series():
    cumulative = np.array([[-5.0, -1.0, 2.0, 3.0], [1.0, -1.0, 2.0, 2.0], [2.0, 3.0, 4, 5]])
    assert break_even_years(cumulative, 0).tolist() == [3, 3, 1]
    assert np.isnan(break_even_years(np.array([[-1.0, 1.0, -1.0]]), 0)).all()


def test_an_investment_starting_in_year_2_never_breaks_even_in_year_1():
    saving = np.array([[0.0, -3.0, 4.0, 5.0], [0.0, 2.0, 1.0, 1.0]])
    assert first_difference(saving) == 1
    assert break_even_years(saving.cumsum(axis=1), first_difference(saving)).tolist() == [3, 2]


def test_a_scenario_with_no_change_has_no_break_even_year():
    saving = np.zeros((3, 4))
    assert first_difference(saving) is None
    assert np.isnan(break_even_years(saving.cumsum(axis=1), None)).all()


def test_an_investment_from_year_2_pays_back_no_earlier_in_a_comparison(baseline, tmp_path):
    """Two MST therapists from the second financial year: the first year is never break-even."""
    path = scenario_file(
        tmp_path,
        "mst-from-year-2",
        BASELINE_SCENARIO,
        [{"date": "2026-04-01", "set": "programmes.mst.therapists", "value": 5, "source": SOURCE}],
    )
    comparison = compare_scenarios(baseline, [load_scenario(path)], years=3, replications=4)
    rows = comparison.frame().set_index("measure")
    years = comparison.base.calendar.financial_years
    assert rows.loc["net_saving"].set_index("period").difference_mean[years[0]] == 0
    assert rows.loc["break_even_year", "difference_p05"] in (None, *years[1:])


def test_council_counting_on_known_series():
    assert spread(np.array([[1.0, 0.0, 0.0, 2.0]]), (0.5, 1.0, 0.5)).tolist() == [
        [0.5, 1.0, 0.5, 1.0]
    ]


def test_net_saving_is_placement_saving_less_investment_and_other_costs(staffed):
    for name in staffed.others:
        net = staffed.value(name, "net_saving")
        parts = ("placement_cost", "investment_cost", "other_cost")
        assert net == pytest.approx(
            -sum(staffed.value(name, part) for part in parts), rel=1e-9, abs=1e-3
        )
    hillview = staffed.others["hillview-home-6-beds"]
    assert "investment" in hillview.items and "investment" not in staffed.base.items


def test_pairing_makes_intervals_much_narrower(staffed):
    ratios = staffed.pairing()
    assert all(r["total_cost"] < 0.5 for r in ratios.values()), ratios
    rng = np.random.default_rng(0)
    independent = rng.normal(size=50)
    assert pairing_ratio(independent, rng.normal(size=50)) > 0.5


def test_effect_presets_set_the_chance_of_care(baseline):
    for p in with_effect(baseline.params, "none").programmes.values():
        assert care_share(p) == pytest.approx(p.targeting_deflator.value)
    trial = with_effect(baseline.params, "trial").programmes
    reported = baseline.params.programmes
    assert trial["fdm"].outcome_split.value == pytest.approx(  # its split is the trial's
        reported["fdm"].outcome_split.value
    )
    assert care_share(trial["mst"]) > reported["mst"].targeting_deflator.value  # odds ratio 1.25
    assert deflators_at(baseline.params, 1.0) == {
        k.value: p.targeting_deflator.value for k, p in reported.items()
    }
    assert deflators_at(baseline.params, 0.0)["mst"] == pytest.approx(care_share(reported["mst"]))


def test_an_effect_preset_refuses_a_scenario_that_changes_effects_during_the_run(tmp_path):
    path = scenario_file(
        tmp_path,
        "deflated",
        BASELINE_SCENARIO,
        [
            {
                "date": "2026-01-01",
                "set": "programmes.mst.targeting_deflator",
                "value": 0.4,
                "source": SOURCE,
            }
        ],
    )
    with pytest.raises(InputError) as err:
        apply_effect(load_scenario(path), "trial")
    assert "programmes.mst.targeting_deflator" in err.value.expected


def test_without_an_effect_more_mst_buys_nothing_the_council_way_still_claims(baseline):
    mst = load_scenario(LIBRARY / "mst-full-staffing.yaml")
    comparison = compare_scenarios(baseline, [mst], years=2, replications=3, seed=4, effect="none")
    assert comparison.value("mst-full-staffing", "council_saving") > 0
    assert comparison.value("mst-full-staffing", "net_saving") < 0


def test_the_sweep_finds_where_an_investment_stops_paying(baseline):
    mst = load_scenario(LIBRARY / "mst-full-staffing.yaml")
    sweep = sweep_effects(baseline, [mst], scales=(0.0, 1.0), years=5, replications=8, seed=1)
    points = sweep.points.set_index("effect_scale")
    assert points.loc[0.0, "net_saving_mean"] < 0 < points.loc[1.0, "net_saving_mean"]
    ends = sweep.break_even().iloc[0]
    assert 0 < ends.break_even_scale < 1
    assert ends.mst_deflator == pytest.approx(
        deflators_at(baseline.params, ends.break_even_scale)["mst"]
    )
    scale, note = crossing(np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    assert np.isnan(scale) and "every effect scale" in note
    assert sweep.factors[1] == 1.0 and sweep.factors[0] > 0
    assert list(points.direct_entry_factor) == list(sweep.factors)


def test_the_sweep_refit_moves_only_the_direct_entry_rate(baseline):
    moved = with_direct_factor(baseline, 1.25)
    rate = baseline.params.entries[0].rate_per_month.value
    assert moved.params.entries[0].rate_per_month.value == pytest.approx(1.25 * rate)
    assert moved.params.entries[0].rate_per_month.source.startswith("fitted: effect sweep refit")
    assert moved.params.exits == baseline.params.exits
    assert with_direct_factor(baseline, 1.0) is baseline


def test_the_sweep_refit_brings_the_base_entries_back(baseline):
    """One Newton step on a linear response: at effect scale 0 the refitted base projects
    about as many entries as at scale 1."""
    zero = apply_effect_scale(baseline, 0.0)
    reference = entering(baseline, 2, 8, 1, 1)
    factor = refit_factor(zero, reference, 2, 8, 1, 1)
    before = entering(zero, 2, 8, 1, 1)
    after = entering(with_direct_factor(zero, factor), 2, 8, 1, 1)
    assert abs(after - reference) < abs(before - reference) or before == reference


def test_the_comparison_folder_follows_the_contract(tmp_path, staffed):
    out = tmp_path / "cmp"
    save(out, False, staffed.write)
    frame = pd.read_csv(out / "comparison.csv")
    assert list(frame.columns) == list(COLUMNS)
    settings = json.loads((out / "compare.json").read_text())
    assert settings["base"] == "baseline" and settings["scenarios"] == list(staffed.others)
    assert {
        "seed",
        "replications",
        "years",
        "package_version",
        "effect",
        "pairing_ratio",
        "sweep",
    } <= set(settings)
    savings = pd.read_csv(out / "savings.csv")
    assert {"council_mean", "counterfactual_mean"} <= set(savings.columns)
    for name in ("baseline", *staffed.others):
        assert json.loads((out / name / "run.json").read_text())["scenario"] == name


def test_the_same_comparison_on_two_jobs_is_identical(baseline):
    mst = load_scenario(LIBRARY / "mst-full-staffing.yaml")
    one = compare_scenarios(baseline, [mst], years=1, replications=3, seed=7, jobs=1).frame()
    two = compare_scenarios(baseline, [mst], years=1, replications=3, seed=7, jobs=2).frame()
    pd.testing.assert_frame_equal(one, two)


# -- the compare command ----------------------------------------------------------------------
QUICK = ["--years", "1", "--replications", "2", "--quiet"]


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_compare_prints_the_ranking_and_writes_the_folder(tmp_path):
    out = tmp_path / "cmp"
    result = invoke(
        "compare",
        BASELINE_SCENARIO,
        LIBRARY / "mst-full-staffing.yaml",
        LIBRARY / "hillview-home-6-beds.yaml",
        *QUICK,
        "--out",
        out,
        "--sweep",
        "--sweep-replications",
        "1",
    )
    assert result.exit_code == 0, result.output
    assert "What each buys" in result.output and "What each costs" in result.output
    assert "Effect sweep" in result.output
    for name in (
        "comparison.csv",
        "compare.json",
        "savings.csv",
        "sweep.csv",
        "break_even.csv",
        "baseline/run.json",
        "mst-full-staffing/costs.csv",
    ):
        assert (out / name).is_file(), name
    again = invoke(
        "compare", BASELINE_SCENARIO, LIBRARY / "mst-full-staffing.yaml", *QUICK, "--out", out
    )
    assert again.exit_code == 2 and "--force" in again.output


def test_compare_refuses_bad_input_before_any_work(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "name": "bad",
                "base": str(BASELINE_SCENARIO),
                "investments": [{"item": "x", "date": "2025-05-01", "source": SOURCE}],
            }
        )
    )
    result = invoke("compare", BASELINE_SCENARIO, bad, *QUICK)
    assert result.exit_code == 2
    assert f"Error: {bad}: investments[0]:" in result.output
    same = invoke("compare", BASELINE_SCENARIO, BASELINE_SCENARIO, *QUICK, "--out", tmp_path / "x")
    assert same.exit_code == 2 and "name" in same.output and not (tmp_path / "x").exists()
    effect = invoke(
        "compare",
        BASELINE_SCENARIO,
        LIBRARY / "mst-full-staffing.yaml",
        *QUICK,
        "--effect",
        "hopeful",
    )
    assert effect.exit_code == 2 and "--effect" in effect.output


def test_compare_accepts_report_options(tmp_path):
    pytest.importorskip("sufficiency.report")
    out, xlsx = tmp_path / "cmp", tmp_path / "finance.xlsx"
    result = invoke(
        "compare",
        BASELINE_SCENARIO,
        LIBRARY / "mst-full-staffing.yaml",
        *QUICK,
        "--out",
        out,
        "--xlsx",
        xlsx,
    )
    assert result.exit_code == 0, result.output
    assert xlsx.is_file()
