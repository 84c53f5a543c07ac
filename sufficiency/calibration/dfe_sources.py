"""Leicester's DfE figures as sources rows, drawn from the package's shipped DfE subset.

    python -m sufficiency.calibration.dfe_sources

rewrites ``calibration/sources/dfe.csv`` from ``sufficiency/publicdata/data/`` so every number
traces to the subset (a test checks the file against a fresh build). A row's ``source_file`` is
the shipped table it was read from and its ``location`` a ``statistic:`` naming the DfE release,
table, breakdown, year and authority. Measures (all prefixed ``dfe_`` so they never stand in for
the council's own figures):

- ``dfe_cla_at_31_march``, ``dfe_started``, ``dfe_ceased``: the counts per 31 March and year.
- ``dfe_started_uasc``: the unaccompanied asylum-seeking children among the starts (a suppressed
  year has no row).
- ``dfe_ceased_<route>``: ceased by reason, summed into the model's exit routes by
  ``publicdata.baseline.route_of`` (returned home or to relatives -> reunified; adopted, special
  guardianship, child arrangements order -> permanence; aged 18 and stayed put, independent
  living, adult residential care -> turned_18). ``other`` is the total less those three, so the
  routes sum to the total and any suppressed cell (``c``, 1-5 children) falls in ``other``.
- ``dfe_adopted``: ceased because adopted (part of ``dfe_ceased_permanence``), and
  ``dfe_placed_for_adoption``: children placed for adoption at 31 March (counts).
- ``dfe_pct_cla_in_foster``, ``dfe_pct_cla_in_homes`` (secure and children's homes) and
  ``dfe_pct_cla_in_supported_or_other`` (supported accommodation, other placements and placed for
  adoption, combined because the DfE recoded supported accommodation in 2024): fractions of the
  total at 31 March, suppressed cells left out and counted in the note.
- ``dfe_pct_cla_aged_<band>`` (the model's age bands) and ``dfe_pct_cla_own_provision``,
  ``dfe_pct_cla_private_provision`` (with voluntary): fractions of the total at 31 March in the
  same way; not fit targets, shown beside the fit (``calibration.shown``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..pathway import AGE_BANDS
from ..publicdata.baseline import AGE_GROUPS, PROVIDER_OWN, TITLE, UASC, route_of
from ..publicdata.tables import PublicData, load
from .sources import COLUMNS, DFE_TABLES, SOURCES_DIR, Figure

LA_CODE = "E06000016"
FILE = SOURCES_DIR / "dfe.csv"
NUMBERS, BREAKDOWNS = DFE_TABLES
COUNTS = {
    "looked_after_at_31_march": "dfe_cla_at_31_march",
    "started_during_year": "dfe_started",
    "ceased_during_year": "dfe_ceased",
}
ADOPTED = "Adopted"
PLACED_FOR_ADOPTION = "Placed for adoption"
ROUTES = ("reunified", "permanence", "turned_18")
MIX = {
    "dfe_pct_cla_in_foster": ("Foster placements",),
    "dfe_pct_cla_in_homes": ("Secure homes and children's homes",),
    "dfe_pct_cla_in_supported_or_other": (
        "Independent and semi-independent living arrangements/supported accommodation",
        "Other placements",
        PLACED_FOR_ADOPTION,
    ),
}


def age_measure(band: str) -> str:
    """The measure of the DfE's share of children in care in an age band: ``0-4`` ->
    ``dfe_pct_cla_aged_0_4``."""
    return f"dfe_pct_cla_aged_{band.replace('-', '_')}"


AGES = {
    age_measure(band): tuple(group for group, of in AGE_GROUPS.items() if of == band)
    for band in AGE_BANDS
}
PROVIDERS = {
    "dfe_pct_cla_own_provision": (PROVIDER_OWN,),
    "dfe_pct_cla_private_provision": ("Private provision", "Voluntary/third sector provision"),
}
SHARES = (("Placement", MIX), ("Age group", AGES), ("Place providers", PROVIDERS))
"""The DfE breakdowns at 31 March given as shares of the total, and the measures they give."""
REASON = "Reason episode ceased"


def statistic(year: int, table: str, what: str) -> str:
    return f"{TITLE}, year ending 31 March {year}, table {table}, {what}, Leicester ({LA_CODE})"


def year_period(year: int) -> str:
    """The financial year ending 31 March ``year``, as ``2023-24``."""
    return f"{year - 1}-{year % 100:02d}"


def counts(data: PublicData, year: int) -> Iterable[Figure]:
    for name, measure in COUNTS.items():
        cell = data.number(name, LA_CODE, year)
        if cell.value is None:
            continue
        period = f"{year}-03-31" if name.endswith("31_march") else year_period(year)
        where = statistic(year, "cla_numbers", f"measure {name}")
        yield Figure(measure, period, cell.value, "count", NUMBERS, where)


def uasc_starts(data: PublicData, year: int) -> Iterable[Figure]:
    cell = data.breakdown("cla_started", UASC, LA_CODE, year).get(UASC)
    if cell is not None and cell.value is not None:
        where = statistic(year, "cla_started", f"breakdown '{UASC}', {UASC}")
        yield Figure("dfe_started_uasc", year_period(year), cell.value, "count", BREAKDOWNS, where)


def routes(data: PublicData, year: int) -> Iterable[Figure]:
    cells = data.breakdown("cla_ceased", REASON, LA_CODE, year)
    total = cells.get("Total")
    if total is None or total.value is None:
        return
    where = statistic(year, "cla_ceased", f"breakdown '{REASON}'")
    named = 0.0
    for route in ROUTES:
        value = sum(
            c.value for r, c in cells.items() if route_of(r) == route and c.value is not None
        )
        named += value
        yield Figure(f"dfe_ceased_{route}", year_period(year), value, "count", BREAKDOWNS, where)
    adopted = cells.get(ADOPTED)
    if adopted is not None and adopted.value is not None:
        yield Figure("dfe_adopted", year_period(year), adopted.value, "count", BREAKDOWNS, where)
    hidden = sorted(r for r, c in cells.items() if c.value is None)
    note = f"Total less the three routes; holds the suppressed cells ({len(hidden)}, 1-5 each)"
    yield Figure(
        "dfe_ceased_other",
        year_period(year),
        total.value - named,
        "count",
        BREAKDOWNS,
        where,
        f"{note}: {'; '.join(hidden)}" if hidden else note,
    )


def placed_for_adoption(data: PublicData, year: int) -> Iterable[Figure]:
    cell = data.breakdown("cla_at_31_march", "Placement", LA_CODE, year).get(PLACED_FOR_ADOPTION)
    if cell is not None and cell.value is not None:
        where = statistic(year, "cla_at_31_march", f"breakdown 'Placement', {PLACED_FOR_ADOPTION}")
        yield Figure(
            "dfe_placed_for_adoption", f"{year}-03-31", cell.value, "count", BREAKDOWNS, where
        )


def shares(
    data: PublicData, year: int, breakdown: str, groups: dict[str, tuple[str, ...]]
) -> Iterable[Figure]:
    """Each measure's share of the breakdown's total at 31 March ``year``; suppressed or absent
    cells are left out and named in the note."""
    cells = data.breakdown("cla_at_31_march", breakdown, LA_CODE, year)
    total = cells.get("Total")
    if total is None or not total.value:
        return
    where = statistic(year, "cla_at_31_march", f"breakdown '{breakdown}', of Total")
    for measure, kinds in groups.items():
        shown = [cells[k].value for k in kinds if k in cells and cells[k].value is not None]
        if not shown:
            continue
        hidden = [k for k in kinds if k not in cells or cells[k].value is None]
        note = f"Suppressed or absent, left out: {'; '.join(hidden)}" if hidden else ""
        share = round(sum(v for v in shown if v is not None) / total.value, 4)
        yield Figure(measure, f"{year}-03-31", share, "fraction", BREAKDOWNS, where, note)


def figures(data: PublicData | None = None) -> list[Figure]:
    """Every DfE row for Leicester, year by year."""
    data = data or load()
    out: list[Figure] = []
    for year in data.years:
        out += [*counts(data, year), *uasc_starts(data, year), *routes(data, year)]
        out += placed_for_adoption(data, year)
        for breakdown, groups in SHARES:
            out += shares(data, year, breakdown, groups)
    return out


def csv_text(rows: list[Figure]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        value = f"{row.value:g}"
        writer.writerow(
            [row.measure, row.period, value, row.unit, row.source_file, row.location, row.note]
        )
    return buffer.getvalue()


if __name__ == "__main__":
    FILE.write_text(csv_text(figures()), encoding="utf-8")
    print(f"wrote {FILE}")
