"""What the fit matches: reported figures in a window and their simulated counterparts.

Observed values are the sources rows unchanged (a rate per 10,000 is compared as a rate).
Each target has an observation spread: the rounding of the published figure (uniform over one
unit of its last digit), or, for figures whose definition differs from the model's, an assumed
10% of the figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
            out.append(Target(row, share, 0.01 * ROUNDING, text))
    return out


def in_window(rows: list[Row], first: dt.date, last: dt.date) -> list[Row]:
    """Rows for a date after the run starts and by the window's end."""
    return [r for r in rows if first <= r.end <= last]


def flow_period(row: Row) -> tuple[dt.date, dt.date] | None:
    """A year's figure covers the year; a dated one the year to date; quarters are left out."""
    if " Q" in row.period:
        return None
    return financial_year_start(row.end), row.end


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
        for row in fig.rows(measure):
            span = flow_period(row)
            if span is None or span[0] < first or span[1] > last:
                continue
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
    return stock_targets(fig, first, last) + flow_targets(fig, first, last)
