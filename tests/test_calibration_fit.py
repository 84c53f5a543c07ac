"""The fit by simulation: parameter recovery, stock and flow, convergence, the report."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sufficiency.calibration import history, simulate
from sufficiency.calibration.figures import Figures
from sufficiency.calibration.fit import PRIORS, FitError, Settings, fit, parameters
from sufficiency.calibration.knobs import KNOBS
from sufficiency.calibration.report import target_frame
from sufficiency.calibration.sources import COLUMNS
from sufficiency.parameters import read_yaml

START = dt.date(2019, 4, 1)
TRAIN_UNTIL = dt.date(2022, 3, 31)
SYNTHETIC = "999_0000000000000000.txt"  # named like a seed file, as the source check needs
TRUTH = {"direct_entry_rate": 4.0, "exit_time_multiplier": 1.1}


def small_world() -> dict:
    """Priors with no programmes, no reunification or UASC, starting from 150 children."""
    data = read_yaml(PRIORS)
    for prog in data["programmes"].values():
        prog["therapists"]["value"] = 0.0
        prog["referrals_per_month"]["value"] = 0.0
    data["reunification"]["therapists"]["value"] = 0.0
    data["entries"][1]["rate_per_month"]["value"] = 0.0
    data["foster_carers"]["households"]["value"] = 60
    return data


def row(measure: str, period: str, value: float, end: dt.date) -> dict:
    return {
        "measure": measure,
        "period": period,
        "value": value,
        "unit": "count",
        "source_file": SYNTHETIC,
        "location": "synthetic history",
        "note": "",
        "period_end": pd.Timestamp(end),
    }


def start_rows() -> list[dict]:
    day = START - dt.timedelta(days=1)
    return [
        row("cla_at_31_march", day.isoformat(), 150, day),
        row("pct_cla_in_foster", "2018-19", 0.7, day),
        row("pct_cla_with_inhouse_carers", "2018-19", 0.6, day),
    ]


def synthetic_history() -> pd.DataFrame:
    """Figures published by one replication run with the known (true) knob values."""
    data = small_world()
    for name, value in TRUTH.items():
        KNOBS[name].apply(data, value)
    frame = pd.DataFrame(start_rows(), columns=[*COLUMNS, "period_end"])
    params, _ = history.at(data, Figures(frame), START, TRAIN_UNTIL, TRAIN_UNTIL)
    truth = simulate.run(params, [], 3, 1, seed=2024)
    rows = start_rows()
    for year in (2020, 2021, 2022):
        end = dt.date(year, 3, 31)
        fy = f"{year - 1}-{year % 100:02d}"
        rows.append(row("cla_at_31_march", end.isoformat(), float(truth.cla(end)[0]), end))
        rows.append(row("avg_months_in_care", fy, float(truth.months_in_care(fy)[0]), end))
    return pd.DataFrame(rows, columns=[*COLUMNS, "period_end"])


@pytest.fixture(scope="module")
def recovered():
    base = small_world()
    KNOBS["direct_entry_rate"].apply(base, 5.5)  # start away from the truth
    frame = synthetic_history()
    result = fit(
        frame,
        TRAIN_UNTIL,
        Settings(replications=8, seed=7, max_evaluations=25),
        knob_names=list(TRUTH),
        base=base,
    )
    return frame, result


def test_known_values_fall_inside_the_reported_uncertainty(recovered) -> None:
    _, result = recovered
    assert [k.name for k in result.knobs] == list(TRUTH)
    for i, (name, truth) in enumerate(TRUTH.items()):
        low, high = result.interval(i)
        assert low < truth < high, (name, low, truth, high)
        assert high / low < 10, "an interval this wide would make the check empty"


def test_report_observed_column_equals_the_sources(recovered) -> None:
    frame, result = recovered
    report = target_frame(result)
    assert len(report) == 6
    merged = report.merge(frame, on=["measure", "period"], how="left")
    assert merged["value"].notna().all()
    assert (merged["observed"] == merged["value"]).all()
    assert np.isfinite(report["residual"]).all()


def test_stock_and_flow_agree_in_every_replication(recovered) -> None:
    _, result = recovered
    rows = simulate.stock_flow(result.history)
    assert [r["financial_year"] for r in rows] == ["2019-20", "2020-21", "2021-22"]
    for r in rows:
        assert r["largest_gap"] == 0
        assert r["entries"] - r["exits"] == pytest.approx(r["change_in_cla"])
        assert r["entries"] > 0 and r["exits"] > 0


def test_fitted_parameters_carry_source_and_uncertainty(recovered) -> None:
    _, result = recovered
    params = parameters(result)
    assert params.start_date == TRAIN_UNTIL + dt.timedelta(days=1)
    entry = params.entries[0].rate_per_month
    assert entry.source.startswith("fitted: least squares by simulation")
    assert "{cla_at_31_march@2021-03-31}" in entry.source
    assert entry.uncertainty is None  # drawn with the other knobs from the joint fit
    assert params.fit is not None and params.fit.effect == "service"
    assert [k.name for k in params.fit.knobs] == [k.name for k in result.knobs]
    assert np.allclose(params.fit.log_covariance, result.covariance)
    assert params.costs.inflation_per_year.uncertainty is not None  # calibration/uncertainty.yaml
    assert entry.value == pytest.approx(result.values[0], rel=1e-4)
    months = params.exits.mean_months_by_band
    assert months.source.startswith("fitted:")
    assert months.value["0-4"] == pytest.approx(34 * result.values[1], rel=1e-6)


def test_a_fit_that_does_not_converge_raises() -> None:
    frame = synthetic_history()
    with pytest.raises(FitError, match="did not converge"):
        fit(
            frame,
            TRAIN_UNTIL,
            Settings(replications=2, max_evaluations=1),
            knob_names=list(TRUTH),
            base=small_world(),
        )


def test_no_targets_in_the_window_raises() -> None:
    frame = pd.DataFrame(start_rows(), columns=[*COLUMNS, "period_end"])
    with pytest.raises(FitError, match="no reported figures"):
        fit(frame, TRAIN_UNTIL, Settings(replications=2), base=small_world())
