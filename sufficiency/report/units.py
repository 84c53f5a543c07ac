"""The unit of each parameter, derived from its path, and its value written out plainly."""

from __future__ import annotations

import re
from typing import Any

from .words import label

# (pattern on the dotted parameter path, unit, kind); the first match wins.
# kind: "money", "fraction" (shown as %), or "number".
UNITS: tuple[tuple[str, str, str], ...] = (
    (r"^costs\.weekly\.", "£ per week", "money"),
    (r"inflation_per_year$", "% per year", "fraction"),
    (r"cost_per_therapist_per_year$", "£ per FTE per year", "money"),
    (r"cost_per_year$", "£ per year", "money"),
    (r"attrition_per_year$", "% of households per year", "fraction"),
    (r"recruitment_per_year$", "households per year", "number"),
    (r"step_down_rate_per_month$", "% per month", "fraction"),
    (r"^entries.*rate_per_month$", "children per month", "number"),
    (r"referrals_per_month$", "families per month", "number"),
    (r"(shares|split|preferences)(_by_band)?$", "% (shares)", "fraction"),
    (r"(deflator|_share|within_18_months|supported_at_16)$", "%", "fraction"),
    (r"therapists$", "FTE", "number"),
    (r"^reunification\.caseload$", "children per FTE", "number"),
    (r"caseload$", "families per FTE", "number"),
    (r"children_per_family$", "children per family", "number"),
    (r"days(_in_care|_to_return)?$", "days", "number"),
    (r"months_by_band$", "months", "number"),
    (r"age_range$", "years of age", "number"),
    (r"_cv$", "ratio (sd / mean)", "number"),
    (r"shape$", "Weibull shape", "number"),
    (r"places_per_household$", "places per household", "number"),
    (r"households$", "households", "number"),
    (r"beds$", "beds", "number"),
    (r"^population\.total$", "children", "number"),
    (r"^child_population$", "children aged 0-17", "number"),
    (r"eligible_placements$", "placement types", "number"),
)


def unit(parameter: str) -> tuple[str, str]:
    """(unit, kind) of a parameter path such as ``programmes.mst.therapists``."""
    for pattern, name, kind in UNITS:
        if re.search(pattern, parameter):
            return name, kind
    return "", "number"


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def scalar(value: Any, kind: str) -> str:
    """One value in its kind: £340, 37%, 1.45."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return label(str(value))
    if kind == "money":
        return f"£{value:,.0f}"
    if kind == "fraction":
        return f"{value * 100:.3g}%"
    return number(value)


def written(value: Any, kind: str) -> str:
    """Any parameter value as text; mappings as 'key value; key value'."""
    if isinstance(value, dict):
        if set(value) == {"low", "high"}:
            return f"{value['low']} to {value['high']}"
        return "; ".join(f"{label(str(k))} {inner(v, kind)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(scalar(v, kind) for v in value)
    return scalar(value, kind)


def inner(value: Any, kind: str) -> str:
    """A nested value, bracketed if it is itself a mapping."""
    text = written(value, kind)
    return f"({text})" if isinstance(value, dict) and set(value) != {"low", "high"} else text


def describe(parameter: str) -> str:
    """A readable name for a parameter path: 'MST: therapists'."""
    parts = [p for p in re.split(r"[.\[\]]+", parameter) if p and p not in SKIP]
    return ": ".join(label(p) if p in LABEL_KEYS else p.replace("_", " ") for p in parts)


SKIP = {"programmes", "weekly"}
LABEL_KEYS = {"mst", "mst_bsf", "fft_cw", "fdm", "foster_inhouse", "foster_kinship",
              "foster_ifa", "home_inhouse", "home_external", "residential_specialist",
              "supported_accommodation", "placed_with_parents", "other_placement"}
