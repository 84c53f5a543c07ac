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
from .parameters import JointFit, ParameterSet
from .paths import sourced_steps
from .revisions import Revision, Steps, at

ATTEMPTS = 20
SHARING = 2
"""Replications that share one parameter draw."""


def draw_index(index: int) -> int:
    """The parameter draw replication ``index`` uses."""
    return index // SHARING


class Draws:
    """What a parameter set draws: its values with an uncertainty (their paths and steps, in
    document order) and its fit's knobs, as a ``Revision`` of the set changing only what they
    set."""

    def __init__(
        self, params: ParameterSet, uncertain: list[tuple[str, Steps]], revision: Revision
    ) -> None:
        self.params = params
        self.uncertain = uncertain
        self.revision = revision
        fit = params.fit
        self.spread = None if fit is None else square_root(np.array(fit.log_covariance))
        """The square root of the fit's covariance of its knobs' logs."""

    @classmethod
    def of(cls, params: ParameterSet) -> Draws | None:
        """The draws of ``params``; None if nothing in it is drawn."""
        dump = params.model_dump(mode="python")
        uncertain = [
            (".".join(steps), steps)
            for steps, node in sourced_steps(dump)
            if node.get("uncertainty")
        ]
        if params.fit is None and not uncertain:
            return None
        knobs = [knob.name for knob in params.fit.knobs] if params.fit is not None else []
        knob_paths = [path for name in knobs if name in KNOBS for path in KNOBS[name].paths(dump)]
        paths = [steps for _, steps in uncertain] + [tuple(path.split(".")) for path in knob_paths]
        return cls(params, uncertain, Revision(params, paths, dump))

    def fresh(self, root: int) -> ParameterSet:
        """The draw of every uncertain value from ``root``'s streams (the set itself if every
        attempt breaks validation). A set fitted under ``trial`` or ``none`` derives its
        outcome splits from the drawn deflators again, so the preset holds in every
        replication."""
        fit = self.params.fit
        for attempt in range(ATTEMPTS):
            try:
                drawn = self.revision(partial(self.draw_all, root=root, attempt=attempt))
            except InputError:
                continue
            return drawn if fit is None else with_effect(drawn, fit.effect)
        return self.params

    def draw_all(self, data: dict, root: int, attempt: int) -> None:
        """Draw every uncertain value in dumped ``data``, then the fit's knobs."""
        for path, steps in self.uncertain:
            node = at(data, steps)
            node["value"] = draw(stream(root, path, attempt), node["value"], node["uncertainty"])
        if self.params.fit is not None and self.spread is not None:
            self.draw_knobs(data, self.params.fit, self.spread, stream(root, "fit", attempt))

    @staticmethod
    def draw_knobs(data: dict, fit: JointFit, spread: np.ndarray, rng: np.random.Generator):
        """Move every knob by one joint draw of its log (mean 0, ``spread`` the square root of
        its covariance)."""
        shifts = spread @ rng.standard_normal(len(spread))
        for knob, shift in zip(fit.knobs, shifts, strict=True):
            if knob.name in KNOBS:
                KNOBS[knob.name].rescale(data, float(np.exp(shift)))


@dataclass
class Recent:
    """The parameter set last drawn from, what it draws (None: nothing), and its last draw:
    the replications sharing a draw run one after the other in a worker, so the second takes
    the first's (parameter sets are never changed in place)."""

    params: ParameterSet
    draws: Draws | None
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
        recent = local.recent = Recent(params, Draws.of(params))
    if recent.draws is None:
        return params
    root = int(rng.integers(2**63))
    if recent.root != root or recent.drawn is None:
        recent.root, recent.drawn = root, recent.draws.fresh(root)
    return recent.drawn


def stream(root: int, key: str, attempt: int) -> np.random.Generator:
    """The generator of one drawn value (or of the knobs, ``fit``)."""
    return np.random.default_rng([root, zlib.crc32(key.encode()), attempt])


def square_root(cov: np.ndarray) -> np.ndarray:
    """The symmetric square root of a covariance (valid when it is singular)."""
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


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
