"""Where the shipped data lives: the scenario library and the calibration folder (calibrated
parameter sets, the council's cited figures, the fit's priors).

In a source checkout they are the repository's top-level ``scenarios/`` and ``calibration/``
folders; an installed package carries the same folders as ``sufficiency/data/``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The shipped folder ``name`` (``calibration`` or ``scenarios``)."""
    installed = PACKAGE / "data" / name
    return installed if installed.is_dir() else PACKAGE.parent / name


def calibration_dir() -> Path:
    return shipped("calibration")


def scenarios_dir() -> Path:
    return shipped("scenarios")
