"""The scenario list fits 80 columns when piped with no COLUMNS set (the case a CliRunner,
which sets no terminal, does not show)."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def test_scenarios_list_piped_without_columns_fits_80(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PYTHONPATH"] = str(ROOT)
    screen = subprocess.run(
        [sys.executable, "-m", "sufficiency.cli", "scenarios", "--list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = screen.splitlines()
    assert len(lines) >= 5
    assert max(len(line) for line in lines) <= 80
    assert any(line.endswith("…") for line in lines)
