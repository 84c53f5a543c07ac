"""Writing the finance workbook's cells: values only (never a formula), number formats, header
rows, notes and column widths that fit."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..formatting import count, percent, pounds
from .folder import Results

MONEY = '"£"#,##0'
PENCE = '"£"0.00'
COUNT = "#,##0"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
TEXT_WIDTH = 70
HEAD = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="DDDDDD"),
    "border": Border(bottom=Side(style="thin")),
}
BANDS = {"p05": "5th pct", "p50": "Median", "p95": "95th pct", "mean": "Mean"}
Cell = tuple[Any, str | None]


# -- writing cells -----------------------------------------------------------------------------
def put(sheet: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    """One value (never a formula); NaN becomes an empty cell."""
    if isinstance(value, float) and math.isnan(value):
        value = None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if fmt:
        cell.number_format = fmt


def write_row(sheet: Worksheet, row: int, cells: Iterable[Cell], col: int = 1) -> None:
    for offset, (value, fmt) in enumerate(cells):
        put(sheet, row, col + offset, value, fmt)


def header(sheet: Worksheet, row: int, names: Iterable[str], col: int = 1) -> None:
    for offset, name in enumerate(names):
        cell = sheet.cell(row=row, column=col + offset, value=name)
        for attr, style in HEAD.items():
            setattr(cell, attr, style)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)


def groups(sheet: Worksheet, row: int, col: int, spans: Iterable[tuple[str, int]]) -> None:
    """A header row of labels each spanning several columns."""
    for name, span in spans:
        header(sheet, row, [name] + [""] * (span - 1), col)
        if span > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row, end_column=col + span - 1
            )
        col += span


def note(sheet: Worksheet, row: int, text: str, width: int, bold: bool = False) -> None:
    """A line of text across ``width`` columns (not counted when fitting column widths)."""
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = Font(bold=True, size=13) if row == 1 else Font(bold=bold)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 2))


def cell_text(value: Any, fmt: str) -> str:
    """Roughly the text Excel shows for a value in a number format."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt == MONEY:
            return pounds(value)
        if fmt == PERCENT:
            return percent(value)
        return count(value) if fmt == COUNT else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return "" if value is None else str(value)


def fit_columns(sheet: Worksheet) -> None:
    """Widths that fit each column's longest entry; long text wraps."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None or cell.coordinate in sheet.merged_cells:
                continue
            size = len(cell_text(cell.value, cell.number_format)) + 2
            if size > TEXT_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[cell.column] = max(widths.get(cell.column, 8), min(size, TEXT_WIDTH))
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = width


# -- sheets ------------------------------------------------------------------------------------
def run_line(results: Results) -> str:
    meta = results.base.meta
    return (
        f"{meta['replications']} replications, seed {meta['seed']}, {meta['years']} years "
        f"from {meta.get('start_date', '')}, sufficiency {meta.get('package_version', '')}"
    )
