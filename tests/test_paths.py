"""One spelling of a parameter's address, and the errors for a path that leads nowhere."""

from __future__ import annotations

import pytest

from sufficiency import paths
from sufficiency.errors import InputError
from sufficiency.parameters import provenance, revised
from sufficiency.scenario import sourced_node


@pytest.fixture()
def data(baseline_params) -> dict:
    return baseline_params.model_dump(mode="python")


def test_paths_name_list_items_and_enum_keys_as_written(data, baseline_params):
    assert (
        paths.get(data, "entries.direct.rate_per_month")
        == baseline_params.entries[0].rate_per_month.value
    )
    assert (
        paths.get(data, "programmes.mst.therapists")
        == baseline_params.programmes["mst"].therapists.value
    )
    home = baseline_params.homes[0]
    assert paths.get(data, f"homes.{home.name}.beds") == home.beds.value
    assert paths.find(data, f"homes.{home.name}.opens") == home.opens


def test_set_and_put_change_one_value(data, baseline_params):
    paths.set_value(data, "costs.weekly.foster_ifa", 1234.0)
    paths.put(data, "population.total", {"value": 10, "source": "assumption: test"})
    changed = revised(baseline_params, lambda d: d.update(data))
    assert changed.costs.weekly["foster_ifa"].value == 1234.0
    assert changed.population.total.value == 10
    assert changed.costs.weekly["foster_kinship"] == baseline_params.costs.weekly["foster_kinship"]


def test_sourced_items_walk_every_parameter_once_in_the_provenance_spelling(data, baseline_params):
    walked = [path for path, _ in paths.sourced_items(data)]
    assert walked == [row["parameter"] for row in provenance(baseline_params)]
    assert len(walked) == len(set(walked))
    assert "entries.uasc.rate_per_month" in walked
    assert all("[" not in path for path in walked)
    for path in walked:
        assert paths.sourced(data, path) is dict(paths.sourced_items(data))[path]


@pytest.mark.parametrize(
    "path, words",
    [
        (
            "entries.drect.rate_per_month",
            ["'drect' after 'entries'", "'direct'", "did you mean 'direct'"],
        ),
        ("programmes.MST.therapists", ["'mst'", "did you mean 'mst'", "mst_bsf"]),
        ("programmes.mst.therapist", ["did you mean 'therapists'"]),
        ("costs.weekly.foster_ifa.value", ["goes past a parameter at 'costs.weekly.foster_ifa'"]),
        ("costs.weekly", ["a path ending at a parameter's value", "foster_ifa"]),
    ],
)
def test_an_unknown_path_names_it_and_the_names_that_would_do(data, path, words):
    with pytest.raises(paths.PathError) as err:
        paths.sourced(data, path)
    message = str(err.value)
    assert path in message or path.split(".")[0] in message
    for word in words:
        assert word in message
    assert "Programme." not in message


def test_a_scenario_path_error_names_the_change(data):
    with pytest.raises(InputError) as err:
        sourced_node(data, "entries.direkt.rate_per_month", "s.yaml", "changes[2]")
    assert err.value.field == "changes[2].set"
    assert "did you mean 'direct'" in str(err.value)
