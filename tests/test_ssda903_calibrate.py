"""Calibrating from SSDA903 returns: a synthetic world with known rates, written as returns, is
recovered by `calibrate --ssda903`, and its projection matches the world's later years; counts
below 5 are never written; the backtest scores the later years."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sufficiency.calibration import ssda903_fit as fits
from sufficiency.calibration.simulate import run
from sufficiency.calibration.ssda903 import calibrate, read_history
from sufficiency.calibration.ssda903_cells import cells, placement_groups, runs
from sufficiency.cli import cli
from sufficiency.engine.population import recorded
from sufficiency.parameters import PopulationCell
from sufficiency.pathway import DAYS_PER_YEAR, MONTH
from sufficiency.ssda903.mapping import load_mapping
from sufficiency.ssda903.periods import periods, until

from .ssda903_fuzz import corrupt_copy
from .ssda903_world import World, in_care, simulate, write_returns

WORLD = World()
AT = dt.date(2019, 3, 31)
PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "ssda903-synthetic"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Returns for the years ending 2016 to 2019 of a world run from 1998 to 2023."""
    episodes, born = simulate(WORLD, dt.date(1998, 4, 1), dt.date(2023, 3, 31), seed=5)
    folder = tmp_path_factory.mktemp("world")
    write_returns(episodes, born, range(2016, 2020), folder)
    return folder, episodes, born


@pytest.fixture(scope="module")
def calibrated(world):
    folder, _, _ = world
    return calibrate(read_history(folder, load_mapping()), AT, "world")


# -- recovery ------------------------------------------------------------------------------------
def test_entries_recovered(calibrated):
    """Within three standard errors of 48 months of Poisson counts."""
    direct = next(s for s in calibrated.params.entries if s.name == "direct")
    truth = sum(WORLD.rate_per_month.values())
    assert direct.rate_per_month.value == pytest.approx(truth, rel=0.12)
    for band, share in direct.age_band_shares.value.items():
        assert share == pytest.approx(WORLD.rate_per_month[band] / truth, abs=0.05), band


@pytest.fixture(scope="module")
def exit_fit(world):
    folder, _, _ = world
    h = until(read_history(folder, load_mapping()), AT)
    return fits.survival_data(periods(h, load_mapping()), h.first, h.last)


def test_exit_hazards_recovered_with_censoring(exit_fit, calibrated):
    """Mean time in care within three standard errors of the fit; routes within three binomial
    standard errors of each band's exits."""
    fit = fits.fit_exits(exit_fit)
    exits = calibrated.params.exits
    assert exits.shape.value == fit.shape == pytest.approx(WORLD.shape, abs=0.1)
    for band, months in exits.mean_months_by_band.value.items():
        assert months == fit.mean_months[band]
        assert abs(np.log(months / WORLD.mean_months[band])) < 3 * fit.se_log_mean[band], band
    for band in ("0-4", "5-9", "10-15"):
        for route, share in exits.route_shares_by_band.value[band].items():
            truth = WORLD.routes[band][route]
            error = 3 * np.sqrt(truth * (1 - truth) / fit.events[band]) + 0.01
            assert share == pytest.approx(truth, abs=error), (band, route)


def test_dropping_open_periods_would_bias_time_in_care_short(exit_fit):
    """The reason for censoring: closed periods only give a much shorter time in care."""
    data = exit_fit
    censored = fits.fit_exits(data)
    closed = data.event == 1
    naive = fits.fit_exits(
        fits.Survival(data.band[closed], data.entry[closed], data.time[closed], data.event[closed])
    )
    for band in ("0-4", "5-9", "10-15"):
        assert naive.mean_months[band] < 0.8 * censored.mean_months[band], band


def test_placements_and_moves_recovered(calibrated):
    matching = calibrated.params.matching
    for band in ("0-4", "5-9", "10-15"):
        mix = matching.preferences.value[band]["standard"]
        for kind, share in WORLD.placements[band].items():
            assert mix[kind] == pytest.approx(share, abs=0.08), (band, kind)
    assert matching.supported_at_16.value == pytest.approx(WORLD.supported_at_16, abs=0.1)


def test_population_is_the_worlds(world, calibrated):
    _, episodes, _ = world
    population = calibrated.params.population
    assert population.date == AT
    assert population.total.value == in_care(episodes, AT)
    assert calibrated.params.start_date == AT + dt.timedelta(days=1)


def test_projection_within_10_percent_of_the_world(world, calibrated):
    _, episodes, _ = world
    history = run(calibrated.params, [], 3, 20, 1, 1)
    ends = [dt.date(AT.year + k, 3, 31) for k in (1, 2, 3)]
    truth = np.array([in_care(episodes, end) for end in ends])
    projected = np.array([history.cla(end).mean() for end in ends])
    mape = float(np.mean(np.abs(projected - truth) / truth))
    assert mape < 0.10, (projected, truth)


# -- cells ---------------------------------------------------------------------------------------
def test_runs_keep_every_group_at_5_or_more():
    counts = {0: 3, 1: 0, 2: 4, 3: 9, 4: 1}
    groups = runs(range(5), lambda g: sum(counts[i] for i in g))
    assert [sum(counts[i] for i in g) for g in groups] == [7, 10]
    assert sorted(i for g in groups for i in g) == [0, 1, 2, 3, 4]


def test_small_placement_types_are_pooled():
    assert placement_groups({"foster_ifa": 20, "home_external": 2, "other_placement": 1}) == [
        ["foster_ifa", "home_external", "other_placement"]
    ]
    assert placement_groups({"foster_ifa": 20, "home_external": 3, "other_placement": 2}) == [
        ["foster_ifa"],
        ["home_external", "other_placement"],
    ]


def test_cells_never_hold_fewer_than_5():
    rng = np.random.default_rng(3)
    for size in (5, 9, 40, 300):
        children = pd.DataFrame(
            {
                "TYPE": rng.choice(
                    ["foster_ifa", "home_external", "supported_accommodation"], size
                ),
                "BAND": rng.choice(["0-4", "5-9", "10-15", "16-17"], size),
                "MONTHS": rng.exponential(20, size),
            }
        )
        found = cells(children)
        assert sum(c["count"] for c in found) == size
        assert min(c["count"] for c in found) >= 5
    with pytest.raises(ValueError):
        cells(children.head(4))


# -- commands ------------------------------------------------------------------------------------
def test_calibrate_writes_a_set_that_runs_and_leaks_nothing(world, tmp_path):
    folder, _, born = world
    out = tmp_path / "mine.yaml"
    args = ["calibrate", "--ssda903", str(folder), "--at", "2019-03-31", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    scenario = tmp_path / "mine.scenario.yaml"
    ran = CliRunner().invoke(cli, ["run", str(scenario), "--replications", "2", "--years", "1"])
    assert ran.exit_code == 0, ran.output
    text = "".join(p.read_text() for p in tmp_path.iterdir()) + result.output
    assert not re.search(r"W\d{6}", text)
    assert not [d for d in born.values() if d.strftime("%d/%m/%Y") in text]
    data = yaml.safe_load(out.read_text())
    assert min(c["count"] for c in data["population"]["cells"]["value"]) >= 5
    fitted = [
        node["source"] for node in (data["entries"][0]["rate_per_month"], data["exits"]["shape"])
    ]
    assert all(s.startswith(f"fitted: SSDA903 returns {folder.name}") for s in fitted)


def test_calibrate_stops_when_too_many_episodes_are_unusable(world, tmp_path):
    """One episode in ten without a start date: more than 5% unusable, exit 2."""
    folder, _, _ = world
    for path in folder.glob("*.csv"):
        rows = list(csv.reader(path.open()))
        if "episodes" in path.name:
            rows = [rows[0]] + [
                [r[0], "not a date", *r[2:]] if i % 10 == 0 else r for i, r in enumerate(rows[1:])
            ]
        with (tmp_path / path.name).open("w", newline="") as handle:
            csv.writer(handle).writerows(rows)
    out = tmp_path / "x.yaml"
    args = ["calibrate", "--ssda903", str(tmp_path), "--at", "2019-03-31", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "unusable" in result.stderr
    assert "bad-date" in result.stderr and not out.exists()


def test_backtest_scores_the_later_years(world, tmp_path):
    _, episodes, born = world
    longer = tmp_path / "returns"
    write_returns(episodes, born, range(2016, 2022), longer)
    args = ["backtest", "--ssda903", str(longer), "--train-until", "2019-03-31"]
    result = CliRunner().invoke(
        cli, [*args, "--forecast-replications", "10", "--out", str(tmp_path / "bt")]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "bt" / "backtest.csv")
    assert sorted(frame["date"].unique()) == ["2020-03-31", "2021-03-31"]
    assert set(frame["measure"]) == {"cla_total", "started", "ceased"}
    mape = pd.read_csv(tmp_path / "bt" / "mape.csv").set_index("measure")
    assert mape.loc["cla_total", "model"] < 10
    wrong = CliRunner().invoke(cli, [*args[:3], "--train-until", "2019-06-30"])
    assert wrong.exit_code == 2 and "31 March" in wrong.stderr


def test_calibrate_on_the_peer_returns(tmp_path):
    if not PEERS.is_dir():
        pytest.skip(f"peer SSDA903 files not available at {PEERS}")
    h = read_history(PEERS, load_mapping())
    result = calibrate(h, dt.date(2021, 3, 31), PEERS.name)
    assert result.params.population.total.value > 0
    assert all(c.count >= 5 for c in result.params.population.cells.value)


def test_corrupted_returns_never_give_a_traceback(world, tmp_path):
    folder, _, _ = world
    rng = random.Random(16)
    for copy in range(8):
        target = tmp_path / f"copy{copy}"
        damage = corrupt_copy(folder, target, rng)
        out = tmp_path / f"copy{copy}.yaml"
        args = ["calibrate", "--ssda903", str(target), "--at", "2019-03-31", "--out", str(out)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 2), (damage, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), damage
        if result.exit_code == 2:
            assert result.stderr.startswith("Error: "), damage


def test_recorded_cells_place_children_within_their_cell():
    """Each child's time in care lies in its cell's span and below its age, its age in a band
    the cell lists, its placement one the cell lists."""
    cell = PopulationCell(
        placements=["foster_ifa", "home_external"],
        age_bands=["0-4", "5-9"],
        months_in_care=(48.0, 216.0),
        count=40,
    )
    placements, draws, ages, elapsed = recorded([cell], np.random.default_rng(1))
    assert len(placements) == len(draws) == 40
    assert {p.value for p in placements} <= {"foster_ifa", "home_external"}
    assert ((elapsed >= 48 * MONTH) & (elapsed <= ages)).all()
    assert (ages < 10 * DAYS_PER_YEAR).all()
