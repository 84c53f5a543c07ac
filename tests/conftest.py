"""Shared fixtures: the Leicester baseline and its scenario (the engine tests' own small
parameter set is in builders.py)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sufficiency.parameters import ParameterSet, load_parameters

ROOT = Path(__file__).resolve().parent.parent
BASELINE_SCENARIO = ROOT / "scenarios" / "baseline.yaml"
BASELINE_PARAMETERS = ROOT / "calibration" / "leicester.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def baseline_params() -> ParameterSet:
    return load_parameters(BASELINE_PARAMETERS)


def edited(params: ParameterSet, edits: dict[str, Any]) -> ParameterSet:
    """A copy of ``params`` with sourced values replaced: ``{"a.b.c": value}``."""
    data = copy.deepcopy(params.model_dump(mode="python"))
    for path, value in edits.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        target = node[int(last)] if isinstance(node, list) else node[last]
        if isinstance(target, dict) and "source" in target and "value" in target:
            target["value"] = value
        else:
            node[last] = value
    return ParameterSet.model_validate(data)
