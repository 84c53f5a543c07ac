"""A parameter set per effect preset (issue 11): compare --effect loads the set fitted under the
preset, and stops with the command that makes one when there is none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sufficiency.calibration.knobs import KNOBS
from sufficiency.cli import cli
from sufficiency.effects import care_share, with_effect
from sufficiency.errors import InputError
from sufficiency.parameters import load_parameters
from sufficiency.presets import fitted_for, preset_file
from sufficiency.scenario import load_scenario

from .conftest import BASELINE_SCENARIO

CALIBRATION = BASELINE_SCENARIO.parent.parent / "calibration"


def test_each_shipped_preset_set_records_its_preset_and_reproduces_the_start():
    service = load_parameters(CALIBRATION / "leicester.yaml")
    assert service.fit is not None and service.fit.effect == "service"
    for effect in ("trial", "none"):
        params = load_parameters(preset_file(CALIBRATION / "leicester.yaml", effect))
        assert params.fit is not None and params.fit.effect == effect
        again = with_effect(params, effect)  # the preset is already applied
        for prog, p in params.programmes.items():
            split = again.programmes[prog].outcome_split.value
            assert p.outcome_split.value == pytest.approx(split, rel=1e-8)
        assert params.population == service.population
        rate = params.entries[0].rate_per_month.value
        assert rate != service.entries[0].rate_per_month.value  # refitted under the preset


def test_a_scenario_loads_on_the_set_fitted_under_its_preset():
    trial = load_scenario(BASELINE_SCENARIO, effect="trial")
    assert trial.root == (CALIBRATION / "leicester.trial.yaml").resolve()
    assert trial.params.fit is not None and trial.params.fit.effect == "trial"


def copied(tmp_path: Path) -> Path:
    """The baseline scenario beside a copy of the service set only."""
    shutil.copy(CALIBRATION / "leicester.yaml", tmp_path / "mine.yaml")
    scenario = yaml.safe_load(BASELINE_SCENARIO.read_text())
    scenario["parameters"] = "mine.yaml"
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(scenario))
    return path


def test_compare_without_a_fit_for_the_preset_stops_naming_the_command(tmp_path):
    base = copied(tmp_path)
    result = CliRunner().invoke(
        cli, ["compare", str(base), "mst-full-staffing", "--effect", "none", "--replications", "2"]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "sufficiency calibrate --effect none --out" in result.output
    assert "mine.none.yaml" in result.output


def test_a_set_fitted_under_another_preset_is_refused(tmp_path):
    base = copied(tmp_path)
    shutil.copy(CALIBRATION / "leicester.yaml", tmp_path / "mine.trial.yaml")
    assert fitted_for(tmp_path / "mine.yaml", "trial") == tmp_path / "mine.trial.yaml"
    with pytest.raises(InputError, match="fitted under the 'trial' preset, got 'service'"):
        load_scenario(base, effect="trial")


def test_compare_shows_how_much_of_each_saving_rests_on_the_effect():
    args = ["compare", "baseline", "mst-full-staffing", "--replications", "4", "--years", "2"]
    result = CliRunner().invoke(
        cli, [*args, "--effect-dependence", "--quiet"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert "Rests on effect" in result.output and "Chance" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    refused = CliRunner().invoke(cli, [*args, "--effect", "none", "--effect-dependence"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output


@pytest.mark.parametrize("effect", ["trial", "none"])
def test_the_trial_and_none_sets_fit_the_therapies_assumed_deflators(effect):
    """Under trial and none the assumed deflators are fitted (one multiplier at most 1), and
    the preset's outcome split follows the fitted deflator; the service set leaves them."""
    service = load_parameters(CALIBRATION / "leicester.yaml")
    params = load_parameters(preset_file(CALIBRATION / "leicester.yaml", effect))
    assert params.fit is not None and service.fit is not None
    knobs = {k.name: k for k in params.fit.knobs}
    assert "deflator_multiplier" not in {k.name for k in service.fit.knobs}
    knob = knobs["deflator_multiplier"]
    assert 0 < knob.estimate <= KNOBS["deflator_multiplier"].high == 1.0
    assert set(knob.paths) == {
        "programmes.mst_bsf.targeting_deflator",
        "programmes.fft_cw.targeting_deflator",
    }
    for path in knob.paths:
        prog = path.split(".")[1]
        fitted = params.programmes[prog].targeting_deflator.value
        assumed = service.programmes[prog].targeting_deflator.value
        assert fitted == pytest.approx(assumed * knob.estimate, rel=1e-3)
        if effect == "none":
            assert care_share(params.programmes[prog]) == pytest.approx(fitted, rel=1e-9)
