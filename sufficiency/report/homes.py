"""The finance workbook's Homes sheet: each in-house children's home's beds, occupancy and cost
per financial year (capacity.csv), its costs adding up to the in-house home cost lines."""

from __future__ import annotations

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from .. import cost_lines
from ..calendar import financial_year
from ..pathway import State
from .folder import Results, RunFolder
from .sheets import BANDS, COUNT, MONEY, PERCENT, Cell, groups, header, note, write_row

PREFIX = "home."
COSTS = {"fixed_cost": cost_lines.HOMES_FIXED, "variable_cost": State.HOME_INHOUSE.value}
"""Each home's cost measure in capacity.csv and the cost line that adds it up over homes."""
QUANTILES = ("mean", "p05", "p95")
ALL_HOMES = "All in-house homes"


def year_ends(run: RunFolder) -> pd.DataFrame:
    """One row per home and financial year: beds and occupancy at its end and the year's fixed
    and variable cost (mean, p05, p95), in capacity.csv's home order."""
    rows = run.capacity[run.capacity["measure"].str.startswith(PREFIX)].copy()
    rows[["home", "what"]] = rows["measure"].str[len(PREFIX) :].str.rsplit(".", n=1, expand=True)
    yearly = rows[rows["what"] == "fixed_cost"]["date"].unique()
    rows = rows[rows["date"].isin(yearly)]
    wide = rows.pivot_table(
        index=["date", "home"], columns="what", values=list(QUANTILES), sort=False
    )
    wide.columns = [f"{pair[1]}_{pair[0]}" for pair in wide.columns]
    wide = wide.reset_index()
    wide["financial_year"] = [financial_year(pd.Timestamp(d).date()) for d in wide["date"]]
    return wide


def homes_sheet(sheet: Worksheet, results: Results) -> None:
    note(
        sheet,
        1,
        "In-house children's homes per financial year: beds at 31 March, the share of bed-days "
        "occupied, and the fixed cost (running the home while open) and variable cost (per "
        "occupied bed-day), mean and 90% range over replications; each year's 'All in-house "
        f"homes' row holds the sum of the homes' means, equal to the {cost_lines.HOMES_FIXED} "
        f"and {State.HOME_INHOUSE.value} lines of the Cost lines sheet",
        12,
    )
    money = [(label, 3) for label in ("Fixed cost", "Variable cost")]
    groups(sheet, 2, 1, [("", 5), *money, ("Total", 1)])
    header(
        sheet,
        3,
        ["Scenario", "Financial year", "Home", "Beds", "Occupancy"]
        + [BANDS[q] for q in QUANTILES] * 2
        + [BANDS["mean"]],
    )
    sheet.freeze_panes = "D4"
    row = 4
    for run in results.runs:
        for year, homes in year_ends(run).groupby("financial_year", sort=False):
            for record in homes.to_dict("records"):
                write_row(sheet, row, home_cells(run.name, str(year), record))
                row += 1
            write_row(sheet, row, total_cells(run.name, str(year), homes))
            row += 1


def home_cells(name: str, year: str, record: dict) -> list[Cell]:
    cells: list[Cell] = [(name, None), (year, None), (record["home"], None)]
    cells += [(record["beds_mean"], COUNT), (record["occupancy_mean"], PERCENT)]
    for what in COSTS:
        cells += [(record[f"{what}_{q}"], MONEY) for q in QUANTILES]
    cells.append((sum(record[f"{what}_mean"] for what in COSTS), MONEY))
    return cells


def total_cells(name: str, year: str, homes: pd.DataFrame) -> list[Cell]:
    """The year's sum of the homes' means (no percentiles: those of a sum are not the sum)."""
    cells: list[Cell] = [(name, None), (year, None), (ALL_HOMES, None)]
    cells += [(homes["beds_mean"].sum(), COUNT), (None, None)]
    for what in COSTS:
        cells += [(homes[f"{what}_mean"].sum(), MONEY), (None, None), (None, None)]
    cells.append((sum(homes[f"{what}_mean"].sum() for what in COSTS), MONEY))
    return cells
