"""How a baseline's first-year placement cost compares with the authority's 2024-25 outturn.

The model counts the weekly cost of each child's placement. The outturn's children-looked-after
line counts more: the council's own homes' and fostering service's staff and overheads, leaving
care and other services, unaccompanied children's costs (a line of their own) and income netted
off. So the comparison is a scale check, not a reconciliation.
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


@dataclass(frozen=True)
class Spending:
    """Model and outturn pounds by line."""

    authority: str
    model: dict[str, float]
    outturn: dict[str, Cell]

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
        return (
            "First-year placement cost of the placements at the start, at Leicester's unit costs "
            "(assumption), against the MHCLG revenue outturn RO3 2024-25 for "
            f"{self.authority}, net current expenditure: {'; '.join(parts)}. The outturn "
            "also counts staff, overheads and services around placements, and nets off "
            "income."
        )


def compare_spending(
    data: PublicData, area: Area, counts: dict[str, float], weekly: dict[str, dict]
) -> Spending:
    """The model's yearly cost of the placements at the start by outturn line, and the outturn."""
    yearly = {kind: counts[kind] * weekly[kind]["value"] * WEEKS_PER_YEAR for kind in counts}
    model = {line: sum(yearly[k] for k in (kinds or yearly)) for line, (_, kinds) in LINES.items()}
    lines = data.outturn.get(area.la_code, {})
    outturn = {line: lines[service] for line, (service, _) in LINES.items() if service in lines}
    return Spending(data.outturn_names.get(area.la_code, area.name), model, outturn)
