"""A parameter set for any start date: that day's children in care, carers and services.

Everything here reads only the figures in the frame it is given, so a backtest that passes a
frame cut at its training date builds its start from what was known then.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..parameters import ParameterSet, build_parameters
from ..paths import put
from ..pathway import State
from ..timeline import Change
from . import dfe_ages
from .figures import Figures, Row, significant
from .provenance import checks
from .sources import parse_period

ASSUMED_CHILDREN = 88_000
ASSUMED_CHILDREN_REASON = (
    "assumption: about 88,000 children aged 0-17 (roughly a quarter of Leicester's 368,600 "
    "residents at Census 2021); no figure gives the child population this early"
)
UASC_MONTHS = 20
UASC_STARTS = "dfe_started_uasc"
UASC_PATH = "entries.uasc.rate_per_month"
FOSTER = ("foster_inhouse", "foster_kinship", "foster_ifa")
IN_HOUSE = ("foster_inhouse", "foster_kinship")


@dataclass(frozen=True)
class Event:
    """A known change to a live parameter on a date."""

    date: dt.date
    path: str
    value: float
    source: str


def financial_year_start(date: dt.date) -> dt.date:
    return dt.date(date.year if date.month >= 4 else date.year - 1, 4, 1)


def child_population(fig: Figures, date: dt.date) -> tuple[dict[str, Any], str]:
    """Children aged 0-17: a CLA count over its rate per 10,000, nearest the date; and its
    expression in cited rows."""
    pairs = []
    for count in fig.rows("cla_at_31_march"):
        rate = nearest_rate(fig, count.end)
        if rate is not None:
            pairs.append((abs((count.end - date).days), count, rate))
    if not pairs:
        return {"value": ASSUMED_CHILDREN, "source": ASSUMED_CHILDREN_REASON}, str(ASSUMED_CHILDREN)
    _, count, rate = min(pairs, key=lambda p: p[0])
    expr = f"{count.token} / {rate.token} * 10000"
    return fig.derived(
        expr,
        "children aged 0-17: CLA over the rate per 10,000 (taken as constant away from that date)",
        integer=True,
    ), expr


def nearest_rate(fig: Figures, date: dt.date) -> Row | None:
    """The rate per 10,000 published for a date within 45 days of ``date``."""
    rows = [r for r in fig.rows("cla_rate_per_10000") if abs((r.end - date).days) <= 45]
    return min(rows, key=lambda r: abs((r.end - date).days)) if rows else None


def cla_total(fig: Figures, date: dt.date, children: str) -> tuple[dict[str, Any], str]:
    """CLA on a date: the count if published, else the rate per 10,000 times the children."""
    count = next((r for r in fig.rows("cla_at_31_march") if r.end == date), None)
    if count is not None:
        return fig.derived(count.token, "children looked after", integer=True), count.token
    rate = fig.needed("cla_rate_per_10000", date)
    expr = f"{rate.token} * {children} / 10000"
    return fig.derived(expr, "rate per 10,000 times the children aged 0-17", integer=True), expr


ADOPTION = State.PLACED_FOR_ADOPTION.value


def placement_shares(fig: Figures, date: dt.date, prior: dict[str, float]) -> dict[str, Any]:
    """Shares by placement type: the reported % in foster care and % of fostered children with
    in-house carers on the date; the split within each group from the prior shares."""
    foster, inhouse = (
        fig.needed("pct_cla_in_foster", date),
        fig.needed("pct_cla_with_inhouse_carers", date),
    )
    f, i = foster.value, inhouse.value
    groups = {FOSTER[2]: f * (1 - i)}
    kin = prior["foster_kinship"] / (prior["foster_kinship"] + prior["foster_inhouse"])
    groups.update({"foster_inhouse": f * i * (1 - kin), "foster_kinship": f * i * kin})
    adoption, adoption_check = placed_for_adoption(fig, date, prior)
    groups[ADOPTION] = adoption
    rest = {k: v for k, v in prior.items() if k not in FOSTER and k != ADOPTION}
    total_rest = sum(rest.values())
    groups.update({k: (1 - f - adoption) * v / total_rest for k, v in rest.items()})
    value = {k: significant(groups[k], 9) for k in prior}
    check = (
        f"foster_inhouse + foster_kinship + foster_ifa = {foster.token}; "
        f"foster_inhouse + foster_kinship = {foster.token} * {inhouse.token}{adoption_check}"
    )
    return {
        "value": value,
        "source": f"{fig.where(check)}: % CLA in foster placements and % of "
        "fostered children with in-house (including connected) carers; placed for adoption as "
        "the DfE's latest share; the split within each other group follows the prior shares "
        f"(assumption) [{check}]",
    }


def placed_for_adoption(fig: Figures, date: dt.date, prior: dict[str, float]) -> tuple[float, str]:
    """The share placed for adoption: the DfE's count at the latest 31 March known by ``date``
    over its children looked after then (the prior share without one), and its check."""
    placed = fig.nearest("dfe_placed_for_adoption", date)
    total = placed and fig.get("dfe_cla_at_31_march", placed.period)
    if placed is None or total is None:
        return prior[ADOPTION], ""
    return placed.value / total.value, f"; {ADOPTION} = {placed.token} / {total.token}"


def households(fig: Figures, date: dt.date) -> dict[str, Any] | None:
    row = fig.nearest("foster_households", date)
    return fig.derived(row.token, "in-house foster care households", integer=True) if row else None


def carers_age(fig: Figures, date: dt.date) -> dict[str, Any] | None:
    """The in-house foster carers' average age in the year nearest the date."""
    row = fig.nearest("foster_carer_avg_age", date)
    return fig.derived(row.token, "average age of in-house foster carers") if row else None


def uasc_rate(fig: Figures, date: dt.date, total_expr: str) -> dict[str, Any] | None:
    """Unaccompanied children entering a month: the DfE's count of them starting in the latest
    year known by ``date``; without one, the council's share of CLA over an assumed stay."""
    starts = fig.nearest(UASC_STARTS, date)
    if starts is not None:
        expr = f"{starts.token} / 12"
        return {
            "value": significant(fig.value(expr)),
            "source": f"{starts.location}: unaccompanied asylum-seeking children starting to be "
            "looked after in the year, a month (a count of the stream itself, in place of the "
            f"council's share of CLA over an assumed {UASC_MONTHS} months in care: Leicester's "
            "UASC in care at 31 March 2022-2024 were 16, 34 and 28 against 17, 36 and 26 "
            f"starting, about a year's stay) [value = {expr}]",
        }
    row = fig.nearest("pct_cla_from_abroad_seeking_safety", date)
    if row is None:
        return None
    return fig.derived(
        f"{row.token} * {total_expr} / {UASC_MONTHS}",
        "children from abroad "
        f"seeking safety in care, over {UASC_MONTHS} months in care (assumption: "
        "most arrive at 16-17 and leave care at 18)",
    )


def events(data: dict, fig: Figures, start: dt.date) -> list[Event]:
    """Known dated changes: MST's staffing shortfall, the start of reunification work, each
    later year's rate of children from abroad seeking safety (from that year's share), and a
    fitted step in an entry stream's rate."""
    found = uasc_events(fig, start) + steps(data, start)
    staffing = fig.latest("mst_staffing_share")
    if staffing is not None:
        full = data["programmes"]["mst"]["therapists"]
        full_expr = next(
            (rhs for lhs, rhs in checks(full["source"]) if lhs == "value"), str(full["value"])
        )
        expr = f"{full_expr} * {staffing.token}"
        sourced = fig.derived(
            expr,
            "MST at reduced staffing from the start of that financial "
            "year (the month it began is assumption)",
        )
        start = financial_year_start(parse_period(staffing.period).start)
        found.append(Event(start, "programmes.mst.therapists", sourced["value"], sourced["source"]))
    pilot = fig.rows("fft_reunification_children_identified")
    if pilot:
        begins = parse_period(pilot[0].period).start
        found.append(
            Event(
                begins,
                "reunification.therapists",
                data["reunification"]["therapists"]["value"],
                f"assumption: the FFT reunification pilot began in {begins:%B %Y} "
                f"({pilot[0].token}, {pilot[0].source_file}); staffing as the prior",
            )
        )
    return sorted(found, key=lambda e: e.date)


def uasc_events(fig: Figures, start: dt.date) -> list[Event]:
    """From the start of each financial year after ``start``, that year's unaccompanied
    children starting (the DfE's count), or without those counts that year's share of CLA from
    abroad seeking safety, in entries a month."""
    if fig.rows(UASC_STARTS):
        return [
            Event(financial_year_start(row.end), UASC_PATH, sourced["value"], sourced["source"])
            for row in fig.rows(UASC_STARTS)
            if financial_year_start(row.end) >= start
            and (sourced := uasc_rate(fig, row.end, "")) is not None
        ]
    found = []
    for row in fig.rows("pct_cla_from_abroad_seeking_safety"):
        begins = financial_year_start(row.end)
        if len(row.period) != 7 or begins < start:
            continue
        _, children = child_population(fig, row.end)
        _, total = cla_total(fig, row.end, children)
        sourced = uasc_rate(fig, row.end, total)
        if sourced is None:  # cannot happen: the row itself is a figure of the measure
            continue
        found.append(Event(begins, UASC_PATH, sourced["value"], sourced["source"]))
    return found


def steps(data: dict, start: dt.date) -> list[Event]:
    """Each entry stream's step in its rate after ``start``: the stream's rate from the date
    (``before`` holds the rate until then)."""
    found = []
    for stream in data["entries"]:
        before = stream.get("before")
        if before is not None and before["date"] > start:
            rate = stream["rate_per_month"]
            path = f"entries.{stream['name']}.rate_per_month"
            found.append(Event(before["date"], path, rate["value"], rate["source"]))
    return found


def start_before_steps(data: dict, start: dt.date) -> None:
    """Streams whose step falls after ``start`` begin at the rate before it (``steps`` gives
    the change); a step on or before ``start`` stays in the set as history."""
    for stream in data["entries"]:
        before = stream.get("before")
        if before is not None and before["date"] > start:
            stream["rate_per_month"] = stream.pop("before")["rate_per_month"]


def no_reunification(fig: Figures) -> dict[str, Any]:
    pilot = fig.rows("fft_reunification_children_identified")
    when = (
        f"the pilot's first figures are for {pilot[0].token}"
        if pilot
        else "no reunification work appears in the figures"
    )
    return {"value": 0.0, "source": f"assumption: no FFT reunification work yet ({when})"}


def published(fig: Figures, day: dt.date) -> dict[str, Any]:
    """The area's published children-looked-after figures up to ``day``, for reports."""
    words = {
        "cla_at_31_march": "children looked after",
        "cla_rate_per_10000": "children looked after per 10,000 children",
    }
    return {
        measure: {r.end: fig.derived(r.token, text) for r in fig.rows(measure) if r.end <= day}
        for measure, text in words.items()
    }


def at(
    data: dict, fig: Figures, start: dt.date, end: dt.date, known_until: dt.date
) -> tuple[ParameterSet, list[Change]]:
    """The parameter set starting on ``start`` and the known changes up to ``end``.

    Homes opening after ``known_until`` are left out: nothing later was known.
    """
    out = copy.deepcopy(data)
    day = start - dt.timedelta(days=1)
    out["start_date"], out["population"]["date"] = start, day
    children, children_expr = child_population(fig, day)
    total, total_expr = cla_total(fig, day, children_expr)
    out["child_population"] = children
    out["history"] = published(fig, day)
    put(out, "population.total", total)
    put(
        out,
        "population.placement_shares",
        placement_shares(fig, day, data["population"]["placement_shares"]["value"]),
    )
    for path, sourced in (
        ("population.age_band_shares", dfe_ages.in_care(day)),
        ("foster_carers.households", households(fig, day)),
        ("foster_carers.mean_age", carers_age(fig, day)),
        (UASC_PATH, uasc_rate(fig, day, total_expr)),
    ):
        if sourced is not None:
            put(out, path, sourced)
    out["homes"] = [h for h in out["homes"] if h["opens"] <= known_until]
    put(out, "reunification.therapists", no_reunification(fig))
    start_before_steps(out, start)
    timeline = []
    for event in events(data, fig, start):
        if event.date <= start:
            put(out, event.path, {"value": event.value, "source": event.source})
        elif event.date <= end:
            timeline.append(Change(float((event.date - start).days), event.path, event.value))
    return build_parameters(out, f"parameters at {start}"), timeline
