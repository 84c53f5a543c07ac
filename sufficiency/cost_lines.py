"""The cost lines: one name for each, defined here and used by costs.csv, the workbook and any
budget file, and the subtotals they add up to.

Income (the Home Office grant) is a line of its own with a negative cost.
"""

from __future__ import annotations

from .pathway import PLACEMENT_NAMES, PROGRAMMES, REUNIFICATION

HOMES_FIXED = "home_inhouse_fixed"
"""In-house children's homes' running cost for each day a home is open, whoever is in it; the
line ``home_inhouse`` is their variable cost per occupied bed-day."""
CARE_LEAVERS = "care_leavers"
"""Leaving-care support for young people who turned 18 in care, until 21."""
STAYING_PUT = "staying_put"
"""Former foster carers paid to keep a young person on after 18."""
UASC_GRANT = "uasc_grant"
"""Home Office grant for unaccompanied children seeking asylum and former ones who left care
(income, so negative)."""
INVESTMENT = "investment"
"""A scenario's own investment costs (capital, start-up, posts), from its ``investments``."""

PLACEMENT_LINES: tuple[str, ...] = (*PLACEMENT_NAMES, HOMES_FIXED)
PROGRAMME_LINES: tuple[str, ...] = (*(p.value for p in PROGRAMMES), REUNIFICATION)
LEAVING_CARE_LINES: tuple[str, ...] = (CARE_LEAVERS, STAYING_PUT)
ENGINE_LINES: tuple[str, ...] = (
    *PLACEMENT_LINES,
    *PROGRAMME_LINES,
    *LEAVING_CARE_LINES,
    UASC_GRANT,
)
"""The lines every replication costs, in the order of ``Replication.costs``."""
INVESTMENT_LINES: tuple[str, ...] = (*PROGRAMME_LINES, INVESTMENT)

SUBTOTALS: dict[str, tuple[str, ...]] = {
    "all_placements": PLACEMENT_LINES,
    "all_programmes": INVESTMENT_LINES,
    "all_leaving_care": LEAVING_CARE_LINES,
}
"""Each subtotal and its lines; ``total`` is every line, grant income included."""
TOTAL = "total"
