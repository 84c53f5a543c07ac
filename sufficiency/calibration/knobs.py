"""The quantities the reports never state, which the fit chooses by simulation.

Each knob is one positive number, fitted on the log scale, that sets part of a dumped
parameter set. Multipliers scale the prior (assumed) profile they act on. The split of fostered
children between in-house carers and agencies is not a knob: it follows from the in-house
households' usable places and matching (``engine/carers.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..paths import find, sourced
from ..pathway import MATCHED_NAMES
from .figures import Figures, significant

FOSTER = ("foster_inhouse", "foster_kinship", "foster_ifa")
THERAPIES = ("mst", "mst_bsf", "fft_cw")


@dataclass(frozen=True)
class Knob:
    """A fitted number: where it starts, its bounds, and what it sets."""

    name: str
    description: str
    low: float
    high: float
    start: Callable[[dict, Figures], float]
    apply: Callable[[dict, float], None]
    paths: Callable[[dict], tuple[str, ...]]  # the values it sets
    absolute: bool  # it sets values outright (else it multiplies what it acts on)

    def set(self, data: dict, value: float, source: str) -> None:
        """Apply the fitted value and stamp its source on what it sets."""
        self.apply(data, value)
        for path in self.paths(data):
            node = sourced(data, path)
            node["source"] = source
            if isinstance(node["value"], float):
                node["value"] = significant(node["value"])

    def rescale(self, data: dict, ratio: float) -> None:
        """Move what the knob sets as if its value were ``ratio`` times the fitted one."""
        if not self.absolute:
            self.apply(data, ratio)
            return
        for path in self.paths(data):
            node = sourced(data, path)
            node["value"] = node["value"] * ratio


def set_value(path: str) -> Callable[[dict, float], None]:
    def apply(data: dict, value: float) -> None:
        sourced(data, path)["value"] = float(value)

    return apply


def scale_exits(data: dict, m: float) -> None:
    node = sourced(data, "exits.mean_months_by_band")
    node["value"] = {band: months * m for band, months in node["value"].items()}


def weight_foster(data: dict, w: float) -> None:
    """Foster types' first-choice shares times ``w``, each row renormalised."""
    node = sourced(data, "matching.preferences")
    for by_need in node["value"].values():
        for need, shares in by_need.items():
            raw = {k: v * (w if k in FOSTER else 1.0) for k, v in shares.items()}
            total = sum(raw.values())
            by_need[need] = {k: raw[k] / total for k in MATCHED_NAMES}


def unstated(field: str) -> Callable[[dict], tuple[str, ...]]:
    """The therapies' ``field`` paths whose value does not cite a report's figure of it
    (taken from targets, or assumed)."""

    def paths(data: dict) -> tuple[str, ...]:
        found = (f"programmes.{p}.{field}" for p in THERAPIES)
        return tuple(p for p in found if f"_{field}@" not in sourced(data, p)["source"])

    return paths


estimated_referrals = unstated("referrals_per_month")
assumed_deflators = unstated("targeting_deflator")


def scaled(paths: Callable[[dict], tuple[str, ...]], most: float) -> Callable[[dict, float], None]:
    """Multiply the values at ``paths`` by the knob, none above ``most`` (a drawn ratio may
    pass the knob's bound)."""

    def apply(data: dict, ratio: float) -> None:
        for path in paths(data):
            node = sourced(data, path)
            node["value"] = min(most, node["value"] * ratio)

    return apply


def current(path: str) -> Callable[[dict, Figures], float]:
    return lambda data, fig: float(sourced(data, path)["value"])


DIRECT = "entries.direct"
ENTRY = f"{DIRECT}.rate_per_month"
BEFORE = f"{DIRECT}.before.rate_per_month"


def stepped(data: dict) -> tuple[str, ...]:
    """The direct rate before its step (``calibration.step``), if the stream has one."""
    return (BEFORE,) if find(data, DIRECT).get("before") is not None else ()


def set_before(data: dict, ratio: float) -> None:
    """The direct rate before the step: ``ratio`` times the rate from it."""
    sourced(data, BEFORE)["value"] = ratio * sourced(data, ENTRY)["value"]


KNOBS = {
    "direct_entry_rate": Knob(
        "direct_entry_rate",
        "children entering care directly a month",
        0.5,
        80.0,
        current(ENTRY),
        set_value(ENTRY),
        lambda d: (ENTRY,),
        True,
    ),
    "direct_entry_before_ratio": Knob(
        "direct_entry_before_ratio",
        "children entering care directly a month before the step date (entries.direct.before), "
        "as a multiple of the rate from it",
        0.3,
        3.0,
        lambda d, f: 1.0,
        set_before,
        stepped,
        True,
    ),
    "exit_time_multiplier": Knob(
        "exit_time_multiplier",
        "multiplier on the assumed mean months in care by age band",
        0.3,
        3.0,
        lambda d, f: 1.0,
        scale_exits,
        lambda d: ("exits.mean_months_by_band",),
        False,
    ),
    "foster_preference_weight": Knob(
        "foster_preference_weight",
        "weight on foster types in first-choice placements",
        0.1,
        10.0,
        lambda d, f: 1.0,
        weight_foster,
        lambda d: ("matching.preferences",),
        False,
    ),
    "referral_multiplier": Knob(
        "referral_multiplier",
        "multiplier on the family therapies' referrals a month where the reports do not state them",
        0.1,
        5.0,
        lambda d, f: 1.0,
        scaled(estimated_referrals, float("inf")),
        estimated_referrals,
        False,
    ),
    "deflator_multiplier": Knob(
        "deflator_multiplier",
        "multiplier on the family therapies' assumed targeting deflators (the chance a "
        "referred family comes into care without the programme); at most 1, so no deflator "
        "rises above its assumed value (and so above 1)",
        0.1,
        1.0,
        lambda d, f: 1.0,
        scaled(assumed_deflators, 1.0),
        assumed_deflators,
        False,
    ),
}
