"""Parameter uncertainty: draw a replication's own parameter set, and split a result's spread
between chance and parameters.

Two kinds of uncertain value are drawn once per replication:

- the fit's knobs, together, from a multivariate normal of their logs (the fit's covariance);
- every other value that states its own ``uncertainty`` (unit costs, inflation, deflators), each
  from its own distribution.

A set fitted under ``trial`` or ``none`` draws its deflator multiplier with the other knobs, and
its outcome splits are derived from the drawn deflators (``effects.with_effect``), so each
replication keeps the preset (under ``none``: the chance of care with a programme equals the
deflator, and a programme changes nothing).

Each value draws from its own stream, keyed by its path (the knobs by ``fit``), so a scenario
that fixes one value (and drops its uncertainty) leaves every other draw as it was: two
scenarios share their parameter draws wherever they share the value.

Replications run in pairs sharing one parameter draw (replications 0 and 1, 2 and 3, ...), so
the spread within a pair is chance alone; ``chance_share`` turns that into the share of a
result's variance due to chance (the law of total variance).
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .calibration.knobs import KNOBS
from .effects import with_effect
from .errors import InputError
from .parameters import JointFit, ParameterSet, revised
from .paths import sourced_items

ATTEMPTS = 20
SHARING = 2
"""Replications that share one parameter draw."""


def draw_index(index: int) -> int:
    """The parameter draw replication ``index`` uses."""
    return index // SHARING


@dataclass
class Recent:
    """The parameter set last drawn from, whether it holds uncertain values, and its last
    draw: the replications sharing a draw run one after the other in a worker, so the second
    takes the first's (parameter sets are never changed in place)."""

    params: ParameterSet
    uncertain: bool
    root: int = -1
    drawn: ParameterSet | None = None


local = threading.local()
"""Each thread's ``Recent`` (a Dask worker may run chunks on several threads)."""


def draw_parameters(params: ParameterSet, rng: np.random.Generator) -> ParameterSet:
    """A parameter set with every uncertain value drawn once; the others as they are.

    A draw that breaks validation (a share over 1, say) is drawn again.
    """
    recent: Recent | None = getattr(local, "recent", None)
    if recent is None or recent.params is not params:
        recent = local.recent = Recent(params, is_uncertain(params))
    if not recent.uncertain:
        return params
    root = int(rng.integers(2**63))
    if recent.root != root or recent.drawn is None:
        recent.root, recent.drawn = root, fresh_draw(params, root)
    return recent.drawn


def is_uncertain(params: ParameterSet) -> bool:
    """Whether anything in ``params`` is drawn: the fit's knobs, or a value's uncertainty."""
    return params.fit is not None or any(
        node.get("uncertainty") for _, node in sourced_items(params.model_dump(mode="python"))
    )


def fresh_draw(params: ParameterSet, root: int) -> ParameterSet:
    """The draw of every uncertain value from ``root``'s streams (``params`` if every attempt
    breaks validation). A set fitted under ``trial`` or ``none`` derives its outcome splits
    from the drawn deflators again, so the preset holds in every replication."""
    for attempt in range(ATTEMPTS):
        try:
            drawn = revised(params, partial(draw_all, fit=params.fit, root=root, attempt=attempt))
        except InputError:
            continue
        return drawn if params.fit is None else with_effect(drawn, params.fit.effect)
    return params


def stream(root: int, key: str, attempt: int) -> np.random.Generator:
    """The generator of one drawn value (or of the knobs, ``fit``)."""
    return np.random.default_rng([root, zlib.crc32(key.encode()), attempt])


def draw_all(data: dict, fit: JointFit | None, root: int, attempt: int) -> None:
    for path, node in sourced_items(data):
        if node.get("uncertainty") is not None:
            node["value"] = draw(stream(root, path, attempt), node["value"], node["uncertainty"])
    if fit is not None:
        draw_knobs(data, fit, stream(root, "fit", attempt))


def draw_knobs(data: dict, fit: JointFit, rng: np.random.Generator) -> None:
    """Move every knob by one joint draw of its log from the fit's covariance."""
    cov = np.array(fit.log_covariance)
    shifts = multivariate_normal(rng, cov)
    for knob, shift in zip(fit.knobs, shifts, strict=True):
        if knob.name in KNOBS:
            KNOBS[knob.name].rescale(data, float(np.exp(shift)))


def multivariate_normal(rng: np.random.Generator, cov: np.ndarray) -> np.ndarray:
    """One draw with mean 0 (via the symmetric square root, valid for a singular covariance)."""
    values, vectors = np.linalg.eigh(cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    return root @ rng.standard_normal(len(cov))


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


def chance_share(values: np.ndarray) -> float:
    """The share of the variance of ``values`` (one per replication, in replication order) due
    to chance: the mean variance within groups sharing a parameter draw over the total variance
    (nan with fewer than two whole groups or no variance)."""
    whole = len(values) // SHARING * SHARING
    if whole < 2 * SHARING:
        return float("nan")
    groups = np.asarray(values[:whole], dtype=float).reshape(-1, SHARING)
    total = float(np.var(groups, ddof=1))
    if total <= 0:
        return float("nan")
    within = float(np.mean(np.var(groups, axis=1, ddof=1)))
    return min(1.0, within / total)
