"""The Python interface: runs and comparisons as tidy DataFrames, the same results as the
command line, the report writers on them, and the README's example."""

from __future__ import annotations

import importlib.util
import re

import openpyxl
import pandas as pd
import pytest

import sufficiency
from sufficiency.errors import InputError
from sufficiency.output import save, write_run
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"
HILLVIEW = ROOT / "scenarios" / "hillview-home-6-beds.yaml"
FRAMES = ("stocks", "snapshots", "flows", "activity", "costs", "placement_days", "capacity")


@pytest.fixture(scope="module")
def projection():
    return sufficiency.run(BASELINE, years=2, replications=3, seed=4)


def test_run_holds_the_frames_the_run_command_writes(projection, tmp_path):
    reference = tmp_path / "reference"
    result = run(load_scenario(BASELINE), years=2, replications=3, seed=4)
    save(reference, False, lambda folder: write_run(result, folder))
    for name in FRAMES:
        frame = getattr(projection, name)
        written = pd.read_csv(reference / f"{name}.csv")
        assert list(frame.columns) == list(written.columns), name
        numbers = written.select_dtypes("number").columns
        assert frame[numbers].to_numpy() == pytest.approx(written[numbers].to_numpy(), rel=1e-5)


def test_projection_writes_its_folder_and_reports_and_refuses_to_overwrite(projection, tmp_path):
    folder = projection.to_folder(tmp_path / "results")
    assert (folder / "run.json").is_file() and (folder / "costs.csv").is_file()
    book = projection.to_excel(tmp_path / "book.xlsx")
    assert openpyxl.load_workbook(book).sheetnames[0] == "Summary"
    page = projection.to_html(tmp_path / "report.html")
    assert "<h2" in page.read_text() and "Headline" in page.read_text()
    with pytest.raises(InputError, match="force=True"):
        projection.to_html(page)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "report.html", "results"]


def test_compare_holds_the_comparison_and_each_scenarios_frames(tmp_path):
    paired = sufficiency.compare(BASELINE, HILLVIEW, years=2, replications=2)
    assert list(paired.comparison.columns) == [
        "scenario",
        "measure",
        "period",
        "base_mean",
        "scenario_mean",
        "difference_mean",
        "difference_p05",
        "difference_p95",
    ]
    assert set(paired.comparison["scenario"]) == {"hillview-home-6-beds"}
    assert list(paired.projections) == ["baseline", "hillview-home-6-beds"]
    book = paired.to_excel(tmp_path / "compare.xlsx")
    names = [r[0] for r in openpyxl.load_workbook(book)["Summary"].iter_rows(values_only=True)]
    assert "hillview-home-6-beds minus baseline" in names
    folder = paired.to_folder(tmp_path / "comparison")
    assert (folder / "comparison.csv").is_file() and (folder / "baseline" / "run.json").is_file()


def test_no_module_is_named_like_a_function_the_package_exports():
    assert sufficiency.compare is sufficiency.api.compare
    assert sufficiency.run is sufficiency.api.run
    for name in sufficiency.__all__:
        assert importlib.util.find_spec(f"sufficiency.{name}") is None, name


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python interface", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    code = readme_example()
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert "p50" in capsys.readouterr().out
    assert (tmp_path / "baseline.xlsx").is_file() and (tmp_path / "hillview.html").is_file()
