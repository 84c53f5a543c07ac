"""The finance workbook: Summary, By placement type, Monthly and Assumptions sheets, then the
cost sheets (``finance``) and the Homes sheet (``homes``).

Values only (no formulas), money as £ with thousands separators, shares as %, frozen header
rows and column widths that fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..documents import cited
from ..formatting import year_label
from ..pathway import PLACEMENT_NAMES
from . import tables
from .files import GENERATOR, replacing
from .finance import budget_sheet, lines_sheet, monthly_costs_sheet, trace_sheet
from .folder import Results, RunFolder, scenario_changes
from .homes import homes_sheet
from .sheets import (
    BANDS,
    COUNT,
    DATE,
    MONEY,
    PENCE,
    PERCENT,
    Cell,
    fit_columns,
    groups,
    header,
    note,
    run_line,
    write_row,
)
from .units import describe, unit, written
from .words import basis, label

SUMMARY_PARTS = {
    "cla": ("CLA at 31 March", COUNT),
    "placements": ("Placement cost", MONEY),
    "programmes": ("Programme and investment cost", MONEY),
    "other": ("Care leavers and grant income", MONEY),
    "total": ("Total cost", MONEY),
}

ALL_PLACEMENTS = "All placements"
TOTAL_ITEM = "all_placements"
KEYS = ("Scenario", "Financial year", "31 March")
PAIRED = ("p05", "mean", "p95")


def write_workbook(results: Results, path: Path, budget: pd.DataFrame | None = None) -> None:
    """Write the finance workbook for a run or comparison folder, whole or not at all; with a
    checked ``budget`` (see ``budget.py``), a Budget sheet of the variance."""
    book = Workbook()
    book.properties.creator = GENERATOR
    summary_sheet(book.active, results)
    placement_sheet(book.create_sheet("By placement type"), results)
    monthly_sheet(book.create_sheet("Monthly"), results)
    assumptions_sheet(book.create_sheet("Assumptions"), results)
    lines_sheet(book.create_sheet("Cost lines"), results)
    monthly_costs_sheet(book.create_sheet("Monthly costs"), results)
    homes_sheet(book.create_sheet("Homes"), results)
    if budget is not None:
        budget_sheet(book.create_sheet("Budget"), results, budget)
    trace_sheet(book.create_sheet("Trace"), results)
    for sheet in book:
        fit_columns(sheet)
    with replacing(path) as tmp:
        book.save(tmp)


def summary_sheet(sheet: Worksheet, results: Results) -> None:
    sheet.title = "Summary"
    width = 3 + 3 * len(SUMMARY_PARTS)
    note(
        sheet,
        1,
        f"Summary: children looked after (CLA) at 31 March and cost per financial "
        f"year: the mean over replications (every total is the sum of its lines) and the 90% "
        f"range, 5th to 95th percentile ({run_line(results)})",
        width,
    )
    groups(sheet, 2, 1, [("", 3)] + [(name, 3) for name, _ in SUMMARY_PARTS.values()])
    header(sheet, 3, [*KEYS, *band_names("mean")])
    sheet.freeze_panes = "D4"
    row = 4
    for run in results.runs:
        row = summary_block(sheet, row, run.name, tables.yearly(run), "mean")
    for run in results.runs[1:]:
        note(
            sheet,
            row + 1,
            f"{run.name} minus {results.base.name} (scenario minus base: negative costs are "
            "savings): paired difference (same random numbers), its 5th percentile, mean and "
            "95th percentile",
            width,
            True,
        )
        header(sheet, row + 2, [*KEYS, *band_names("mean")])
        row = summary_block(
            sheet,
            row + 3,
            f"{run.name} minus {results.base.name}",
            tables.differences(results, run),
            "mean",
        )
    if results.is_comparison:
        over_run_block(sheet, row + 1, results)


def band_names(middle: str) -> Iterable[str]:
    for _ in SUMMARY_PARTS:
        yield from (BANDS["p05"], BANDS[middle], BANDS["p95"])


def summary_block(sheet: Worksheet, row: int, name: str, frame: pd.DataFrame, middle: str) -> int:
    """Rows of one scenario (or difference); returns the next free row."""
    for record in frame.to_dict("records"):
        cells: list[Cell] = [
            (name, None),
            (record["financial_year"], None),
            (record["march"], DATE),
        ]
        for part, (_, fmt) in SUMMARY_PARTS.items():
            cells += [(record[f"{part}_{q}"], fmt) for q in ("p05", middle, "p95")]
        write_row(sheet, row, cells)
        row += 1
    return row


def over_run_block(sheet: Worksheet, row: int, results: Results) -> None:
    """Each scenario against the base over the whole run (paired: 5th percentile, mean, 95th)."""
    note(
        sheet,
        row,
        f"Over the whole run, against {results.base.name}: children kept out of "
        "care (fewer entering care), net saving (base cost minus scenario cost), the financial "
        "year it breaks even (median over futures and its 90% range; blank: not within the run), "
        "the chance it pays back within the run and the placement cost saved per £1 of "
        "programme and investment cost",
        15,
        True,
    )
    groups(
        sheet,
        row + 1,
        1,
        [
            ("", 3),
            ("Kept out of care", 3),
            ("Net saving", 3),
            ("Breaks even in", 3),
            ("Pays back", 1),
            ("Saved per £1", 3),
        ],
    )
    paired = [BANDS[q] for q in PAIRED]
    header(
        sheet,
        row + 2,
        ["Scenario", "", ""] + paired * 2 + ["Earliest", "Median", "Latest", "Chance"] + paired,
    )
    for offset, run in enumerate(results.runs[1:], start=3):
        over = tables.over_run(results, run)
        years = list(tables.yearly(run)["financial_year"])
        cells: list[Cell] = [(run.name, None), ("", None), ("", None)]
        cells += [(over["kept"][q], COUNT) for q in PAIRED]
        cells += [(over["saving"][q], MONEY) for q in PAIRED]
        cells += [(year_label(over["break_even"][q], years), None) for q in PAIRED]
        cells.append((over["payback"]["mean"], PERCENT))
        cells += [(over["return"][q], PENCE) for q in PAIRED]
        write_row(sheet, row + offset, cells)


def placement_sheet(sheet: Worksheet, results: Results) -> None:
    quantiles = ("mean", "p05", "p50", "p95")
    note(
        sheet,
        1,
        "Placement-days and placement cost per financial year and placement type: "
        "mean and percentiles over replications; each year's 'All placements' row holds the "
        "sum of the types' means and the percentiles of the total "
        f"({run_line(results)})",
        12,
    )
    groups(
        sheet,
        2,
        1,
        [("", 3), ("Placement-days", 4), ("Cost (£)", 4), ("Share of placement cost", 1)],
    )
    header(
        sheet,
        3,
        ["Scenario", "Financial year", "Placement type"]
        + [BANDS[q] for q in quantiles] * 2
        + ["Mean"],
    )
    sheet.freeze_panes = "D4"
    row = 4
    for run in results.runs:
        frame = tables.by_placement(run)
        for year, lines in frame.groupby("financial_year", sort=False):
            total = lines["mean_cost"].sum()
            for record in lines.to_dict("records"):
                cells: list[Cell] = [
                    (run.name, None),
                    (year, None),
                    (label(record["placement"]), None),
                ]
                cells += [(record[f"{q}_days"], COUNT) for q in quantiles]
                cells += [(record[f"{q}_cost"], MONEY) for q in quantiles]
                cells.append((record["mean_cost"] / total if total else None, PERCENT))
                write_row(sheet, row, cells)
                row += 1
            write_row(sheet, row, total_cells(run, str(year), lines))
            row += 1


def total_cells(run: RunFolder, year: str, lines: pd.DataFrame) -> list[Cell]:
    """A year's 'All placements' row: the sum of the types' means, and the percentiles of the
    total cost (percentiles do not add up; placement_days.csv has no total to take them from)."""
    costs = run.costs[(run.costs["financial_year"] == year) & (run.costs["item"] == TOTAL_ITEM)]
    cells: list[Cell] = [(run.name, None), (year, None), (ALL_PLACEMENTS, None)]
    cells += [(lines["mean_days"].sum(), COUNT), *[(None, None)] * 3]
    cells.append((lines["mean_cost"].sum(), MONEY))
    cells += [(costs[q].iloc[0], MONEY) for q in ("p05", "p50", "p95")]
    cells.append((1.0, PERCENT))
    return cells


def monthly_sheet(sheet: Worksheet, results: Results) -> None:
    states = [*PLACEMENT_NAMES, "cla_total"]
    order = ("mean", "p05", "p95")
    note(
        sheet,
        1,
        "Children looked after at each month end by placement type: mean and 90% "
        "interval (5th to 95th percentile); the means of the types add up to the mean of all "
        f"({run_line(results)})",
        2 + 3 * len(states),
    )
    groups(sheet, 2, 1, [("", 2)] + [(label(s), 3) for s in states])
    header(sheet, 3, ["Scenario", "Month end"] + [BANDS[q] for q in order] * len(states))
    sheet.freeze_panes = "C4"
    row = 4
    for run in results.runs:
        wide = tables.monthly(run)
        for date, values in wide.iterrows():
            cells: list[Cell] = [(run.name, None), (date, DATE)]
            cells += [(values[(s, q)], COUNT) for s in states for q in order]
            write_row(sheet, row, cells)
            row += 1


def assumptions_sheet(sheet: Worksheet, results: Results) -> None:
    note(
        sheet,
        1,
        f"Assumptions: every parameter of {results.base.name} with its value, unit "
        "and source; each scenario's dated changes and the run settings are below the "
        "parameters",
        6,
    )
    header(sheet, 2, ["Parameter", "What it is", "Value", "Unit", "Source", "Assumption", "Basis"])
    sheet.freeze_panes = "A3"
    row = 3
    for item in results.base.meta["provenance"]:
        write_row(sheet, row, parameter_cells(item))
        row += 1
    row = changes_table(sheet, row + 1, results)
    settings_table(sheet, row + 1, results)


def parameter_cells(item: dict[str, Any]) -> list[Cell]:
    name, kind = unit(item["parameter"])
    value = item["value"]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    fmt = {"money": MONEY, "fraction": PERCENT}.get(kind) if number else None
    return [
        (item["parameter"], None),
        (describe(item["parameter"]), None),
        (value if number else written(value, kind), fmt),
        (name, None),
        (cited(item["source"]), None),
        ("yes" if item.get("assumption") else "no", None),
        (basis(item["source"]), None),
    ]


def changes_table(sheet: Worksheet, row: int, results: Results) -> int:
    note(
        sheet,
        row,
        "Dated changes and investment costs in each scenario (changes on or before "
        "the start date alter the parameters above; later ones take effect during the run)",
        6,
        True,
    )
    header(sheet, row + 1, ["Scenario", "Date", "Change", "Value", "Source"])
    row += 2
    for run in results.runs:
        items = scenario_changes(run)
        if not items:
            write_row(sheet, row, [(run.name, None), ("", None), ("no changes", None)])
            row += 1
        for date, what, value, source in items:
            write_row(
                sheet,
                row,
                [
                    (run.name, None),
                    (date, DATE),
                    (what, None),
                    (value, None),
                    (cited(source), None),
                ],
            )
            row += 1
    return row


def settings_table(sheet: Worksheet, row: int, results: Results) -> None:
    note(sheet, row, "Run settings", 2, True)
    meta = results.base.meta
    keys = (
        "scenario",
        "description",
        "seed",
        "replications",
        "years",
        "start_date",
        "package_version",
        "created",
    )
    items = [(key, meta.get(key, "")) for key in keys]
    if results.settings:
        items += flatten(results.settings, "comparison")
    for offset, (key, value) in enumerate(items, start=1):
        shown = cited(value) if isinstance(value, str) else value
        write_row(sheet, row + offset, [(key.replace("_", " "), None), ("", None), (shown, None)])


def flatten(value: Any, key: str) -> list[tuple[str, Any]]:
    """Nested settings as (key: path, value) rows; lists written out."""
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in flatten(v, f"{key}: {k}")]
    if isinstance(value, list):
        return [(key, ", ".join(map(str, value)))]
    return [(key, value)]
