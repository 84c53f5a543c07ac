"""Scenario files: the shipped library, investment costs, relative changes, portfolios, bad
input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from sufficiency.calendar import Calendar
from sufficiency.cli import cli
from sufficiency.errors import InputError
from sufficiency.runner import run
from sufficiency.scenario import investment_costs, list_scenarios, load_scenario

from .conftest import BASELINE_SCENARIO, ROOT

LIBRARY = ROOT / "scenarios"
REQUIRED = {
    "baseline",
    "add-2-fft-reunification-therapists",
    "hillview-home-6-beds",
    "eighth-childrens-home",
    "mst-full-staffing",
    "mst-half-staffing",
    "fdm-every-pre-proceedings-family",
    "foster-recruitment-drive",
    "no-edge-of-care",
}
SOURCE = "assumption: test"


def write(folder: Path, name: str, body: dict) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "description": "test", **body}))
    return path


def on_baseline(folder: Path, name: str, **body) -> Path:
    return write(folder, name, {"base": str(BASELINE_SCENARIO), **body})


def change(path: str, date: str = "2025-10-01", **how) -> dict:
    return {"date": date, "set": path, "source": SOURCE, **how}


@pytest.fixture(scope="module")
def library():
    return list_scenarios(LIBRARY)


def test_the_library_holds_every_named_scenario_and_a_portfolio(library):
    names = {s.name for s in library}
    assert names >= REQUIRED
    assert any(s.combines for s in library)
    for s in library:
        assert s.description.strip(), s.name
        if s.name != "baseline":  # the baseline is the parameter set itself, sourced there
            assert len(s.description.split()) >= 40 and s.sources(), s.name


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_and_runs_one_replication(path):
    result = run(load_scenario(path), years=5, replications=1, seed=1)
    assert result.replications == 1
    assert result.cla[0, 0] == 597


def test_mst_half_staffing_is_the_baseline_stated_explicitly(library):
    by_name = {s.name: s for s in library}
    assert (
        by_name["mst-half-staffing"].params.programmes["mst"].therapists.value
        == by_name["baseline"].params.programmes["mst"].therapists.value
        == 3
    )


def test_no_edge_of_care_closes_every_programme(library):
    params = {s.name: s for s in library}["no-edge-of-care"].params
    assert all(p.therapists.value == 0 for p in params.programmes.values())
    assert params.reunification.therapists.value == 0


@pytest.mark.parametrize("effect", ["service", "trial", "none"])
def test_the_fdm_offer_matches_the_parameters_it_is_derived_from(effect):
    """The direct entries offered a conference a month are the extra families' children who
    would have come into care without one, under every preset's own fit (a count, not a share
    of the fitted direct rate, which differs between the presets): recompute the scenario if
    the calibration moves these."""
    fdm = load_scenario(LIBRARY / "fdm-every-pre-proceedings-family.yaml", effect=effect)
    values = {c.set: c.value for c in fdm.changes}
    p = fdm.params.programmes["fdm"]
    direct = fdm.params.entries[0]
    assert direct.name == "direct"
    expected = 4 * p.children_per_family.value * p.targeting_deflator.value
    offered = values["entries.direct.offered_fdm_per_month"]
    assert offered == pytest.approx(expected, abs=0.005)


def test_one_off_and_recurring_costs_fall_in_their_months(tmp_path):
    path = on_baseline(
        tmp_path,
        "costs",
        investments=[
            {"item": "capital", "one_off": 100_000, "date": "2025-06-15", "source": SOURCE},
            {
                "item": "post",
                "per_year": 36_525,
                "date": "2026-04-01",
                "until": "2026-04-30",
                "source": SOURCE,
            },
        ],
    )
    scenario = load_scenario(path)
    cal = Calendar(scenario.params.start_date, 2)
    monthly = investment_costs(scenario, cal)
    june, april = cal.months.index(dt.date(2025, 6, 30)), cal.months.index(dt.date(2026, 4, 30))
    assert monthly[june] == 100_000
    inflation = 1 + scenario.params.costs.inflation_per_year.value
    assert monthly[april] == pytest.approx(30 * 100 * inflation**2)
    assert np.count_nonzero(monthly) == 2
    result = run(scenario, years=2, replications=1)
    assert result.items[-1] == "investment"
    assert result.yearly_costs()[0, -1].sum() == pytest.approx(monthly.sum())


def test_add_changes_the_value_in_force_and_lists_are_keyed_by_name(tmp_path):
    path = on_baseline(
        tmp_path,
        "relative",
        changes=[
            change("programmes.fdm.referrals_per_month", add=4),
            change("programmes.fdm.referrals_per_month", "2026-10-01", add=1),
            change("entries.direct.rate_per_month", add=-2),
            change("programmes.mst.referrals_per_month", "2025-04-01", add=1),
        ],
    )
    scenario = load_scenario(path)
    base = load_scenario(BASELINE_SCENARIO).params
    fdm = base.programmes["fdm"].referrals_per_month.value
    direct = next(e for e in base.entries if e.name == "direct")
    assert [c.value for c in scenario.changes] == pytest.approx(
        [
            fdm + 4,
            fdm + 5,
            direct.rate_per_month.value - 2,
            base.programmes["mst"].referrals_per_month.value + 1,
        ]
    )
    # during the run an addition applies to each replication's own drawn value
    assert [(c.value, c.add) for c in scenario.timeline] == [(4, True), (1, True), (-2, True)]
    mst = scenario.params.programmes["mst"].referrals_per_month
    assert mst.value == pytest.approx(base.programmes["mst"].referrals_per_month.value + 1)
    assert mst.uncertainty == base.programmes["mst"].referrals_per_month.uncertainty


def test_a_scenario_on_a_scenario_with_a_new_home_has_it_once(tmp_path):
    on_top = write(tmp_path, "on-hillview", {"base": str(LIBRARY / "hillview-home-6-beds.yaml")})
    homes = [h.name for h in load_scenario(on_top).params.homes]
    assert homes.count("Hillview") == 1
    assert len(homes) == len(load_scenario(BASELINE_SCENARIO).params.homes) + 1


def test_a_portfolio_merges_its_parts_own_changes_onto_their_base():
    portfolio = load_scenario(LIBRARY / "portfolio-placements.yaml")
    hillview = load_scenario(LIBRARY / "hillview-home-6-beds.yaml")
    drive = load_scenario(LIBRARY / "foster-recruitment-drive.yaml")
    assert portfolio.changes == hillview.changes + drive.changes
    assert portfolio.investments == hillview.investments + drive.investments
    assert portfolio.base.path == hillview.base.path == drive.base.path
    assert len(portfolio.params.homes) == len(hillview.params.homes)
    assert portfolio.timeline == drive.timeline


def test_a_portfolio_refuses_parts_that_conflict(tmp_path):
    a = on_baseline(tmp_path, "a", changes=[change("programmes.mst.therapists", value=4)])
    b = on_baseline(
        tmp_path,
        "b",
        changes=[
            change("programmes.fdm.therapists", value=5),
            change("programmes.mst.therapists", value=4),
        ],
    )
    path = write(tmp_path, "both", {"combine": [str(a), str(b)]})
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "combine[1]" and "programmes.mst.therapists" in err.value.expected


def test_a_portfolio_refuses_parts_on_different_parameter_sets(tmp_path):
    params = yaml.safe_load((ROOT / "calibration" / "leicester.yaml").read_text())
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(params))
    other = write(tmp_path, "other-base", {"parameters": "other.yaml"})
    path = write(
        tmp_path, "mixed", {"combine": [str(LIBRARY / "mst-full-staffing.yaml"), str(other)]}
    )
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "combine[1]"


BAD = [
    (
        {
            "investments": [
                {"item": "x", "one_off": 1, "per_year": 1, "date": "2025-05-01", "source": SOURCE}
            ]
        },
        "investments[0]",
        "either 'one_off'",
    ),
    (
        {"investments": [{"item": "x", "one_off": -5, "date": "2025-05-01", "source": SOURCE}]},
        "investments[0].one_off",
        ">= 0",
    ),
    (
        {"investments": [{"item": "x", "one_off": 5, "date": "2024-05-01", "source": SOURCE}]},
        "investments[0].date",
        "sunk",
    ),
    (
        {"investments": [{"item": "x", "one_off": 5, "date": "2025-05-01", "source": "me"}]},
        "investments[0].source",
        "assumption:",
    ),
    (
        {"changes": [change("programmes.mst.therapists", value=3, add=1)]},
        "changes[0]",
        "either 'value' or 'add'",
    ),
    ({"changes": [change("programmes.mst.age_range", add=1)]}, "changes[0].add", "one number"),
    ({"changes": [change("entries.nobody.rate_per_month", value=1)]}, "changes[0].set", "direct"),
    ({"combine": ["one.yaml", "two.yaml"]}, "(top level)", "exactly one of"),
]


@pytest.mark.parametrize("body,field,expected", BAD, ids=[b[1] for b in BAD])
def test_a_bad_scenario_stops_with_file_field_and_what_was_expected(
    tmp_path, body, field, expected
):
    data = {"base": str(BASELINE_SCENARIO), **body}
    path = write(tmp_path, "bad", {k: v for k, v in data.items() if v is not None})
    result = CliRunner().invoke(cli, ["run", str(path), "--replications", "1", "--years", "1"])
    assert result.exit_code == 2, result.output
    assert f"Error: {path}: {field}:" in result.output and expected in result.output


def test_a_missing_portfolio_part_names_the_entry(tmp_path):
    path = write(
        tmp_path, "gap", {"combine": [str(LIBRARY / "mst-full-staffing.yaml"), "nope.yaml"]}
    )
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "combine[1]"


def test_the_scenarios_command_lists_names_descriptions_and_sources():
    result = CliRunner().invoke(cli, ["scenarios", str(LIBRARY), "--sources"])
    assert result.exit_code == 0, result.output
    for name in REQUIRED:
        assert name in result.output
    assert "Sources" in result.output and "Family Therapies progress report" in result.output


def test_the_scenarios_command_refuses_a_missing_folder(tmp_path):
    result = CliRunner().invoke(cli, ["scenarios", str(tmp_path / "none")])
    assert result.exit_code == 2 and "FOLDER" in result.output
