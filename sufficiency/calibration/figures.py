"""Looking up figures in a sources frame (possibly cut at a date) and citing them in a source."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from .provenance import rhs_value, token, tokens


@dataclass(frozen=True)
class Row:
    """One figure and where it was published."""

    measure: str
    period: str
    value: float
    source_file: str
    location: str
    end: dt.date

    @property
    def token(self) -> str:
        return token(self.measure, self.period)


class Figures:
    """The figures of one sources frame; every lookup reads only this frame."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df

    def rows(self, measure: str) -> list[Row]:
        """Every figure of a measure, oldest period end first."""
        found = self.df[self.df["measure"] == measure].sort_values("period_end", kind="stable")
        return [
            Row(
                str(r["measure"]),
                str(r["period"]),
                float(r["value"]),
                str(r["source_file"]),
                str(r["location"]),
                pd.Timestamp(r["period_end"]).date(),
            )
            for r in found.to_dict("records")
        ]

    def get(self, measure: str, period: str) -> Row | None:
        return next((r for r in self.rows(measure) if r.period == period), None)

    def latest(self, measure: str, years_only: bool = False) -> Row | None:
        """The most recent figure (of a whole financial year, if ``years_only``)."""
        rows = [r for r in self.rows(measure) if not years_only or _is_year(r.period)]
        return rows[-1] if rows else None

    def nearest(self, measure: str, date: dt.date) -> Row | None:
        """The latest figure known by ``date``, or failing that the earliest there is."""
        rows = self.rows(measure)
        before = [r for r in rows if r.end <= date]
        return before[-1] if before else (rows[0] if rows else None)

    def needed(self, measure: str, date: dt.date) -> Row:
        """``nearest``, for a figure the calibration cannot do without."""
        row = self.nearest(measure, date)
        if row is None:
            raise InputError("calibration/sources", measure, "at least one published figure")
        return row

    def latest_pair(
        self, measure: str, partner: str, years_only: bool = False
    ) -> tuple[Row, Row] | None:
        """The latest figure of ``measure`` and ``partner``'s figure for the same period."""
        row = self.latest(measure, years_only)
        other = self.get(partner, row.period) if row is not None else None
        return (row, other) if row is not None and other is not None else None

    def value(self, expr: str) -> float:
        """Arithmetic over cited rows, e.g. ``{a@2023-24} / {b@2023-24}``."""
        return rhs_value(expr, self.df)

    def where(self, text: str) -> str:
        """'file, location' for every row a text cites, in order, without repeats."""
        places = []
        for measure, period in tokens(text):
            row = self.get(measure, period)
            if row is not None:
                places.append(f"{row.source_file}, {row.location}")
        return "; ".join(dict.fromkeys(places))

    def derived(self, expr: str, text: str, integer: bool = False) -> dict[str, Any]:
        """A sourced value computed from cited rows, carrying the check that recomputes it."""
        value = self.value(expr)
        return {
            "value": round(value) if integer else significant(value),
            "source": f"{self.where(expr)}: {text} [value = {expr}]",
        }


def _is_year(period: str) -> bool:
    return len(period) == 7 and period[4] == "-"


def significant(value: float, digits: int = 6) -> float:
    """``value`` rounded to a number of significant digits (for readable YAML)."""
    if value == 0 or not math.isfinite(value):
        return float(value)
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))
