"""Regions: authorities chosen by region or by a list, and shared capacity divided among them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.errors import InputError
from sufficiency.publicdata.baseline import build_baseline
from sufficiency.publicdata.tables import load
from sufficiency.regions import (
    allocate,
    choose,
    load_share,
    proportional,
    region_areas,
    with_share,
)

SHARE = """
name: cooperative
rule: proportional
source: "assumption: a regional home and foster pool for the test"
homes:
  - {name: Regional home, beds: 7, opens: 2025-11-01}
foster_households: 10
"""


@pytest.fixture(scope="module")
def data():
    return load()


def share_file(tmp_path: Path, text: str = SHARE) -> Path:
    path = tmp_path / "share.yaml"
    path.write_text(text)
    return path


def test_proportional_parts_are_whole_and_add_up():
    assert proportional(7, [100.0, 50.0, 50.0]) == [3, 2, 2]  # largest remainders
    assert proportional(1, [1.0, 1.0]) == [1, 0]  # a tie goes to the earlier
    assert sum(proportional(12, [3.0, 917.0, 41.0, 8.0])) == 12


def test_a_share_is_allocated_by_children_looked_after(tmp_path):
    share = load_share(share_file(tmp_path))
    parts = allocate(share, [600, 200, 200])
    assert [p.beds for p in parts] == [(4,), (2,), (1,)]
    assert [p.foster_households for p in parts] == [6, 2, 2]


def test_an_authoritys_part_is_added_to_its_own_capacity(tmp_path, data):
    share = load_share(share_file(tmp_path))
    params = build_baseline(data, data.find("Leicester"), dt.date.max).params
    part = allocate(share, [1])[0]
    shared = with_share(params, share, part)
    assert shared.foster_carers.households.value == params.foster_carers.households.value + 10
    added = [home for home in shared.homes if home not in params.homes]
    assert [(h.name, h.beds.value, h.opens) for h in added] == [
        ("Regional home (share)", 7, dt.date(2025, 11, 1))
    ]


@pytest.mark.parametrize(
    "text, field",
    [
        (SHARE.replace("proportional", "first come"), "rule"),
        (SHARE.replace("beds: 7", "beds: -1"), "homes[0]"),
        (SHARE.replace("source:", "origin:"), "source"),
        (SHARE.replace("foster_households: 10", "foster_households: many"), "foster_households"),
    ],
)
def test_a_bad_share_file_names_its_field(tmp_path, text, field):
    with pytest.raises(InputError) as err:
        load_share(share_file(tmp_path, text))
    assert err.value.field == field


def test_authorities_by_region_and_by_list(tmp_path, data):
    north_east = region_areas(data, "north EAST")
    assert north_east and {a.region for a in north_east} == {"North East"}
    listing = tmp_path / "areas.txt"
    listing.write_text("# two authorities\nLeicester\n\nE06000047  # County Durham\nLeicester\n")
    listed = choose(data, (), None, listing)
    assert [a.name for a in listed] == ["Leicester", "County Durham"]
    assert choose(data, (), None, None) == list(data.areas)
    with pytest.raises(InputError, match="DfE regions"):
        region_areas(data, "Atlantis")


def forecast(tmp_path: Path, name: str, *options: str) -> Path:
    out = tmp_path / name
    listing = tmp_path / "areas.txt"
    listing.write_text("Rutland\nDarlington\n")
    args = ["areas", "forecast", "--areas", str(listing), "--replications", "3", "--years", "1"]
    result = CliRunner().invoke(cli, [*args, "--seed", "2", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def test_a_share_of_nothing_changes_nothing_and_a_share_is_written(tmp_path):
    without = forecast(tmp_path, "without")
    nothing = share_file(tmp_path, SHARE.replace("beds: 7", "beds: 0").replace(": 10", ": 0"))
    with_nothing = forecast(tmp_path, "nothing", "--share", str(nothing))
    with_some = forecast(tmp_path, "some", "--share", str(share_file(tmp_path)))
    table = "area_forecasts.csv"
    assert (without / table).read_bytes() == (with_nothing / table).read_bytes()
    allocation = pd.read_csv(with_some / "shared_capacity.csv")
    assert allocation.groupby("unit")["allocated"].sum().to_dict() == {
        "beds": 7,
        "households": 10,
    }
    assert set(allocation.area) == {"Rutland", "Darlington"}
