"""The shipped fits' placement mix at the DfE's latest 31 March, against the DfE's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sufficiency.calibration.targets import DFE_MIX
from sufficiency.parameters import read_yaml

CALIBRATION = Path(__file__).resolve().parents[1] / "calibration"
FITS = ("leicester_fit.csv", "leicester.trial_fit.csv", "leicester.none_fit.csv")
POINTS = 0.03
"""Issue 13's limit: each share within 3 percentage points of the DfE's."""


@pytest.mark.parametrize("name", FITS)
def test_each_shipped_fit_keeps_the_placement_mix_at_march_2024_within_three_points(name):
    fit = pd.read_csv(CALIBRATION / name)
    for measure, _, _ in DFE_MIX:
        row = fit[(fit["measure"] == measure) & (fit["period"] == "2024-03-31")]
        assert len(row) == 1, measure
        gap = float(row["simulated_mean"].iloc[0] - row["observed"].iloc[0])
        assert abs(gap) < POINTS, f"{name}: {measure} {gap:+.3f}"


def test_other_placements_are_a_small_part_of_the_first_choices():
    """Leicester's census counted 0 to 5 children in other placements at 31 March 2021-2023:
    no first-choice row gives them more than 4% (the earlier weights gave 5-20%)."""
    priors = read_yaml(CALIBRATION / "priors.yaml")
    rows = priors["matching"]["preferences"]["value"]
    assert max(row["other_placement"] for band in rows.values() for row in band.values()) <= 0.04
    assert priors["population"]["placement_shares"]["value"]["other_placement"] <= 0.005
