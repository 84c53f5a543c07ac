"""The run command: outputs, overwrite protection, bad input, and the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.errors import InputError
from sufficiency.output import save

from .conftest import BASELINE_PARAMETERS, BASELINE_SCENARIO

RUN = ["--years", "2", "--replications", "3", "--seed", "2", "--quiet"]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def has_columns(frame: pd.DataFrame, required: list[str]) -> bool:
    """The required columns are present, in this order (further columns may stand between)."""
    columns = list(frame.columns)
    return all(c in columns for c in required) and [c for c in columns if c in required] == required


def test_run_prints_a_projection_and_writes_every_file(tmp_path):
    out = tmp_path / "results"
    result = invoke("run", str(BASELINE_SCENARIO), *RUN, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2026-03-31" in result.output and "2025-26" in result.output
    for name in ("stocks", "snapshots", "flows", "costs", "activity", "placement_days", "capacity"):
        assert (out / f"{name}.csv").is_file(), name
    stocks = pd.read_csv(out / "stocks.csv")
    assert has_columns(stocks, ["date", "state", "mean", "p05", "p50", "p95"])
    assert "cla_total" in set(stocks["state"])
    first = stocks[(stocks.state == "cla_total")].iloc[0]
    assert first["date"] == "2025-03-31" and first["p50"] == 597
    flows = pd.read_csv(out / "flows.csv")
    assert has_columns(flows, ["financial_year", "measure", "route", "mean", "p05", "p50", "p95"])
    assert {
        "entries",
        "exits",
        "programme_starts",
        "programme_completions",
        "turned_away",
        "waiting_at_year_end",
        "three_or_more_placements",
    } == set(flows["measure"])
    assert {"direct", "all"} <= set(flows[flows.measure == "entries"]["route"])
    costs = pd.read_csv(out / "costs.csv")
    assert has_columns(costs, ["financial_year", "item", "mean", "p05", "p50", "p95"])
    assert set(costs["financial_year"]) == {"2025-26", "2026-27"}
    total = costs[costs.item == "total"].set_index("financial_year")["mean"]
    items = costs[(costs.item != "total") & ~costs.item.str.startswith("all_")]
    parts = items.groupby("financial_year")["mean"].sum()
    assert total.to_dict() == pytest.approx(parts.to_dict())
    snapshots = pd.read_csv(out / "snapshots.csv")
    assert set(snapshots["date"]) == {"2025-03-31", "2026-03-31", "2027-03-31"}
    assert "rate_per_10000_mean" in snapshots.columns
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 2 and meta["replications"] == 3 and meta["scenario"] == "baseline"
    sources = {row["parameter"]: row["source"] for row in meta["provenance"]}
    assert "£5414" in sources["costs.weekly.home_external"]


def test_event_log_is_written_only_when_asked_and_changes_nothing_else(tmp_path):
    plain, logged = tmp_path / "plain", tmp_path / "logged"
    assert invoke("run", str(BASELINE_SCENARIO), *RUN, "--out", str(plain)).exit_code == 0
    result = invoke(
        "run", str(BASELINE_SCENARIO), *RUN, "--jobs", "2", "--event-log", "2", "--out", str(logged)
    )
    assert result.exit_code == 0, result.output
    assert not (plain / "events.csv").exists()
    for name in ("stocks", "flows", "costs"):
        assert (plain / f"{name}.csv").read_text() == (logged / f"{name}.csv").read_text()
    events = pd.read_csv(logged / "events.csv")
    assert has_columns(events, ["replication", "day", "date", "child", "from_state", "to_state"])
    assert set(events["replication"]) == {0, 1}
    first = events[events.replication == 0]
    assert (first["from_state"] == "none").sum() == first["child"].nunique()
    assert json.loads((logged / "run.json").read_text())["event_log_replications"] == 2


def test_event_log_without_a_results_folder_is_a_usage_error():
    result = invoke("run", str(BASELINE_SCENARIO), *RUN, "--event-log", "1")
    assert result.exit_code == 2 and "--out" in result.output


def test_an_existing_results_folder_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "keep.txt").write_text("earlier work")
    result = invoke("run", str(BASELINE_SCENARIO), *RUN, "--out", str(out))
    assert result.exit_code == 2
    assert "--force" in result.output
    assert (out / "keep.txt").read_text() == "earlier work"
    forced = invoke("run", str(BASELINE_SCENARIO), *RUN, "--out", str(out), "--force")
    assert forced.exit_code == 2 and "no manifest.json" in forced.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    out = tmp_path / "results"

    def writer(folder: Path) -> None:
        (folder / "stocks.csv").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        save(out, False, writer)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def scenario_with(
    tmp_path: Path, parameters: dict | None = None, scenario: dict | None = None, name: str = "bad"
) -> Path:
    """A scenario file (and its parameter file) with the given edits."""
    params = yaml.safe_load(BASELINE_PARAMETERS.read_text())
    if parameters:
        parameters(params) if callable(parameters) else params.update(parameters)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    spec = {"name": name, "parameters": "params.yaml"}
    spec.update(scenario or {})
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, default_flow_style=False))
    return path


def set_in(*path, value):
    def edit(data: dict) -> None:
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return edit


BAD_INPUTS = {
    "unknown key": (dict(parameters={"colour": "blue"}), "colour", "a key from name, "),
    "wrong type": (
        dict(parameters=set_in("programmes", "mst", "caseload", "value", value="five")),
        "programmes.mst.caseload.value",
        "number",
    ),
    "negative capacity": (
        dict(parameters=set_in("programmes", "fft_cw", "therapists", "value", value=-2)),
        "programmes.fft_cw.therapists",
        "a number >= 0, got -2",
    ),
    "shares not summing to 1": (
        dict(parameters=set_in("population", "placement_shares", "value", "foster_ifa", value=0.5)),
        "population.placement_shares.value",
        "sum to 1",
    ),
    "source missing": (
        dict(parameters=set_in("costs", "weekly", "foster_ifa", "source", value="a guess")),
        "costs.weekly.foster_ifa.source",
        "assumption:",
    ),
    "date outside the horizon": (
        dict(
            scenario={
                "changes": [
                    {
                        "date": "2040-01-01",
                        "set": "programmes.mst.therapists",
                        "value": 6,
                        "source": "assumption: test",
                    }
                ]
            }
        ),
        "changes[0].date",
        "end of the run",
    ),
    "unknown parameter in a change": (
        dict(
            scenario={
                "changes": [
                    {
                        "date": "2026-01-01",
                        "set": "programmes.mst.therapist",
                        "value": 6,
                        "source": "assumption: test",
                    }
                ]
            }
        ),
        "changes[0].set",
        "therapist",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_stops_with_file_field_and_expectation(tmp_path, case):
    edits, field, expected = BAD_INPUTS[case]
    path = scenario_with(tmp_path, **edits)
    out = tmp_path / "out"
    result = invoke("run", str(path), *RUN, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert field in result.output and expected in result.output, result.output
    assert ".yaml" in result.output
    assert not out.exists()


def test_a_missing_scenario_file_is_a_clear_error(tmp_path):
    result = invoke("run", str(tmp_path / "nowhere.yaml"), *RUN)
    assert result.exit_code == 2
    assert "nowhere.yaml" in result.output and "existing YAML file" in result.output


def test_bad_yaml_syntax_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nparameters: [unclosed\n")
    result = invoke("run", str(path), *RUN)
    assert result.exit_code == 2 and "line" in result.output and "broken.yaml" in result.output


def test_input_error_carries_its_parts():
    err = InputError("f.yaml", "a.b", "a number")
    assert (err.file, err.field, err.expected) == ("f.yaml", "a.b", "a number")


@pytest.mark.skipif(shutil.which("sufficiency") is None, reason="package not installed")
def test_the_installed_command_runs(tmp_path):
    out = tmp_path / "installed"
    done = subprocess.run(
        ["sufficiency", "run", str(BASELINE_SCENARIO), *RUN, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "costs.csv").is_file() and "597" in done.stdout
    bad = subprocess.run(
        ["sufficiency", "run", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
