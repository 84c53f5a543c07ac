"""Tests for calibration.sources: the cited historical figures and their loader."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sufficiency.calibration.sources import (
    COLUMNS,
    DFE_TABLES,
    SOURCES_DIR,
    Figure,
    figure,
    load_sources,
    parse_period,
    series,
    until,
)
from sufficiency.errors import InputError

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
HEADER = ",".join(COLUMNS)
S0, S1, S2, S3, S4 = (
    "000_5b8d8f93ba5922ce.txt",
    "001_372c55305701d265.txt",
    "002_23c3c75e57ab1230.txt",
    "003_76f1a019f5cb34a6.txt",
    "004_cfe9078384657e76.txt",
)


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_sources()


def seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed reports not available at {SEEDS}")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the shipped CSVs


def test_every_csv_loads_on_its_own(tmp_path: Path) -> None:
    paths = sorted(SOURCES_DIR.glob("*.csv"))
    assert {p.name for p in paths} >= {
        "cla.csv",
        "fostering.csv",
        "costs.csv",
        "homes.csv",
        "edge_of_care.csv",
        "dfe.csv",
    }
    for path in paths:
        assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER, path.name
        folder = tmp_path / path.stem
        folder.mkdir()
        shutil.copy(path, folder)
        assert len(load_sources(folder)) > 0, path.name


def test_all_values_finite_and_periods_parsed(df: pd.DataFrame) -> None:
    assert list(df.columns) == [*COLUMNS, "period_end"]
    assert df["value"].map(math.isfinite).all()
    assert df["period_end"].notna().all()
    for period, end in zip(df["period"], df["period_end"]):
        assert pd.Timestamp(parse_period(period).end) == end


def test_units_fractions_and_sources_are_tidy(df: pd.DataFrame) -> None:
    fractions = df[df["unit"] == "fraction"]["value"]
    assert ((fractions >= 0) & (fractions <= 2.5)).all()  # shares, plus a few '% of target' above 1
    seeds = df["source_file"].str.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt")
    dfe = df["source_file"].isin(DFE_TABLES) & df["location"].str.startswith("statistic: DfE")
    assert (seeds | dfe).all()
    assert seeds.any() and dfe.any()
    assert not df.duplicated(["measure", "period"]).any()
    assert df["location"].str.len().gt(0).all()


def test_source_files_exist(df: pd.DataFrame) -> None:
    if not SEEDS.exists():
        pytest.skip(f"seed reports not available at {SEEDS}")
    seeds = df["source_file"][~df["source_file"].isin(DFE_TABLES)]
    assert {f for f in seeds if not (SEEDS / f).exists()} == set()


def test_no_case_identifiers_copied() -> None:
    """The initials, case IDs and dates in seed 000's pilot table never reach the CSVs."""
    text = seed(S0)
    table = text[text.index("YP Name") : text.index("3.27")].splitlines()[1:]
    tokens = {
        t for line in table for t in re.findall(r"\b(?:[A-Z]{2}|\d{6}|\d{2}/\d{2}/\d{4})\b", line)
    }
    assert len(tokens) >= 12
    csv_text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES_DIR.glob("*.csv"))
    assert {
        t for t in tokens if re.search(rf"(?<![\w/]){re.escape(t)}(?![\w/])", csv_text)
    } == set()


# ---------------------------------------------------------------- period parsing


@pytest.mark.parametrize(
    "text, kind, start, end",
    [
        ("2023-24", "year", dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
        ("1999-00", "year", dt.date(1999, 4, 1), dt.date(2000, 3, 31)),
        ("2024-25 Q1", "quarter", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        ("2024-25 Q2", "quarter", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        ("2024-25 Q3", "quarter", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2024-25 Q4", "quarter", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2025-02-28", "date", dt.date(2025, 2, 28), dt.date(2025, 2, 28)),
    ],
)
def test_parse_period(text: str, kind: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.date) == (kind, start, end, end)


@pytest.mark.parametrize(
    "text",
    ["snapshot", "2023/24", "FY 23 / 24", "2023-25", "2024-25 Q5", "2025-02-30", "Feb 2025", ""],
)
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


# ---------------------------------------------------------------- validation of bad files

GOOD = "x_count,2023-24,12,count,004_cfe9078384657e76.txt,para 1,"


@pytest.mark.parametrize(
    "content, field, reason",
    [
        (
            "measure,period,unit,source_file,location,note\nx,2023-24,count,f,l,\n",
            "column 'value'",
            "is missing",
        ),
        (
            f"{HEADER}\n{GOOD}\nx_share,2023-24,12%,fraction,f,l,\n",
            "row 3, column 'value'",
            "a finite number, got '12%'",
        ),
        (
            f"{HEADER}\nx_count,2023-24,nan,count,f,l,\n",
            "row 2, column 'value'",
            "a finite number, got 'nan'",
        ),
        (
            f"{HEADER}\n{GOOD}\n{GOOD}\nx_count,snapshot,3,count,f,l,\n",
            "row 4, column 'period'",
            "got 'snapshot'",
        ),
        (f"{HEADER}\n{GOOD}\nx_count,2024-25,3,count,f,l,note,extra\n", "row 3", "7 fields, got 8"),
        (f"{HEADER}\nX Count,2023-24,3,count,f,l,\n", "row 2, column 'measure'", "snake_case"),
        (f"{HEADER}\nx_count,2023-24,3,count,,l,\n", "row 2, column 'source_file'", "non-empty"),
        (
            f"{HEADER}\n{GOOD}\nx_count,2023-24,13,count,f,l,\n",
            "row 3",
            "one row per (measure, period)",
        ),
    ],
)
def test_bad_csv_raises_input_error(tmp_path: Path, content: str, field: str, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sources(tmp_path)
    err = caught.value
    assert err.file == str(path)
    assert field in err.field
    assert reason in err.expected
    assert "bad.csv" in str(err)


def test_duplicate_across_files_names_both(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        f"{HEADER}\nother,2023-24,1,count,f,l,\n{GOOD}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_sources(tmp_path)
    assert caught.value.file.endswith("b.csv")
    assert caught.value.field == "row 3"
    assert "a.csv row 2" in caught.value.expected


def test_empty_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_sources(tmp_path)


# ---------------------------------------------------------------- lookups


@pytest.fixture()
def small(tmp_path: Path) -> pd.DataFrame:
    rows = [
        Figure("starts", "2019-20", 10, "count", "f", "l"),
        Figure("starts", "2020-21 Q2", 3, "count", "f", "l"),
        Figure("starts", "2020-09-30", 6, "count", "f", "l", "year to date"),
        Figure("starts", "2018-19", 8, "count", "f", "l"),
    ]
    lines = [HEADER] + [",".join(str(getattr(r, c)) for c in COLUMNS) for r in rows]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_sources(tmp_path)


def test_figure_series_until(small: pd.DataFrame) -> None:
    assert figure("starts", "2019-20", small) == 10
    with pytest.raises(KeyError, match="did you mean"):
        figure("start", "2019-20", small)
    with pytest.raises(KeyError, match="periods"):
        figure("starts", "2030-31", small)
    yearly = series("starts", kind="year", df=small)
    assert list(yearly.index) == [pd.Timestamp("2019-03-31"), pd.Timestamp("2020-03-31")]
    assert list(yearly) == [8, 10]
    assert len(series("starts", df=small)) == 4
    assert list(until(small, "2020-03-31")["period"]) == ["2019-20", "2018-19"]
    assert len(until(small, dt.date(2020, 9, 30))) == 4


def test_default_lookup(df: pd.DataFrame) -> None:
    assert figure("weekly_cost_home_external", "2024-25") == 5414
    assert series("cla_rate_per_10000").index.is_monotonic_increasing


# ---------------------------------------------------------------- spot checks against the seed text


@pytest.mark.parametrize(
    "measure, period, value, name, quote",
    [
        (
            "weekly_cost_home_external",
            "2024-25",
            5414,
            S4,
            "external residential placement is £5414 per week",
        ),
        (
            "weekly_cost_home_inhouse",
            "2024-25",
            4627,
            S4,
            "internal residential placement is £4627 per week",
        ),
        (
            "weekly_cost_foster_inhouse",
            "2024-25",
            340,
            S4,
            "foster care household placement £340 per week",
        ),
        ("weekly_cost_ifa", "2024-25", 981, S4, "Agency Placement £981 per week"),
        (
            "cla_at_31_march",
            "2024-03-31",
            599,
            S4,
            "As of 31st March 2024, there were 599 children in care",
        ),
        ("cla_at_31_march", "2023-03-31", 630, S4, "630 children looked after (31st March 2023)"),
        (
            "cla_at_31_march",
            "2025-03-31",
            597,
            S4,
            "597 Children Looked After and 305 Care Leavers (18-21) March 2025",
        ),
        ("care_leavers", "2025-03-31", 305, S4, "305 Care Leavers"),
        ("avg_months_in_care", "2024-25", 31, S4, "looked after 2024 – 2025 is 31 months"),
        ("avg_daily_placement_cost", "2024-10-31", 230.07, S1, "average cost of £230.07 per day"),
        ("max_daily_placement_cost", "2024-10-31", 2125, S1, "can reach £2,125 per day"),
        ("pct_cla_cost_over_1000_per_day", "2024-10-31", 0.19, S1, "19% of children in care"),
        ("all_in_year_gross_savings_forecast", "2024-25", 6044000, S0, "£6.044m"),
        ("all_in_year_diversions", "2023-24", 199, S0, "diverted 199"),
        ("all_referral_to_start_days", "2024-25 Q3", 13, S0, "for this quarter was 13 days"),
        ("all_families_closed_became_cla", "2024-25 Q3", 5, S0, "17% (n=5) became CLA"),
        ("all_remain_home_18m_share", "2024-25 Q3", 0.92, S0, "18 months ago: 92% remain at home"),
        ("mst_staffing_share", "2024-25 Q3", 0.5, S0, "staffing of only 50% capacity"),
        (
            "mst_caseload_per_therapist",
            "2020-09-30",
            5,
            S2,
            "average caseload per FTE therapist has been 5",
        ),
        ("mst_targeting_deflator", "2019-20", 0.73, S2, "averaging 56% compared to 73% in 2019/20"),
        ("fft_avg_treatment_days", "2020-09-30", 224, S2, "this year is 224 days"),
        ("fft_caseload_per_therapist", "2020-21 Q2", 14, S2, "equates to 14 cases per therapist"),
        ("csc_budget", "2025-26", 93183000, S3, "Children's Social Care\t93,183"),
        (
            "homes_inhouse",
            "2025-06-18",
            7,
            S3,
            "seven children's homes, with plans underway for an eighth",
        ),
        ("mst_referrals_per_month", "2024-10-31", 6, S3, "around 6 new referrals a month"),
        (
            "mst_can_max_caseload_per_therapist",
            "2024-10-31",
            4,
            S3,
            "maximum caseload of four families",
        ),
        (
            "fft_reunification_additional_therapists_cost",
            "2025-26",
            133000,
            S3,
            "total cost of £133,000",
        ),
        ("cost_mitigation_reunification", "2025-26", 1300000, S3, "(£1.3m per annum)"),
        (
            "beds_added_by_new_homes",
            "2025-04-08",
            7,
            S4,
            "adding capacity for 7 more Children Looked After",
        ),
        (
            "homes_planned_places",
            "2025-11-30",
            6,
            S4,
            "Autumn 2025 that will provide a further 6 spaces",
        ),
    ],
)
def test_spot_check_against_seed(
    df: pd.DataFrame, measure: str, period: str, value: float, name: str, quote: str
) -> None:
    assert quote in seed(name)
    assert figure(measure, period, df) == pytest.approx(value)


def table_row(text: str, title: str, label: str) -> list[float]:
    """Numbers in the first tab-separated line starting with ``label`` after ``title``."""
    after = text[text.index(title) :]
    line = next(ln for ln in after.splitlines() if ln.split("\t")[0].strip(" —") == label)
    cells = [re.sub(r"[£,k%]", "", c.strip()) for c in line.split("\t")[1:]]
    numbers = [c for c in cells if re.fullmatch(r"\(?-?[\d.]+\)?", c)]
    return [float(c.strip("()")) * (-1 if c.startswith("(") else 1) for c in numbers]


@pytest.mark.parametrize(
    "title, label, measure, scale",
    [
        ("Rate CLA per 10,000", "Leicester", "cla_rate_per_10000", 1),
        ("% CLA placed with internal carers", "Leicester", "pct_cla_with_inhouse_carers", 0.01),
        ("% CLA placed in Foster Placements", "Leicester", "pct_cla_in_foster", 0.01),
        ("% CLA placed in Foster Placements", "England", "pct_cla_in_foster_england", 0.01),
    ],
)
def test_cla_tables_match_seed(
    df: pd.DataFrame, title: str, label: str, measure: str, scale: float
) -> None:
    expected = [v * scale for v in table_row(seed(S4), title, label)]
    assert list(series(measure, df=df)) == pytest.approx(expected)


@pytest.mark.parametrize(
    "label, measure",
    [
        ("LCC Foster Carers at Start of Year", "foster_carers_start_of_year"),
        ("New LCC Foster Carers", "new_foster_carers"),
        ("LCC Foster Carers at End of Year", "foster_carers_end_of_year"),
        ("LCC Foster Care Households", "foster_households"),
        ("Foster Placements", "foster_placements"),
        ("Foster Placements, LCC Carers", "foster_placements_inhouse"),
        ("Foster Placements, Other Providers", "foster_placements_other_providers"),
    ],
)
def test_foster_carer_table_matches_seed(df: pd.DataFrame, label: str, measure: str) -> None:
    expected = table_row(seed(S4), "Recruitment & Retention of Foster Carers", label)
    assert list(series(measure, df=df)) == expected


@pytest.mark.parametrize(
    "title, prefix",
    [
        ("Table Showing Performance Summary All Programmes", "all_"),
        ("Table Showing Performance Summary STD 1 & 2", "mst_"),
        ("Table Showing Performance Summary CAN 1 & 2", "mst_can_"),
        ("PERFORMANCE SUMMARY\t\t\t\t\t\nFFT", "fft_"),
    ],
)
@pytest.mark.parametrize(
    "label, measure, scale",
    [
        ("Number of families started", "families_started", 1),
        ("Number of children started", "children_started", 1),
        ("Success rate to date", "success_rate", 0.01),
        ("Savings in year 1", "savings_year1", 1000),
    ],
)
def test_performance_summaries_match_seed(
    df: pd.DataFrame, title: str, prefix: str, label: str, measure: str, scale: float
) -> None:
    values = [v * scale for v in table_row(seed(S2), title, label)]
    periods = ["2018-19", "2019-20", "2020-09-30", "2020-21"][: len(values)]
    for period, value in zip(periods, values):
        name = prefix + measure + ("_target" if period == "2020-21" else "")
        assert figure(name, period, df) == pytest.approx(value), (name, period)
