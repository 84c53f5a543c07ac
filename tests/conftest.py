"""Shared fixtures: the baseline, and small parameter sets built from it for analytic checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sufficiency import paths
from sufficiency.parameters import ParameterSet, load_parameters, revised

ROOT = Path(__file__).resolve().parent.parent
BASELINE_SCENARIO = ROOT / "scenarios" / "baseline.yaml"
BASELINE_PARAMETERS = ROOT / "calibration" / "leicester.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def baseline_params() -> ParameterSet:
    return load_parameters(BASELINE_PARAMETERS)


def edited(params: ParameterSet, edits: dict[str, Any]) -> ParameterSet:
    """A copy of ``params`` with values replaced: ``{"entries.direct.rate_per_month": value}``
    (a parameter's value, or a plain field such as ``homes.Hillview.closes``)."""
    def revise(data: dict) -> None:
        for path, value in edits.items():
            if paths.is_sourced(paths.find(data, path)):
                paths.set_value(data, path, value)
            else:
                paths.put(data, path, value)

    return revised(params, revise)


def quiet_programmes(params: ParameterSet, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Edits that switch off every programme (no referrals, no staff) except those kept."""
    edits: dict[str, Any] = {}
    for prog in ("mst", "mst_bsf", "fft_cw", "fdm"):
        if prog not in keep:
            edits[f"programmes.{prog}.referrals_per_month"] = 0.0
            edits[f"programmes.{prog}.therapists"] = 0.0
    edits["reunification.therapists"] = 0.0
    return edits


def even_shares(keys: tuple[str, ...], chosen: str) -> dict[str, float]:
    """All weight on ``chosen``."""
    return {k: 1.0 if k == chosen else 0.0 for k in keys}
