"""Every figure in the baseline parameter set traces to calibration/sources, a statistic, a fit
or an assumption; values that claim a seed report are recomputed from the cited rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sufficiency import paths
from sufficiency.calibration.provenance import checks, claims_seed, evaluate, tokens, verify
from sufficiency.calibration.sources import load_sources
from sufficiency.parameters import ParameterSet, load_parameters, provenance, revised

BASELINE = Path(__file__).resolve().parents[1] / "calibration" / "leicester.yaml"


@pytest.fixture(scope="module")
def df():
    return load_sources()


@pytest.fixture(scope="module")
def params() -> ParameterSet:
    return load_parameters(BASELINE)


def edited(params: ParameterSet, path: str, **changes) -> ParameterSet:
    """``params`` with the parameter at ``path``'s value or source replaced."""
    return revised(params, lambda data: paths.sourced(data, path).update(changes))


def test_every_value_in_the_baseline_traces_to_the_sources(params, df) -> None:
    assert verify(params, df) == []


def test_the_rule_is_not_vacuous(params) -> None:
    rows = provenance(params)
    seeded = [r for r in rows if claims_seed(r["source"])]
    assert len(seeded) >= 25 and all(checks(r["source"]) for r in seeded)
    fitted = [r for r in rows if r["source"].startswith("fitted:")]
    assert fitted and all(tokens(r["source"]) for r in fitted)
    assert all(
        r["source"].startswith(("assumption:", "statistic:", "fitted:")) or claims_seed(r["source"])
        for r in rows
    )


def test_a_value_that_differs_from_its_rows_is_caught(params, df) -> None:
    wrong = edited(params, "costs.weekly.home_external", value=5500.0)
    problems = verify(wrong, df)
    assert [p.parameter for p in problems] == ["costs.weekly.home_external"]
    assert "fails" in problems[0].reason


def test_an_unknown_row_a_missing_check_and_a_wrong_file_are_caught(params, df) -> None:
    path = "costs.weekly.foster_ifa"
    unknown = edited(
        params, path, source="004_cfe9078384657e76.txt, table: [value = {weekly_cost_ifa@2030-31}]"
    )
    assert "not a sources row" in verify(unknown, df)[0].reason
    unchecked = edited(params, path, source="004_cfe9078384657e76.txt, 'Fostering': £981 a week")
    assert "no [value = ...] check" in verify(unchecked, df)[0].reason
    elsewhere = edited(
        params, path, source="002_23c3c75e57ab1230.txt, table: [value = {weekly_cost_ifa@2024-25}]"
    )
    assert "not named in the source" in verify(elsewhere, df)[0].reason


def test_mapping_values_are_checked_key_by_key(params, df) -> None:
    shares = dict(params.population.placement_shares.value)
    shares["foster_ifa"], shares["home_external"] = (
        shares["foster_ifa"] - 0.05,
        shares["home_external"] + 0.05,
    )
    wrong = edited(params, "population.placement_shares", value=shares)
    assert any(
        "foster_inhouse + foster_kinship + foster_ifa" in p.reason for p in verify(wrong, df)
    )


def test_fitted_values_carry_their_joint_uncertainty(params) -> None:
    entry = params.entries[0].rate_per_month
    assert entry.source.startswith("fitted:") and entry.uncertainty is None
    assert params.fit is not None
    knobs = {k.name: k for k in params.fit.knobs}
    assert knobs["direct_entry_rate"].paths == ["entries.direct.rate_per_month"]
    variances = np.diag(np.array(params.fit.log_covariance))
    assert len(variances) == len(knobs) and (variances > 0).all()


def test_evaluate_is_plain_arithmetic() -> None:
    assert evaluate("(a + 2) * 3 / b - -1", {"a": 1.0, "b": 9.0}) == pytest.approx(2.0)
    for bad in ("__import__('os')", "a ** 2", "max(a, 1)"):
        with pytest.raises(ValueError):
            evaluate(bad, {"a": 1.0})
