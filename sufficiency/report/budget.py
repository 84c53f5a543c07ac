"""The council's budget beside the forecast: a CSV of budget by financial year and cost line,
read and checked before any simulation (its form) and against the results (its lines and
years) before the workbook is written."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError, suggest
from ..loading import read_text

COLUMNS = ("financial_year", "line", "budget")
YEAR = re.compile(r"(\d{4})-(\d{2})")
TEMPLATE = "financial_year,line,budget\n2025-26,foster_ifa,4500000\n2025-26,total,52000000\n"
"""An example budget file (docs/reports.md shows it): one row per financial year and line."""


def read_budget(path: Path) -> pd.DataFrame:
    """The budget file's rows (financial_year, line, budget in pounds), checked for form: the
    three columns, a financial year such as 2025-26, an amount of 0 or more, no row twice.
    Rows are numbered as a spreadsheet shows them (the header is row 1)."""
    table = list(csv.reader(io.StringIO(read_text(path, "budget CSV file"))))
    lines = [(n, row) for n, row in enumerate(table, start=1) if any(c.strip() for c in row)]
    if not lines:
        raise InputError(path, "(file)", f"a CSV file with the columns {', '.join(COLUMNS)}")
    header = [cell.strip() for cell in lines[0][1]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            path,
            "columns",
            f"{', '.join(COLUMNS)} in the first row (missing: {', '.join(missing)})",
        )
    rows, seen = [], set()
    for number, line in lines[1:]:
        cells = dict(zip(header, (cell.strip() for cell in line)))
        row = checked_row(path, number, cells)
        key = (str(row["financial_year"]), str(row["line"]))
        if key in seen:
            raise InputError(
                path, f"row {number}", f"one budget per financial year and line ({', '.join(key)})"
            )
        seen.add(key)
        rows.append({**row, "row": number})
    if not rows:
        raise InputError(path, "rows", "at least one row below the header")
    return pd.DataFrame(rows, columns=[*COLUMNS, "row"])


def checked_row(path: Path, number: int, cells: dict[str, str]) -> dict[str, object]:
    year, line, amount = (cells.get(c, "") for c in COLUMNS)
    match = YEAR.fullmatch(year)
    if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
        raise InputError(
            path, f"row {number}: financial_year", f"a financial year such as 2025-26, got {year!r}"
        )
    if not line:
        raise InputError(path, f"row {number}: line", "a cost line name from costs.csv")
    try:
        budget = float(amount.replace("£", "").replace(",", ""))
    except ValueError:
        budget = math.nan
    if not math.isfinite(budget) or budget < 0:
        raise InputError(
            path, f"row {number}: budget", f"an amount in pounds, 0 or more, got {amount!r}"
        )
    return {"financial_year": year, "line": line, "budget": budget}


def check_against(path: Path, budget: pd.DataFrame, costs: pd.DataFrame) -> None:
    """Every row's line is a cost line of the results and its year a year of the run."""
    lines = list(dict.fromkeys(costs["item"]))
    years = list(dict.fromkeys(costs["financial_year"]))
    for row in budget.to_dict("records"):
        number = row["row"]
        if row["line"] not in lines:
            raise InputError(
                path,
                f"row {number}: line",
                f"a cost line of costs.csv ({', '.join(lines)}), got {row['line']!r}"
                + suggest(row["line"], lines),
            )
        if row["financial_year"] not in years:
            raise InputError(
                path,
                f"row {number}: financial_year",
                f"a financial year of the run ({', '.join(years)}), got {row['financial_year']!r}",
            )


def variance(budget: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Each budget row beside the forecast (mean, 5th and 95th percentile) and the variance:
    forecast mean minus budget (positive: the forecast overspends the budget)."""
    forecast = costs.rename(columns={"item": "line"})[
        ["financial_year", "line", "mean", "p05", "p95"]
    ]
    frame = budget.drop(columns="row").merge(forecast, on=["financial_year", "line"], how="left")
    frame["variance"] = frame["mean"] - frame["budget"]
    frame["variance_share"] = frame["variance"] / frame["budget"].where(frame["budget"] > 0)
    return frame
