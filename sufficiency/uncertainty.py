"""Parameter uncertainty: draw a replication's own parameter set from the fitted ranges."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InputError
from .parameters import ParameterSet, revised
from .paths import sourced_items

ATTEMPTS = 20


def draw_parameters(params: ParameterSet, rng: np.random.Generator) -> ParameterSet:
    """A parameter set with every uncertain value drawn once; the others as they are.

    Each value is drawn from its own distribution with the fitted mean and standard deviation;
    a draw that breaks validation (a share over 1, say) is drawn again.
    """
    drew = False

    def drawn(data: dict) -> None:
        nonlocal drew
        for _, node in sourced_items(data):
            if node.get("uncertainty") is not None:
                node["value"] = draw(rng, node["value"], node["uncertainty"])
                drew = True

    for _ in range(ATTEMPTS):
        try:
            out = revised(params, drawn)
        except InputError:
            continue
        return out if drew else params
    return params


def draw(rng: np.random.Generator, mean: float, spec: dict[str, Any]) -> float:
    """One draw with the given mean and standard deviation."""
    sd = spec["sd"]
    kind = spec["distribution"]
    if kind == "normal":
        return float(rng.normal(mean, sd))
    if kind == "gamma":
        if mean <= 0:
            return float(mean)
        shape = (mean / sd) ** 2
        return float(rng.gamma(shape, mean / shape))
    variance = min(sd * sd, mean * (1 - mean) * 0.999)
    if variance <= 0:
        return float(mean)
    common = mean * (1 - mean) / variance - 1
    return float(rng.beta(mean * common, (1 - mean) * common))
