"""Leicester's own ages from the DfE's tables (``calibration/dfe_ages.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from sufficiency.calibration import dfe_ages
from sufficiency.calibration.fit import starting_data
from sufficiency.calibration.sources import load_sources


def test_children_in_care_take_the_ages_of_the_latest_census_before_the_date():
    march_2022 = dfe_ages.in_care(dt.date(2022, 3, 31))
    assert march_2022 is not None and "year ending 31 March 2022" in march_2022["source"]
    # Leicester at 31 March 2022: 612 children, 117 aged 16 and over, 44 + 85 under 5
    assert march_2022["value"]["16-17"] == pytest.approx(117 / 612, abs=1e-4)
    assert march_2022["value"]["0-4"] == pytest.approx(129 / 612, abs=1e-4)
    later = dfe_ages.in_care(dt.date(2025, 3, 31))
    assert later is not None and "year ending 31 March 2024" in later["source"]
    assert sum(later["value"].values()) == pytest.approx(1.0, abs=1e-9)
    assert dfe_ages.in_care(dt.date(2019, 3, 30)) is None


def test_direct_entrants_are_the_starts_less_the_unaccompanied_children():
    data, _ = starting_data(load_sources())
    direct = next(stream for stream in data["entries"] if stream["name"] == "direct")
    shares = direct["age_band_shares"]["value"]
    # 2022-23 and 2023-24: 221 + 196 started, 36 + 26 unaccompanied (20% 10-15, 80% 16-17);
    # 2023-24's suppressed 1-4 and 5-9 cells share the 54 its total leaves
    under_5, five_to_9, ten_to_15, older = 58 + 29 + 40 + 27, 33 + 27, 47 + 48, 54 + 54
    ten_to_15, older = ten_to_15 - 0.2 * 62, older - 0.8 * 62
    total = under_5 + five_to_9 + ten_to_15 + older
    assert shares["0-4"] == pytest.approx(under_5 / total, abs=1e-4)
    assert shares["16-17"] == pytest.approx(older / total, abs=1e-4)
    assert "Leicester (E06000016)" in direct["age_band_shares"]["source"]
