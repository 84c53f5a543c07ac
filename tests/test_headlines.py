"""One headline statistic: the terminal, the CSV files, the workbook and the HTML report show the
same figures; every total in the workbook is the sum of its lines; no table holds a raw figure
token or a hashed seed file name."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.cost_lines import PLACEMENT_LINES
from sufficiency.formatting import count, millions, money, percent
from sufficiency.pathway import PLACEMENT_NAMES
from sufficiency.report.words import label

from .conftest import ROOT

LIBRARY = ROOT / "scenarios"
RAW = re.compile(r"\{[^{}]*@[^{}]*\}|\b\d{3}_[0-9a-f]{16}\.txt\b")
SMALL = ["--replications", "4", "--years", "3", "--seed", "2", "--quiet"]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """A run and a comparison, each with its terminal output, workbook and HTML report."""
    out = tmp_path_factory.mktemp("headlines")
    run = out / "run"
    cmp = out / "cmp"
    screens = {
        "run": invoke("run", str(LIBRARY / "baseline.yaml"), *SMALL, "--out", str(run)),
        "cmp": invoke(
            "compare",
            str(LIBRARY / "baseline.yaml"),
            str(LIBRARY / "hillview-home-6-beds.yaml"),
            *SMALL,
            "--out",
            str(cmp),
        ),
    }
    for folder in (run, cmp):
        invoke(
            "report",
            str(folder),
            "--xlsx",
            str(folder / "book.xlsx"),
            "--html",
            str(folder / "r.html"),
        )
    return {"run": (run, screens["run"]), "cmp": (cmp, screens["cmp"])}


def rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_every_workbook_total_is_the_sum_of_its_lines(folders):
    for folder, _ in folders.values():
        book = folder / "book.xlsx"
        summary = [r for r in rows(book, "Summary") if isinstance(r[1], str) and r[1][:2] == "20"]
        assert summary
        for r in summary:
            # CLA, placements, programmes, other, total: 5th pct, mean, 95th pct each, after 3 keys
            assert r[16] == pytest.approx(r[7] + r[10] + r[13], abs=1e-6)
        lines = [r for r in rows(book, "By placement type")[3:] if r[0]]
        totals = [r for r in lines if r[2] == "All placements"]
        assert totals
        for total in totals:
            parts = [r for r in lines if r[:2] == total[:2] and r[2] != "All placements"]
            assert len(parts) == len(PLACEMENT_LINES)
            assert total[3] == pytest.approx(sum(r[3] or 0 for r in parts), abs=1e-6)
            assert total[7] == pytest.approx(sum(r[7] for r in parts), abs=1e-6)
            placement_cost = [r[7] for r in summary if r[:2] == total[:2]]
            assert placement_cost == [pytest.approx(total[7], abs=1.0)]
        assert_cost_lines_add_up(book)
        header = rows(book, "Monthly")[1]
        types = len(PLACEMENT_NAMES)
        assert header[2 + 3 * types] == label("cla_total")
        for r in rows(book, "Monthly")[3:]:
            means = [r[2 + 3 * k] for k in range(types)]
            assert r[2 + 3 * types] == pytest.approx(sum(means), abs=1e-6)


def assert_cost_lines_add_up(book: Path) -> None:
    """Each subtotal on Cost lines is the sum of the lines the Trace names, the homes on Homes
    add up to the in-house home lines, and each month's total on Monthly costs is the sum of
    that month's lines (an investment line included)."""
    means = {(r[0], r[1], r[2]): r[5] for r in rows(book, "Cost lines")[2:] if r[0]}
    traced = [r for r in rows(book, "Trace")[2:] if r[0] and isinstance(r[3], str) and "+" in r[3]]
    assert {r[2] for r in traced} >= {"all_placements", "all_programmes", "total"}
    for r in traced:
        parts = [means[(r[0], r[1], line.strip())] for line in r[3].split("+")]
        assert means[(r[0], r[1], r[2])] == pytest.approx(sum(parts), abs=1e-3)
    homes = [r for r in rows(book, "Homes")[3:] if r[0]]
    for r in (r for r in homes if r[2] == "All in-house homes"):
        mine = [h for h in homes if h[:2] == r[:2] and h[2] != r[2]]
        assert r[5] == pytest.approx(sum(h[5] for h in mine), abs=1e-3)
        assert r[8] == pytest.approx(sum(h[8] for h in mine), abs=1e-3)
        assert r[5] == pytest.approx(means[(r[0], r[1], "home_inhouse_fixed")], abs=1e-3)
        assert r[8] == pytest.approx(means[(r[0], r[1], "home_inhouse")], abs=1e-3)
        assert r[11] == pytest.approx(r[5] + r[8], abs=1e-3)
    header = rows(book, "Monthly costs")[2]
    total = header.index("Mean")
    months = [r for r in rows(book, "Monthly costs")[3:] if r[0]]
    assert months
    for r in months:
        assert r[total] == pytest.approx(sum(r[3:total]), abs=1e-3)


def test_terminal_csv_workbook_and_html_show_the_same_headlines(folders):
    folder, screen = folders["run"]
    costs = pd.read_csv(folder / "costs.csv")
    total = costs[costs["item"] == "total"].set_index("financial_year")["mean"]
    cla = pd.read_csv(folder / "snapshots.csv")
    cla = cla[cla["state"] == "cla_total"].set_index("date")["mean"]
    html = (folder / "r.html").read_text()
    summary = {r[1]: r for r in rows(folder / "book.xlsx", "Summary") if r[0] == "baseline"}
    for year, value in total.items():
        assert millions(value) in screen
        assert millions(summary[year][16]) == millions(value)
        assert money(summary[year][16]) in html
    for value in cla:
        assert count(value) in screen and count(value) in html

    folder, screen = folders["cmp"]
    comparison = pd.read_csv(folder / "comparison.csv").set_index("measure")
    saving = float(
        comparison.loc["net_saving"].set_index("period").loc["all years", "difference_mean"]
    )
    payback = float(comparison.loc["payback_probability", "difference_mean"])
    over = [r for r in rows(folder / "book.xlsx", "Summary") if r[0] == "hillview-home-6-beds"]
    assert over[-1][7] == pytest.approx(saving) and over[-1][12] == pytest.approx(payback)
    html = (folder / "r.html").read_text()
    assert millions(saving) in screen and money(saving) in html
    assert percent(payback, ".0f") in screen and percent(payback, ".0f") in html


def test_no_table_holds_a_raw_token_or_a_hashed_file_name(folders):
    for folder, screen in folders.values():
        for sheet in openpyxl.load_workbook(folder / "book.xlsx"):
            for r in sheet.iter_rows(values_only=True):
                assert not [c for c in r if isinstance(c, str) and RAW.search(c)], r
        assert not RAW.findall((folder / "r.html").read_text())
        assert not RAW.findall(screen)
