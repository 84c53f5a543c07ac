"""Shared fixtures: the Leicester baseline and its scenario (the engine tests' own small
parameter set is in builders.py)."""

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
