"""Leicester's own exit routes: the assumed profile by age band reweighted to the DfE's split.

The profile by band (``exits.route_shares_by_band``, England's) is kept in shape; each route is
multiplied by Leicester's share of the chosen routes (reunified, permanence, other: turned 18 is
set by age) over England's, pooled over the latest ``YEARS`` DfE years known, and each band is
renormalised, as ``publicdata.baseline.route_shares`` does for every authority.
"""

from __future__ import annotations

from ..parameters import CHOSEN_ROUTES
from ..publicdata.baseline import route_of
from ..publicdata.tables import load
from .dfe_sources import REASON
from .figures import Figures, Row

YEARS = 2
"""DfE years pooled (the latest known): small counts swing from year to year."""


def england(years: list[int]) -> dict[str, float]:
    """England's ceased by chosen route over ``years``, from the shipped subset."""
    data = load()
    out = dict.fromkeys(CHOSEN_ROUTES, 0.0)
    for year in years:
        for reason, cell in data.breakdown("cla_ceased", REASON, data.england, year).items():
            route = route_of(reason)
            if reason != "Total" and route in out and cell.value is not None:
                out[route] += cell.value
    return out


def apply(data: dict, fig: Figures) -> None:
    """Reweight the route profile by band to Leicester's DfE split, if the figures give one."""
    rows: dict[str, list[Row]] = {r: fig.rows(f"dfe_ceased_{r}")[-YEARS:] for r in CHOSEN_ROUTES}
    if any(len(found) < YEARS for found in rows.values()):
        return
    area = {r: sum(row.value for row in found) for r, found in rows.items()}
    nation = england([row.end.year for row in rows[CHOSEN_ROUTES[0]]])
    if not all(nation.values()) or not sum(area.values()):
        return
    weight = {r: area[r] / sum(area.values()) / (nation[r] / sum(nation.values())) for r in area}
    entry = data["exits"]["route_shares_by_band"]
    profile = {}
    for band, by_route in entry["value"].items():
        weighted = {r: by_route[r] * weight[r] for r in CHOSEN_ROUTES}
        shares = {r: round(v / sum(weighted.values()), 4) for r, v in weighted.items()}
        shares[CHOSEN_ROUTES[-1]] = round(1 - sum(shares[r] for r in CHOSEN_ROUTES[:-1]), 4)
        profile[band] = shares
    cited = " + ".join(row.token for found in rows.values() for row in found)
    entry["value"] = profile
    entry["source"] = (
        f"statistic: DfE, Children looked after in England including adoptions, Leicester "
        f"(E06000016) ceased by reason {cited}, mapped to routes: each route of the assumed "
        f"profile by band ({entry['source']}) weighted by Leicester's share of reunified, "
        "permanence and other over England's in the same years, then renormalised"
    )
