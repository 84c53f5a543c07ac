"""The effect sweep: how the paired net saving falls as the programmes' effect shrinks, and the
effect scale below which each scenario stops paying for itself.

Each point's parameter set is refitted in one respect: its direct entry rate moves so the base
scenario projects as many children entering care as at scale 1 (a probe run of the base at the
point and at scale 1, then one Newton step on the rate, whose effect on entries is linear:
``rate x (1 + (E1 - Es) / (months x rate))``). A full fit per point is too slow; the other
knobs barely respond to the deflator, which changes only what happens to the families a
programme turns away.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .effects import apply_effect_scale, deflators_at
from .paired import ALL, compare_scenarios
from .parameters import revised
from .paths import sourced
from .runner import Progress, run
from .savings import counted
from .scenario import Scenario

SCALES = (0.0, 0.25, 0.5, 0.75, 1.0)
PROBE = 40
"""Replications of each probe run of the base (at most the sweep's own)."""
DIRECT = "entries.direct.rate_per_month"


@dataclass(frozen=True)
class Sweep:
    """Net saving at each effect scale (1: as the service reports, 0: no effect)."""

    scales: tuple[float, ...]
    replications: int
    points: pd.DataFrame
    factors: tuple[float, ...]  # the direct entry rate's refit factor at each scale

    def settings(self) -> dict[str, Any]:
        return {
            "scales": list(self.scales),
            "replications": self.replications,
            "moves": "targeting_deflator = care_share + scale x (deflator - care_share), "
            "care_share = came_into_care + (1 - came_into_care) x re-entry",
            "refit": "direct entry rate x factor, so the base projects as many children "
            "entering care as at scale 1 (one Newton step from probe runs of the base)",
            "direct_entry_factors": dict(zip(map(str, self.scales), self.factors, strict=True)),
        }

    def break_even(self) -> pd.DataFrame:
        """For each scenario, the effect scale below which it no longer pays for itself, and
        every programme's deflator at that scale."""
        rows = []
        for name, group in self.points.groupby("scenario", sort=False):
            scale, note = crossing(group.effect_scale.to_numpy(), group.net_saving_mean.to_numpy())
            rows.append(
                {"scenario": name, "break_even_scale": scale, **self.deflators(scale), "note": note}
            )
        return pd.DataFrame(rows)

    def deflators(self, scale: float) -> dict[str, float]:
        """Deflators at a scale, interpolated between the sweep's points (linear in the scale)."""
        points = self.points.drop_duplicates("effect_scale").sort_values("effect_scale")
        return {
            c: float(np.interp(scale, points.effect_scale, points[c]))
            for c in points.columns
            if c.endswith("_deflator")
        }


def crossing(scales: np.ndarray, net: np.ndarray) -> tuple[float, str]:
    """Where the mean net saving crosses zero going down from the largest scale."""
    order = np.argsort(scales)
    scales, net = scales[order], net[order]
    if not net.any():
        return float("nan"), "no difference from the base at any effect scale"
    if net[-1] < 0:
        return float("nan"), f"does not pay for itself on average at effect scale {scales[-1]:g}"
    below = np.flatnonzero(net < 0)
    if below.size == 0:
        return float("nan"), (
            f"pays for itself on average at every effect scale tried, down to {scales[0]:g} "
            "(each point's 90% range in sweep.csv may still include a loss)"
        )
    i = int(below[-1])
    s0, s1, n0, n1 = scales[i], scales[i + 1], net[i], net[i + 1]
    return float(
        s0 + (0 - n0) * (s1 - s0) / (n1 - n0)
    ), "stops paying for itself on average below this scale"


def sweep_effects(
    base: Scenario,
    others: list[Scenario],
    scales: tuple[float, ...] = SCALES,
    years: int = 5,
    replications: int = 100,
    seed: int = 1,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Sweep:
    """Compare the scenarios at each effect scale, moving every programme's deflator and
    refitting the direct entry rate."""
    rows, factors = [], []
    probe = min(PROBE, replications)
    reference = entering(base, years, probe, seed, jobs)
    for scale in scales:
        moved = [apply_effect_scale(s, scale) for s in (base, *others)]
        factor = 1.0 if scale == 1 else refit_factor(moved[0], reference, years, probe, seed, jobs)
        moved = [with_direct_factor(s, factor) for s in moved]
        factors.append(factor)
        result = compare_scenarios(moved[0], moved[1:], years, replications, seed, jobs, progress)
        deflators = {f"{k}_deflator": v for k, v in deflators_at(base.params, scale).items()}
        for name in result.others:
            net = [
                result.value(name, "net_saving", ALL, c)
                for c in ("difference_mean", "difference_p05", "difference_p95")
            ]
            rows.append(
                {
                    "scenario": name,
                    "effect_scale": scale,
                    **deflators,
                    "direct_entry_factor": factor,
                    "placement_saving_mean": -result.value(name, "placement_cost"),
                    "investment_cost_mean": result.value(name, "investment_cost"),
                    "council_saving_mean": result.value(name, "council_saving"),
                    "net_saving_mean": net[0],
                    "net_saving_p05": net[1],
                    "net_saving_p95": net[2],
                }
            )
    return Sweep(tuple(scales), replications, pd.DataFrame(rows), tuple(factors))


def entering(scenario: Scenario, years: int, replications: int, seed: int, jobs: int) -> float:
    """Mean children entering care over a probe run of the scenario."""
    result = run(scenario, years=years, replications=replications, seed=seed, jobs=jobs)
    return float(counted(result, "entries", "all").sum(axis=1).mean())


def refit_factor(
    base: Scenario, reference: float, years: int, replications: int, seed: int, jobs: int
) -> float:
    """The factor on the direct entry rate that brings the base's entries back to
    ``reference``."""
    rate = sourced_value(base)
    gap = reference - entering(base, years, replications, seed, jobs)
    return max(0.0, 1.0 + gap / (12 * years * rate)) if rate > 0 else 1.0


def sourced_value(scenario: Scenario) -> float:
    return float(sourced(scenario.params.model_dump(mode="python"), DIRECT)["value"])


def with_direct_factor(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with its direct entry rate times ``factor``, sourced."""
    if factor == 1.0:
        return scenario

    def revise(data: dict) -> None:
        node = sourced(data, DIRECT)
        node.update(
            value=node["value"] * factor,
            source=f"fitted: effect sweep refit, {factor:.4g} times {node['value']:g} so the base "
            f"projects as many entries as at scale 1; {node['source']}",
        )

    return dataclasses.replace(scenario, params=revised(scenario.params, revise))
