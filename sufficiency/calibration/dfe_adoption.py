"""Leicester's adoptions from its DfE figures: which permanence exits are adoptions, and how long
a child lives with its prospective adopters before the adoption order.

Pooled over every DfE year known (small counts swing from year to year):

- the share of permanence exits that are adoptions is adopted over permanence (adopted, special
  guardianship, child arrangements order); only entrants under 10 are adopted (``ADOPTED``,
  assumption), so their share is that over the part of permanence exits that entrants under 10
  make: each band's entry share times its permanence share (exits cut short at 18 left aside);
- the mean time placed for adoption is Little's law: the mean number placed for adoption at
  31 March over the mean adoptions a year.
"""

from __future__ import annotations

from ..pathway import AGE_BANDS
from .figures import Figures, significant

ADOPTED = ("0-4", "5-9")
"""Age bands at entry whose permanence exits may be adoptions (assumption: children who come
into care at 10 or older are almost never adopted)."""
PERMANENCE = "permanence"


def under_ten_share(data: dict) -> float:
    """The part of permanence exits that entrants under 10 make, from the direct entrants'
    age shares and the exit routes by band."""
    direct = next(e for e in data["entries"] if e["name"] == "direct")
    ages = direct["age_band_shares"]["value"]
    routes = data["exits"]["route_shares_by_band"]["value"]
    by_band = {band: ages[band] * routes[band][PERMANENCE] for band in AGE_BANDS}
    return sum(by_band[b] for b in ADOPTED) / sum(by_band.values())


def apply(data: dict, fig: Figures) -> None:
    """Set ``exits.adoption`` from Leicester's DfE figures, if they are there."""
    adopted, permanence = fig.rows("dfe_adopted"), fig.rows("dfe_ceased_permanence")
    placed = fig.rows("dfe_placed_for_adoption")
    if not adopted or not placed or not permanence:
        return
    node = data["exits"]["adoption"]
    a_tokens = " + ".join(row.token for row in adopted)
    p_tokens = " + ".join(row.token for row in permanence)
    share = sum(r.value for r in adopted) / sum(r.value for r in permanence)
    part = under_ten_share(data)
    share_under_ten = min(1.0, share / part)
    by_band = {band: round(share_under_ten, 4) if band in ADOPTED else 0.0 for band in AGE_BANDS}
    node["share_of_permanence_by_band"] = {
        "value": by_band,
        "source": f"statistic: DfE, Children looked after in England including adoptions, "
        f"Leicester (E06000016) ceased by reason: adopted ({a_tokens}) over permanence "
        f"({p_tokens}), {share:.3f}, over the {part:.3f} of permanence exits made by entrants "
        "under 10 (entries.direct.age_band_shares times exits.route_shares_by_band); entrants "
        "at 10 or older are not adopted (assumption: they almost never are)",
    }
    stock = sum(r.value for r in placed) / len(placed)
    per_year = sum(r.value for r in adopted) / len(adopted)
    months = significant(stock / per_year * 12, 3)
    s_tokens = " + ".join(row.token for row in placed)
    node["months_placed"] = {
        "value": months,
        "source": f"statistic: DfE, Children looked after in England including adoptions, "
        f"Leicester (E06000016): children placed for adoption at 31 March ({s_tokens}), mean "
        f"{stock:.2f}, over adoptions a year ({a_tokens}), mean {per_year:.2f}: a mean "
        f"{months} months placed before the adoption order (Little's law)",
    }
