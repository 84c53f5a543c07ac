"""Public data for every authority: the reader's symbols, baselines for a handful of
authorities (Leicester, a small one with suppressed cells, ones that split or formed), the
commands, and the shipped subset against what the build script makes from ../shared."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.errors import InputError
from sufficiency.parameters import load_parameters, provenance
from sufficiency.publicdata import build
from sufficiency.publicdata.baseline import build_baseline
from sufficiency.publicdata.cells import Cell, parse_cell
from sufficiency.publicdata.counts import split
from sufficiency.publicdata.tables import load
from sufficiency.publicdata.trend import trended_starts
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "public-data"
LATEST = dt.date(2024, 3, 31)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def data():
    return load()


@pytest.mark.parametrize(
    "text, symbol",
    [
        ("c", "c"),
        ("z", "z"),
        ("x", "x"),
        ("low", "low"),
        ("[x]", "[x]"),
        ("[note 4]", "[note 4]"),
        ("", ""),
    ],
)
def test_a_symbol_is_missing_never_zero(text, symbol):
    cell = parse_cell(text)
    assert cell.value is None and cell.symbol == symbol
    assert cell.shown() == (symbol or "-")


def test_numbers_read_with_or_without_commas():
    assert parse_cell("1,234") == Cell(1234.0)
    assert parse_cell(" 12 ").value == 12.0 and parse_cell("64996.61").value == 64996.61


def test_suppressed_cells_share_what_the_total_leaves_and_say_so():
    counts = split(
        {
            "Total": Cell(20.0),
            "a": Cell(12.0),
            "b": Cell(None, "c"),
            "d": Cell(None, "c"),
            "e": Cell(None, "z"),
        }
    )
    assert counts is not None
    assert counts.counts == {"a": 12.0, "b": 4.0, "d": 4.0, "e": 0.0}
    assert "suppressed cells (c: b, d) share the 8" in counts.note()
    assert "(e) left out" in counts.note()
    assert split({"Total": Cell(None, "c"), "a": Cell(3.0)}) is None


def test_areas_are_every_authority_matched_by_name_or_code(data):
    assert len(data.areas) == 153
    assert data.find("LEICESTER").la_code == "E06000016"
    assert data.find("e06000016").name == "Leicester"
    with pytest.raises(InputError, match="did you mean 'Leicester'"):
        data.find("Leicestr")


def every_source_named(params) -> bool:
    return all(
        row["source"].startswith(("statistic:", "assumption:", "fitted:"))
        for row in provenance(params)
    )


def test_leicester_baseline_is_its_dfe_figures(data):
    baseline = build_baseline(data, data.find("Leicester"), LATEST)
    params = baseline.params
    assert params.population.total.value == 596
    assert params.population.date == LATEST and params.start_date == dt.date(2024, 4, 1)
    mix = params.population.placement_shares.value
    foster = mix["foster_inhouse"] + mix["foster_kinship"] + mix["foster_ifa"]
    assert foster == pytest.approx(426 / 596)
    direct, uasc = params.entries
    trend = trended_starts(data, 2024)["E06000016"]
    assert (direct.rate_per_month.value + uasc.rate_per_month.value) * 12 == pytest.approx(
        trend.mean
    )
    assert trend.low < 196 < trend.high and trend.sd > 0
    assert direct.rate_per_month.uncertainty is not None
    assert direct.rate_per_month.source.startswith("fitted: ")
    assert "year ending 31 March 2024, Leicester (E06000016)" in direct.rate_per_month.source
    assert {dt.date(y, 3, 31) for y in (2021, 2022, 2023, 2024)} == set(
        params.history.cla_at_31_march
    )
    assert all(p.therapists.value == 0 for p in params.programmes.values())
    assert every_source_named(params)
    assert "£65.0m" in params.description


def test_a_small_authority_uses_england_where_its_figures_are_suppressed(data):
    baseline = build_baseline(data, data.find("City of London"), LATEST)
    source = baseline.params.population.placement_shares.source
    assert "England's shares" in source and "suppressed" in source
    assert every_source_named(baseline.params)


def test_authorities_formed_in_the_period_have_no_earlier_baseline(data):
    assert build_baseline(data, data.find("Cumberland"), LATEST).params.history is not None
    with pytest.raises(InputError, match="'z'"):
        build_baseline(data, data.find("Westmorland and Furness"), dt.date(2023, 6, 1))
    early = build_baseline(data, data.find("North Northamptonshire"), LATEST)
    assert dt.date(2021, 3, 31) not in early.params.history.cla_at_31_march


def test_the_first_year_has_no_trend_to_fit_and_keeps_its_starts(data):
    assert trended_starts(data, 2021) == {}
    direct, uasc = build_baseline(data, data.find("Leicester"), dt.date(2021, 3, 31)).params.entries
    total = data.number("started_during_year", "E06000016", 2021).value
    assert (direct.rate_per_month.value + uasc.rate_per_month.value) * 12 == pytest.approx(total)
    assert direct.rate_per_month.uncertainty is None


def test_an_unpublished_total_gives_no_baseline(data):
    with pytest.raises(InputError, match="no baseline can be built"):
        build_baseline(data, data.find("Isles of Scilly"), LATEST)


def test_at_picks_the_latest_31_march_on_or_before(data):
    assert build_baseline(data, data.find("Leicester"), dt.date(2023, 3, 30)).year == 2022
    with pytest.raises(InputError, match="earliest 31 March"):
        data.year_at(dt.date(2020, 1, 1))


@pytest.mark.parametrize("area", ["Leicester", "Rutland", "Cumberland"])
def test_baselines_write_validate_and_run(tmp_path, area):
    out = tmp_path / "area.yaml"
    result = invoke("areas", "baseline", area, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "outturn" in result.output
    params = load_parameters(out)
    scenario = load_scenario(out.with_name("area.scenario.yaml"))
    assert scenario.params == params
    projection = run(scenario, years=1, replications=2, seed=1)
    assert projection is not None


def test_baseline_refuses_to_overwrite_and_bad_names(tmp_path):
    out = tmp_path / "a.yaml"
    out.write_text("mine")
    assert invoke("areas", "baseline", "Leicester", "--out", str(out)).exit_code == 2
    assert out.read_text() == "mine"
    result = invoke("areas", "baseline", "Leicestr", "--out", str(tmp_path / "b.yaml"))
    assert result.exit_code == 2 and "did you mean 'Leicester'" in result.output


def test_list_shows_every_authority_in_80_columns_and_keeps_symbols():
    table = invoke("areas", "list")
    assert table.exit_code == 0
    assert max(len(line) for line in table.output.splitlines()) <= 80
    rows = invoke("areas", "list", "--csv").output.splitlines()
    assert len(rows) == 154
    scilly = next(row for row in rows if row.startswith("E06000053"))
    assert scilly.split(",")[4:] == ["z", "z", "z", "z"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/public-data is not beside the repo")
def test_the_shipped_subset_is_what_the_build_script_makes(tmp_path):
    written = build.build(SHARED, tmp_path)
    for path in written:
        assert path.read_bytes() == (build.DATA / path.name).read_bytes(), path.name


def test_shipped_files_are_small_and_attributed():
    files = list(build.DATA.iterdir())
    assert sum(path.stat().st_size for path in files) < 2_000_000
    assert "Open Government Licence v3.0" in (build.DATA / "LICENCE.md").read_text()


def test_forecast_writes_each_authority_and_totals_that_add_up(tmp_path):
    out = tmp_path / "forecast"
    result = invoke(
        "areas",
        "forecast",
        "Leicester",
        "Rutland",
        "Isles of Scilly",
        "--years",
        "1",
        "--replications",
        "3",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "Skipped Isles of Scilly" in result.output
    frame = pd.read_csv(out / "area_forecasts.csv", dtype={"la_code": str})
    assert list(frame.columns) == [
        "la_code",
        "area",
        "region",
        "date",
        "measure",
        "mean",
        "p05",
        "p50",
        "p95",
    ]
    assert set(frame["measure"]) == {"looked_after", "started", "ceased"}
    assert set(frame["date"]) == {"2025-03-31"}
    areas = frame[frame["la_code"].notna()]
    assert set(areas["area"]) == {"Leicester", "Rutland"}
    england = frame[frame["area"] == "England"].set_index("measure")["mean"]
    by_measure = areas.groupby("measure")["mean"].sum()
    for measure in ("looked_after", "started", "ceased"):
        assert england[measure] == pytest.approx(by_measure[measure], rel=1e-4)
    assert (frame["p05"] <= frame["p95"]).all()


def test_the_outturn_sets_an_authoritys_price_level_against_leicesters(data):
    leicester = build_baseline(data, data.find("Leicester"), LATEST)
    kent = build_baseline(data, data.find("Kent"), LATEST)
    assert leicester.spending.levels == {"residential": 1.0, "fostering": 1.0}
    weekly = kent.params.costs.weekly
    level = kent.spending.levels["residential"]
    assert level != 1.0
    assert weekly["home_external"].value == pytest.approx(
        leicester.params.costs.weekly["home_external"].value * level
    )
    assert "RO3 2024-25" in weekly["home_external"].source
    assert (
        weekly["supported_accommodation"]
        == leicester.params.costs.weekly["supported_accommodation"]
    )


def test_a_price_level_beyond_the_limits_is_taken_at_the_limit(data):
    city = build_baseline(data, data.find("City of London"), LATEST)
    assert city.spending.levels["fostering"] == 0.5
    assert "taken at the limit 0.5" in city.params.costs.weekly["foster_ifa"].source
