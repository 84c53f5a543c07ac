"""The fit by simulation: choose the knobs so simulated history matches the reports.

The run starts ``window_years`` before the training date from that day's children in care and
applies the changes known for the window. For knob values x (logs), the residual of a target
is (mean over replications - observed) / spread, where the spread combines the variance of
the simulated figure between replications (the reports are one realisation) and the
observation spread; a weak prior keeps each knob near its starting point (log sd 0.5).
``scipy.optimize.least_squares`` minimises the sum of squares, with common random numbers (the
same seeds at every evaluation) and forward differences of 0.1 on the log scale (10%) to step
over the noise. The covariance of x is the inverse of J'J at the optimum, inflated by the
residual variance per degree of freedom when that exceeds 1; runs draw the knobs together from
it (a multivariate normal of their logs).

Every simulated run applies the effect preset (``service``, ``trial`` or ``none``), so each
preset's fit reproduces the same history under its own assumption about the programmes. Under
``trial`` and ``none`` the therapies' assumed deflators are fitted too (``deflator_multiplier``):
the preset's outcome split follows the fitted deflator (``effects.with_effect`` runs after the
knobs), and a replication's drawn deflator moves the split with it (``uncertainty``).
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from ..calendar import add_years
from ..effects import with_effect
from ..parameters import ParameterSet, build_parameters, read_yaml
from ..paths import sourced
from ..shipped import calibration_dir
from . import direct, history, step, trends
from .figures import Figures, significant
from .knobs import KNOBS, Knob
from .simulate import History, run
from .sources import until
from .targets import Target, targets

PRIORS = calibration_dir() / "priors.yaml"
STATED = calibration_dir() / "uncertainty.yaml"
PRIOR_SD = 0.5
STEP = 0.1
Z95 = 1.959964


class FitError(Exception):
    """The fit did not converge; nothing is written."""


@dataclass(frozen=True)
class Settings:
    """How hard to work: replications per evaluation, seed, processes and budget; the effect
    preset every run assumes; and whether to fit a step in the direct entry rate
    (``calibration.step``)."""

    replications: int = 16
    seed: int = 1
    jobs: int = 1
    max_evaluations: int = 40
    window_years: int = 3
    effect: str = "service"
    step: bool = False


@dataclass
class Fit:
    """A converged fit: knob estimates with uncertainty, and every target's fit."""

    knobs: list[Knob]
    start: np.ndarray  # log scale
    estimate: np.ndarray  # log scale
    covariance: np.ndarray
    targets: list[Target]
    history: History  # the run at the estimate
    simulated: np.ndarray  # (target, replication) at the estimate
    spreads: np.ndarray
    data: dict  # the dumped parameters before the knobs: priors, direct figures, trends
    figures: Figures
    first: dt.date
    last: dt.date
    settings: Settings
    evaluations: int
    seconds: float
    message: str

    @property
    def values(self) -> np.ndarray:
        return np.exp(self.estimate)

    @property
    def marginal_sd(self) -> np.ndarray:
        """Standard deviation of each log knob."""
        return np.sqrt(np.diag(self.covariance))

    @property
    def conditional_sd(self) -> np.ndarray:
        """Standard deviation of each log knob with the others held at their estimates."""
        return 1.0 / np.sqrt(np.diag(np.linalg.inv(self.covariance)))

    def interval(self, i: int) -> tuple[float, float]:
        """The 95% interval of knob i (on its own scale)."""
        half = Z95 * self.marginal_sd[i]
        return float(np.exp(self.estimate[i] - half)), float(np.exp(self.estimate[i] + half))

    def residuals(self) -> np.ndarray:
        observed = np.array([t.row.value for t in self.targets])
        return (self.simulated.mean(axis=1) - observed) / self.spreads


def starting_data(df: pd.DataFrame, base: dict | None = None) -> tuple[dict, Figures]:
    """Priors (or ``base``) with every direct and trend estimate the frame supports."""
    data = copy.deepcopy(base) if base is not None else read_yaml(PRIORS)
    fig = Figures(df)
    direct.apply(data, fig)
    trends.apply(data, fig)
    return data, fig


def informative(knob: Knob, found: list[Target], data: dict, effect: str) -> bool:
    """A knob is fitted only if it sets something and some target responds to it.

    The deflator multiplier is fitted under ``trial`` and ``none`` only: there the deflator
    sets the chance of care of every family the therapies work with, which the history's
    starts and children in care measure; under ``service`` it acts only on the families not
    worked with (waiting or turned away), so it stays as assumed."""
    if not knob.paths(data) or (knob.name == "deflator_multiplier" and effect == "service"):
        return False
    measures = {t.row.measure for t in found}
    needs = {
        "foster_preference_weight": {"pct_cla_in_foster"},
        "referral_multiplier": {"all_in_year_diversions", "all_families_started"},
    }.get(knob.name)
    return needs is None or bool(needs & measures)


class Problem:
    """One fitting problem: the run to simulate for given knob values, and the targets."""

    def __init__(
        self,
        data: dict,
        fig: Figures,
        knobs: list[Knob],
        found: list[Target],
        first: dt.date,
        last: dt.date,
        settings: Settings,
    ) -> None:
        self.data, self.fig, self.knobs, self.targets = data, fig, knobs, found
        self.first, self.last, self.settings = first, last, settings
        self.x0 = np.log([k.start(data, fig) for k in knobs])
        self.cache: dict[tuple, tuple[History, np.ndarray]] = {}
        self.spreads: np.ndarray | None = None

    def with_knobs(self, x: np.ndarray) -> dict:
        data = copy.deepcopy(self.data)
        for knob, value in zip(self.knobs, np.exp(x)):
            knob.apply(data, float(value))
        return data

    def history(self, x: np.ndarray) -> History:
        params, timeline = history.at(
            self.with_knobs(x), self.fig, self.first, self.last, self.last
        )
        s = self.settings
        params = with_effect(params, s.effect)
        return run(params, timeline, s.window_years, s.replications, s.seed, s.jobs)

    def evaluate(self, x: np.ndarray) -> tuple[History, np.ndarray]:
        """The run and its (target, replication) simulated figures, cached by knob values."""
        key = tuple(np.round(x, 12))
        if key not in self.cache:
            h = self.history(x)
            self.cache[key] = (h, np.array([t.simulated(h) for t in self.targets]))
        return self.cache[key]

    def simulated(self, x: np.ndarray) -> np.ndarray:
        return self.evaluate(x)[1]

    def residuals(self, x: np.ndarray) -> np.ndarray:
        sims = self.simulated(x)
        if self.spreads is None:
            noise = np.array([t.noise for t in self.targets])
            self.spreads = np.sqrt(sims.var(axis=1, ddof=1) + noise**2)
        observed = np.array([t.row.value for t in self.targets])
        data_part = (sims.mean(axis=1) - observed) / np.maximum(self.spreads, 1e-9)
        return np.concatenate([data_part, (x - self.x0) / PRIOR_SD])

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Forward differences of STEP on the log scale (backward at an upper bound)."""
        f0 = self.residuals(x)
        columns = []
        for i, knob in enumerate(self.knobs):
            h = STEP if x[i] + STEP <= np.log(knob.high) else -STEP
            moved = x.copy()
            moved[i] += h
            columns.append((self.residuals(moved) - f0) / h)
        return np.column_stack(columns)


def window(known_until: dt.date, years: int) -> tuple[dt.date, dt.date]:
    """The fitted run's first day and last day."""
    return add_years(known_until + dt.timedelta(days=1), -years), known_until


def fit(
    df: pd.DataFrame,
    known_until: dt.date,
    settings: Settings = Settings(),
    knob_names: list[str] | None = None,
    base: dict | None = None,
) -> Fit:
    """Calibrate on the figures published for periods ending by ``known_until`` only."""
    started = time.perf_counter()
    data, fig = starting_data(until(df, known_until), base)
    first, last = window(known_until, settings.window_years)
    if settings.step:
        step.add(data, fig, first, last)
    found = targets(fig, first, last)
    if not found:
        raise FitError(f"no reported figures between {first} and {last} to fit")
    chosen = [KNOBS[n] for n in (knob_names or list(KNOBS))]
    knobs = [k for k in chosen if informative(k, found, data, settings.effect)]
    problem = Problem(data, fig, knobs, found, first, last, settings)
    result = least_squares(
        problem.residuals,
        problem.x0,
        bounds=(np.log([k.low for k in knobs]), np.log([k.high for k in knobs])),
        jac=problem.jacobian,
        x_scale=1.0,
        ftol=1e-3,
        xtol=1e-3,
        gtol=1e-4,
        max_nfev=settings.max_evaluations,
        method="trf",
    )
    if result.status <= 0 or not np.all(np.isfinite(result.x)):
        raise FitError(
            f"calibration did not converge after {len(problem.cache)} evaluations: {result.message}"
        )
    run_at, simulated = problem.evaluate(result.x)
    cov = covariance(result.jac, len(found), len(knobs), result.fun)
    assert problem.spreads is not None, "set by the first evaluation"
    return Fit(
        knobs,
        problem.x0,
        result.x,
        cov,
        found,
        run_at,
        simulated,
        problem.spreads,
        data,
        fig,
        first,
        last,
        settings,
        len(problem.cache),
        time.perf_counter() - started,
        result.message,
    )


def covariance(jac: np.ndarray, n_targets: int, n_knobs: int, residuals: np.ndarray) -> np.ndarray:
    """Inverse of J'J, inflated by the targets' residual variance per degree of freedom."""
    info = jac.T @ jac
    dof = n_targets - n_knobs
    chi2 = float(np.sum(residuals[:n_targets] ** 2))
    scale = max(1.0, chi2 / dof) if dof > 0 else 1.0
    return np.linalg.pinv(info) * scale


def fitted_source(fit: Fit, i: int, prior_source: str) -> str:
    """Provenance of a fitted value: method, window, estimate with its interval, targets."""
    knob, s = fit.knobs[i], fit.settings
    low, high = fit.interval(i)
    text = (
        f"fitted: least squares by simulation ({s.replications} replications, seed {s.seed}, "
        f"common random numbers, effect preset '{s.effect}') over {fit.first} to {fit.last}; "
        f"{knob.description} "
        f"{fit.values[i]:.4g} (95% interval {low:.4g} to {high:.4g}); targets "
        + ", ".join(t.key for t in fit.targets)
    )
    return text if knob.absolute else f"{text}; applied to: {prior_source}"


def fitted_data(fit: Fit) -> dict:
    """The dumped parameters with every knob at its estimate, sourced, and the knobs' joint
    uncertainty."""
    data = copy.deepcopy(fit.data)
    for i, knob in enumerate(fit.knobs):
        prior = sourced(data, knob.paths(data)[0])["source"]
        knob.set(data, float(fit.values[i]), fitted_source(fit, i, prior))
    step.note(data)
    data["fit"] = joint(fit, data)
    return data


def joint(fit: Fit, data: dict) -> dict:
    """The fit block of a parameter set: preset, knobs and the covariance of their logs."""
    s = fit.settings
    return {
        "effect": s.effect,
        "source": f"fitted: least squares by simulation over {fit.first} to {fit.last} "
        f"with effect preset '{s.effect}' ({s.replications} replications, seed {s.seed}); "
        "covariance = inverse of J'J at the optimum, inflated by the residual variance per "
        "degree of freedom when over 1",
        "knobs": [
            {"name": k.name, "estimate": float(v), "paths": list(k.paths(data))}
            for k, v in zip(fit.knobs, fit.values, strict=True)
        ],
        "log_covariance": fit.covariance.tolist(),
    }


def parameters(fit: Fit) -> ParameterSet:
    """The parameter set starting the day after the training date, knobs at their estimates."""
    start = fit.last + dt.timedelta(days=1)
    params, _ = history.at(fitted_data(fit), fit.figures, start, start, fit.last)
    dumped = params.model_dump(mode="python", exclude_none=True)
    direct.unlisted_costs(dumped, fit.figures)
    stamp_uncertainty(dumped, read_yaml(STATED))
    return with_effect(build_parameters(dumped, "calibrated parameters"), fit.settings.effect)


def stamp_uncertainty(data: dict, stated: dict) -> None:
    """Give each value named in ``stated`` (calibration/uncertainty.yaml) its uncertainty and
    the reason for it."""
    for path, spec in stated.items():
        node = sourced(data, path)
        sd = spec.get("sd", node["value"] * spec.get("relative_sd", 0.0))
        node["uncertainty"] = {"distribution": spec["distribution"], "sd": significant(sd, 3)}
        node["source"] = f"{node['source']}; uncertainty: sd {sd:.3g} ({spec['source']})"
