"""Numbers and names in plain language: ranges in words and readable labels."""

from __future__ import annotations

from collections.abc import Callable

from .. import cost_lines
from ..formatting import NOT_WITHIN, count, money, year_label, year_of

Format = Callable[[float], str]

LABELS = {
    "foster_inhouse": "In-house foster care",
    "foster_kinship": "Kinship foster care",
    "foster_ifa": "Independent fostering agency",
    "home_inhouse": "In-house children's home",
    "home_external": "External children's home",
    "residential_specialist": "Specialist residential",
    "supported_accommodation": "Supported accommodation",
    "placed_with_parents": "Placed with parents",
    "other_placement": "Other placement",
    "placed_for_adoption": "Placed for adoption",
    "mst": "MST",
    "mst_bsf": "MST-BSF",
    "fft_cw": "FFT-CW",
    "fdm": "Family Decision Making",
    "fft_reunification": "FFT reunification",
    "cla_total": "All children looked after",
    **cost_lines.LABELS,
}


def label(key: str) -> str:
    """A readable name for a placement type, programme or other key."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


def between(low: float, high: float, fmt: Format = count) -> str:
    """A range in words: 'between 570 and 610' (one figure if both round the same)."""
    lo, hi = fmt(min(low, high)), fmt(max(low, high))
    return lo if lo == hi else f"between {lo} and {hi}"


def between_signed(low: float, high: float, fmt: Format, positive: str, negative: str) -> str:
    """A range that may cross zero: 'between 3 and 12 fewer', 'between 5 more and 12 fewer'."""
    lo, hi = sorted((low, high))
    if fmt(abs(lo)) == fmt(0) == fmt(abs(hi)):
        return "no difference"
    if lo >= 0 or fmt(-lo) == fmt(0):
        return f"{between(max(lo, 0), hi, fmt)} {positive}"
    if hi <= 0 or fmt(hi) == fmt(0):
        return f"{between(max(-hi, 0), -lo, fmt)} {negative}"
    return f"between {fmt(-lo)} {negative} and {fmt(hi)} {positive}"


def kept_out_range(low: float, high: float) -> str:
    """Children kept out of care (base minus scenario), under a heading that says so:
    'between 3 and 12 fewer', 'between 5 more and 12 fewer'."""
    return between_signed(low, high, count, "fewer", "more")


def saving_range(low: float, high: float) -> str:
    """A net saving (positive) or extra cost (negative): 'between £0.2m and £1.1m saved'."""
    return between_signed(low, high, money, "saved", "extra cost")


def break_even(mean: float, earliest: float, latest: float, years: list[str]) -> tuple[str, str]:
    """The median break-even year over replications, and its 90% range in words (earliest:
    the 5th percentile, in favourable futures; latest: the 95th; '' if it is the median year
    alone)."""
    main = year_label(mean, years)
    first, last = year_of(earliest, years), year_of(latest, years)
    if first is None:
        return main, f"{NOT_WITHIN} even in favourable futures"
    if last is None:
        return main, f"from {first} in favourable futures; {NOT_WITHIN} in others"
    spread = between(int(earliest), int(latest), lambda i: years[int(i) - 1])
    return main, "" if spread == main else spread


def basis(source: str) -> str:
    """What a figure rests on, from its source: 'assumption', 'fitted', 'published statistic',
    'the reports' or 'the reports, partly assumed'."""
    text = source.strip().lower()
    for start, words in (
        ("assumption", "assumption"),
        ("fitted", "fitted"),
        ("statistic", "published statistic"),
    ):
        if text.startswith(start):
            return words
    return "the reports, partly assumed" if "assumption" in text else "the reports"
