"""What the fit matches: reported figures in a window and their simulated counterparts.

Observed values are the sources rows unchanged (a rate per 10,000 is compared as a rate).
Each target has an observation spread: the rounding of the published figure (uniform over one
unit of its last digit), or, for figures whose definition differs from the model's, an assumed
10% of the figure.

The DfE's figures for Leicester (``dfe_*`` rows, drawn from the shipped DfE subset) add starts,
ceased, ceased by exit route and the placement mix at each 31 March. Where the two sources give
the same figure the fit follows one and gives the other a wide spread (``TWINS`` says which and
why; the fit report shows both).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import methodcaller

import numpy as np

from ..pathway import PLACEMENTS, State
from .figures import Figures, Row
from .history import financial_year_start
from .simulate import History, Teams

ROUNDING = 1 / np.sqrt(12)  # sd of a uniform rounding error of one unit
DEFINITION = 0.10
FOSTER = (State.FOSTER_INHOUSE, State.FOSTER_KINSHIP, State.FOSTER_IFA)
IN_HOUSE = (State.FOSTER_INHOUSE, State.FOSTER_KINSHIP)
FDM_JOINED = "fdm_in_family_therapies_since"
WIDE_COUNT = 0.05
"""Spread of a figure the fit does not follow where the sources disagree: 5% of a count."""
WIDE_SHARE = 0.05
"""The same for a share: 5 percentage points."""
DFE_SHARE = 0.01
"""Spread of a DfE placement share: 1 percentage point for mapping the DfE's placement types
onto the model's (assumption)."""
EXIT_ROUTES = ("reunified", "permanence", "turned_18", "other")
COUNTING = "assumption: 10% for counting children against the model's episodes"
DFE_MIX = (
    ("dfe_pct_cla_in_foster", FOSTER, "foster placements"),
    ("dfe_pct_cla_in_homes", (State.HOME_INHOUSE, State.HOME_EXTERNAL), "children's homes"),
    (
        "dfe_pct_cla_in_supported_or_other",
        (State.SUPPORTED_ACCOMMODATION, State.OTHER_PLACEMENT, State.PLACED_FOR_ADOPTION),
        "supported accommodation, other placements and placed for adoption (combined: the DfE "
        "recoded supported accommodation in 2024)",
    ),
)
"""The DfE placement shares at 31 March and the model's placements they count."""
TWINS = {
    "cla_at_31_march": (
        "dfe_cla_at_31_march",
        "council",
        "the council's count (599 at March 2024) is the one its reports and strategy use and "
        "continues to March 2025; the DfE's (596) differs by 3 children, so it gets a 5% spread",
    ),
    "pct_cla_in_foster": (
        "dfe_pct_cla_in_foster",
        "dfe",
        "the DfE's census shares (70-73% at 31 March 2021-2024) are national statistics with a "
        "published definition and agree with the council's own yearly shares; the council's "
        "February 2025 figure (61%) is a month-end snapshot with no DfE counterpart yet, 10 "
        "points below every census, so the council's shares after the last census get a "
        "5-point spread",
    ),
}
"""Council measure -> (its DfE twin, the source the fit follows, why)."""

Simulated = Callable[[History], np.ndarray]


@dataclass(frozen=True)
class Target:
    """One reported figure, how to read it from a run, and its observation spread."""

    row: Row
    simulated: Simulated
    noise: float  # observation spread, in the figure's units
    definition: str

    @property
    def key(self) -> str:
        return self.row.token


def rate(h: History, date: dt.date) -> np.ndarray:
    children = h.params.child_population
    assert children is not None, "a rate target needs the child population"
    return h.cla(date) / children.value * 10_000


def flow(method: str, span: tuple[dt.date, dt.date], team: Callable[[History], Teams]) -> Simulated:
    """A simulated flow: ``History.<method>`` over ``span``, counting ``team``'s work."""
    return lambda h: getattr(h, method)(*span, team(h))


SHARE_TARGETS = (
    ("pct_cla_in_foster", FOSTER, PLACEMENTS, "share of CLA in foster placements (whole percent)"),
    (
        "pct_cla_with_inhouse_carers",
        IN_HOUSE,
        FOSTER,
        "share of fostered children with in-house or connected carers (assumption: the "
        "denominator is foster placements)",
    ),
)
"""Shares the reports publish: (measure, the placements counted, out of which placements)."""


def stock_targets(fig: Figures, first: dt.date, last: dt.date) -> list[Target]:
    """CLA (counts, and rates where no count is published within a month) and shares."""
    out = []
    counts = fig.rows("cla_at_31_march")
    for row in in_window(counts, first, last):
        out.append(Target(row, methodcaller("cla", row.end), 0.0, "children looked after"))
    for row in in_window(fig.rows("cla_rate_per_10000"), first, last):
        if not any(abs((c.end - row.end).days) <= 31 for c in counts):
            out.append(
                Target(
                    row,
                    partial(rate, date=row.end),
                    ROUNDING,
                    "CLA per 10,000 children aged 0-17 (published as whole numbers)",
                )
            )
    for measure, part, whole, text in SHARE_TARGETS:
        for row in in_window(fig.rows(measure), first, last):
            share = methodcaller("share", row.end, part, whole)
            if after_last_census(fig, measure, row):
                note = "; the DfE's census shares are followed (a 5-point spread)"
                out.append(Target(row, share, WIDE_SHARE, text + note))
            else:
                out.append(Target(row, share, 0.01 * ROUNDING, text))
    return out


def after_last_census(fig: Figures, measure: str, row: Row) -> bool:
    """A council share the fit does not follow: dated after the DfE twin's latest census."""
    twin = TWINS.get(measure)
    if twin is None or twin[1] != "dfe":
        return False
    latest = fig.latest(twin[0])
    return latest is not None and row.end > latest.end


def dfe_targets(fig: Figures, first: dt.date, last: dt.date) -> list[Target]:
    """The DfE's children looked after, starts, ceased (by route) and placement mix."""
    out = []
    for row in in_window(fig.rows("dfe_cla_at_31_march"), first, last):
        out.append(
            Target(
                row,
                methodcaller("cla", row.end),
                WIDE_COUNT * row.value,
                "children looked after (DfE; the council's count is followed: a 5% spread)",
            )
        )
    flows = [("dfe_started", "entries", "children starting to be looked after")]
    flows.append(("dfe_ceased", "exits", "children ceasing to be looked after"))
    for measure, counted, text in flows:
        for row, _ in flows_within(fig, measure, first, last):
            out.append(
                Target(
                    row,
                    partial(year_flow, counted=counted, route="all", period=row.period),
                    DEFINITION * row.value,
                    f"{text} in the year (DfE; {COUNTING})",
                )
            )
    out += route_targets(fig, first, last)
    for measure, part, text in DFE_MIX:
        for row in in_window(fig.rows(measure), first, last):
            out.append(
                Target(
                    row,
                    methodcaller("share", row.end, part, PLACEMENTS),
                    DFE_SHARE,
                    f"share of CLA in {text} at 31 March (DfE; assumption: 1 point for the "
                    "mapping of placement types)",
                )
            )
    return out


def route_targets(fig: Figures, first: dt.date, last: dt.date) -> list[Target]:
    """The DfE's ceased by exit route, compared as the year's split: the simulated share of
    the year's exits by the route times the DfE's ceased that year. The routes sum to the
    ceased, which ``dfe_ceased`` compares already; compared as counts they would weigh the
    level of the ceased five times against the starts' once."""
    out = []
    for route in EXIT_ROUTES:
        for row, _ in flows_within(fig, f"dfe_ceased_{route}", first, last):
            total = fig.get("dfe_ceased", row.period)
            if total is None:
                continue
            out.append(
                Target(
                    row,
                    partial(route_split, route=route, period=row.period, total=total.value),
                    DEFINITION * row.value,
                    f"children ceasing, exit route {route} in the year: the simulated share of "
                    f"the year's ceased times the DfE's {total.value:g} (DfE; {COUNTING})",
                )
            )
    return out


def route_split(h: History, route: str, period: str, total: float) -> np.ndarray:
    """Per replication, a year's exits by ``route`` over its exits, times ``total``."""
    exits = year_flow(h, "exits", "all", period)
    return year_flow(h, "exits", route, period) / np.maximum(exits, 1.0) * total


def year_flow(h: History, counted: str, route: str, period: str) -> np.ndarray:
    """A counted flow in one financial year, per replication."""
    return h.flow(counted, route)[:, h.year(period)].astype(float)


def in_window(rows: list[Row], first: dt.date, last: dt.date) -> list[Row]:
    """Rows for a date after the run starts and by the window's end."""
    return [r for r in rows if first <= r.end <= last]


def flow_period(row: Row) -> tuple[dt.date, dt.date] | None:
    """A year's figure covers the year; a dated one the year to date; quarters are left out."""
    if " Q" in row.period:
        return None
    return financial_year_start(row.end), row.end


def flows_within(
    fig: Figures, measure: str, first: dt.date, last: dt.date
) -> Iterator[tuple[Row, tuple[dt.date, dt.date]]]:
    """The figures of ``measure`` whose period (``flow_period``) lies within first to last."""
    for row in fig.rows(measure):
        span = flow_period(row)
        if span is not None and first <= span[0] and span[1] <= last:
            yield row, span


def teams(fig: Figures) -> Callable[[History], Teams]:
    """The teams counted in edge-of-care figures for a run (FDM from the date it joined)."""
    joined = fig.latest(FDM_JOINED)

    def build(h: History) -> Teams:
        return Teams(h.span(joined.end, joined.end)[0] if joined is not None else np.inf)

    return build


def flow_targets(fig: Figures, first: dt.date, last: dt.date) -> list[Target]:
    """Children diverted and families started by the teams, and the average time in care."""
    out = []
    team = teams(fig)
    for measure, method, text in (
        (
            "all_in_year_diversions",
            "children_diverted",
            "children who started with the teams in the period and were not in care by its end",
        ),
        ("all_families_started", "families_started", "families starting with the teams"),
    ):
        for row, span in flows_within(fig, measure, first, last):
            out.append(
                Target(
                    row,
                    flow(method, span, team),
                    DEFINITION * row.value,
                    f"{text} (assumption: 10% for differences in counting)",
                )
            )
    for row in in_window(fig.rows("avg_months_in_care"), first, last):
        if len(row.period) == 7 and financial_year_start(row.end) >= first:
            out.append(
                Target(
                    row,
                    methodcaller("months_in_care", row.period),
                    DEFINITION * row.value,
                    "average CLA over exits a year, in months (Little's law; "
                    "assumption: 10% as the report does not say whom it averages)",
                )
            )
    return out


def targets(fig: Figures, first: dt.date, last: dt.date) -> list[Target]:
    """Every target in the window from ``first`` (the run's first day) to ``last``."""
    return (
        stock_targets(fig, first, last)
        + flow_targets(fig, first, last)
        + dfe_targets(fig, first, last)
    )
