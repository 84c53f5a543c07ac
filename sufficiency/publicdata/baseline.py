"""A baseline parameter set for any English authority from the DfE's public figures.

The authority's own figures set the population at 31 March (by placement type, provider and
age), the entries (its starts, by age, with unaccompanied children apart), the exit routes (its
reasons ceased) and the level of time in care (the run expects a year on the stock the
pooled model forecasts). What the public tables do not
hold (unit costs, needs, matching, carer supply, the profile of time in care by age) is
Leicester's calibrated value, marked ``assumption:`` with the path it came from. No
edge-of-care programme runs.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import paths
from ..errors import InputError
from ..parameters import CHOSEN_ROUTES, ParameterSet, build_parameters, load_parameters
from ..pathway import AGE_BANDS, PROGRAMMES
from ..shipped import calibration_dir
from . import stockflow
from .cells import describe
from .counts import Counts, group_shares, shares, split
from .durations import fit_level
from .firstyear import Start, fit_first_year
from .spending import LINES, PRICED, Spending, compare_spending, price_level
from .tables import Area, PublicData
from .trend import described, forecast_stock, trended_starts

TITLE = "statistic: DfE, Children looked after in England including adoptions"
LEICESTER = "leicester.yaml"

PLACEMENT_GROUPS = {
    "Foster placements": "foster",
    "Secure homes and children's homes": "home",
    "Residential schools": "residential_specialist",
    "Other residential settings": "residential_specialist",
    "Independent and semi-independent living arrangements/supported accommodation": (
        "supported_accommodation"
    ),
    "Placed with parents or other person with parental responsibility": "placed_with_parents",
    "Placed for adoption": "placed_for_adoption",
    "Other placements": "other_placement",
}
AGE_GROUPS = {
    "Under 1 year": "0-4",
    "1 to 4 years": "0-4",
    "5 to 9 years": "5-9",
    "10 to 15 years": "10-15",
    "16 years and over": "16-17",
}
MOST_MONTHS = 600.0
"""The longest mean time in care a parameter set may hold (docs/limits.md)."""
SUPPRESSED_AT_MOST = 0.5
"""The share of a breakdown's total its suppressed cells may hold before England's shares are
used instead."""
UASC = "Unaccompanied asylum-seeking children"
UASC_AGES = {"10-15": 0.2, "16-17": 0.8}
"""Ages of unaccompanied children starting care (as Leicester's uasc stream assumes)."""
PROVIDER_OWN = "Own provision (by the LA)"
PROVIDER_NONE = (
    "Parents or other person with parental responsibility",
    "Placement provider not reported",
)


def route_of(reason: str) -> str:
    """The model's exit route for a DfE reason ceased."""
    if reason.startswith(("Returned home", "Left care to live with parents")):
        return "reunified"
    if reason.startswith(("Adopted", "Special guardianship", "Residence order")):
        return "permanence"
    if reason.startswith(
        (
            "Aged 18",
            "Moved into independent living",
            "Transferred to residential care funded by adult",
        )
    ):
        return "turned_18"
    return "other"


@dataclass(frozen=True)
class Baseline:
    """An authority's baseline: the parameter set, the year of its figures, the spending line."""

    area: Area
    year: int
    params: ParameterSet
    spending: Spending


def cite(year: int, who: str, what: str) -> str:
    return f"{TITLE}, year ending 31 March {year}, {who}, {what}"


def sourced(value: Any, source: str) -> dict[str, Any]:
    return {"value": value, "source": source}


@cache
def template(missing: str = "the public tables hold no figure for it") -> dict[str, Any]:
    """Leicester's parameter set, dumped, every source replaced by an assumption naming it and
    saying why the data at hand cannot give it (``missing``); copy before changing it."""
    data = load_parameters(calibration_dir() / LEICESTER).model_dump(mode="json", exclude_none=True)
    for path, node in paths.sourced_items(data):
        node.pop("uncertainty", None)
        node["source"] = f"assumption: as Leicester (calibration/{LEICESTER}, {path}); {missing}"
    return data


class Builder:
    """Reads one authority's figures for one year, falling back to England's where the
    authority's breakdown is not published."""

    def __init__(self, data: PublicData, area: Area, year: int) -> None:
        self.data, self.area, self.year = data, area, year
        self.who = f"{area.name} ({area.la_code})"

    def count(self, measure: str, what: str) -> tuple[float, str]:
        cell = self.data.number(measure, self.area.la_code, self.year)
        if cell.value is None:
            raise InputError(
                self.area.name,
                f"{measure}@{self.year}",
                f"a published figure; it is {cell.symbol!r} "
                f"({describe(cell.symbol)}), so no baseline can be built",
            )
        return cell.value, cite(self.year, self.who, what)

    def breakdown(
        self, table: str, group: str, what: str, wanted: Callable[[Counts], bool]
    ) -> tuple[Counts, str]:
        """The authority's breakdown if published (at most half of it suppressed) with something
        ``wanted`` accepts, else England's; and its source."""
        counts = split(self.data.breakdown(table, group, self.area.la_code, self.year))
        if counts is not None and wanted(counts):
            if counts.hidden() <= SUPPRESSED_AT_MOST * counts.total:
                return counts, cite(self.year, self.who, what) + counts.note()
            reason = f"{counts.hidden():g} of {self.who}'s {counts.total:g} are in suppressed cells"
        else:
            reason = f"{self.who}'s are not published"
        england = split(self.data.breakdown(table, group, self.data.england, self.year))
        if england is None or not wanted(england):
            raise InputError(
                self.area.name, f"{table}: {group}@{self.year}", "a published breakdown"
            )
        return england, cite(self.year, "England", f"{what} (England's shares: {reason})")


def has(keys: tuple[str, ...], group_of: Callable[[str], str | None]) -> Callable[[Counts], bool]:
    return lambda counts: shares(counts.grouped(group_of), keys) is not None


def population(b: Builder, template_data: dict) -> tuple[dict[str, Any], dict[str, float]]:
    """population section, and the count in each placement type."""
    total, total_source = b.count("looked_after_at_31_march", "children looked after at 31 March")
    kinds = (
        "foster",
        "home",
        "residential_specialist",
        "supported_accommodation",
        "placed_with_parents",
        "other_placement",
        "placed_for_adoption",
    )
    placed, placed_source = b.breakdown(
        "cla_at_31_march",
        "Placement",
        "children looked after at 31 March by placement",
        has(kinds, PLACEMENT_GROUPS.get),
    )
    providers, provider_source = b.breakdown(
        "cla_at_31_march",
        "Place providers",
        "children looked after at 31 March by placement provider",
        has(("own", "other"), provider_group),
    )
    own = group_shares(providers, provider_group, ("own", "other"))["own"]
    mix = group_shares(placed, PLACEMENT_GROUPS.get, kinds)
    kinship = kinship_share(template_data)
    by_type = {
        "foster_inhouse": mix["foster"] * own * (1 - kinship),
        "foster_kinship": mix["foster"] * own * kinship,
        "foster_ifa": mix["foster"] * (1 - own),
        "home_inhouse": mix["home"] * own,
        "home_external": mix["home"] * (1 - own),
        **{kind: mix[kind] for kind in kinds[2:]},
    }
    ages, age_source = b.breakdown(
        "cla_at_31_march",
        "Age group",
        "children looked after at 31 March by age",
        has(AGE_BANDS, AGE_GROUPS.get),
    )
    section = {
        "date": dt.date(b.year, 3, 31).isoformat(),
        "total": sourced(int(total), total_source),
        "placement_shares": sourced(
            by_type,
            (
                f"{placed_source}; {provider_source}: own provision {own:.3f} of the placements "
                "with a provider, applied alike to foster care and children's homes (assumption: "
                "the tables do not cross provider with placement); in-house foster care split "
                f"{1 - kinship:.2f}:{kinship:.2f} with connected carers as Leicester (assumption); "
                "residential schools and other residential settings as specialist residential"
            ),
        ),
        "age_band_shares": sourced(group_shares(ages, AGE_GROUPS.get, AGE_BANDS), age_source),
        "need_shares": template_data["population"]["need_shares"],
    }
    return section, {kind: share * total for kind, share in by_type.items()}


def provider_group(name: str) -> str | None:
    if name in PROVIDER_NONE:
        return None
    return "own" if name == PROVIDER_OWN else "other"


def kinship_share(template_data: dict) -> float:
    mix = template_data["population"]["placement_shares"]["value"]
    return mix["foster_kinship"] / (mix["foster_kinship"] + mix["foster_inhouse"])


def entries(b: Builder, template_data: dict) -> list[dict[str, Any]]:
    """The direct and uasc streams from the year's starts."""
    started, started_source = b.count(
        "started_during_year", "children starting to be looked after during the year"
    )
    uasc_counts, uasc_source = b.breakdown(
        "cla_started",
        UASC,
        "children starting to be looked after who were unaccompanied asylum-seeking children",
        lambda counts: True,
    )
    uasc = started * uasc_counts.counts.get(UASC, 0.0) / uasc_counts.total
    ages, age_source = b.breakdown(
        "cla_started",
        "Age on starting",
        "children starting to be looked after by age on starting",
        has(AGE_BANDS, AGE_GROUPS.get),
    )
    all_ages = group_shares(ages, AGE_GROUPS.get, AGE_BANDS)
    direct_ages = {
        band: max(all_ages[band] * started - uasc * UASC_AGES.get(band, 0.0), 0.0)
        for band in AGE_BANDS
    }
    streams = {stream["name"]: stream for stream in template_data["entries"]}
    direct = {
        "name": "direct",
        "rate_per_month": direct_rate(b, started, started_source, uasc, uasc_source),
        "age_band_shares": sourced(
            shares(direct_ages, AGE_BANDS) or all_ages,
            (
                f"{age_source}, less the unaccompanied children at Leicester's assumed ages "
                "(assumption: 20% aged 10-15, 80% 16-17)"
            ),
        ),
        "need_shares": streams["direct"]["need_shares"],
        "offered_fdm_per_month": streams["direct"]["offered_fdm_per_month"],
    }
    unaccompanied = {
        **streams["uasc"],
        "rate_per_month": sourced(
            uasc / 12,
            (
                f"{uasc_source}, as a share of {started_source.removeprefix('statistic: ')}, "
                "over 12 months"
            ),
        ),
    }
    return [direct, unaccompanied]


def direct_rate(b: Builder, started: float, started_source: str, uasc: float, uasc_source: str):
    """Children entering directly a month: next year's trended starts (with their
    uncertainty) less this year's unaccompanied children, or this year's starts where no
    earlier year is published to fit the trend on."""
    less = f"less the unaccompanied children ({uasc_source}), over 12 months"
    trend = trended_starts(b.data, b.year).get(b.area.la_code)
    if trend is None:
        return sourced((started - uasc) / 12, f"{started_source}, {less}")
    return {
        "value": max(trend.mean - uasc, 0.0) / 12,
        "source": f"fitted: {described(trend)}; {started_source.removeprefix('statistic: ')}, "
        + less,
        "uncertainty": {"distribution": "gamma", "sd": trend.sd / 12},
    }


def exits(b: Builder, template_data: dict, population: dict, streams: list[dict]) -> dict:
    """Exit routes from the reasons ceased; the level of time in care from the stock a year on
    (``level``)."""
    reasons, reason_source = b.breakdown(
        "cla_ceased",
        "Reason episode ceased",
        "children ceasing to be looked after by reason",
        has(CHOSEN_ROUTES, route_of),
    )
    section = dict(template_data["exits"])
    section["route_shares_by_band"] = sourced(
        route_shares(b, reasons, template_data),
        (
            f"{reason_source}: returned home and left to live with parents or relatives as "
            "reunified; adopted, special guardianship and child arrangements orders as permanence; "
            "stayed put at 18, independent living and adult care left to the model's turning 18; "
            "the rest other. By age band: the England profile in Leicester's exits "
            "(calibration/leicester.yaml) reweighted by this authority's shares against England's"
        ),
    )
    shape = section["shape"]["value"]
    profile, profile_source = age_profile(b, template_data["exits"]["mean_months_by_band"], shape)
    start = first_year_start(population, streams, section["adoption"]["months_placed"]["value"])
    level, why = level_of(b, profile, shape, start)
    means = {band: months * level for band, months in profile.items()}
    capped = [band for band, months in means.items() if months > MOST_MONTHS]
    section["mean_months_by_band"] = sourced(
        {band: min(months, MOST_MONTHS) for band, months in means.items()},
        f"{cite(b.year, b.who, 'children looked after at 31 March')}: {profile_source}, "
        f"times {level:.4g}, {why}"
        + (f"; {', '.join(capped)} taken at {MOST_MONTHS:g} months" if capped else ""),
    )
    return section


def first_year_start(population: dict, streams: list[dict], months_placed: float) -> Start:
    """Today's children and the year's entrants, as the first year of a run starts them."""
    stock = population["total"]["value"]
    entrants = {band: 0.0 for band in AGE_BANDS}
    for stream in streams:
        for band, share in stream["age_band_shares"]["value"].items():
            entrants[band] += share * stream["rate_per_month"]["value"] * 12
    return Start(
        stock,
        population["age_band_shares"]["value"],
        stock * population["placement_shares"]["value"]["placed_for_adoption"],
        months_placed,
        entrants,
    )


def level_of(
    b: Builder, profile: dict[str, float], shape: float, start: Start
) -> tuple[float, str]:
    """The multiplier on ``profile`` at which the run expects a year on the children the pooled
    model forecasts; where no forecast is at hand (no earlier year to fit on), the one at which
    an entrant's mean time in care is the stock over the starts (Little's law), and why."""
    started = sum(start.entrants.values())
    if started <= 0:
        raise InputError(
            b.area.name,
            f"started_during_year@{b.year}",
            "children starting to be looked after, to set the time in care; none start",
        )
    target = forecast_stock(b.data, b.year).get(b.area.la_code)
    if target is None:
        months = start.stock / started * 12
        entry_ages = {band: count / started for band, count in start.entrants.items()}
        level, found = fit_level(profile, entry_ages, shape, months)
        why = (
            "so that an entrant's mean time in care (cut at 18) is the stock over the starts a "
            f"year of the entry streams, {months:.1f} months"
        )
    else:
        level, found = fit_first_year(profile, shape, start, target)
        why = (
            f"so that the run, started from today's children and with the entry streams, expects "
            f"{target:.1f} children looked after a year on, the pooled model's median forecast "
            "(statsmodels, across authorities; sufficiency/publicdata/pooled.py)"
        )
    return level, why + ("" if found else " (the nearest the search allows)")


def age_profile(b: Builder, leicester: dict, shape: float) -> tuple[dict[str, float], str]:
    """Mean months by age band at entry from the authority's stocks and flows by age
    (``stockflow.py``), or Leicester's where its breakdowns are not published."""
    observed = stockflow.observed(b.data, b.area.la_code, b.year, AGE_GROUPS)
    if observed is None:
        return leicester["value"], f"Leicester's profile by age at entry (assumption, {LEICESTER})"
    fitted = stockflow.fit_durations(leicester["value"], shape, observed)
    bands = ", ".join(
        f"{band} {fitted.months[band]:.0f} ({fitted.low[band]:.0f}-{fitted.high[band]:.0f})"
        for band in AGE_BANDS
    )
    return fitted.months, (
        "fitted: the profile by age at entry whose steady state best matches this authority's "
        "children looked after by age at 31 March and ceased by age (stock-flow method, "
        f"Poisson deviance, averaged over its years to {b.year}; Weibull shape as Leicester, "
        f"assumption): mean months {bands} with 90% intervals"
    )


def route_shares(b: Builder, reasons: Counts, template_data: dict) -> dict[str, dict[str, float]]:
    """England's route profile by band, reweighted by the area's route shares against England's."""
    chosen = CHOSEN_ROUTES
    area = group_shares(reasons, route_of, chosen)
    england_counts = split(
        b.data.breakdown("cla_ceased", "Reason episode ceased", b.data.england, b.year)
    )
    england = shares(england_counts.grouped(route_of), chosen) if england_counts else None
    profile = template_data["exits"]["route_shares_by_band"]["value"]
    if england is None:
        return profile
    weight = {route: area[route] / england[route] if england[route] else 0.0 for route in chosen}
    out = {}
    for band, by_route in profile.items():
        weighted = {route: by_route[route] * weight[route] for route in chosen}
        out[band] = shares(weighted, chosen) or area
    return out


def history(data: PublicData, area: Area, year: int) -> dict[str, Any]:
    """The authority's published stock and rate at each 31 March up to ``year`` (unpublished
    years left out, so a suppressed figure stays suppressed)."""
    out: dict[str, dict[str, Any]] = {"cla_at_31_march": {}, "cla_rate_per_10000": {}}
    for past in data.years:
        if past > year:
            break
        for key, measure in (
            ("cla_at_31_march", "looked_after_at_31_march"),
            ("cla_rate_per_10000", "rate_per_10000:looked_after_at_31_march"),
        ):
            cell = data.number(measure, area.la_code, past)
            if cell.value is not None:
                what = "children looked after at 31 March" + (
                    " per 10,000 children aged 0-17" if "rate" in measure else ""
                )
                out[key][dt.date(past, 3, 31).isoformat()] = sourced(
                    cell.value, cite(past, f"{area.name} ({area.la_code})", what)
                )
    return out


def supply(template_data: dict, counts: dict[str, float]) -> tuple[dict, list[dict]]:
    """In-house foster carers and homes sized to hold today's in-house placements."""
    carers = dict(template_data["foster_carers"])
    per_household = carers["places_per_household"]["value"]
    households = round(counts["foster_inhouse"] / per_household)
    attrition = carers["attrition_per_year"]["value"]
    carers["households"] = sourced(
        households,
        (
            "assumption: enough in-house households for the children in in-house foster care at "
            f"31 March (derived from the DfE figures) at Leicester's {per_household:.3g} places "
            "per household"
        ),
    )
    carers["recruitment_per_year"] = sourced(
        households * attrition,
        (
            "assumption: recruitment replaces Leicester's attrition rate, keeping the households "
            "steady"
        ),
    )
    beds = round(counts["home_inhouse"])
    homes = (
        []
        if beds == 0
        else [
            {
                "name": "in-house homes",
                "opens": "2000-01-01",
                "beds": sourced(
                    beds,
                    (
                        "assumption: in-house children's homes with one bed for "
                        "each child in an in-house home at 31 March (derived from "
                        "the DfE figures); beds and homes are not published"
                    ),
                ),
            }
        ]
    )
    return carers, homes


def no_programmes(data: dict) -> None:
    """No edge-of-care programme and no reunification team: no staff, no referrals."""
    reason = (
        "assumption: no edge-of-care programme in a public-data baseline; add one in a scenario"
    )
    for programme in PROGRAMMES:
        for key in ("therapists", "referrals_per_month"):
            data["programmes"][programme.value][key] = sourced(0.0, reason)
    data["reunification"]["therapists"] = sourced(
        0.0, reason.replace("edge-of-care programme", "reunification team")
    )


def build_baseline(data: PublicData, area: Area, at: dt.date) -> Baseline:
    """The baseline parameter set for ``area`` from the latest 31 March on or before ``at``."""
    year = data.year_at(at)
    b = Builder(data, area, year)
    base = copy.deepcopy(template())
    params = {key: value for key, value in base.items() if key not in ("history",)}
    params["population"], counts = population(b, base)
    params["entries"] = entries(b, base)
    params["exits"] = exits(b, base, params["population"], params["entries"])
    params["foster_carers"], params["homes"] = supply(base, counts)
    params["programmes"] = {name: dict(p) for name, p in base["programmes"].items()}
    params["reunification"] = dict(base["reunification"])
    no_programmes(params)
    children = data.number("children_aged_0_17", area.la_code, year)
    if children.value is not None:
        params["child_population"] = sourced(
            int(children.value),
            cite(year, b.who, "children aged 0-17 (ONS mid-year estimate, as the DfE gives it)"),
        )
    else:
        params.pop("child_population", None)
    params["history"] = history(data, area, year)
    levels = priced(data, area, year, counts, base)
    params["costs"] = base["costs"]
    spending = compare_spending(data, area, counts, base["costs"]["weekly"], levels)
    params["name"] = slug(area.name)
    params["start_date"] = (dt.date(year, 3, 31) + dt.timedelta(days=1)).isoformat()
    params["description"] = (
        f"{area.name} ({area.la_code}, {area.region}): a baseline from the "
        f"DfE's public figures at 31 March {year}, no edge-of-care "
        f"programmes. {spending.sentence()}"
    )
    validated = build_parameters(params, f"{area.name} baseline")
    return Baseline(area, year, validated, spending)


LEICESTER_CODE = "E06000016"


def priced(
    data: PublicData, area: Area, year: int, counts: dict[str, float], template_data: dict
) -> dict[str, float]:
    """Leicester's weekly costs on the lines the outturn prices scaled to ``area``'s price
    level (in ``template_data``); the levels by line."""
    leicester = data.find(LEICESTER_CODE)
    _, leicester_counts = population(Builder(data, leicester, year), template_data)
    weekly = template_data["costs"]["weekly"]
    levels = {}
    for line in PRICED:
        level = price_level(data, area, counts, (LEICESTER_CODE, leicester_counts), line)
        levels[line] = level.level
        for kind in LINES[line][1] or ():
            weekly[kind] = sourced(
                weekly[kind]["value"] * level.level,
                (
                    f"assumption: as Leicester (calibration/{LEICESTER}, costs.weekly.{kind}) "
                    f"at this authority's price level; statistic: {level.note}"
                ),
            )
    return levels


def slug(name: str) -> str:
    """A scenario-safe name: lower case, words joined by hyphens."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
