"""The authorities' published totals as one table, an authority and year a row: children
looked after at 31 March (``looked_after``), starts and ceased in the year to that 31 March,
children aged 0-17, and the share of the children looked after aged 16 and over. An
unpublished figure is missing (NaN), never zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .counts import split
from .tables import PublicData

MEASURES = {
    "looked_after": "looked_after_at_31_march",
    "started": "started_during_year",
    "ceased": "ceased_during_year",
    "children": "children_aged_0_17",
}
OLDEST = "16 years and over"


def panel(data: PublicData) -> pd.DataFrame:
    """One row per authority and year, with the next year's figures beside (``next_...``) and
    the region's totals of the authorities published both years (``region_...``)."""
    rows = []
    for area in data.areas:
        for year in data.years:
            row: dict[str, object] = {
                "la_code": area.la_code,
                "area": area.name,
                "region": area.region,
                "year": year,
            }
            for name, measure in MEASURES.items():
                value = data.number(measure, area.la_code, year).value
                row[name] = np.nan if value is None else value
            ages = split(data.breakdown("cla_at_31_march", "Age group", area.la_code, year))
            row["oldest_share"] = (
                np.nan if ages is None else ages.counts.get(OLDEST, 0.0) / ages.total
            )
            rows.append(row)
    frame = pd.DataFrame(rows)
    later = frame[["la_code", "year", *MEASURES]].copy()
    later["year"] -= 1
    frame = frame.merge(
        later.rename(columns={name: f"next_{name}" for name in MEASURES}),
        on=["la_code", "year"],
        how="left",
    )
    frame["oldest"] = frame["oldest_share"] * frame["looked_after"]
    for name in ("looked_after", "started", "ceased", "children", "oldest"):
        frame[f"region_{name}"] = frame.groupby(["region", "year"])[name].transform("sum")
    frame["region_oldest_share"] = frame["region_oldest"] / frame["region_looked_after"]
    return frame.drop(columns=["oldest", "region_oldest"])
