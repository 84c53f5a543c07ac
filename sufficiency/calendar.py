"""Days since the start date, month ends, 31 March census dates and financial years."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np


def add_years(date: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def financial_year(date: dt.date) -> str:
    """The financial year (1 April - 31 March) holding ``date``, as ``2025-26``."""
    first = date.year if date.month >= 4 else date.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


@dataclass(frozen=True)
class Calendar:
    """The run's time grid: day 0 is the start of ``start``; the run ends at ``end``."""

    start: dt.date
    years: int

    @property
    def end(self) -> dt.date:
        return add_years(self.start, self.years)

    @property
    def horizon(self) -> float:
        return float((self.end - self.start).days)

    def day(self, date: dt.date) -> float:
        """Days from the start to the end of ``date``."""
        return float((date - self.start).days + 1)

    @cached_property
    def dates(self) -> list[dt.date]:
        """The starting census (the day before the start) and every month end in the run."""
        out = [self.start - dt.timedelta(days=1)]
        year, month = self.start.year, self.start.month
        while True:
            date = month_end(year, month)
            if date >= self.end:
                break
            out.append(date)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @cached_property
    def points(self) -> np.ndarray:
        """Day numbers of ``dates`` (end of each day)."""
        return np.array([self.day(d) for d in self.dates])

    @cached_property
    def months(self) -> list[dt.date]:
        """The month-end date of each month whose days are counted (one per interval)."""
        return self.dates[1:]

    @cached_property
    def month_starts(self) -> list[dt.date]:
        """The first day each counted month starts from (clipped to the run start)."""
        return [max(self.start, d.replace(day=1)) for d in self.months]

    @cached_property
    def month_years(self) -> list[str]:
        return [financial_year(d) for d in self.months]

    @cached_property
    def financial_years(self) -> list[str]:
        return list(dict.fromkeys(self.month_years))

    @cached_property
    def census(self) -> list[int]:
        """Indices into ``dates`` of each 31 March (the DfE census date)."""
        return [i for i, d in enumerate(self.dates) if d.month == 3 and d.day == 31]

    @cached_property
    def year_bounds(self) -> np.ndarray:
        """Day numbers bounding each financial year in the run."""
        starts = [0.0] + [self.day(self.dates[i]) for i in self.census if i > 0]
        bounds = sorted(set(starts + [self.horizon]))
        return np.array(bounds)

    def year_of(self, days: np.ndarray) -> np.ndarray:
        """The index in ``financial_years`` of the year holding each of ``days`` (days after
        the run's end count in its last year)."""
        years = len(self.financial_years)
        return np.clip(np.searchsorted(self.year_bounds, days, side="right") - 1, 0, years - 1)
