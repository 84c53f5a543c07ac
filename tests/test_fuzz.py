"""Random corruptions of valid input files (the corruptions of benchmarks/fuzz_inputs.py, drawn
by hypothesis): each is loaded or refused with a one-line message, never a traceback."""

from __future__ import annotations

import importlib.util
import shutil
import warnings

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency.cli import cli

from .conftest import ROOT

SPEC = importlib.util.spec_from_file_location("fuzz_inputs", ROOT / "benchmarks" / "fuzz_inputs.py")
fuzz = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(fuzz)

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return fuzz.Inputs(tmp_path_factory.mktemp("fuzz"))


def chooser(data: st.DataObject):
    return lambda n: data.draw(st.integers(0, n - 1))


def loaded_or_refused(target, data: st.DataObject) -> None:
    _, path, load = target
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result, detail = fuzz.outcome(path, fuzz.corrupt(path.read_bytes(), chooser(data)), load)
    assert result in ("valid", "refused"), detail


@settings(FUZZ, max_examples=200)
@given(data=st.data())
def test_a_corrupted_scenario_or_parameter_file_loads_or_is_refused(inputs, data):
    targets = [t for t in inputs.targets() if t[0] in ("scenario", "parameters")]
    loaded_or_refused(data.draw(st.sampled_from(targets)), data)


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_a_corrupted_sources_csv_loads_or_is_refused(inputs, data):
    targets = [t for t in inputs.targets() if t[0] == "sources"]
    loaded_or_refused(data.draw(st.sampled_from(targets)), data)


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_a_corrupted_results_csv_is_read_or_refused(inputs, data):
    targets = [t for t in inputs.targets() if t[0] in ("results", "manifest")]
    loaded_or_refused(data.draw(st.sampled_from(targets)), data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A scenario folder of its own: the baseline, one scenario on it, and the parameters."""
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(ROOT / "calibration", root / "calibration")
    (root / "scenarios").mkdir()
    for name in ("baseline", "add-2-fft-reunification-therapists"):
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", root / "scenarios")
    return root / "scenarios"


def exits_cleanly(args: list[str], path, data: bytes) -> None:
    """The command exits 0, or 2 with ``Error:`` lines; never a traceback."""
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        path.write_bytes(original)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert errors, result.output


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_the_scenarios_command_on_a_corrupted_file_exits_0_or_2(folder, data):
    name = data.draw(
        st.sampled_from(
            [
                "baseline.yaml",
                "add-2-fft-reunification-therapists.yaml",
                "../calibration/leicester.yaml",
            ]
        )
    )
    path = folder / name
    exits_cleanly(["scenarios", str(folder)], path, fuzz.corrupt(path.read_bytes(), chooser(data)))


@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_run_on_a_corrupted_scenario_exits_0_or_2_before_simulating(folder, data):
    path = folder / "add-2-fft-reunification-therapists.yaml"
    exits_cleanly(
        ["run", str(path), "--replications", "1", "--years", "1", "--quiet"],
        path,
        fuzz.corrupt(path.read_bytes(), chooser(data)),
    )
