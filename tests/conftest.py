"""Shared fixtures: the baseline, and small parameter sets built from it for analytic checks."""

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
