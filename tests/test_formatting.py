"""How figures read on the terminal and in the reports: one function per format."""

from __future__ import annotations

import math

from sufficiency.formatting import (
    count,
    figure,
    millions,
    money,
    pence,
    percent,
    pounds,
    signed,
    times,
    year_label,
    year_of,
)

NAN = math.nan


def test_money_reads_as_finance_writes_it():
    assert money(47_158_500) == "£47.2m"
    assert money(850_000) == "£850k"
    assert money(900) == "£900"
    assert money(-123_456) == "-£123k"
    assert millions(-213_000) == "-£0.2m" and millions(47_158_500) == "£47.2m"
    assert pounds(1_200_000) == "£1,200,000"
    assert pence(-0.191) == "-£0.19" and pence(1.894) == "£1.89"


def test_a_figure_that_rounds_to_zero_has_no_minus_sign():
    assert count(-0.4) == "0"
    assert signed(-0.04) == "+0.0"
    assert millions(-40_000) == "£0.0m"
    assert money(-0.4) == "£0"
    assert pence(-0.001) == "£0.00"


def test_a_missing_figure_reads_as_a_dash():
    assert {count(NAN), signed(NAN), millions(NAN), money(NAN), pence(NAN)} == {"-"}


def test_counts_differences_shares_and_parameter_values():
    assert count(1_234.5) == "1,234" and count(1_235.5) == "1,236"
    assert signed(0.5) == "+0.5" and signed(-13.94) == "-13.9"
    assert percent(0.3725) == "37.2%" and percent(0.56, ".3g") == "56%"
    assert figure(1200) == "1,200" and figure(0.037512) == "0.03751"
    assert times(0.25) == "x0.25" and times(0.4567, ".2f") == "x0.46"


def test_break_even_years_by_number():
    years = ["2025-26", "2026-27"]
    assert year_of(2.0, years) == "2026-27" and year_of(NAN, years) is None
    assert year_label(1.0, years) == "2025-26" and year_label(NAN, years) == "not within the run"
