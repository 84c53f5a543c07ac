"""The installed package, whose engine ``setup.py`` compiles with mypyc, gives the same results
as this source, file for file (the tests import the source; users run what is installed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sufficiency.api import run

from .conftest import ROOT

PROBE = "import sufficiency, sufficiency.engine as e; print(e.engine_kind(), sufficiency.__file__)"


def outside(where: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run Python in ``where``, away from the source tree, so that it imports what is installed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, *argv], cwd=where, env=env, capture_output=True, text=True
    )


def installed(where: Path) -> tuple[str, Path] | None:
    """The installed package's engine kind and location."""
    done = outside(where, "-c", PROBE)
    if done.returncode != 0:
        return None
    kind, path = done.stdout.split()
    return kind, Path(path).parent


def run_installed(where: Path, scenario: Path, out: Path) -> None:
    argv = ["run", str(scenario), "--replications", "3", "--years", "2", "--seed", "5"]
    code = "import sys; from sufficiency.cli import main; main(sys.argv[1:])"
    done = outside(where, "-c", code, *argv, "--quiet", "--out", str(out))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", ["baseline", "hillview-home-6-beds"])
def test_installed_package_reproduces_the_source(tmp_path, name):
    found = installed(tmp_path)
    if found is None:
        pytest.skip("sufficiency is not installed")
    kind, location = found
    if location == ROOT / "sufficiency":
        pytest.skip("the installed package is this source (an editable install)")
    scenario = ROOT / "scenarios" / f"{name}.yaml"
    run_installed(tmp_path, scenario, tmp_path / "installed")
    run(scenario, replications=3, years=2, seed=5).to_folder(tmp_path / "source")
    assert json.loads((tmp_path / "installed" / "run.json").read_text())["engine"] == kind
    written = sorted(p.name for p in (tmp_path / "source").glob("*.csv"))
    assert written
    for file in written:
        source = (tmp_path / "source" / file).read_bytes()
        assert (tmp_path / "installed" / file).read_bytes() == source, file


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only CI promises a C compiler")
def test_ci_installs_the_compiled_engine(tmp_path):
    """CI has a C compiler, so ``pip install .`` there must compile the engine (a build that
    quietly falls back to Python source would leave every speed figure wrong)."""
    found = installed(tmp_path)
    assert found is not None
    assert found[0] == "compiled"
