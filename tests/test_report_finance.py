"""The finance workbook's cost sheets: cost lines by year and by month that add up, the trace
from totals to lines and from lines to parameters, and the budget file beside the forecast."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.report import write_reports

from . import test_report

BASELINE = test_report.BASELINE
run_dir = test_report.run_dir  # the results folder the report tests share


@pytest.fixture(scope="module")
def budget_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("budget") / "budget.csv"
    path.write_text(
        'financial_year,line,budget\n2025-26,foster_ifa,"4,500,000"\n\n2026-27,total,5e7\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def book(run_dir, budget_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    write_reports(run_dir, path, None, budget_file)
    return openpyxl.load_workbook(path)


def body(sheet, first: int) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=first, values_only=True) if any(r)]


def test_cost_lines_are_the_items_of_costs_csv_and_subtotals_add_up(run_dir, book):
    costs = pd.read_csv(run_dir / "costs.csv")
    rows = body(book["Cost lines"], 3)
    assert len(rows) == len(costs)
    assert {(r[1], r[2]) for r in rows} == set(zip(costs["financial_year"], costs["item"]))
    means = {(r[1], r[2]): r[5] for r in rows}
    for year in costs["financial_year"].unique():
        lines = [r for r in rows if r[1] == year and r[4] != "subtotal"]
        assert means[(year, "total")] == pytest.approx(sum(r[5] for r in lines), rel=1e-9)
        placements = [r[5] for r in lines if r[4] == "placement"]
        assert means[(year, "all_placements")] == pytest.approx(sum(placements), rel=1e-9)
    trace = [r for r in body(book["Trace"], 3) if r[2] in ("all_placements", "total") and r[4]]
    assert trace and all(abs(r[6]) < 1.0 for r in trace)


def test_monthly_costs_add_up_to_each_year(run_dir, book):
    rows = body(book["Monthly costs"], 4)
    lines = [c.value for c in book["Monthly costs"][3]][3:-3]
    costs = pd.read_csv(run_dir / "costs.csv").set_index(["financial_year", "item"])["mean"]
    assert "foster_ifa" in lines and "mst" in lines
    for year in {r[2] for r in rows}:
        months = [r for r in rows if r[2] == year]
        for k, line in enumerate(lines, start=3):
            assert sum(r[k] for r in months) == pytest.approx(costs[(year, line)], rel=1e-9)
        assert sum(r[-3] for r in months) == pytest.approx(costs[(year, "total")], rel=1e-9)


def test_the_trace_shows_each_placement_line_as_days_times_its_weekly_cost(book):
    rows = body(book["Trace"], 1)
    ifa = [r for r in rows if r[2] == "foster_ifa" and r[1] == "2025-26"]
    assert ifa[0][3] == pytest.approx(ifa[0][4] * ifa[0][5] / 7)
    parameters = [r for r in rows if r[2] == "foster_ifa" and r[6]]
    assert parameters[0][6].startswith("costs.weekly.foster_ifa")
    assert parameters[0][7] == "£981 per week"
    assert parameters[0][8].startswith("the reports")
    staff = [r[6] for r in rows if r[2] == "mst" and r[6]]
    assert any(p.startswith("programmes.mst.therapists") for p in staff)


def test_the_budget_sheet_shows_the_variance(run_dir, book):
    rows = body(book["Budget"], 3)
    costs = pd.read_csv(run_dir / "costs.csv").set_index(["financial_year", "item"])
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("2025-26", "foster_ifa", 4_500_000),
        ("2026-27", "total", 50_000_000),
    ]
    forecast = costs.loc[("2025-26", "foster_ifa"), "mean"]
    assert rows[0][4] == pytest.approx(forecast)
    assert rows[0][7] == pytest.approx(forecast - 4_500_000)
    assert rows[0][9].startswith(("below", "within", "above"))


@pytest.mark.parametrize(
    "text, message",
    [
        ("year,line,budget\n", "columns: financial_year, line, budget in the first row"),
        ("financial_year,line,budget\n2025-27,total,1\n", "row 2: financial_year"),
        ("financial_year,line,budget\n2025-26,total,-1\n", "row 2: budget: an amount in pounds"),
        ("financial_year,line,budget\n2025-26,totl,1\n", "did you mean 'total'?"),
        ("financial_year,line,budget\n2031-32,total,1\n", "a financial year of the run"),
        (
            "financial_year,line,budget\n2025-26,total,1\n2025-26,total,2\n",
            "row 3: one budget per financial year and line",
        ),
        ("financial_year,line,budget\n", "rows: at least one row"),
    ],
)
def test_a_bad_budget_file_is_refused_with_its_row_and_field(run_dir, tmp_path, text, message):
    budget = tmp_path / "budget.csv"
    budget.write_text(text, encoding="utf-8")
    book = tmp_path / "b.xlsx"
    result = CliRunner().invoke(
        cli, ["report", str(run_dir), "--xlsx", str(book), "--budget", str(budget)]
    )
    assert result.exit_code == 2, result.output
    assert f"Error: {budget}: " in result.output and message in result.output
    assert "Traceback" not in result.output and not book.exists()


def test_a_budget_needs_a_workbook_and_is_checked_before_running(tmp_path):
    budget = tmp_path / "budget.csv"
    budget.write_text("financial_year,line,budget\n2025-26,total,x\n", encoding="utf-8")
    html = tmp_path / "r.html"
    alone = CliRunner().invoke(
        cli, ["report", str(tmp_path), "--html", str(html), "--budget", str(budget)]
    )
    assert alone.exit_code == 2 and "--budget: given with --xlsx FILE" in alone.output
    early = CliRunner().invoke(
        cli,
        ["run", str(BASELINE), "--years", "1", "--replications", "2", "--quiet"]
        + ["--xlsx", str(tmp_path / "b.xlsx"), "--budget", str(budget)],
    )
    assert early.exit_code == 2 and "row 2: budget" in early.output
    assert "31 March" not in early.output
