"""How much an edge-of-care programme really changes: effect presets and the effect scale.

A programme's effect is the gap between its ``targeting_deflator`` (the chance a referred child
comes into care without it) and the chance with it: ``came_into_care`` at closure plus, for the
children who close at home, ``reentry_within_18_months`` (``care_share``).

- ``service``: the split as the service reports it (the parameter set as it is).
- ``trial``: the chance with the programme from a published trial's odds ratio applied to the
  deflator.
- ``none``: the chance with the programme equals the deflator: referral changes nothing.

The presets set ``came_into_care`` to give that chance and rescale the other outcomes to fill
the rest; they fix the effect, so the deflators' own stated uncertainty is dropped (under
``service`` a drawn deflator moves the effect with it). A set fitted under ``trial`` or ``none``
fits the therapies' assumed deflators instead (``calibration.knobs``), and each drawn set derives
its split again from its drawn deflators (``uncertainty.Draws.fresh``), so the preset holds in
every replication. The sweep instead keeps the reported split and moves
the deflator: at effect scale ``s`` it is ``care_share + s * (deflator - care_share)``, so
``s = 1`` is the service-reported effect and ``s = 0`` no effect at all.

FFT reunification is treated alike: its ``targeting_deflator`` is the chance a selected child
would have gone home about as soon without the service, its ``success_share`` the chance with
it. ``none`` sets the success share to the deflator; ``trial`` keeps the reported success share
(no trial of FFT for reunification is cited); the sweep moves the deflator to
``success_share + s * (deflator - success_share)``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import paths
from .errors import InputError
from .parameters import ParameterSet, ProgrammeParams, revised
from .parameters import care_share as chance
from .pathway import Programme
from .scenario import Scenario

EFFECTS = ("service", "trial", "none")

START = (
    "statistic: START trial of MST in England (Fonagy et al., Lancet Psychiatry 2018): no "
    "significant effect on out-of-home placement at 18 months, odds ratio 1.25 (95% CI "
    "0.77-2.05), applied to the targeting deflator"
)
FGC_ODDS_RATIO = (0.362 / 0.638) / (0.448 / 0.552)
FGC = (
    "statistic: national trial of family group conferences (Taylor et al., British Journal of "
    "Social Work 2024): 36.2% looked after at 12 months with a referral against 44.8% "
    f"without, odds ratio {FGC_ODDS_RATIO:.3f}, applied to the targeting deflator"
)

TRIAL_ODDS_RATIOS: dict[Programme, tuple[float, str]] = {
    Programme.MST: (1.25, START),
    Programme.MST_BSF: (
        1.25,
        "assumption: no trial of MST-BSF is cited; it is an adaptation of "
        "MST (003 para 4.8), so the START odds ratio is used. " + START,
    ),
    Programme.FFT_CW: (
        FGC_ODDS_RATIO,
        "assumption: no trial of FFT-CW is cited; it works with "
        "families at the threshold of proceedings (000 para 3.7), the nearest "
        "trial evidence is the family group conference trial. " + FGC,
    ),
    Programme.FDM: (FGC_ODDS_RATIO, FGC),
}
"""The odds ratio of coming into care with the programme against without it, and its source."""

LIVE_EFFECT_PATHS = ("outcome_split", "targeting_deflator", "reentry_within_18_months")
REUNIFICATION_EFFECT_PATHS = ("reunification.success_share", "reunification.targeting_deflator")
NO_EFFECT = "assumption: effect preset 'none': referral changes nothing"


def odds_shift(p: float, ratio: float) -> float:
    """The probability whose odds are ``ratio`` times the odds of ``p``."""
    if p >= 1.0:
        return 1.0
    odds = p / (1.0 - p) * ratio
    return odds / (1.0 + odds)


def with_came_into_care(split: dict[str, float], share: float) -> dict[str, float]:
    """The outcome split with a new ``came_into_care`` share; the others scaled to fill the rest."""
    rest = 1.0 - split["came_into_care"]
    others = {k: v for k, v in split.items() if k != "came_into_care"}
    if rest <= 0:
        others = {k: 1.0 / len(others) for k in others}
        rest = 1.0
    out = {k: v * (1.0 - share) / rest for k, v in others.items()}
    out["came_into_care"] = share
    return out


def care_share(p: ProgrammeParams) -> float:
    """The chance a child worked with comes into care: at closure, or by re-entry after it."""
    return chance(p.outcome_split.value["came_into_care"], p.reentry_within_18_months.value)


def preset_care_share(effect: str, prog: Programme, p: ProgrammeParams) -> float:
    """The chance a child worked with comes into care under an effect preset."""
    if effect == "service":
        return care_share(p)
    if effect == "none":
        return p.targeting_deflator.value
    return odds_shift(p.targeting_deflator.value, TRIAL_ODDS_RATIOS[prog][0])


def preset_came_into_care(effect: str, prog: Programme, p: ProgrammeParams) -> float:
    """The ``came_into_care`` share that, with re-entries, gives the preset's chance of care."""
    if effect == "service":
        return p.outcome_split.value["came_into_care"]
    reentry = p.reentry_within_18_months.value
    return max(0.0, (preset_care_share(effect, prog, p) - reentry) / (1.0 - reentry))


def preset_source(effect: str, prog: Programme) -> str:
    if effect == "none":
        return NO_EFFECT + " (came_into_care = deflator)"
    return TRIAL_ODDS_RATIOS[prog][1]


def with_effect(params: ParameterSet, effect: str) -> ParameterSet:
    """The parameter set under an effect preset."""
    if effect == "service":
        return params

    def revise(data: dict) -> None:
        for prog, p in params.programmes.items():
            node = paths.sourced(data, f"programmes.{prog.value}.outcome_split")
            node.update(
                value=with_came_into_care(node["value"], preset_came_into_care(effect, prog, p)),
                source=preset_source(effect, prog),
                uncertainty=None,
            )
            paths.sourced(data, f"programmes.{prog.value}.targeting_deflator")["uncertainty"] = None
        paths.sourced(data, "reunification.targeting_deflator")["uncertainty"] = None
        if effect == "none":
            node = paths.sourced(data, "reunification.success_share")
            node.update(
                value=params.reunification.targeting_deflator.value,
                source=NO_EFFECT + " (success_share = deflator)",
                uncertainty=None,
            )

    return revised(params, revise)


def swept_deflator(p: ProgrammeParams, scale: float) -> float:
    """The deflator at effect scale ``scale`` (1: as reported; 0: no effect), within [0, 1]."""
    reported = care_share(p)
    return min(1.0, max(0.0, reported + scale * (p.targeting_deflator.value - reported)))


def with_effect_scale(params: ParameterSet, scale: float) -> ParameterSet:
    """The parameter set with every programme's and reunification's deflator moved to effect
    scale ``scale``."""

    def revise(data: dict) -> None:
        for prog, p in params.programmes.items():
            sweep(data, f"programmes.{prog.value}", swept_deflator(p, scale), scale)
        r = params.reunification
        reported = r.success_share.value
        sweep(
            data, "reunification", reported + scale * (r.targeting_deflator.value - reported), scale
        )

    return revised(params, revise)


def sweep(data: dict, prefix: str, value: float, scale: float) -> None:
    """Set the deflator under ``prefix`` to its value at effect scale ``scale``."""
    node = paths.sourced(data, f"{prefix}.targeting_deflator")
    node.update(
        value=min(1.0, max(0.0, value)),
        uncertainty=None,
        source=f"assumption: effect sweep at {scale:g} times the service-reported effect "
        f"(deflator {node['value']:g} as reported)",
    )


def deflators_at(params: ParameterSet, scale: float) -> dict[str, float]:
    """Each programme's deflator at effect scale ``scale``."""
    return {prog.value: swept_deflator(p, scale) for prog, p in params.programmes.items()}


def trial_scales(params: ParameterSet) -> dict[str, float]:
    """The trial preset's effect as a multiple of the service-reported effect, per programme."""
    out = {}
    for prog, p in params.programmes.items():
        deflator, reported = p.targeting_deflator.value, care_share(p)
        trial = preset_care_share("trial", prog, p)
        out[prog.value] = (
            (deflator - trial) / (deflator - reported) if deflator != reported else float("nan")
        )
    return out


def adjust(scenario: Scenario, how: str, change: Any) -> Scenario:
    """The scenario with its parameters changed by ``change``; refused if its timeline changes
    an outcome split or deflator during the run (the adjustment would not reach those)."""
    for c in scenario.timeline:
        if (
            c.path.startswith("programmes.") and c.path.endswith(LIVE_EFFECT_PATHS)
        ) or c.path in REUNIFICATION_EFFECT_PATHS:
            raise InputError(
                scenario.path,
                "changes",
                f"no change to {c.path} during the run "
                f"with {how} (it sets outcome splits and deflators itself)",
            )
    return dataclasses.replace(scenario, params=change(scenario.params))


def apply_effect(scenario: Scenario, effect: str) -> Scenario:
    """The scenario under an effect preset (``service`` leaves it as it is)."""
    if effect not in EFFECTS:
        raise InputError(None, "--effect", f"one of {list(EFFECTS)}, got {effect!r}")
    if effect == "service":
        return scenario
    return adjust(scenario, f"--effect {effect}", lambda p: with_effect(p, effect))


def apply_effect_scale(scenario: Scenario, scale: float) -> Scenario:
    """The scenario at effect scale ``scale`` (the sweep)."""
    return adjust(scenario, "the effect sweep", lambda p: with_effect_scale(p, scale))
