"""The scenario list fits 80 columns when piped with no COLUMNS set (the case a CliRunner,
which sets no terminal, does not show)."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def piped(folder, *args: str) -> str:
    """What ``sufficiency ARGS`` prints to a pipe, with no COLUMNS set."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "sufficiency.cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_scenarios_list_piped_without_columns_fits_80(tmp_path):
    screen = piped(tmp_path, "scenarios", "--list")
    lines = screen.splitlines()
    assert len(lines) >= 5
    assert max(len(line) for line in lines) <= 80
    assert any(line.endswith("…") for line in lines)


def test_a_piped_run_fits_80_columns_in_bytes_too(tmp_path):
    """Rules in ASCII and notes wrapped: each line of a piped run is at most 80 bytes (so an
    awk that counts bytes agrees), the long note on where the spread comes from included."""
    screen = piped(tmp_path, "run", "baseline", "--replications", "4", "--years", "2", "--quiet")
    assert "Where the spread comes from" in screen
    assert max(len(line.encode()) for line in screen.splitlines()) <= 80
