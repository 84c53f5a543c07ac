"""The states of a child's care pathway, and the groupings the model and reports use."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class State(str, Enum):
    """Where a child is. Every tracked child is in exactly one state at every time."""

    __hash__ = str.__hash__  # C-level hashing: states key the engine's hot dictionaries

    HOME = "home"  # at home after an edge-of-care referral (absorbing unless re-entry)
    WAITING = "waiting"  # waiting for an edge-of-care programme slot
    IN_MST = "in_mst"
    IN_MST_BSF = "in_mst_bsf"
    IN_FFT_CW = "in_fft_cw"
    IN_FDM = "in_fdm"
    IN_FFT_REUNIFICATION = "in_fft_reunification"  # home from care, FFT support continuing
    FOSTER_INHOUSE = "foster_inhouse"
    FOSTER_KINSHIP = "foster_kinship"
    FOSTER_IFA = "foster_ifa"
    HOME_INHOUSE = "home_inhouse"
    HOME_EXTERNAL = "home_external"
    RESIDENTIAL_SPECIALIST = "residential_specialist"
    SUPPORTED_ACCOMMODATION = "supported_accommodation"
    PLACED_WITH_PARENTS = "placed_with_parents"
    OTHER_PLACEMENT = "other_placement"
    PLACED_FOR_ADOPTION = "placed_for_adoption"  # with prospective adopters, until the order
    REUNIFIED = "reunified"
    PERMANENCE = "permanence"  # special guardianship, adoption, child arrangements order
    TURNED_18 = "turned_18"
    EXIT_OTHER = "exit_other"


STATES: tuple[State, ...] = tuple(State)
STATE_INDEX: dict[State, int] = {s: i for i, s in enumerate(STATES)}

PLACEMENTS: tuple[State, ...] = (
    State.FOSTER_INHOUSE,
    State.FOSTER_KINSHIP,
    State.FOSTER_IFA,
    State.HOME_INHOUSE,
    State.HOME_EXTERNAL,
    State.RESIDENTIAL_SPECIALIST,
    State.SUPPORTED_ACCOMMODATION,
    State.PLACED_WITH_PARENTS,
    State.OTHER_PLACEMENT,
    State.PLACED_FOR_ADOPTION,
)
"""The states that count as looked after (CLA)."""

PLACEMENT_NAMES: tuple[str, ...] = tuple(p.value for p in PLACEMENTS)
MATCHED: tuple[State, ...] = PLACEMENTS[:-1]
"""The placements a child is matched to: every one but placed for adoption, which a child
reaches only by moving in with its adopters before the adoption order."""
MATCHED_NAMES: tuple[str, ...] = tuple(p.value for p in MATCHED)

IN_HOUSE: tuple[State, ...] = (State.FOSTER_INHOUSE, State.HOME_INHOUSE)
"""Placement types with finite, council-run capacity (the capacity pools, in this order)."""
IN_HOUSE_NAMES: tuple[str, ...] = tuple(p.value for p in IN_HOUSE)

FALLBACK: dict[State, State] = {
    State.FOSTER_INHOUSE: State.FOSTER_IFA,
    State.HOME_INHOUSE: State.HOME_EXTERNAL,
}
"""Where a child goes when the in-house option is full (the external market has no cap)."""


class Programme(str, Enum):
    """Edge-of-care programmes that take referrals of families at home."""

    __hash__ = str.__hash__

    MST = "mst"
    MST_BSF = "mst_bsf"
    FFT_CW = "fft_cw"
    FDM = "fdm"


PROGRAMMES: tuple[Programme, ...] = tuple(Programme)
PROGRAMME_STATE: dict[Programme, State] = {
    Programme.MST: State.IN_MST,
    Programme.MST_BSF: State.IN_MST_BSF,
    Programme.FFT_CW: State.IN_FFT_CW,
    Programme.FDM: State.IN_FDM,
}
REUNIFICATION = "fft_reunification"
PROGRAMME_WORDS = ("programmes", REUNIFICATION.split("_")[-1], *(p.value for p in PROGRAMMES))
"""Words in a parameter path that make it a programme's (or who is offered one)."""


def names_programme(paths: Iterable[str]) -> bool:
    """Whether any of these parameter paths is a programme's (or who is offered one)."""
    return any(word in path for path in paths for word in PROGRAMME_WORDS)


class ExitRoute(str, Enum):
    """Ways out of care."""

    REUNIFIED = "reunified"
    PERMANENCE = "permanence"
    TURNED_18 = "turned_18"
    OTHER = "other"


EXIT_STATE: dict[ExitRoute, State] = {
    ExitRoute.REUNIFIED: State.REUNIFIED,
    ExitRoute.PERMANENCE: State.PERMANENCE,
    ExitRoute.TURNED_18: State.TURNED_18,
    ExitRoute.OTHER: State.EXIT_OTHER,
}


class Need(str, Enum):
    STANDARD = "standard"
    COMPLEX = "complex"
    HIGHLY_COMPLEX = "highly_complex"


NEEDS: tuple[Need, ...] = tuple(Need)

AGE_BANDS: tuple[str, ...] = ("0-4", "5-9", "10-15", "16-17")
AGE_BAND_BOUNDS: dict[str, tuple[int, int]] = {
    "0-4": (0, 5),
    "5-9": (5, 10),
    "10-15": (10, 16),
    "16-17": (16, 18),
}
"""Age bands in whole years, [lower, upper)."""

DAYS_PER_YEAR = 365.25
MONTH = DAYS_PER_YEAR / 12
"""Days in an average month."""


def age_band(age_days: float) -> str:
    """The age band of a child of the given age in days."""
    years = age_days / DAYS_PER_YEAR
    if years < 10:
        return "0-4" if years < 5 else "5-9"
    return "10-15" if years < 16 else "16-17"
