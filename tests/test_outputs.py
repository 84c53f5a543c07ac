"""Outputs: a results folder carries a manifest; --force replaces only what this tool wrote;
unwritable locations are refused before simulating; report reads only sound folders."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency import cli as cli_module
from sufficiency import manifest
from sufficiency.api import Projection
from sufficiency.cli import cli
from sufficiency.output import save, write_run
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .conftest import BASELINE_PARAMETERS, BASELINE_SCENARIO

QUICK = ["--years", "1", "--replications", "2", "--quiet"]


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """A results folder as 'sufficiency run --out' writes it."""
    folder = tmp_path_factory.mktemp("written") / "results"
    result = run(load_scenario(BASELINE_SCENARIO), years=1, replications=2, seed=1)
    save(folder, False, lambda tmp: write_run(result, tmp))
    return folder


@pytest.fixture
def results(written, tmp_path) -> Path:
    """A fresh copy of the written results folder."""
    return Path(shutil.copytree(written, tmp_path / "results"))


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if the command gets as far as simulating."""

    def refuse(*args, **kwargs):
        raise AssertionError("simulated before refusing")

    monkeypatch.setattr(cli_module, "run_scenario", refuse)


# -- the manifest ------------------------------------------------------------------------------
def test_a_results_folder_lists_every_file_with_its_size_and_hash(written):
    data = json.loads((written / manifest.NAME).read_text())
    assert data["tool"] == "sufficiency" and data["version"]
    others = {p.name for p in written.iterdir()} - {manifest.NAME}
    assert set(data["files"]) == others and "costs.csv" in others
    costs = data["files"]["costs.csv"]
    assert costs["bytes"] == (written / "costs.csv").stat().st_size
    assert costs["sha256"] == manifest.digest(written / "costs.csv")


def test_the_python_interface_writes_the_manifest_too(tmp_path):
    projection = Projection.of(run(load_scenario(BASELINE_SCENARIO), years=1, replications=2))
    folder = projection.to_folder(tmp_path / "mine")
    assert "stocks.csv" in manifest.verify(folder)


# -- --force -----------------------------------------------------------------------------------
def test_force_refuses_a_folder_this_tool_did_not_write(tmp_path, no_simulation):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("notes")
    result = invoke("run", BASELINE_SCENARIO, *QUICK, "--out", precious, "--force")
    assert result.exit_code == 2
    assert "only a results folder that sufficiency wrote" in result.output
    assert (precious / "notes.txt").read_text() == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]


def test_force_replaces_a_results_folder_this_tool_wrote(results):
    before = manifest.read(results)
    result = invoke("run", BASELINE_SCENARIO, *QUICK, "--seed", "7", "--out", results, "--force")
    assert result.exit_code == 0, result.output
    assert manifest.verify(results) != before
    assert json.loads((results / "run.json").read_text())["seed"] == 7
    assert sorted(p.name for p in results.parent.iterdir()) == ["results"]


@pytest.mark.parametrize("damage", ["extra file", "extra folder", "changed file"])
def test_force_refuses_a_results_folder_holding_anything_else(results, damage, no_simulation):
    if damage == "extra file":
        (results / "notes.txt").write_text("mine")
    elif damage == "extra folder":
        (results / "drafts").mkdir()
    else:
        with (results / "costs.csv").open("a") as fh:
            fh.write("my own row\n")
    kept = sorted(p.name for p in results.iterdir())
    result = invoke("run", BASELINE_SCENARIO, *QUICK, "--out", results, "--force")
    assert result.exit_code == 2 and "nothing was replaced" in result.output
    assert sorted(p.name for p in results.iterdir()) == kept


def test_force_refuses_a_report_file_this_tool_did_not_write(tmp_path, no_simulation):
    page = tmp_path / "report.html"
    page.write_text("<html>my own page</html>")
    result = invoke("run", BASELINE_SCENARIO, *QUICK, "--html", page, "--force")
    assert result.exit_code == 2 and "only a file that sufficiency wrote" in result.output
    assert page.read_text() == "<html>my own page</html>"


def test_force_replaces_reports_this_tool_wrote(results, tmp_path):
    page, book = tmp_path / "report.html", tmp_path / "book.xlsx"
    assert invoke("report", results, "--html", page, "--xlsx", book).exit_code == 0
    again = invoke("report", results, "--html", page, "--xlsx", book, "--force")
    assert again.exit_code == 0, again.output


# -- where outputs go --------------------------------------------------------------------------
def unwritable(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "somefile").write_text("a file, not a folder")
    return {"proc": Path("/proc/x"), "under a file": tmp_path / "somefile" / "sub"}


@pytest.mark.parametrize("case", ["proc", "under a file"])
@pytest.mark.parametrize("option", ["--out", "--xlsx", "--html"])
def test_an_unwritable_output_is_refused_before_simulating(tmp_path, case, option, no_simulation):
    target = unwritable(tmp_path)[case]
    if option != "--out":
        target = target.with_suffix(".xlsx" if option == "--xlsx" else ".html")
    result = invoke("run", BASELINE_SCENARIO, *QUICK, option, target)
    assert result.exit_code == 2, result.output
    assert f"{option}:" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_parent_is_refused_before_simulating(tmp_path, no_simulation):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = invoke("run", BASELINE_SCENARIO, *QUICK, "--out", locked / "results")
    assert result.exit_code == 2 and "a location that can be written" in result.output


# -- calibrate's parameter files ----------------------------------------------------------------
def test_calibrate_needs_out_and_never_writes_over_a_file_without_force(tmp_path):
    assert invoke("calibrate").exit_code == 2
    shipped = tmp_path / "leicester.yaml"
    shutil.copy(BASELINE_PARAMETERS, shipped)
    result = invoke("calibrate", "--out", shipped)
    assert result.exit_code == 2 and "--force" in result.output
    mine = tmp_path / "mine.yaml"
    mine.write_text("my: parameters\n")
    result = invoke("calibrate", "--out", mine, "--force")
    assert result.exit_code == 2 and "only a file that sufficiency wrote" in result.output
    assert mine.read_text() == "my: parameters\n"
    assert shipped.read_bytes() == BASELINE_PARAMETERS.read_bytes()


# -- report reads only sound folders -----------------------------------------------------------
def drop_column(folder: Path) -> None:
    costs = pd.read_csv(folder / "costs.csv")
    costs.drop(columns="p50").to_csv(folder / "costs.csv", index=False)


def drop_rows(folder: Path) -> None:
    lines = (folder / "stocks.csv").read_text().splitlines(keepends=True)
    (folder / "stocks.csv").write_text("".join(lines[:10]))


def column_dropped_and_manifest_rewritten(folder: Path) -> None:
    drop_column(folder)
    (folder / manifest.NAME).unlink()
    manifest.write(folder)


def no_manifest(folder: Path) -> None:
    (folder / manifest.NAME).unlink()


@pytest.mark.parametrize(
    "damage, message",
    [
        (drop_column, "costs.csv has changed"),
        (drop_rows, "stocks.csv has changed"),
        (column_dropped_and_manifest_rewritten, "(missing: p50)"),
        (no_manifest, "no manifest.json"),
    ],
)
def test_report_refuses_a_damaged_results_folder(results, tmp_path, damage, message):
    damage(results)
    book = tmp_path / "book.xlsx"
    result = invoke("report", results, "--xlsx", book)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not book.exists()


def test_report_ignores_files_the_manifest_does_not_list(results, tmp_path):
    (results / "notes.txt").write_text("mine")
    (results / "comparison.csv").write_text("not,a,comparison\n")
    result = invoke("report", results, "--html", tmp_path / "r.html")
    assert result.exit_code == 0, result.output


def test_a_manifest_written_again_lists_the_files_not_the_old_manifest(tmp_path):
    (tmp_path / "stocks.csv").write_text("date,state\n")
    manifest.write(tmp_path)
    manifest.write(tmp_path)
    assert set(manifest.verify(tmp_path)) == {"stocks.csv"}
