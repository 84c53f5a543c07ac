"""SSDA903 returns: the tolerant reader, the validation rules and report, the mapping to the
model, and privacy (no identifier from an input ever reaches an output)."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sufficiency.cli import cli
from sufficiency.pathway import PLACEMENT_NAMES
from sufficiency.ssda903.codes import COLUMNS, IDENTIFYING
from sufficiency.ssda903.mapping import load_mapping, shipped
from sufficiency.ssda903.problems import RULES
from sufficiency.ssda903.validate import validate

from .ssda903_fuzz import corrupt_copy

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers"
CLEAN, MESSY = PEERS / "ssda903-synthetic", PEERS / "ssda903-validator-fake"


def peer(folder: Path) -> Path:
    if not folder.is_dir():
        pytest.skip(f"peer SSDA903 files not available at {folder}")
    return folder


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["ssda903", "validate", *map(str, args)])


def rules_in(result: Result) -> set[str]:
    return {rule for rule in RULES if re.search(rf"^│ {re.escape(rule)} ", result.output, re.M)}


# -- a small return written by the tests ---------------------------------------------------------
EPISODES = {  # collection year (ending) -> rows: CHILD, DECOM, RNE, PLACE, PROVIDER, DEC, REC
    2020: [
        ("A1", "2019-06-01", "S", "U4", "PR1", "", ""),
        ("C3", "2018-01-01", "S", "H5", "PR0", "", ""),
    ],
    2021: [
        ("A1", "2019-06-01", "S", "U4", "PR1", "2020-07-01", "X1"),
        ("A1", "2020-07-01", "P", "K2", "PR4", "", ""),
        ("B2", "2020-09-01", "S", "U1", "PR1", "2021-02-01", "E4A"),
        ("C3", "2018-01-01", "S", "H5", "PR0", "", ""),
    ],
}
BORN = {"A1": "2010-05-01", "B2": "2015-01-10", "C3": "2003-06-15"}


def british(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def tables(year: int, dated=british) -> dict[str, list[list[str]]]:
    """The episodes and header tables of a clean return, as rows (the first the header)."""
    episodes = [list(COLUMNS["episodes"])]
    for child, decom, rne, place, provider, dec, rec in EPISODES[year]:
        episodes.append(
            [
                child,
                dated(decom),
                rne,
                "C2",
                "N1",
                place,
                provider,
                dated(dec),
                rec,
                "",
                "AB1 2CD",
                "EF3 4GH",
                "123456",
            ]
        )
    children = sorted({row[0] for row in episodes[1:]})
    header = [list(COLUMNS["header"])] + [
        [child, "1", dated(BORN[child]), "WBRI", f"A{i:012d}", "", ""]
        for i, child in enumerate(children)
    ]
    return {"episodes": episodes, "header": header}


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def write_returns(folder: Path, name="{year}_{kind}.csv", **options) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for year in EPISODES:
        for kind, rows in tables(year, **options).items():
            write_csv(folder / name.format(year=year, kind=kind), rows)
    return folder


def edited(folder: Path, file: str, row: int, column: str, value: str) -> Path:
    """Change one cell (row counts the header as 1) of a CSV written by write_returns."""
    path = folder / file
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[row - 1][rows[0].index(column)] = value
    write_csv(path, rows)
    return folder


# -- the peer sets -------------------------------------------------------------------------------
def test_messy_peer_set_lists_problems_by_rule_and_exits_1():
    result = invoke(peer(MESSY))
    assert result.exit_code == 1, result.output
    assert {
        "overlap",
        "provider-place",
        "rec-without-dec",
        "x1-no-next",
        "dec-outside-year",
    } <= rules_in(result)
    assert "Collection years 2018: from the episodes' dates" in result.output


def test_clean_peer_set_has_only_the_dfe_errors_it_really_holds():
    """The synthetic set is clean of format and code problems, but by the DfE's rules it holds
    open episodes with a reason for leaving, overlapping episodes and a few DECs on 1 April."""
    report = validate(peer(CLEAN))
    assert [r.year for r in report.returns] == [2018, 2019, 2020, 2021, 2022]
    assert all("the year it starts" in r.basis for r in report.returns)
    errors = {line.rule for line in report.lines if line.level == "error"}
    assert errors == {
        "overlap",
        "open-not-last",
        "rec-without-dec",
        "not-s-new-period",
        "dec-outside-year",
    }
    assert report.status == 1


# -- a clean return, in every accepted layout ----------------------------------------------------
def test_a_clean_return_exits_0(tmp_path):
    result = invoke(write_returns(tmp_path))
    assert result.exit_code == 0, result.output
    assert "No error-level problems; 0 warnings" in result.output


def test_iso_dates_lower_case_columns_and_year_from_dates(tmp_path):
    folder = write_returns(tmp_path / "iso", name="{kind}_{year}.csv", dated=lambda d: d)
    for path in folder.glob("*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        rows[0] = [name.lower() for name in rows[0]]
        write_csv(path, rows)
    assert invoke(folder).exit_code == 0
    one = tmp_path / "one"
    one.mkdir()
    for kind, rows in tables(2021).items():
        write_csv(one / f"{kind}.csv", rows)
    report = validate(one)
    assert [(r.year, r.basis) for r in report.returns] == [(2021, "the episodes' dates")]
    assert report.status == 0


def test_years_named_by_the_year_the_collection_starts(tmp_path):
    folder = tmp_path / "starts"
    folder.mkdir()
    for year in EPISODES:
        for kind, rows in tables(year).items():
            write_csv(folder / f"{year - 1}-{kind}.csv", rows)
    report = validate(folder)
    assert [r.year for r in report.returns] == [2020, 2021]
    assert report.status == 0


def test_year_from_a_year_column(tmp_path):
    for kind, rows in tables(2021).items():
        year = ["YEAR"] + ["2020"] * (len(rows) - 1)
        write_csv(tmp_path / f"{kind}.csv", [[*row, y] for row, y in zip(rows, year, strict=True)])
    report = validate(tmp_path)
    assert [(r.year, r.basis) for r in report.returns] == [
        (2021, "the file name or YEAR column, which gives the year it starts")
    ]
    assert report.status == 0


def test_a_folder_per_year_and_problems_named_by_their_path(tmp_path):
    for year in EPISODES:
        (tmp_path / str(year)).mkdir()
        for kind, rows in tables(year).items():
            write_csv(tmp_path / str(year) / f"{kind}.csv", rows)
    report = validate(edited(tmp_path, "2021/episodes.csv", 4, "PLACE", "ZZ"))
    assert [r.year for r in report.returns] == [2020, 2021]
    assert [(line.rule, line.examples) for line in report.lines] == [
        ("code-PLACE", "2021/episodes.csv row 4")
    ]


def test_excel_returns(tmp_path):
    for year in EPISODES:
        for kind, rows in tables(year, dated=lambda d: d).items():
            book = openpyxl.Workbook()
            sheet = book.active
            for row in rows:
                sheet.append(row)
            book.save(tmp_path / f"{year}_{kind}.xlsx")
    assert invoke(tmp_path).exit_code == 0


def test_unreadable_files_exit_2_naming_the_file(tmp_path):
    folder = write_returns(tmp_path)
    (folder / "2021_uasc.xlsx").write_bytes(b"not a workbook")
    result = invoke(folder)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {folder / '2021_uasc.xlsx'}: file: ")
    assert "Traceback" not in result.output


# -- rules ---------------------------------------------------------------------------------------
FLAGGED_AT = {"over-18": "2021_episodes.csv row 5"}
"""Rules that flag the episode a header field makes wrong, not the header row."""


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "rule"),
    [
        ("2021_episodes.csv", 4, "DEC", "01/08/2020", "dec-before-decom"),
        ("2021_episodes.csv", 3, "DECOM", "01/06/2019", "duplicate-episode"),
        ("2021_episodes.csv", 3, "DECOM", "01/06/2020", "overlap"),
        ("2021_episodes.csv", 4, "CHILD", "Z9", "no-header"),
        ("2021_header.csv", 3, "DOB", "01/06/2021", "impossible-age"),
        ("2021_header.csv", 4, "DOB", "15/06/2002", "over-18"),
        ("2021_episodes.csv", 4, "PLACE", "K3", "code-PLACE"),
        ("2021_episodes.csv", 4, "REC", "E99", "code-REC"),
        ("2021_episodes.csv", 4, "LS", "", "blank-field"),
        ("2021_episodes.csv", 4, "DECOM", "31/02/2021", "bad-date"),
        ("2021_episodes.csv", 4, "RNE", "P", "not-s-new-period"),
        ("2021_episodes.csv", 3, "RNE", "S", "s-continuing"),
        ("2021_episodes.csv", 2, "DEC", "01/03/2020", "closed-earlier"),
        ("2021_episodes.csv", 5, "PLACE", "U2", "changed-later"),
        ("2021_episodes.csv", 1, "URN", "NOTES", "unknown-column"),
        ("2021_header.csv", 1, "SEX", "GENDER", "missing-column"),
    ],
)
def test_each_rule_finds_its_problem_at_its_row(tmp_path, file, row, column, value, rule):
    report = validate(edited(write_returns(tmp_path), file, row, column, value))
    line = next(line for line in report.lines if line.rule == rule)
    assert FLAGGED_AT.get(rule, f"{file} row {row}") in line.examples
    assert report.status == (1 if RULES[rule].level == "error" else 0)


def test_codes_are_checked_against_the_year_s_list(tmp_path):
    """K3 (supported accommodation) and SEX M, F, U are valid from the 2024-25 collection only,
    and SEX 1 and 2 no longer."""
    folder = edited(write_returns(tmp_path), "2021_episodes.csv", 4, "PLACE", "K3")
    edited(folder, "2021_header.csv", 3, "SEX", "M")
    assert {"code-PLACE", "code-SEX"} <= {line.rule for line in validate(folder).lines}
    for path in sorted(folder.glob("*.csv"), reverse=True):
        path.rename(folder / path.name.replace("2021", "2025").replace("2020", "2024"))
    lines = {line.rule: line for line in validate(folder).lines}
    assert "code-PLACE" not in lines
    assert lines["code-SEX"].examples == "2025_header.csv rows 2, 4"  # 1 and 2, not row 3's M


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    folder = write_returns(tmp_path)
    edited(folder, "2021_episodes.csv", 5, "PLACE", "ZZ")
    edited(folder, "2021_episodes.csv", 4, "DEC", "01/08/2019")
    edited(folder, "2021_header.csv", 3, "SEX", "7")
    rules = {line.rule for line in validate(folder).lines}
    assert {"code-PLACE", "dec-before-decom", "code-SEX"} <= rules


# -- output --------------------------------------------------------------------------------------
def test_table_fits_80_columns_and_out_writes_the_same_table(tmp_path):
    out = tmp_path / "problems.csv"
    result = invoke(peer(MESSY), "--out", out)
    assert result.exit_code == 1
    table = result.output.split("Problems written to")[0]
    assert max(len(line) for line in table.splitlines()) <= 80
    written = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["rule"] for row in written] == [line.rule for line in validate(MESSY).lines]
    assert rules_in(result) == {row["rule"] for row in written}
    again = invoke(MESSY, "--out", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert invoke(write_returns(tmp_path / "r"), "--out", out, "--force").exit_code == 0
    assert [row["rule"] for row in csv.DictReader(out.open(encoding="utf-8"))] == []
    foreign = tmp_path / "notes.csv"
    foreign.write_text("mine\n")
    assert invoke(MESSY, "--out", foreign, "--force").exit_code == 2
    assert foreign.read_text() == "mine\n"


# -- privacy -------------------------------------------------------------------------------------
def tagged_copy(source: Path, target: Path) -> Path:
    """A copy whose CHILD identifiers cannot be mistaken for row numbers or counts."""
    target.mkdir(parents=True)
    for path in source.glob("*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        at = rows[0].index("CHILD")
        write_csv(
            target / path.name,
            [rows[0]]
            + [[f"K{v}Q" if j == at else v for j, v in enumerate(row)] for row in rows[1:]],
        )
    return target


def identifiers(folder: Path) -> set[str]:
    found = set()
    for path in folder.glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="latin-1")):
            found |= {row[c] for c in IDENTIFYING if row.get(c)}
    return found


def test_no_identifier_reaches_any_output(tmp_path):
    folders = [
        tagged_copy(peer(CLEAN), tmp_path / "clean"),
        tagged_copy(peer(MESSY), tmp_path / "messy"),
    ]
    rng = random.Random(5)
    for i in range(2):
        folders.append(
            corrupt_copy(folders[i % 2], tmp_path / f"fuzzed{i}", rng) and tmp_path / f"fuzzed{i}"
        )
    for i, folder in enumerate(folders):
        out = tmp_path / f"problems{i}.csv"
        result = invoke(folder, "--out", out)
        written = out.read_text(encoding="utf-8") if out.exists() else ""
        text = result.output + result.stderr + written
        leaked = [value for value in identifiers(folder) if value in text]
        assert not leaked, f"{folder.name}: {len(leaked)} identifiers in the output"


# -- robustness ----------------------------------------------------------------------------------
def test_corrupted_copies_never_give_a_traceback(tmp_path):
    rng = random.Random(2026)
    names = [f"{y}-{kind}.csv" for y in (2020, 2021) for kind in ("episodes", "header", "uasc")]
    for copy in range(12):
        folder = tmp_path / f"copy{copy}"
        damage = corrupt_copy(peer(CLEAN), folder, rng, names)
        result = invoke(folder)
        assert result.exit_code in (0, 1, 2), (damage, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), damage
        if result.exit_code == 2:
            assert result.stderr.startswith("Error: "), damage


# -- mapping -------------------------------------------------------------------------------------
def test_shipped_mapping():
    m = shipped()
    assert {rule.type for rule in m.placements} <= set(PLACEMENT_NAMES)
    assert [
        m.placement(p, pr)
        for p, pr in (
            ("U2", "PR4"),
            ("U5", "PR1"),
            ("U6", "PR5"),
            ("K2", "PR1"),
            ("R1", "PR3"),
            ("S1", "PR4"),
            ("P2", "PR0"),
            ("P1", "PR0"),
            ("A4", "PR1"),
            ("T2", "PR0"),
        )
    ] == [
        "foster_kinship",
        "foster_inhouse",
        "foster_ifa",
        "home_inhouse",
        "home_external",
        "residential_specialist",
        "supported_accommodation",
        "placed_with_parents",
        "other_placement",
        "other_placement",
    ]
    assert [m.exit(c) for c in ("E4B", "E45", "E17", "E2", "X1", "")] == [
        "reunified",
        "permanence",
        "turned_18",
        "other",
        None,
        None,
    ]


def test_a_council_overrides_the_mapping(tmp_path):
    own = tmp_path / "mapping.yaml"
    own.write_text(
        "placements:\n  - {place: [U4, U5, U6], provider: [PR2], type: foster_ifa}\n"
        "exits:\n  permanence: [E15]\n"
    )
    m = load_mapping(own)
    assert (m.placement("U4", "PR2"), m.placement("U4", "PR1")) == ("foster_ifa", "foster_inhouse")
    assert (m.exit("E15"), m.exit("E4A")) == ("permanence", "reunified")


def test_looked_after_at_the_year_end_by_the_mapping(tmp_path):
    folder = write_returns(tmp_path / "r")
    census = validate(folder).census
    assert {name: n for name, n in census.items() if n} == {
        "home_external": 1,
        "supported_accommodation": 1,
    }
    own = tmp_path / "mapping.yaml"
    own.write_text("placements:\n  - {place: [K2], type: home_inhouse}\n")
    assert validate(folder, load_mapping(own)).census["home_inhouse"] == 1
    result = invoke(folder, "--mapping", own)
    assert re.search(r"home_inhouse +│ fewer than 5", result.output)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("placements:\n  - {place: [U4], type: foster}\n", "placements[0].type"),
        ("placements:\n  - {place: [Q9], type: foster_ifa}\n", "placements[0].place"),
        ("exits:\n  adopted: [E11]\n", "exits"),
        ("exits: [\n", "file"),
    ],
)
def test_a_bad_mapping_file_exits_2(tmp_path, text, field):
    own = tmp_path / "mapping.yaml"
    own.write_text(text)
    result = invoke(write_returns(tmp_path / "r"), "--mapping", own)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {own}: {field}: ")


def test_the_docs_list_every_rule():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "ssda903.md").read_text()
    assert all(f"| `{rule.id}` | {rule.level} | {rule.check} |" in docs for rule in RULES.values())
