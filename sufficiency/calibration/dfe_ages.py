"""Leicester's own ages from the DfE's tables, in place of England's shares.

- ``population.age_band_shares``: the children looked after by age group at the latest
  31 March on or before the population date.
- ``entries.direct.age_band_shares``: the children starting to be looked after by age on
  starting, pooled over the latest ``dfe_routes.YEARS`` years known, less the unaccompanied
  children who started (at the ages the area baselines assume, ``publicdata.baseline``).

Suppressed cells share what the published total leaves (``publicdata.counts``), and the source
says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..pathway import AGE_BANDS
from ..publicdata.baseline import AGE_GROUPS, TITLE, UASC, UASC_AGES
from ..publicdata.counts import Counts, shares, split
from ..publicdata.tables import PublicData, load
from .dfe_routes import YEARS
from .dfe_sources import LA_CODE
from .figures import Figures


def rounded(by_band: dict[str, float]) -> dict[str, float]:
    """Shares to four places, the last band taking what the others leave."""
    out = {band: round(by_band[band], 4) for band in AGE_BANDS[:-1]}
    out[AGE_BANDS[-1]] = round(1.0 - sum(out.values()), 4)
    return out


def table(data: PublicData, name: str, group: str, year: int) -> Counts | None:
    return split(data.breakdown(name, group, LA_CODE, year))


def in_care(day: dt.date) -> dict[str, Any] | None:
    """Today's children's age shares at the latest 31 March on or before ``day``."""
    data = load()
    for year in sorted((y for y in data.years if dt.date(y, 3, 31) <= day), reverse=True):
        counts = table(data, "cla_at_31_march", "Age group", year)
        if counts is None:
            continue
        by_band = shares(counts.grouped(AGE_GROUPS.get), AGE_BANDS)
        if by_band is not None:
            return {
                "value": rounded(by_band),
                "source": f"{TITLE}, year ending 31 March {year}, table cla_at_31_march, "
                f"breakdown 'Age group', Leicester ({LA_CODE}){counts.note()}",
            }
    return None


def entrants(fig: Figures) -> dict[str, Any] | None:
    """Direct entrants' age shares from the latest years of starts the figures know."""
    data = load()
    known = [row.end.year for row in fig.rows("dfe_started")][-YEARS:]
    by_band = dict.fromkeys(AGE_BANDS, 0.0)
    notes = []
    for year in known:
        ages = table(data, "cla_started", "Age on starting", year)
        uasc = table(data, "cla_started", "Unaccompanied asylum-seeking children", year)
        if ages is None or uasc is None:
            return None
        for band, count in ages.grouped(AGE_GROUPS.get).items():
            by_band[band] += count
        for band, share in UASC_AGES.items():
            by_band[band] -= uasc.counts.get(UASC, 0.0) * share
        notes.append(f"{year}{ages.note()}")
    found = shares({band: max(count, 0.0) for band, count in by_band.items()}, AGE_BANDS)
    if len(known) < YEARS or found is None:
        return None
    return {
        "value": rounded(found),
        "source": f"{TITLE}, years ending 31 March {', '.join(notes)}, tables cla_started, "
        f"breakdowns 'Age on starting' less 'Unaccompanied asylum-seeking children', Leicester "
        f"({LA_CODE}), pooled; the unaccompanied children at the area baselines' ages "
        "(assumption: 20% aged 10-15, 80% 16-17); the children who come into care through the "
        "edge-of-care programmes are counted in these starts and take their own ages "
        "(assumption: the direct stream's shares are all starts' less the unaccompanied)",
    }
