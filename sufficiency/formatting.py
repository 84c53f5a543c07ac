"""How figures read, on the terminal and in the reports: one function per format.

Every format shows NaN as '-', never shows a value that rounds to zero with a minus sign, and
puts '£' after the sign: -£1.2m.
"""

from __future__ import annotations

import math

MISSING = "-"
NOT_WITHIN = "not within the run"


def shown(value: float, fmt: str) -> str:
    """``value`` in the format spec ``fmt``: '-' for NaN, '0.0' rather than '-0.0'."""
    if math.isnan(value):
        return MISSING
    text = format(value, fmt)
    return format(0.0, fmt) if text.lstrip("-+").strip("0.,") == "" else text


def with_pound(text: str, suffix: str = "") -> str:
    """'£' after the sign of a shown number, and a suffix: '-1.3' -> '-£1.3m'."""
    if text == MISSING:
        return text
    digits = text.lstrip("-")
    return f"{text[: len(text) - len(digits)]}£{digits}{suffix}"


def count(value: float) -> str:
    """A whole number with thousands separators: 1,234."""
    return shown(value, ",.0f")


def signed(value: float) -> str:
    """A difference to one decimal place, always signed: +0.5, -13.9."""
    return shown(value, "+,.1f")


def figure(value: float) -> str:
    """A parameter's value: whole with thousands separators, else 4 significant figures."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def percent(value: float, fmt: str = ".1f") -> str:
    """A fraction as a percentage: 0.372 -> 37.2%."""
    return f"{format(value * 100, fmt)}%"


def pounds(value: float) -> str:
    """Whole pounds: £340, £1,200,000."""
    return with_pound(count(value))


def pence(value: float) -> str:
    """Pounds and pence: £1.89, -£0.19."""
    return with_pound(shown(value, ",.2f"))


def millions(value: float) -> str:
    """Millions of pounds to one decimal place: £47.2m, -£0.2m."""
    return with_pound(shown(value / 1e6, ",.1f"), "m")


def money(value: float) -> str:
    """Pounds as finance reads them: £47.2m, £850k, £900, -£1.2m."""
    size = abs(value)
    if size >= 1e6:
        return millions(value)
    if size >= 1e4:
        return with_pound(shown(value / 1e3, ",.0f"), "k")
    return pounds(value)


def times(scale: float, fmt: str = "g") -> str:
    """An effect scale: x0.25, x1."""
    return f"x{format(scale, fmt)}"


def year_of(number: float, years: list[str]) -> str | None:
    """Financial year ``number`` (1 = the first of the run); None if NaN (not within the run)."""
    return None if math.isnan(number) else years[int(number) - 1]


def year_label(number: float, years: list[str]) -> str:
    """Financial year ``number`` (1 = the first of the run), or 'not within the run'."""
    return year_of(number, years) or NOT_WITHIN
