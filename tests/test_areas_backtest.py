"""The national backtest of the public-data forecasts: fitted on the years to --train-until
only, scored against the next year, the baselines' simulation on a handful of authorities."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.errors import InputError
from sufficiency.publicdata.backtest import (
    backtest,
    staying_share,
    stream_starts,
    training_year,
)
from sufficiency.publicdata.baseline import build_baseline
from sufficiency.publicdata.cells import Cell
from sufficiency.publicdata.forecast import Settings
from sufficiency.publicdata.tables import PublicData, load
from sufficiency.publicdata.trend import trended_starts

TRAIN_UNTIL = dt.date(2023, 3, 31)
HANDFUL = ("Leicester", "Rutland", "Kent", "City of London")


@pytest.fixture(scope="module")
def data():
    return load()


@pytest.fixture(scope="module")
def national(data):
    return backtest(data, TRAIN_UNTIL)


def score(result, measure: str, method: str) -> pd.Series:
    scores = result.scores
    return scores[(scores["measure"] == measure) & (scores["method"] == method)].iloc[0]


def test_every_authority_published_both_years_is_scored(national):
    counts = national.table.groupby("measure").size()
    assert set(counts.index) == {"looked_after", "started", "ceased"}
    assert (counts == 150).all()
    assert national.table["actual"].gt(0).all()


def test_the_pooled_model_beats_persistence_and_the_trend_on_children_looked_after(national):
    pooled = score(national, "looked_after", "pooled")
    assert pooled["mape"] < score(national, "looked_after", "persistence")["mape"]
    assert pooled["mape"] < score(national, "looked_after", "linear_trend")["mape"]
    assert 80 <= pooled["inside_90"] <= 97


def test_persistence_is_the_figure_carried_forward(data, national):
    rows = national.table[national.table["la_code"] == data.find("Leicester").la_code]
    carried = rows.set_index("measure")["persistence"]
    assert (
        carried["looked_after"] == data.number("looked_after_at_31_march", "E06000016", 2023).value
    )
    assert rows.set_index("measure")["actual"]["looked_after"] == 596


def test_figures_after_the_training_year_do_not_move_the_forecast(data):
    """Double every figure of the year scored and drop the year after: only the outcomes move."""
    year = 2023
    figures = {
        key: Cell(cell.value * 2 if cell.value is not None else None, cell.symbol)
        if key[2] == year
        else cell
        for key, cell in data.figures.items()
        if key[2] <= year
    }
    breakdowns = {key: cells for key, cells in data.breakdowns.items() if key[2] < year}
    changed = dataclasses.replace(
        data, figures=figures, breakdowns=breakdowns, years=(2021, 2022, 2023)
    )
    assert isinstance(changed, PublicData)
    before = backtest(data, dt.date(2022, 3, 31)).table
    after = backtest(changed, dt.date(2022, 3, 31)).table
    forecasts = ["pooled", "pooled_p05", "pooled_p95", "persistence", "linear_trend"]
    pd.testing.assert_frame_equal(before[forecasts], after[forecasts])
    assert (after["actual"] == 2 * before["actual"]).all()


def test_a_training_year_needs_a_later_year_to_score(data):
    with pytest.raises(InputError, match="a date before 31 March 2024"):
        training_year(data, dt.date(2024, 3, 31))
    assert training_year(data, dt.date(2023, 9, 1)) == 2023


def test_the_simulation_is_scored_on_a_handful(data):
    areas = [data.find(name) for name in HANDFUL]
    result = backtest(data, TRAIN_UNTIL, Settings(TRAIN_UNTIL, 1, 4, 1, 1), areas=areas)
    assert len(result.table) == 3 * len(HANDFUL)
    assert result.table["simulation"].notna().all()
    assert (result.table["simulation_p05"] <= result.table["simulation_p95"]).all()
    methods = set(result.scores["method"])
    assert methods == {"pooled", "persistence", "linear_trend", "simulation", "simulation_mean"}


def test_the_simulations_mean_takes_the_starts_as_a_control_variate(data):
    """The starts drawn above their expectation move the stock by the entrants still in care
    at the year's end, the ceased by the rest; the starts' own mean becomes their expectation."""
    leicester = data.find("Leicester")
    result = backtest(data, TRAIN_UNTIL, Settings(TRAIN_UNTIL, 1, 6, 1, 1), areas=[leicester])
    rows = result.table.set_index("measure")
    params = build_baseline(data, leicester, TRAIN_UNTIL).params
    expected = stream_starts(params)
    assert expected == pytest.approx(trended_starts(data, 2023)["E06000016"].mean)
    assert rows.loc["started", "simulation"] == pytest.approx(expected)
    shift = rows.loc["started", "simulation_mean"] - expected
    staying = staying_share(params)
    assert 0.5 < staying < 1.0
    for measure, weight in (("looked_after", staying), ("ceased", 1 - staying)):
        moved = rows.loc[measure, "simulation_mean"] - rows.loc[measure, "simulation"]
        assert moved == pytest.approx(weight * shift)


def test_cli_writes_the_table_and_scores(tmp_path):
    out = tmp_path / "bt"
    result = CliRunner().invoke(
        cli, ["areas", "backtest", "--train-until", "2023-03-31", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "pooled model" in result.output and "Missed most" in result.output
    scores = pd.read_csv(out / "area_backtest_scores.csv")
    assert len(scores) == 9
    assert len(pd.read_csv(out / "area_backtest.csv")) == 450


def test_cli_refuses_a_training_date_with_nothing_after_it():
    result = CliRunner().invoke(cli, ["areas", "backtest", "--train-until", "2024-03-31"])
    assert result.exit_code == 2
    assert "--train-until" in result.output and "a date before 31 March 2024" in result.output
