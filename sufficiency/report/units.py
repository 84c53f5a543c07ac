"""The unit of each parameter, derived from its path, and its value written out plainly."""

from __future__ import annotations

import re
from typing import Any

from ..formatting import figure, percent, pounds
from .words import LABELS, label

# (pattern on the dotted parameter path, unit, kind); the first match wins.
# kind: "money", "fraction" (shown as %), or "number".
UNITS: tuple[tuple[str, str, str], ...] = (
    (r"^costs\.weekly\.", "£ per week", "money"),
    (r"^costs\.spread$", "ratio (sd / mean)", "number"),
    (r"^costs\.homes\.fixed_share$", "% of the weekly cost", "fraction"),
    (r"^costs\.homes\.reported_occupancy$", "% of beds", "fraction"),
    (r"^costs\.care_leavers\.at_start$", "young people", "number"),
    (r"_per_week$", "£ per week", "money"),
    (r"^costs\.grant\.per_night$", "£ per night", "money"),
    (r"staying_put_months$", "months", "number"),
    (r"ages$", "years of age", "number"),
    (r"share_at_start$", "% of children in care", "fraction"),
    (r"inflation_per_year$", "% per year", "fraction"),
    (r"cost_per_therapist_per_year$", "£ per FTE per year", "money"),
    (r"cost_per_year$", "£ per year", "money"),
    (r"attrition_per_year$", "% of households per year", "fraction"),
    (r"recruitment_per_year$", "households per year", "number"),
    (r"step_down_rate_per_month$", "% per month", "fraction"),
    (r"(breakdown|step_up)_per_year$", "moves per child per year", "number"),
    (r"attrition_ratio_per_decade$", "times per ten years of age", "number"),
    (r"(mean_age|recruit_age|age_sd)$", "years", "number"),
    (r"(hold|bridging|home_match)_months$", "months", "number"),
    (r"months_placed$", "months", "number"),
    (r"share_of_permanence_by_band$", "% of permanence exits", "fraction"),
    (r"age_ranges$", "% of households (shares)", "fraction"),
    (r"^entries.*(rate|offered_fdm)_per_month$", "children per month", "number"),
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
    (r"^history\.cla_at_31_march\.", "children", "number"),
    (r"^history\.cla_rate_per_10000\.", "per 10,000 children", "number"),
    (r"eligible_placements$", "placement types", "number"),
)


def unit(parameter: str) -> tuple[str, str]:
    """(unit, kind) of a parameter path such as ``programmes.mst.therapists``."""
    for pattern, name, kind in UNITS:
        if re.search(pattern, parameter):
            return name, kind
    return "", "number"


def scalar(value: Any, kind: str) -> str:
    """One value in its kind: £340, 37%, 1.45."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return label(str(value))
    if kind == "money":
        return pounds(value)
    if kind == "fraction":
        return percent(value, ".3g")
    return figure(value)


def written(value: Any, kind: str) -> str:
    """Any parameter value as text; mappings as 'key value; key value'."""
    if isinstance(value, dict):
        if set(value) == {"low", "high"}:
            return f"{value['low']} to {value['high']}"
        return "; ".join(f"{label(str(k))} {inner(v, kind)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(scalar(v, kind) for v in value)
    return scalar(value, kind)


def with_unit(parameter: str, value: Any) -> str:
    """A parameter's value and unit in words: '£340 per week', '56%', '3 FTE'."""
    name, kind = unit(parameter)
    text = written(value, kind)
    if kind in ("money", "fraction"):
        return text + name[1:]
    return f"{text} {name}".strip()


def inner(value: Any, kind: str) -> str:
    """A nested value, bracketed if it is itself a mapping."""
    text = written(value, kind)
    return f"({text})" if isinstance(value, dict) and set(value) != {"low", "high"} else text


SKIP = {"programmes", "weekly"}


def describe(parameter: str) -> str:
    """A readable name for a parameter path: 'MST: therapists'."""
    parts = [p for p in parameter.split(".") if p and p not in SKIP]
    text = ": ".join(LABELS.get(p, p.replace("_", " ")) for p in parts)
    return text[:1].upper() + text[1:]


def change_text(change: dict[str, Any]) -> tuple[str, str]:
    """A scenario change from run.json as (what changes, to what) in words."""
    if change.get("add_home"):
        home = change["add_home"]
        closes = f", closing {home['closes']}" if home.get("closes") else ""
        return (
            f"Open a children's home: {home.get('name', '')}",
            f"{home['beds']['value']} beds from {home.get('opens', change['date'])}{closes}",
        )
    path = change["set"]
    if change.get("add") is not None:
        return describe(path), f"{with_unit(path, change['add'])} more"
    return describe(path), with_unit(path, change["value"])


def investment_text(item: dict[str, Any]) -> tuple[str, str]:
    """An investment cost from run.json as (what, how much) in words."""
    if item.get("one_off") is not None:
        return f"Investment: {item['item']}", f"{pounds(item['one_off'])} once"
    until = f" until {item['until']}" if item.get("until") else ""
    return f"Investment: {item['item']}", f"{pounds(item['per_year'])} a year{until}"
