"""Plain-language ranges and break-even years; parameter units from their paths."""

from __future__ import annotations

import math

import pytest

from sufficiency.formatting import money
from sufficiency.parameters import provenance
from sufficiency.report.units import change_text, describe, investment_text, unit, with_unit
from sufficiency.report.words import between, break_even, kept_out_range, saving_range


def test_ranges_in_words():
    assert between(569.6, 610.2) == "between 570 and 610"
    assert between(610.2, 569.6) == "between 570 and 610"
    assert between(597, 597.2) == "597"
    assert between(1_234.4, 2_000) == "between 1,234 and 2,000"
    assert between(44.7e6, 50.9e6, money) == "between £44.7m and £50.9m"


def test_differences_that_may_cross_zero_read_the_right_way_round():
    assert kept_out_range(3, 12) == "between 3 and 12 fewer"
    assert kept_out_range(-12, -3) == "between 3 and 12 more"
    assert kept_out_range(-5, 12) == "between 5 more and 12 fewer"
    assert kept_out_range(-0.05, 0.05) == "no difference"
    assert kept_out_range(-0.4, 3) == "between 0 and 3 fewer"
    assert saving_range(2e5, 1.1e6) == "between £200k and £1.1m saved"
    assert saving_range(-3e5, 1.1e6) == "between £300k extra cost and £1.1m saved"


def test_break_even_in_words():
    years = ["2025-26", "2026-27", "2027-28"]
    assert break_even(2.0, 1.0, 3.0, years) == ("2026-27", "between 2025-26 and 2027-28")
    assert break_even(2.0, 2.0, 2.0, years) == ("2026-27", "")
    assert break_even(math.nan, 3.0, math.nan, years) == (
        "not within the run",
        "from 2027-28 in favourable futures; not within the run in others",
    )
    assert break_even(math.nan, math.nan, math.nan, years)[1] == (
        "not within the run even in favourable futures"
    )


@pytest.mark.parametrize(
    "path, expected",
    [
        ("costs.weekly.home_external", ("£ per week", "money")),
        ("costs.inflation_per_year", ("% per year", "fraction")),
        ("programmes.mst.therapists", ("FTE", "number")),
        ("programmes.mst.referrals_per_month", ("families per month", "number")),
        ("programmes.mst.targeting_deflator", ("%", "fraction")),
        ("programmes.fdm.outcome_split", ("% (shares)", "fraction")),
        ("programmes.mst.cost_per_therapist_per_year", ("£ per FTE per year", "money")),
        ("programmes.mst.duration_days", ("days", "number")),
        ("reunification.min_days_in_care", ("days", "number")),
        ("entries.direct.rate_per_month", ("children per month", "number")),
        ("matching.step_down_rate_per_month", ("% per month", "fraction")),
        ("foster_carers.attrition_per_year", ("% of households per year", "fraction")),
        ("homes.Hillview.beds", ("beds", "number")),
    ],
)
def test_units_follow_from_the_parameter_path(path, expected):
    assert unit(path) == expected


def test_every_baseline_parameter_has_a_unit(baseline_params):
    missing = [
        row["parameter"] for row in provenance(baseline_params) if not unit(row["parameter"])[0]
    ]
    assert missing == []


def test_values_and_changes_in_words():
    assert with_unit("costs.weekly.home_external", 5414) == "£5,414 per week"
    assert with_unit("programmes.mst.targeting_deflator", 0.56) == "56%"
    assert with_unit("programmes.mst.age_range", {"low": 11, "high": 17}) == "11 to 17 years of age"
    assert describe("programmes.mst_bsf.therapists") == "MST-BSF: therapists"
    assert change_text({"date": "2026-01-01", "set": "reunification.therapists", "add": 2}) == (
        "Reunification: therapists",
        "2 FTE more",
    )
    assert change_text(
        {
            "date": "2025-11-01",
            "add_home": {"name": "Hillview", "beds": {"value": 6}, "opens": "2025-11-01"},
        }
    ) == ("Open a children's home: Hillview", "6 beds from 2025-11-01")
    assert investment_text({"item": "capital", "one_off": 287000}) == (
        "Investment: capital",
        "£287,000 once",
    )
    assert investment_text({"item": "posts", "per_year": 50000, "until": "2027-03-31"}) == (
        "Investment: posts",
        "£50,000 a year until 2027-03-31",
    )
