"""The step in the direct entry rate: applied at its date, recovered by the fit, validated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sufficiency.calibration import history, simulate, step
from sufficiency.calibration.figures import Figures
from sufficiency.calibration.fit import Settings, fit, parameters
from sufficiency.calibration.knobs import KNOBS
from sufficiency.calibration.sources import COLUMNS
from sufficiency.cli import cli
from sufficiency.timeline import Change

from .test_calibration_fit import START, TRAIN_UNTIL, row, small_world, start_rows

LEICESTER = Path(__file__).resolve().parents[1] / "calibration" / "leicester.yaml"
STEP = dt.date(2021, 4, 1)
TRUTH = {"direct_entry_rate": 3.0, "direct_entry_before_ratio": 2.0, "exit_time_multiplier": 1.1}


def stepped_world(rate: float, before: float, date: dt.date = STEP) -> dict:
    data = small_world()
    KNOBS["direct_entry_rate"].apply(data, rate)
    data["entries"][0]["before"] = {
        "date": date,
        "rate_per_month": {"value": before, "source": "assumption: a test's earlier rate"},
    }
    return data


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*COLUMNS, "period_end"])


def test_a_step_after_the_start_is_a_dated_change_the_engine_applies_on_its_date() -> None:
    data = stepped_world(rate=4.0, before=20.0, date=dt.date(2020, 4, 1))
    params, timeline = history.at(
        data, Figures(frame(start_rows())), START, TRAIN_UNTIL, TRAIN_UNTIL
    )
    assert params.entries[0].rate_per_month.value == 20.0
    assert params.entries[0].before is None
    assert Change(366.0, "entries.direct.rate_per_month", 4.0) in timeline
    run = simulate.run(params, timeline, 3, 4, seed=1)
    starts = run.flow("entries").mean(axis=0)
    before, after = starts[run.year("2019-20")], starts[run.year("2020-21")]
    assert 200 < before < 280 and 30 < after < 70, (before, after)


def test_a_step_on_or_before_the_start_stays_as_history() -> None:
    data = stepped_world(rate=4.0, before=20.0, date=START)
    params, timeline = history.at(
        data, Figures(frame(start_rows())), START, TRAIN_UNTIL, TRAIN_UNTIL
    )
    assert params.entries[0].rate_per_month.value == 4.0
    assert params.entries[0].before is not None and params.entries[0].before.date == START
    assert not [c for c in timeline if c.path == "entries.direct.rate_per_month"]


def test_the_step_sits_at_the_latest_year_of_starts_in_the_window() -> None:
    rows = [
        row("dfe_started", f"{y - 1}-{y % 100:02d}", 100, dt.date(y, 3, 31)) for y in (2021, 2022)
    ]
    fig = Figures(frame(rows))
    assert step.step_date(fig, START, TRAIN_UNTIL) == STEP
    assert step.step_date(fig, dt.date(2021, 4, 1), dt.date(2024, 3, 31)) is None  # one year only


def synthetic_history() -> pd.DataFrame:
    """Figures published by one replication run with a known step in the direct rate."""
    data = stepped_world(TRUTH["direct_entry_rate"], 0.0)
    KNOBS["exit_time_multiplier"].apply(data, TRUTH["exit_time_multiplier"])
    KNOBS["direct_entry_before_ratio"].apply(data, TRUTH["direct_entry_before_ratio"])
    params, timeline = history.at(
        data, Figures(frame(start_rows())), START, TRAIN_UNTIL, TRAIN_UNTIL
    )
    truth = simulate.run(params, timeline, 3, 1, seed=2024)
    rows = start_rows()
    for year in (2020, 2021, 2022):
        end = dt.date(year, 3, 31)
        fy = f"{year - 1}-{year % 100:02d}"
        rows.append(row("cla_at_31_march", end.isoformat(), float(truth.cla(end)[0]), end))
        started = float(truth.flow("entries")[0, truth.year(fy)])
        rows.append(row("dfe_started", fy, started, end))
    return frame(rows)


@pytest.fixture(scope="module")
def recovered():
    base = small_world()
    KNOBS["direct_entry_rate"].apply(base, 4.5)  # start away from the truth
    return fit(
        synthetic_history(),
        TRAIN_UNTIL,
        Settings(replications=8, seed=7, max_evaluations=30, step=True),
        knob_names=list(TRUTH),
        base=base,
    )


def test_the_fit_recovers_a_known_step(recovered) -> None:
    assert [k.name for k in recovered.knobs] == list(TRUTH)
    for i, (name, truth) in enumerate(TRUTH.items()):
        low, high = recovered.interval(i)
        assert low < truth < high, (name, low, truth, high)
        assert high / low < 10, "an interval this wide would make the check empty"
    ratio_low, _ = recovered.interval(1)
    assert ratio_low > 1.0, "the fit finds the step, not a level rate"


def test_the_written_set_holds_the_rate_from_the_step_and_says_so(recovered) -> None:
    params = parameters(recovered)
    stream = params.entries[0]
    assert stream.rate_per_month.value == pytest.approx(recovered.values[0], rel=1e-4)
    assert (
        f"the rate from {STEP}, held after the last observed year" in stream.rate_per_month.source
    )
    assert stream.before is not None and stream.before.date == STEP
    earlier = stream.before.rate_per_month
    assert earlier.value == pytest.approx(recovered.values[0] * recovered.values[1], rel=1e-3)
    assert earlier.source.startswith("fitted: least squares by simulation")
    assert "{dfe_started@2021-22}" in earlier.source


def parameter_file(tmp_path, before: dict) -> str:
    data = yaml.safe_load(LEICESTER.read_text(encoding="utf-8"))
    data["entries"][0]["before"] = before
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\nparameters: {path}\n", encoding="utf-8")
    return str(scenario)


@pytest.mark.parametrize(
    "before, field, expected",
    [
        (
            {"date": "2026-04-01", "rate_per_month": {"value": 9.0, "source": "assumption: x"}},
            "entries",
            "each stream's before.date on or before start_date 2025-04-01, got 2026-04-01",
        ),
        (
            {"date": "2023-04-01", "rate_per_month": {"value": -1.0, "source": "assumption: x"}},
            "entries[0].before.rate_per_month.value",
            "a number >= 0",
        ),
        ({"date": "2023-04-01"}, "entries[0].before.rate_per_month", "a value"),
    ],
)
def test_a_bad_step_in_a_parameter_file_names_the_field(tmp_path, before, field, expected) -> None:
    result = CliRunner().invoke(cli, ["check", parameter_file(tmp_path, before)])
    assert result.exit_code == 2
    assert f"params.yaml: {field}: {expected}" in result.output
    assert "Traceback" not in result.output


def test_without_step_the_fit_keeps_one_direct_rate() -> None:
    result = fit(
        synthetic_history(),
        TRAIN_UNTIL,
        Settings(replications=4, seed=7, max_evaluations=30),
        knob_names=list(TRUTH),
        base=small_world(),
    )
    assert [k.name for k in result.knobs] == ["direct_entry_rate", "exit_time_multiplier"]
    assert parameters(result).entries[0].before is None
