"""The finance workbook and the scrutiny report, for a run and for a comparison: structure,
self-containment, and numbers that agree with the CSV files they are built from."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.calendar import financial_year
from sufficiency.cli import cli
from sufficiency.cost_lines import HOMES_FIXED
from sufficiency.documents import cited
from sufficiency.formatting import count, money
from sufficiency.output import save, write_run
from sufficiency.paired import compare_scenarios
from sufficiency.report import html as html_report
from sufficiency.report import read_results, write_reports
from sufficiency.report.files import replacing
from sufficiency.report.words import between, label
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"
HILLVIEW = ROOT / "scenarios" / "hillview-home-6-beds.yaml"
YEARS, REPLICATIONS = 2, 3
SHEETS = [
    "Summary",
    "By placement type",
    "Monthly",
    "Assumptions",
    "Cost lines",
    "Monthly costs",
    "Homes",
    "Trace",
]
SECTIONS = [
    "Headline: projected impact",
    "Children looked after over time",
    "Cost over time",
    "Placement mix over time",
    "In-house capacity against demand",
    "Waiting lists per programme",
    "What this assumes",
]
CHARTS = ["cla", "cost", "mix", "capacity", "waiting"]
COMPARISON_CHARTS = ["difference", *CHARTS]


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run") / "baseline"
    result = run(load_scenario(BASELINE), years=YEARS, replications=REPLICATIONS, seed=1)
    save(folder, False, lambda tmp: write_run(result, tmp))
    return folder


@pytest.fixture(scope="module")
def comparison_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compare") / "comparison"
    result = compare_scenarios(
        load_scenario(BASELINE),
        [load_scenario(HILLVIEW)],
        years=YEARS,
        replications=REPLICATIONS,
        seed=1,
    )
    save(folder, False, result.write)
    return folder


def reports(folder: Path, out: Path) -> tuple[openpyxl.Workbook, Page, str]:
    xlsx, html = out / "book.xlsx", out / "report.html"
    write_reports(folder, xlsx, html)
    text = html.read_text(encoding="utf-8")
    return openpyxl.load_workbook(xlsx), Page(text), text


@pytest.fixture(scope="module")
def run_reports(run_dir, tmp_path_factory):
    return reports(run_dir, tmp_path_factory.mktemp("run-reports"))


@pytest.fixture(scope="module")
def comparison_reports(comparison_dir, tmp_path_factory):
    return reports(comparison_dir, tmp_path_factory.mktemp("comparison-reports"))


class Page(HTMLParser):
    """What the tests read from a report: tables (id -> caption and rows of cell text, a
    cell's range in words after ' | '), images, headings, and every src and href."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: dict[str, dict] = {}
        self.images: list[dict[str, str]] = []
        self.headings: list[str] = []
        self.items: list[str] = []
        self.links: list[str] = []
        self._table: dict | None = None
        self._sink: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.links += [v or "" for k, v in attrs.items() if k in ("src", "href")]
        if tag == "img":
            self.images.append(attrs)
        elif tag == "table":
            self._table = {"caption": "", "rows": []}
            self.tables[attrs.get("id", f"table-{len(self.tables)}")] = self._table
        elif tag == "tr":
            self._table["rows"].append([])
        elif tag in ("td", "th", "caption", "h1", "h2", "h3", "li"):
            self._sink = []
        elif tag == "span" and self._sink is not None:
            self._sink.append(" | ")

    def handle_endtag(self, tag):
        if self._sink is None or tag not in ("td", "th", "caption", "h1", "h2", "h3", "li"):
            return
        text = "".join(self._sink).strip()
        if tag == "li":
            self.items.append(text)
        elif tag in ("td", "th"):
            self._table["rows"][-1].append(text)
        elif tag == "caption":
            self._table["caption"] = text
        else:
            self.headings.append(text)
        self._sink = None

    def handle_data(self, data):
        if self._sink is not None:
            self._sink.append(data)

    def body(self, key: str) -> list[list[str]]:
        """A table's rows below its header."""
        return self.tables[key]["rows"][1:]


def cla_at(folder: Path) -> pd.DataFrame:
    """CLA at each 31 March from snapshots.csv, indexed by the financial year ending then."""
    snap = pd.read_csv(folder / "snapshots.csv", parse_dates=["date"])
    snap = snap[snap["state"] == "cla_total"].copy()
    snap["financial_year"] = [financial_year(d.date()) for d in snap["date"]]
    return snap.set_index("financial_year")


def costs(folder: Path, item: str) -> pd.DataFrame:
    frame = pd.read_csv(folder / "costs.csv")
    return frame[frame["item"] == item].set_index("financial_year")


def paired(folder: Path, scenario: str, measure: str) -> pd.DataFrame:
    frame = pd.read_csv(folder / "comparison.csv")
    rows = frame[(frame["scenario"] == scenario) & (frame["measure"] == measure)]
    return rows.set_index("period")


def rows(sheet, first: int = 4) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=first, values_only=True) if any(r)]


# -- the workbook --------------------------------------------------------------------------------
def test_workbook_has_the_sheets_frozen_headers_and_no_formulas(run_reports):
    book, _, _ = run_reports
    assert book.sheetnames == SHEETS
    summary = book["Summary"]
    assert [c.value for c in summary[3]][:6] == [
        "Scenario",
        "Financial year",
        "31 March",
        "5th pct",
        "Mean",
        "95th pct",
    ]
    assert [summary.cell(2, c).value for c in (4, 7, 10, 13, 16)] == [
        "CLA at 31 March",
        "Placement cost",
        "Programme and investment cost",
        "Care leavers and grant income",
        "Total cost",
    ]
    assert [c.value for c in book["Assumptions"][2]] == [
        "Parameter",
        "What it is",
        "Value",
        "Unit",
        "Source",
        "Assumption",
        "Basis",
    ]
    for sheet in book:
        assert sheet.freeze_panes is not None, sheet.title
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_workbook_formats_money_and_shares_and_fits_columns(run_reports):
    book, _, _ = run_reports
    summary = book["Summary"]
    assert summary["G4"].number_format == '"£"#,##0' and summary["G4"].value > 1e6
    shares = book["By placement type"]
    assert shares["L4"].number_format == "0.0%" and 0 < shares["L4"].value < 1
    params = {r[0].value: r for r in book["Assumptions"].iter_rows(min_row=3) if r[0].value}
    weekly = params["costs.weekly.home_external"]
    assert weekly[3].value == "£ per week" and weekly[2].number_format == '"£"#,##0'
    deflator = params["programmes.mst.targeting_deflator"]
    assert deflator[3].value == "%" and deflator[2].number_format == "0.0%"
    assert params["programmes.mst.therapists"][3].value == "FTE"
    for sheet in book:
        for line in sheet.iter_rows(min_row=3):
            for cell in line:
                if isinstance(cell.value, (int, float)) and cell.number_format == '"£"#,##0':
                    width = sheet.column_dimensions[cell.column_letter].width
                    assert width >= len(f"£{cell.value:,.0f}"), (sheet.title, cell.coordinate)


def test_workbook_numbers_match_the_csv_files(run_dir, run_reports):
    book, _, _ = run_reports
    cla = cla_at(run_dir)
    parts = [costs(run_dir, i) for i in ("all_placements", "all_programmes", "all_other", "total")]
    summary = rows(book["Summary"])
    assert [r[1] for r in summary] == list(parts[2].index)
    for r in summary:
        year = r[1]
        assert r[2].date() == cla.loc[year, "date"].date()
        expected = [cla.loc[year, q] for q in ("p05", "mean", "p95")]
        expected += [part.loc[year, q] for part in parts for q in ("p05", "mean", "p95")]
        assert list(r[3:18]) == pytest.approx(expected, rel=1e-10)
    days = pd.read_csv(run_dir / "placement_days.csv")
    lines = [r for r in rows(book["By placement type"]) if r[2] != "All placements"]
    fixed = [r for r in lines if r[2] == label(HOMES_FIXED)]
    by_type = [r for r in lines if r[2] != label(HOMES_FIXED)]
    assert len(by_type) == len(days) and len(fixed) == len(parts[0])
    assert all(r[3] is None and r[7] > 0 for r in fixed)  # a cost with no placement-days
    assert [r[3] for r in by_type] == pytest.approx(list(days["mean"]), rel=1e-9)
    stocks = pd.read_csv(run_dir / "stocks.csv")
    total = stocks[stocks["state"] == "cla_total"]
    monthly = rows(book["Monthly"])
    assert [r[-3] for r in monthly] == pytest.approx(list(total["mean"]), rel=1e-10)
    assert [r[-2] for r in monthly] == pytest.approx(list(total["p05"]), rel=1e-9)


def test_assumptions_sheet_lists_every_parameter_the_changes_and_the_settings(
    comparison_dir, comparison_reports
):
    book, _, _ = comparison_reports
    sheet = book["Assumptions"]
    meta = json.loads((comparison_dir / "baseline" / "run.json").read_text())
    lines = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    listed = {r[0]: r for r in lines}
    for item in meta["provenance"]:
        row = listed[item["parameter"]]
        assert row[4] == cited(item["source"])
        assert row[5] == ("yes" if item["assumption"] else "no")
    hillview = [r for r in lines if r[0] == "hillview-home-6-beds"]
    assert any(r[1] == dt.datetime(2025, 11, 1) and "Hillview" in r[2] for r in hillview)
    assert any("Investment" in r[2] and r[3] == "£287,000 once" for r in hillview)
    settings = {r[0]: r[2] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert settings["seed"] == 1 and settings["replications"] == REPLICATIONS
    assert settings["package version"] == meta["package_version"]
    assert settings["comparison: effect"] == "service"


def test_comparison_workbook_has_a_block_per_scenario_and_the_paired_difference(
    comparison_dir, comparison_reports
):
    book, _, _ = comparison_reports
    summary = rows(book["Summary"])
    blocks = {
        name: [r for r in summary if r[0] == name and r[1]]
        for name in ("baseline", "hillview-home-6-beds", "hillview-home-6-beds minus baseline")
    }
    hillview_total = costs(comparison_dir / "hillview-home-6-beds", "total")
    assert [r[15] for r in blocks["hillview-home-6-beds"]] == pytest.approx(
        list(hillview_total["p05"]), rel=1e-9
    )
    difference = blocks["hillview-home-6-beds minus baseline"]
    assert len(difference) == YEARS
    total = paired(comparison_dir, "hillview-home-6-beds", "total_cost")
    placement = paired(comparison_dir, "hillview-home-6-beds", "placement_cost")
    cla = paired(comparison_dir, "hillview-home-6-beds", "cla")
    for r in difference:
        assert r[15:18] == pytest.approx(
            tuple(
                float(x)  # the column also holds the break-even year, so it reads as text
                for x in total.loc[r[1], ["difference_p05", "difference_mean", "difference_p95"]]
            ),
            rel=1e-9,
        )
        assert r[6] == pytest.approx(float(placement.loc[r[1], "difference_p05"]), rel=1e-9)
        assert r[4] == pytest.approx(cla.loc[r[2].date().isoformat(), "difference_mean"], abs=1e-12)
    over = [r for r in rows(book["Summary"]) if r[0] == "hillview-home-6-beds" and r[1] is None]
    saving = paired(comparison_dir, "hillview-home-6-beds", "net_saving").loc["all years"]
    assert over[0][7] == pytest.approx(saving["difference_mean"], rel=1e-9)


# -- the scrutiny report ---------------------------------------------------------------------
@pytest.mark.parametrize("which", ["run_reports", "comparison_reports"])
def test_html_has_every_section_chart_and_captioned_table_and_no_external_reference(which, request):
    _, page, text = request.getfixturevalue(which)
    assert all(section in page.headings for section in SECTIONS)
    assert "What changes in each scenario" in page.headings
    charts = COMPARISON_CHARTS if which == "comparison_reports" else CHARTS
    assert len(page.images) == len(charts)
    for image in page.images:
        assert len(image["alt"]) > 40
        assert image["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(image["src"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(f'id="{key}-chart"' in text for key in charts)
    assert all(table["caption"] for table in page.tables.values())
    assert "externally-table" in page.tables and 'id="assumptions-list"' in text
    assert all(link.startswith(("#", "data:image/png;base64,")) for link in page.links)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:|//)", text, re.I)
    assert "@import" not in text and "url(" not in text
    assert "@media print" in text
    assert "odds ratio 1.25" in text and "36.2%" in text and "44.8%" in text


def test_html_run_headline_agrees_with_the_workbook_and_the_csv(run_dir, run_reports):
    book, page, _ = run_reports
    cla = cla_at(run_dir)
    total = costs(run_dir, "total")
    table = page.body("projection-baseline")
    assert len(table) == YEARS + 1
    summary = {r[1]: r for r in rows(book["Summary"])}
    for cells in table[1:]:
        year = cells[2]
        assert re.fullmatch(r"\d{3} \| between \d{3} and \d{3}", cells[1])
        low, high = cla.loc[year, "p05"], cla.loc[year, "p95"]
        assert cells[1] == f"{count(cla.loc[year, 'mean'])} | {between(low, high)}"
        assert cells[3] == (
            f"{money(total.loc[year, 'mean'])} | "
            f"{between(total.loc[year, 'p05'], total.loc[year, 'p95'], money)}"
        )
        assert cells[1].split(" | ")[0] == count(summary[year][4])
        assert cells[3].split(" | ")[0] == money(summary[year][16])
    start = table[0]
    assert start[1] == "597 | in every future"


def test_html_comparison_headline_agrees_with_the_comparison_csv(
    comparison_dir, comparison_reports
):
    _, page, _ = comparison_reports
    name = "hillview-home-6-beds"
    overview = {r[0]: r for r in page.body("overview-table")}
    saving = paired(comparison_dir, name, "net_saving").loc["all years"]
    entering = paired(comparison_dir, name, "children_entering_care").loc["all years"]
    assert overview[name][1].split(" | ")[0] == count(-entering["difference_mean"])
    assert overview[name][2].split(" | ")[0] == money(saving["difference_mean"])
    assert re.search(r"\d{4}-\d{2}|not within the run", overview[name][3])
    yearly = paired(comparison_dir, name, "net_saving")
    saving_row = {r[0]: r for r in page.body("yearly-saving")}[name]
    years = [y for y in yearly.index if y != "all years"]
    assert len(years) == YEARS
    assert [c.split(" | ")[0] for c in saving_row[1:]] == [
        money(yearly.loc[y, "difference_mean"]) for y in years
    ]
    changes = page.body("changes-table")
    assert any(r[0] == name and "Hillview" in r[1] for r in changes)
    assert any(name in item for item in page.items)


# -- writing whole or not at all, and the commands -----------------------------------------------
def test_a_failed_report_leaves_no_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "book.xlsx"
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half a workbook")
        raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_report_command_writes_refuses_to_overwrite_and_replaces_with_force(run_dir, tmp_path):
    book = tmp_path / "book.xlsx"
    result = invoke("report", run_dir, "--xlsx", book)
    assert result.exit_code == 0, result.output
    assert "Workbook written to" in result.output
    first = book.read_bytes()
    book.write_bytes(b"not a workbook")
    refused = invoke("report", run_dir, "--xlsx", book)
    assert refused.exit_code == 2 and "--force" in refused.output
    foreign = invoke("report", run_dir, "--xlsx", book, "--force")
    assert foreign.exit_code == 2 and "only a file that sufficiency wrote" in foreign.output
    assert book.read_bytes() == b"not a workbook"
    book.write_bytes(first)
    assert invoke("report", run_dir, "--xlsx", book, "--force").exit_code == 0
    assert openpyxl.load_workbook(book).sheetnames == SHEETS and len(first) > 1000


@pytest.mark.parametrize(
    "args, message",
    [
        (["--html", "report.xlsx"], "--html: a file name ending in .html or .htm"),
        (["--xlsx", "book.csv"], "--xlsx: a file name ending in .xlsx"),
        ([], "give --xlsx FILE, --html FILE or both"),
    ],
)
def test_report_command_rejects_bad_report_names(run_dir, tmp_path, args, message):
    args = [a if a.startswith("--") else tmp_path / a for a in args]
    result = invoke("report", run_dir, *args)
    assert result.exit_code == 2 and message in result.output
    assert list(tmp_path.iterdir()) == []


def test_report_command_rejects_a_folder_without_results(tmp_path):
    result = invoke("report", tmp_path, "--html", tmp_path / "r.html")
    assert result.exit_code == 2
    assert "RESULTS_DIR: a run folder (with run.json) or a comparison folder" in result.output
    assert not (tmp_path / "r.html").exists()


def test_run_writes_both_reports_without_keeping_results(tmp_path):
    book, html = tmp_path / "b.xlsx", tmp_path / "r.html"
    result = invoke(
        "run",
        BASELINE,
        "--years",
        1,
        "--replications",
        2,
        "--quiet",
        "--xlsx",
        book,
        "--html",
        html,
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx", "r.html"]
    assert openpyxl.load_workbook(book).sheetnames == SHEETS
    assert "Children looked after over time" in Page(html.read_text()).headings


def test_run_refuses_an_existing_report_before_simulating(tmp_path):
    html = tmp_path / "r.html"
    html.write_text("kept")
    result = invoke("run", BASELINE, "--years", 1, "--replications", 2, "--quiet", "--html", html)
    assert result.exit_code == 2 and "--force" in result.output
    assert html.read_text() == "kept" and "31 March" not in result.output


def test_html_shows_both_ways_of_counting_savings_and_the_effect_sweep(
    comparison_dir, comparison_reports
):
    _, page, text = comparison_reports
    assert "savings-table" not in page.tables, "Hillview changes no programme"
    assert "How much rests on the programme effect" not in text
    results = read_results(comparison_dir)
    savings = pd.read_csv(comparison_dir / "savings.csv")
    programme = dataclasses.replace(
        results.runs[1],
        meta={**results.runs[1].meta, "changes": [{"set": "programmes.mst.therapists"}]},
    )
    touched = dataclasses.replace(results, runs=(results.runs[0], programme))
    shown = Page(html_report.savings(touched)).body("savings-table")
    whole = savings[savings["financial_year"] == "all years"].iloc[0]
    years = savings[savings["financial_year"] != "all years"]
    assert whole["counterfactual_mean"] == pytest.approx(years["counterfactual_mean"].sum())
    assert shown[0][1] == money(whole["council_mean"])
    assert shown[0][2].split(" | ")[0] == money(whole["counterfactual_mean"])
    points = pd.DataFrame(
        {
            "scenario": ["a", "a", "a"],
            "effect_scale": [0.0, 0.5, 1.0],
            "net_saving_mean": [-2e5, 1e5, 4e5],
        }
    )
    ends = pd.DataFrame({"scenario": ["a"], "break_even_scale": [1 / 3], "note": ["stops"]})
    results = dataclasses.replace(
        read_results(comparison_dir), extras={"sweep": points, "break_even": ends}
    )
    table = Page(html_report.sweep(results)).body("sweep-table")
    assert table == [["a", "-£200k", "£100k", "£400k", "x0.33"]]


def test_backticked_commands_render_as_code_and_long_names_may_wrap():
    assert html_report.prose("run `sufficiency calibrate` <now>") == (
        "run <code>sufficiency calibrate</code> &lt;now&gt;"
    )
    assert "overflow-wrap: anywhere" in html_report.CSS
