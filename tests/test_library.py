"""The terminal and the library: 80-column tables, the shipped scenarios by name, checking a
scenario without running it and a template for a new one."""

from __future__ import annotations

import os
import tomllib

import yaml
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.parameters import load_parameters
from sufficiency.report.parameter_doc import PARAMETER_SET, markdown
from sufficiency.scenario import load_scenario
from sufficiency.shipped import calibration_dir, scenarios_dir
from sufficiency.timeline import live_paths

from .conftest import ROOT

SMALL = ["--replications", "3", "--years", "2", "--quiet"]


def invoke(*args: str, code: int = 0, cwd: str | None = None) -> str:
    runner = CliRunner(env={"COLUMNS": "80"})
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        result = runner.invoke(cli, list(args))
    finally:
        os.chdir(old)
    assert result.exit_code == code, result.output
    return result.output


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_comparison_tables_fit_80_columns_with_a_key(tmp_path):
    screen = invoke(
        "compare", "baseline", "hillview-home-6-beds", "mst-full-staffing", *SMALL, cwd=tmp_path
    )
    assert widest(screen) <= 80
    assert "…" not in screen
    key = [line for line in screen.splitlines() if line.startswith("Key: ")]
    assert key and "hillview-home-6-beds" in key[0] and "mst-full-staffing" in key[0]
    assert "Pays" in screen and "Breaks" in screen


def test_run_by_name_from_anywhere_fits_80_columns(tmp_path):
    screen = invoke("run", "baseline", *SMALL, cwd=tmp_path)
    assert widest(screen) <= 80 and "baseline: 3 replications" in screen


def test_scenarios_list_is_one_line_each(tmp_path):
    screen = invoke("scenarios", "--list", cwd=tmp_path)
    names = sorted(p.stem for p in scenarios_dir().glob("*.yaml"))
    lines = screen.splitlines()
    assert [line.split()[0] for line in lines] == names
    assert widest(screen) <= 80


def test_check_prints_the_resolved_changes_without_running(tmp_path):
    screen = invoke("check", "mst-full-staffing", cwd=tmp_path)
    assert "mst-full-staffing: valid; builds on baseline" in screen
    assert "programmes.mst.therapists" in screen and "2025-10-01" in screen
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "name": "bad",
                "description": "x",
                "base": str(scenarios_dir() / "baseline.yaml"),
                "changes": [
                    {
                        "date": "2026-01-01",
                        "set": "no.such.path",
                        "value": 1,
                        "source": "assumption: x",
                    }
                ],
            }
        )
    )
    message = invoke("check", str(bad), code=2)
    assert message.startswith("Error: ") and "Traceback" not in message


def test_new_scenario_writes_a_template_that_loads_and_never_overwrites(tmp_path):
    screen = invoke("new-scenario", "more-foster-carers", "--base", "baseline", cwd=tmp_path)
    path = tmp_path / "more-foster-carers.yaml"
    assert str(path.name) in screen
    text = path.read_text()
    assert text.startswith("# ")
    scenario = load_scenario(path)
    assert scenario.name == "more-foster-carers" and scenario.base.name == "baseline"
    again = invoke("new-scenario", "more-foster-carers", cwd=tmp_path, code=2)
    assert "not overwritten" in again and path.read_text() == text
    assert invoke("check", str(path), cwd=tmp_path).startswith("more-foster-carers: valid")


def test_the_parameters_doc_is_generated_from_the_model():
    params = load_parameters(calibration_dir() / PARAMETER_SET)
    expected = markdown(params)
    doc = (ROOT / "docs" / "parameters.md").read_text()
    assert doc == expected, (
        "docs/parameters.md is stale: python -m sufficiency.report.parameter_doc > "
        "docs/parameters.md"
    )
    for path in live_paths(params):
        assert f"| `{path}` |" in doc and doc.split(f"| `{path}` |")[1].split("\n")[0].endswith(
            "| yes |"
        )
    assert (
        "| `programmes.mst.therapists` | MST: therapists | FTE | >= 0 and < 10,000 | yes |" in doc
    )


def test_every_subpackage_is_installed():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "sufficiency").rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {found - listed}"
