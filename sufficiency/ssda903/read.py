"""The tolerant reader: SSDA903 tables from CSV and Excel files, grouped into yearly returns.

Column names are matched in any case; rows are kept as text with their row number in the file
(the header is row 1); nothing from a row is ever put in a message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .codes import COLUMNS, EPISODES, HEADER, OPTIONAL, REQUIRED, UASC
from .problems import Problem

ROW = "ROW"
"""The column holding each row's number in its file (the header is row 1)."""
SUFFIXES = (".csv", ".xlsx")
KIND_WORDS = {
    EPISODES: re.compile(r"episodes?", re.I),
    HEADER: re.compile(r"header", re.I),
    UASC: re.compile(r"uasc", re.I),
}
YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass
class Table:
    """One table of one return: its rows as text, by upper-case DfE column name."""

    kind: str
    path: Path
    name: str  # the path inside the folder read, as reports show it
    frame: pd.DataFrame
    present: frozenset[str]  # the DfE columns the file has
    hint: int | None = None  # the year from the file name or a YEAR column, start or end
    parsed: dict[str, pd.Series] = field(default_factory=dict, repr=False)

    def dates(self, name: str) -> pd.Series:
        """A date column parsed (once)."""
        if name not in self.parsed:
            self.parsed[name] = dates(self.frame[name])
        return self.parsed[name]


@dataclass
class Return:
    """One collection year's tables; ``year`` is the year the collection ends (31 March)."""

    year: int
    basis: str
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.year - 1, 4, 1)

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, 3, 31)


# -- raw rows ----------------------------------------------------------------------------------
def decoded(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def csv_rows(path: Path) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(decoded(path), newline="")))
    except (csv.Error, OSError):
        raise InputError(
            path, "file", "a readable CSV file (comma-separated, UTF-8 or Windows-1252)"
        ) from None


def cell(value: object) -> str:
    """An Excel cell as the text a CSV export would hold (dates as yyyy-mm-dd)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [
                [cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            book.close()
    except Exception:  # openpyxl raises many types for a damaged workbook
        raise InputError(path, "file", "a readable Excel workbook (.xlsx)") from None


def raw_rows(path: Path) -> list[list[str]]:
    return xlsx_rows(path) if path.suffix.lower() == ".xlsx" else csv_rows(path)


# -- one table ---------------------------------------------------------------------------------
def column_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff")).upper()


def kind_of(path: Path, columns: Iterable[str]) -> str | None:
    """episodes, header or uasc: from the file name, else from the columns."""
    for kind, word in KIND_WORDS.items():
        if word.search(path.stem):
            return kind
    names = set(columns)
    if "DUC" in names:
        return UASC
    if "DECOM" in names:
        return EPISODES
    if "DOB" in names:
        return HEADER
    return None


def frame_of(
    label: str,
    kind: str,
    names: list[str],
    records: list[tuple[int, list[str]]],
    problems: list[Problem],
) -> pd.DataFrame:
    """The rows as a frame of the known columns, reporting ragged rows and odd columns."""
    known = set(COLUMNS[kind]) | set(OPTIONAL)
    keep: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in keep:
            problems.append(Problem("duplicate-column", label, 1))
        elif name in known:
            keep[name] = position
        elif name:
            problems.append(Problem("unknown-column", label, 1))
    for name in REQUIRED[kind]:
        if name not in keep:
            problems.append(Problem("missing-column", label, 1))
    width = len(names)
    rows: dict[str, list[str]] = {name: [] for name in keep}
    numbers = []
    for number, values in records:
        if len(values) != width:
            problems.append(Problem("ragged-row", label, number))
        numbers.append(number)
        for name, position in keep.items():
            rows[name].append(values[position].strip() if position < len(values) else "")
    frame = pd.DataFrame(
        {
            name: rows.get(name, [""] * len(numbers))
            for name in (*COLUMNS[kind], *(n for n in OPTIONAL if n in keep))
        },
        dtype=object,
    )
    frame[ROW] = numbers
    return frame


def read_table(path: Path, label: str, problems: list[Problem]) -> Table | None:
    """One file as a table, or None (reported) if it is not an SSDA903 table."""
    numbered = [(n, row) for n, row in enumerate(raw_rows(path), 1) if any(v.strip() for v in row)]
    if not numbered:
        raise InputError(path, "file", "a table with a header row")
    (_, first), records = numbered[0], numbered[1:]
    names = [column_name(v) for v in first]
    kind = kind_of(path, names)
    if kind is None:
        problems.append(Problem("unrecognised-file", label, None))
        return None
    if not records:
        problems.append(Problem("empty-table", label, None))
    frame = frame_of(label, kind, names, records, problems)
    present = frozenset(names) & set(COLUMNS[kind])
    return Table(kind, path, label, frame, present, name_year(path) or column_year(frame))


def name_year(path: Path) -> int | None:
    """The year in a file name; of two (2020-2021), the later, which is when it ends."""
    years = [int(y) for y in YEAR_IN_NAME.findall(path.stem)]
    return max(years) if years else None


def column_year(frame: pd.DataFrame) -> int | None:
    if "YEAR" not in frame:
        return None
    years = frame["YEAR"][frame["YEAR"].str.fullmatch(r"(19|20)\d\d")]
    return int(years.mode().iloc[0]) if len(years) else None


# -- dates -------------------------------------------------------------------------------------
def dates(values: pd.Series) -> pd.Series:
    """dd/mm/yyyy or yyyy-mm-dd (with or without a time) as timestamps; NaT if neither."""
    text = values.astype(str).str.strip()
    parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    rest = parsed.isna() & (text != "")
    if rest.any():
        parsed[rest] = pd.to_datetime(
            text[rest].str.slice(0, 10), format="%Y-%m-%d", errors="coerce"
        )
    return parsed


# -- the returns -------------------------------------------------------------------------------
def group_key(path: Path, kind: str) -> tuple[str, str]:
    """Files of one return share their name once the table's word is taken out."""
    return (KIND_WORDS[kind].sub("", path.stem).lower(), str(path.parent))


def fit(episodes: Table, year: int) -> int:
    """How many of an episodes table's dates fall in the collection year ending ``year``."""
    start, end = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
    found = pd.concat([episodes.dates("DECOM"), episodes.dates("DEC")])
    return int(((found >= start) & (found <= end)).sum())


def collection_year(tables: list[Table]) -> tuple[int, str] | None:
    """The year a return's collection ends, and how it was told.

    A year in the file name or a YEAR column may be the year the collection starts or the one
    it ends (tools differ): the one whose window holds more of the episodes' dates is taken.
    With neither, the year whose window holds the most dates.
    """
    hint = next((t.hint for t in tables if t.hint is not None), None)
    episodes = next((t for t in tables if t.kind == EPISODES), None)
    if episodes is None:
        return (hint, "the file name or YEAR column, taken as the year it ends") if hint else None
    if hint is not None:
        year = max((hint, hint + 1), key=lambda y: (fit(episodes, y), -y))
        said = "the year it ends" if year == hint else "the year it starts"
        return year, f"the file name or YEAR column, which gives {said}"
    found = pd.concat([episodes.dates("DECOM"), episodes.dates("DEC")]).dropna()
    if found.empty:
        return None
    ends = found.dt.year + (found.dt.month >= 4)
    return int(ends.value_counts().idxmax()), "the episodes' dates"


def files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if (
            path.is_file()
            and path.suffix.lower() in SUFFIXES
            and not path.name.startswith((".", "~$"))
        ):
            yield path


def read_returns(folder: Path) -> tuple[list[Return], list[Problem]]:
    """Every return in ``folder`` (oldest first) and the problems met reading them."""
    if not folder.is_dir():
        raise InputError(folder, "folder", "a folder holding SSDA903 CSV or Excel files")
    problems: list[Problem] = []
    groups: dict[tuple[str, str], list[Table]] = {}
    for path in files(folder):
        table = read_table(path, path.relative_to(folder).as_posix(), problems)
        if table is not None:
            groups.setdefault(group_key(path, table.kind), []).append(table)
    if not groups:
        raise InputError(
            folder,
            "folder",
            "SSDA903 episodes, header or UASC tables (.csv or .xlsx), but none were found",
        )
    returns: dict[int, Return] = {}
    for tables in groups.values():
        assemble(tables, returns, problems)
    for ret in returns.values():
        for kind in (EPISODES, HEADER):
            if kind not in ret.tables:
                problems.append(Problem("missing-table", f"{ret.year}", None))
    return [returns[y] for y in sorted(returns)], problems


def assemble(tables: list[Table], returns: dict[int, Return], problems: list[Problem]) -> None:
    """Put one group's tables into the return for their collection year."""
    told = collection_year(tables)
    if told is None:
        problems.extend(Problem("year-unknown", t.name, None) for t in tables)
        return
    year, basis = told
    ret = returns.setdefault(year, Return(year, basis))
    for table in tables:
        if table.kind in ret.tables:
            problems.append(Problem("duplicate-table", table.name, None))
        else:
            ret.tables[table.kind] = table
