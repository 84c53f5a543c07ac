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
OTHER_LINES: tuple[str, ...] = (*LEAVING_CARE_LINES, UASC_GRANT)
"""Neither placements nor programmes: care leavers, staying put and grant income."""
ENGINE_LINES: tuple[str, ...] = (
    *PLACEMENT_LINES,
    *PROGRAMME_LINES,
    *OTHER_LINES,
)
"""The lines every replication costs, in the order of ``Replication.costs``."""
INVESTMENT_LINES: tuple[str, ...] = (*PROGRAMME_LINES, INVESTMENT)

SUBTOTALS: dict[str, tuple[str, ...]] = {
    "all_placements": PLACEMENT_LINES,
    "all_programmes": INVESTMENT_LINES,
    "all_other": OTHER_LINES,
}
"""Each subtotal and its lines; ``total`` is every line, grant income included."""
TOTAL = "total"

LABELS: dict[str, str] = {
    HOMES_FIXED: "In-house children's homes (fixed)",
    CARE_LEAVERS: "Leaving-care support",
    STAYING_PUT: "Staying put",
    UASC_GRANT: "Home Office grant for unaccompanied children",
    INVESTMENT: "Investment",
}
"""Readable names of the lines whose key is not a placement type's or a programme's."""
