"""The authorities and their latest published figures, for ``sufficiency areas list``.

Figures are shown as published: a suppressed figure shows as ``c``, never as a number.
"""

from __future__ import annotations

import csv
import io

from .tables import PublicData

COLUMNS = (
    "la_code",
    "area",
    "region",
    "year",
    "looked_after",
    "rate_per_10000",
    "started",
    "ceased",
)
MEASURES = (
    "looked_after_at_31_march",
    "rate_per_10000:looked_after_at_31_march",
    "started_during_year",
    "ceased_during_year",
)
WIDTHS = (9, 22, 15, 4, 6, 5, 5, 6)
HEADINGS = ("la_code", "area", "region", "year", "CLA", "/10k", "start", "ceased")


def rows(data: PublicData) -> list[tuple[str, ...]]:
    """One row per authority: its code, name, region and latest year's figures as published."""
    year = data.years[-1]
    return [
        (
            area.la_code,
            area.name,
            area.region,
            str(year),
            *(data.number(measure, area.la_code, year).shown() for measure in MEASURES),
        )
        for area in data.areas
    ]


def as_csv(data: PublicData) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(data))
    return buffer.getvalue()


def as_table(data: PublicData) -> str:
    """The rows in 80 columns (names and regions cut to fit; --csv gives them whole)."""

    def line(cells: tuple[str, ...]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True)):
            cell = cell if len(cell) <= width else cell[: width - 1] + "…"
            out.append(cell.ljust(width) if i < 3 else cell.rjust(width))
        return " ".join(out).rstrip()

    body = [line(row) for row in rows(data)]
    footer = (
        f"{len(body)} authorities. CLA: children looked after at 31 March "
        f"{data.years[-1]}; /10k: per 10,000\nchildren; start, ceased: in the year to "
        "then; c: suppressed by the DfE.\nSource: DfE, Children looked after in England "
        "including adoptions (OGL v3.0)."
    )
    return "\n".join([line(HEADINGS), *body, footer])
