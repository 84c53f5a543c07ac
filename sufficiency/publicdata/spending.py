"""How a baseline's first-year placement cost compares with the authority's 2024-25 outturn,
and the authority's price level from it.

The model counts the weekly cost of each child's placement. The outturn's children-looked-after
line counts more: the council's own homes' and fostering service's staff and overheads, leaving
care and other services, unaccompanied children's costs (a line of their own) and income netted
off. So the comparison is a scale check, not a reconciliation.

The only unit costs at hand are Leicester's. An authority's price level on a line is its net
current expenditure on that line per child in the matching placements at 31 March, over
Leicester's: Leicester's weekly costs for those placements times that level keep the boundary
difference between model and outturn what it is for Leicester.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..pathway import DAYS_PER_YEAR
from .cells import Cell
from .tables import Area, PublicData

LINES = {
    "looked_after": ("Children Looked After", None),
    "residential": (
        "Children Looked After: residential care",
        ("home_inhouse", "home_external", "residential_specialist"),
    ),
    "fostering": (
        "Children Looked After: fostering services",
        ("foster_inhouse", "foster_kinship", "foster_ifa"),
    ),
}
"""Outturn lines (net current expenditure) and the placement types the model counts in each."""
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
PRICED = ("residential", "fostering")
"""The lines whose outturn sets an authority's price level."""
LEVEL_LIMITS = (0.5, 2.0)
"""The price levels allowed; an outturn implying more is taken at the nearest limit."""


@dataclass(frozen=True)
class Spending:
    """Model and outturn pounds by line."""

    authority: str
    model: dict[str, float]
    outturn: dict[str, Cell]
    levels: dict[str, float]

    def sentence(self) -> str:
        """One sentence: the model's first-year placement cost beside the outturn lines."""
        parts = []
        for line, label in (
            ("looked_after", "children looked after"),
            ("residential", "residential care"),
            ("fostering", "fostering"),
        ):
            cell = self.outturn.get(line)
            shown = (
                f"£{cell.value / 1000:.1f}m"
                if cell and cell.value is not None
                else (f"not reported ({cell.symbol})" if cell else "not in the return")
            )
            parts.append(f"{label} £{self.model[line] / 1e6:.1f}m against {shown}")
        levels = ", ".join(f"{line} x{level:.2f}" for line, level in self.levels.items())
        return (
            "First-year placement cost of the placements at the start, at Leicester's unit costs "
            f"(assumption) at this authority's price level from its outturn ({levels}), "
            "against the MHCLG revenue outturn RO3 2024-25 for "
            f"{self.authority}, net current expenditure: {'; '.join(parts)}. The outturn "
            "also counts staff, overheads and services around placements, and nets off "
            "income."
        )


def compare_spending(
    data: PublicData,
    area: Area,
    counts: dict[str, float],
    weekly: dict[str, dict],
    levels: dict[str, float],
) -> Spending:
    """The model's yearly cost of the placements at the start by outturn line, and the outturn."""
    yearly = {kind: counts[kind] * weekly[kind]["value"] * WEEKS_PER_YEAR for kind in counts}
    model = {line: sum(yearly[k] for k in (kinds or yearly)) for line, (_, kinds) in LINES.items()}
    lines = data.outturn.get(area.la_code, {})
    outturn = {line: lines[service] for line, (service, _) in LINES.items() if service in lines}
    return Spending(data.outturn_names.get(area.la_code, area.name), model, outturn, levels)


def per_child(data: PublicData, la_code: str, counts: dict[str, float], line: str) -> float | None:
    """Net current expenditure on ``line`` per child in its placements at 31 March, or
    ``None`` when either is not published or is not above zero."""
    service, kinds = LINES[line]
    cell = data.outturn.get(la_code, {}).get(service)
    children = sum(counts[kind] for kind in kinds or ())
    if cell is None or cell.value is None or cell.value <= 0 or children <= 0:
        return None
    return cell.value * 1000 / children


@dataclass(frozen=True)
class PriceLevel:
    """An authority's price level on an outturn line against Leicester's, and how it was set."""

    line: str
    level: float
    note: str


def price_level(
    data: PublicData,
    area: Area,
    counts: dict[str, float],
    leicester: tuple[str, dict[str, float]],
    line: str,
) -> PriceLevel:
    """``area``'s price level on ``line``: its outturn per child over Leicester's (1 where
    either is not published)."""
    service = LINES[line][0]
    own = per_child(data, area.la_code, counts, line)
    base = per_child(data, leicester[0], leicester[1], line)
    title = "MHCLG revenue outturn RO3 2024-25, net current expenditure"
    if own is None or base is None:
        return PriceLevel(line, 1.0, f"{title} on {service!r} not published or nil: level 1")
    low, high = LEVEL_LIMITS
    level = min(max(own / base, low), high)
    capped = "" if level == own / base else f" (taken at the limit {level:g})"
    return PriceLevel(
        line,
        level,
        f"{title} on {service!r}, £{own:,.0f} a year per child in the matching placements at "
        f"31 March against Leicester's £{base:,.0f}: level {own / base:.3f}{capped}",
    )
