"""Cited historical figures from the council reports: load, validate and look up.

Each CSV in ``calibration/sources/`` holds one figure per row with the columns
``measure,period,value,unit,source_file,location,note``. A period is a financial
year (``2023-24``), a quarter of one (``2024-25 Q3``) or an ISO date (``2025-03-31``).
Errors number rows as CSV records of the file, the header being row 1.

Two kinds of row: the council's figures cite a seed report (``source_file`` its file name), and
the DfE's cite a table of the shipped DfE subset (``source_file`` one of ``DFE_TABLES``, with a
``location`` starting ``statistic: DfE`` naming the release, table, year and authority; written
by ``python -m sufficiency.calibration.dfe_sources``).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..limits import FIRST_DATE, LAST_DATE
from ..loading import read_text
from ..shipped import calibration_dir

SOURCES_DIR = calibration_dir() / "sources"
COLUMNS = ("measure", "period", "value", "unit", "source_file", "location", "note")
REQUIRED = ("measure", "period", "value", "unit", "source_file", "location")
DFE_TABLES = ("numbers.csv.gz", "breakdowns.csv.gz")
"""The shipped DfE tables (sufficiency/publicdata/data/) a DfE row may cite."""
DFE_STATISTIC = "statistic: DfE"
PERIOD_FORMS = "a period like '2023-24', '2024-25 Q3' or '2025-03-31'"

_YEAR = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-(\d{2}) Q([1-4])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MEASURE = re.compile(r"[a-z][a-z0-9_]*")
# Financial quarter -> (years after the start year, month, day) of its first and last days.
_QUARTERS = {
    1: ((0, 4, 1), (0, 6, 30)),
    2: ((0, 7, 1), (0, 9, 30)),
    3: ((0, 10, 1), (0, 12, 31)),
    4: ((1, 1, 1), (1, 3, 31)),
}


@dataclass(frozen=True)
class Period:
    """A parsed period: kind is 'year', 'quarter' or 'date'; start and end are inclusive."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def date(self) -> dt.date:
        """The date a figure for this period is known by (its end)."""
        return self.end


@dataclass(frozen=True)
class Figure:
    """One cited figure, as in a row of a sources CSV."""

    measure: str
    period: str
    value: float
    unit: str
    source_file: str
    location: str
    note: str = ""


def _financial_year_start(text: str, first: str, second: str) -> int:
    year = int(first)
    if int(second) != (year + 1) % 100:
        raise ValueError(f"'{text}' does not name consecutive years")
    return year


def parse_period(text: str) -> Period:
    """Parse '2023-24' (1 Apr-31 Mar), '2024-25 Q3' (Q1 = Apr-Jun) or '2025-03-31'."""
    text = text.strip()
    if m := _QUARTER.fullmatch(text):
        year = _financial_year_start(text, m[1], m[2])
        (y0, m0, d0), (y1, m1, d1) = _QUARTERS[int(m[3])]
        return Period("quarter", dt.date(year + y0, m0, d0), dt.date(year + y1, m1, d1))
    if m := _YEAR.fullmatch(text):
        year = _financial_year_start(text, m[1], m[2])
        return Period("year", dt.date(year, 4, 1), dt.date(year + 1, 3, 31))
    if _DATE.fullmatch(text):
        day = dt.date.fromisoformat(text)
        return Period("date", day, day)
    raise ValueError(f"'{text}' is not {PERIOD_FORMS}")


def _parse_value(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _parse_row(path: Path, row: int, cells: dict[str, str]) -> tuple[Figure, Period]:
    for column in REQUIRED:
        if not cells[column].strip():
            raise InputError(path, f"row {row}, column '{column}'", "a non-empty value")
    measure = cells["measure"].strip()
    if not _MEASURE.fullmatch(measure):
        raise InputError(
            path, f"row {row}, column 'measure'", f"a snake_case identifier, got '{measure}'"
        )
    if cells["source_file"].strip() in DFE_TABLES and not cells["location"].strip().startswith(
        DFE_STATISTIC
    ):
        raise InputError(
            path,
            f"row {row}, column 'location'",
            f"'{DFE_STATISTIC}, ...' naming the release, table and year for a DfE table",
        )
    try:
        value = _parse_value(cells["value"].strip())
    except ValueError:
        raise InputError(
            path, f"row {row}, column 'value'", f"a finite number, got '{cells['value']}'"
        ) from None
    try:
        period = parse_period(cells["period"])
    except ValueError:
        raise InputError(
            path, f"row {row}, column 'period'", f"{PERIOD_FORMS}, got '{cells['period']}'"
        ) from None
    if not FIRST_DATE <= period.start <= period.end <= LAST_DATE:
        raise InputError(
            path,
            f"row {row}, column 'period'",
            f"a period from {FIRST_DATE} to {LAST_DATE}, got '{cells['period']}'",
        )
    text = {c: cells[c].strip() for c in COLUMNS}
    figure = Figure(
        text["measure"],
        text["period"],
        value,
        text["unit"],
        text["source_file"],
        text["location"],
        text["note"],
    )
    return figure, period


def _read_file(path: Path) -> list[tuple[int, Figure, Period]]:
    text = read_text(path, "sources CSV file")
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InputError(path, "(file)", f"a readable CSV ({exc})") from None
    header = [c.strip() for c in lines[0]] if lines else []
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing or extra:
        name, problem = (missing[0], "is missing") if missing else (extra[0], "is not expected")
        expected = f"exactly the columns {','.join(COLUMNS)}; '{name}' {problem}"
        raise InputError(path, f"row 1 (header), column '{name}'", expected)
    figures = []
    for row, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise InputError(path, f"row {row}", f"{len(header)} fields, got {len(cells)}")
        figures.append((row, *_parse_row(path, row, dict(zip(header, cells)))))
    return figures


def load_sources(directory: str | Path | None = None) -> pd.DataFrame:
    """Read and validate every CSV in the sources folder; add a parsed ``period_end`` column."""
    folder = Path(directory) if directory is not None else SOURCES_DIR
    paths = sorted(folder.glob("*.csv"))
    if not paths:
        raise InputError(folder, "directory", "at least one sources CSV file")
    seen: dict[tuple[str, str], str] = {}
    records = []
    for path in paths:
        for row, fig, period in _read_file(path):
            key = (fig.measure, fig.period)
            if key in seen:
                raise InputError(
                    path,
                    f"row {row}",
                    f"one row per (measure, period); {key} is already at {seen[key]}",
                )
            seen[key] = f"{path.name} row {row}"
            records.append({**asdict(fig), "period_end": pd.Timestamp(period.end)})
    frame = pd.DataFrame.from_records(records, columns=[*COLUMNS, "period_end"])
    return frame.astype({"value": float, "period_end": "datetime64[ns]"})


@lru_cache(maxsize=1)
def _default() -> pd.DataFrame:
    return load_sources()


def _rows(measure: str, df: pd.DataFrame | None) -> pd.DataFrame:
    df = _default() if df is None else df
    rows = df[df["measure"] == measure]
    if rows.empty:
        close = difflib.get_close_matches(measure, df["measure"].unique(), n=3)
        raise KeyError(
            f"no figures for measure '{measure}'" + (f"; did you mean {close}?" if close else "")
        )
    return rows


def figure(measure: str, period: str, df: pd.DataFrame | None = None) -> float:
    """The value of one measure for one period (the period written as in the CSV)."""
    rows = _rows(measure, df)
    match = rows[rows["period"] == period.strip()]
    if match.empty:
        raise KeyError(
            f"no figure for '{measure}' in period '{period}'; periods: {sorted(rows['period'])}"
        )
    return float(match["value"].iloc[0])


def series(measure: str, kind: str | None = None, df: pd.DataFrame | None = None) -> pd.Series:
    """A measure's values indexed by period end, oldest first; ``kind`` keeps one period kind.

    Without ``kind`` a measure given both for a quarter and year-to-date can repeat an index date.
    """
    rows = _rows(measure, df)
    if kind is not None:
        rows = rows[rows["period"].map(lambda p: parse_period(p).kind) == kind]
    return rows.set_index("period_end")["value"].sort_index().rename(measure)


def until(df: pd.DataFrame, date: dt.date | str | pd.Timestamp) -> pd.DataFrame:
    """Only the figures whose period ended on or before ``date`` (for backtests)."""
    return df[df["period_end"] <= pd.Timestamp(date)]
