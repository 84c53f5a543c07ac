"""The backtest: trained only on figures to --train-until, scored against what came later."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.calibration.backtest import COLUMNS, backtest
from sufficiency.calibration.fit import Settings
from sufficiency.calibration.provenance import tokens
from sufficiency.calibration.sources import load_sources
from sufficiency.cli import cli
from sufficiency.parameters import provenance

TRAIN_UNTIL = dt.date(2022, 3, 31)
TINY = Settings(replications=2, max_evaluations=20, window_years=1)
FORECASTS = ["forecast_p05", "forecast_p50", "forecast_p95", "persistence", "trend"]


def later_figures_changed(df: pd.DataFrame) -> pd.DataFrame:
    """Every figure after the training date multiplied by 1.5."""
    out = df.copy()
    later = out["period_end"] > pd.Timestamp(TRAIN_UNTIL)
    out.loc[later, "value"] = out.loc[later, "value"] * 1.5
    return out


@pytest.fixture(scope="module")
def runs():
    df = load_sources()
    return (
        df,
        backtest(df, TRAIN_UNTIL, TINY, 4),
        backtest(later_figures_changed(df), TRAIN_UNTIL, TINY, 4),
    )


def test_the_backtest_never_reads_figures_after_train_until(runs) -> None:
    _, original, changed = runs
    assert original.params.model_dump() == changed.params.model_dump()
    pd.testing.assert_frame_equal(original.frame[FORECASTS], changed.frame[FORECASTS])
    assert (changed.frame["observed"] == original.frame["observed"] * 1.5).all()


def test_everything_the_trained_parameters_cite_was_known_by_train_until(runs) -> None:
    df, original, _ = runs
    ends = df.set_index(["measure", "period"])["period_end"]
    cited = {t for row in provenance(original.params) for t in tokens(row["source"])}
    assert cited and all(ends[t] <= pd.Timestamp(TRAIN_UNTIL) for t in cited)
    assert original.params.start_date == TRAIN_UNTIL + dt.timedelta(days=1)
    assert all(h.opens <= TRAIN_UNTIL for h in original.params.homes)


def test_scores_later_cla_and_shares_against_persistence_and_trend(runs) -> None:
    _, original, _ = runs
    frame = original.frame
    assert list(frame.columns) == COLUMNS
    cla = frame[frame["measure"] == "cla_total"]
    assert [d.isoformat() for d in cla["date"]] == ["2023-03-31", "2024-03-31", "2025-03-31"]
    assert cla["observed"].tolist() == [630, 599, 597]
    assert set(frame["measure"]) == {
        "cla_total",
        "pct_cla_in_foster",
        "pct_cla_with_inhouse_carers",
        "dfe_cla_at_31_march",
        "dfe_pct_cla_in_foster",
    }
    assert (frame["forecast_p05"] <= frame["forecast_p50"]).all()
    assert (frame["forecast_p50"] <= frame["forecast_p95"]).all()
    assert frame["persistence"].nunique() == 5  # one last training value per measure
    mape = original.mape().set_index("measure")
    manual = (abs(cla["persistence"] - cla["observed"]) / cla["observed"]).mean() * 100
    assert mape.loc["cla_total", "persistence"] == pytest.approx(manual)
    assert mape.loc["all", "rows"] == len(frame)


def test_the_dfe_twins_are_scored_with_their_own_training_years(runs) -> None:
    """The DfE's census is scored beside the council's figures, persistence carrying the
    DfE's own March 2022 figure; the followed summary takes the council's CLA, the DfE's share
    in foster care and the council's in-house share."""
    _, original, _ = runs
    frame = original.frame
    dfe = frame[frame["measure"] == "dfe_cla_at_31_march"]
    assert dfe["observed"].tolist() == [628, 596]
    assert (dfe["persistence"] == 612).all()
    assert (frame[frame["measure"] == "dfe_pct_cla_in_foster"]["persistence"] == 0.732).all()
    mape = original.mape().set_index("measure")
    assert mape.loc["followed", "rows"] == 3 + 3 + 2


def test_cli_writes_backtest_csv_and_prints_mape(tmp_path) -> None:
    out = tmp_path / "bt"
    args = [
        "backtest",
        "--train-until",
        "2022-03-31",
        "--out",
        str(out),
        "--replications",
        "2",
        "--max-evaluations",
        "20",
        "--window-years",
        "1",
        "--forecast-replications",
        "4",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Mean absolute percentage error" in result.output
    frame = pd.read_csv(out / "backtest.csv")
    assert list(frame.columns) == COLUMNS and len(frame) == 13
    assert {
        "backtest.csv",
        "mape.csv",
        "training_fit.csv",
        "training_fit.md",
        "trained_parameters.yaml",
    } <= {p.name for p in out.iterdir()}


def test_cli_refuses_a_training_date_with_nothing_after_it() -> None:
    result = CliRunner().invoke(cli, ["backtest", "--train-until", "2030-03-31"])
    assert result.exit_code == 2
    assert "a date before the last reported CLA or placement figures" in result.output


def test_whole_numbers_print_without_decimals():
    from sufficiency.calibration.report import number

    assert number(13) == "13"
    assert number(np.int64(1234)) == "1,234"
    assert number(13.0) == "13.0"
