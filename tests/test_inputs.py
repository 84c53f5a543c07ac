"""Bad input files and arguments: a message naming the file, the field and what was expected,
exit status 2, never a traceback; plausibility limits as docs/limits.md states them."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from click.testing import CliRunner

import sufficiency
from sufficiency.calibration.sources import load_sources
from sufficiency.cli import cli
from sufficiency.errors import InputError, suggest
from sufficiency.limits import table
from sufficiency.loading import read_yaml
from sufficiency.parameters import ParameterSet, build_parameters
from sufficiency.scenario import ScenarioFile, Unloaded, list_scenarios, load_scenario

from .conftest import BASELINE_PARAMETERS, BASELINE_SCENARIO, ROOT

SOURCE = "assumption: test"
QUICK = ("--replications", "1", "--years", "1")
THERAPISTS = "programmes.mst.therapists"


def scenario_text(*changes: str) -> str:
    """A scenario on the baseline with the given change lines (YAML flow mappings)."""
    lines = [f"name: test\nbase: {BASELINE_SCENARIO}\nchanges:\n"]
    lines += [f"  - {c}\n" for c in changes]
    return "".join(lines)


def a_change(date: str = "2025-10-01", **how) -> str:
    rest = ", ".join(f"{k}: {v}" for k, v in how.items())
    return f"{{date: {date}, {rest}, source: '{SOURCE}'}}"


def run_cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output and not isinstance(result.exception, KeyError)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def refused(path: Path) -> str:
    """The one-line error ``sufficiency run`` gives for ``path``, before simulating."""
    code, output = run_cli("run", path, *QUICK)
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: "), output
    return lines[0].removeprefix(f"Error: {path}: ")


# -- the cases -------------------------------------------------------------------------
def test_an_impossible_date_names_the_field_and_the_format(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change("2026-13-01", set=THERAPISTS, value=3)))
    assert refused(path) == "changes[0].date: a date as YYYY-MM-DD, got '2026-13-01'"


@pytest.mark.parametrize("text", ["2026-1-01", "'01/04/2026'", "20260101", "true"])
def test_a_date_in_another_form_is_refused_with_the_format(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change(text, set=THERAPISTS, value=3)))
    assert refused(path).startswith("changes[0].date: a date as YYYY-MM-DD, got ")


def test_a_date_out_of_the_model_years_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change("9999-12-31", set=THERAPISTS, value=3)))
    assert refused(path).startswith("changes[0].date: a date from 1950-01-01 to 2150-12-31")


def test_a_latin1_pound_sign_is_refused_as_not_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    text = scenario_text(a_change(set=THERAPISTS, value=3)).replace("test", "costs \u00a3")
    path.write_bytes(text.encode("latin-1"))
    message = refused(path)
    assert message.startswith("line 1: UTF-8 text, but byte 12 (0xa3) is not UTF-8")


def test_binary_garbage_is_refused_as_not_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    assert "is not UTF-8" in refused(path)


def test_a_control_character_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: test\ndescription: a\x07b\n")
    assert refused(path) == "line 2: text YAML allows, but it holds the control character 0x07"


def test_a_duplicate_key_is_refused_not_dropped(tmp_path):
    path = tmp_path / "bad.yaml"
    first = scenario_text(a_change(set=THERAPISTS, value=3))
    path.write_text(first + "changes:\n  - " + a_change(set=THERAPISTS, value=4) + "\n")
    assert refused(path) == (
        "line 5: valid YAML: each key once, but 'changes' is given again (first on line 3)"
    )


def test_a_duplicate_key_deep_in_a_parameter_file_is_refused(tmp_path):
    path = tmp_path / "params.yaml"
    text = BASELINE_PARAMETERS.read_text()
    path.write_text(text.replace("  total:\n", "  total:\n    value: 1\n", 1))
    with pytest.raises(InputError) as err:
        read_yaml(path)
    line = text[: text.index("  total:\n")].count("\n") + 3  # the original value line
    assert err.value.field == f"line {line}" and "'value' is given again" in err.value.expected


def test_a_yaml_syntax_error_gives_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: test\nchanges: [1, 2\nbase: x\n")
    assert refused(path).startswith("line 3: valid YAML: ")


def test_a_billion_therapists_are_refused_with_the_limit(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change(set=THERAPISTS, value=1000000000)))
    assert refused(path) == (
        "changes[0].value: a number < 10,000 (a plausibility limit: "
        f"docs/limits.md), got 1000000000 (for {THERAPISTS})"
    )


def test_an_add_is_held_to_the_same_limits(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change("2026-01-01", set=THERAPISTS, add=1000000000)))
    assert refused(path).startswith("changes[0].add: a number < 10,000")


def test_a_weekly_cost_of_a_million_pounds_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change(set="costs.weekly.home_external", value=1000000)))
    assert "a number < 100,000" in refused(path)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("'5'", "a number, got '5'"),
        ("true", "a number, got True"),
        (".nan", "a finite number"),
        (".inf", "a finite number"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(tmp_path, value, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change(set=THERAPISTS, value=value)))
    assert expected in refused(path)


@pytest.mark.parametrize("add", [".nan", ".inf", "'2'"])
def test_an_add_must_be_a_finite_number(tmp_path, add):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change("2026-01-01", set=THERAPISTS, add=add)))
    assert refused(path).startswith("changes[0].add: a ")


def test_a_near_miss_of_a_key_suggests_the_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change(set=THERAPISTS, value=3)).replace("changes", "chnages"))
    assert refused(path).startswith("chnages: a key from name, description, ")
    assert refused(path).endswith("not 'chnages'; did you mean 'changes'?")


def test_a_near_miss_inside_a_change_uses_the_bracket_path(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(scenario_text(a_change(sett=THERAPISTS, value=3)))
    message = refused(path)
    assert message.startswith("changes[0].sett: ") and "did you mean 'set'?" in message


def test_a_programme_key_error_lists_the_keys_as_written(tmp_path, baseline_params):
    data = baseline_params.model_dump(mode="python")
    data["programmes"]["mstt"] = data["programmes"].pop("mst")
    with pytest.raises(InputError) as err:
        build_parameters(data, "p.yaml")
    assert err.value.field == "programmes.mstt"
    assert err.value.expected.startswith("one of mst, mst_bsf, fft_cw, fdm, got 'mstt'")
    assert "did you mean 'mst'?" in err.value.expected and "Programme." not in str(err.value)


def test_an_unknown_choice_suggests_the_choice(baseline_params):
    data = baseline_params.model_dump(mode="python")
    data["foster_carers"]["recruitment_per_year"]["uncertainty"]["distribution"] = "gama"
    with pytest.raises(InputError) as err:
        build_parameters(data, "p.yaml")
    assert err.value.field == "foster_carers.recruitment_per_year.uncertainty.distribution"
    assert err.value.expected == "one of normal, gamma, beta, got 'gama'; did you mean 'gamma'?"


def test_the_scenarios_command_lists_every_file_and_marks_the_bad_ones(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("baseline", "mst-full-staffing", "hillview-home-6-beds"):
        text = (ROOT / "scenarios" / f"{name}.yaml").read_text()
        (folder / f"{name}.yaml").write_text(
            text.replace("../calibration", str(ROOT / "calibration"))
        )
    (folder / "a-bad-date.yaml").write_text(
        "name: a-bad-date\nbase: baseline.yaml\nchanges:\n  - "
        + a_change("2026-13-01", set=THERAPISTS, value=3)
    )
    (folder / "b-latin1.yaml").write_bytes("name: b\ndescription: \u00a3\n".encode("latin-1"))
    listing = list_scenarios(folder)
    assert [s.name for s in listing] == [
        "a-bad-date",
        "b-latin1",
        "baseline",
        "hillview-home-6-beds",
        "mst-full-staffing",
    ]
    assert [isinstance(s, Unloaded) for s in listing] == [True, True, False, False, False]
    result = CliRunner().invoke(cli, ["scenarios", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    for name in ("baseline", "hillview-home-6-beds", "mst-full-staffing", "a-bad-date.yaml"):
        assert name in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert errors == [
        (
            f"Error: {folder / 'a-bad-date.yaml'}: changes[0].date: a date as YYYY-MM-DD, "
            "got '2026-13-01'"
        ),
        (
            f"Error: {folder / 'b-latin1.yaml'}: line 2: UTF-8 text, but byte 21 (0xa3) is not "
            "UTF-8: save the file as UTF-8"
        ),
    ]


def test_a_sources_csv_in_latin1_is_refused_with_its_line(tmp_path):
    header = "measure,period,value,unit,source_file,location,note\n"
    row = "weekly_cost,2023-24,3,\u00a3,f.txt,l,\n"
    (tmp_path / "a.csv").write_bytes((header + row).encode("latin-1"))
    with pytest.raises(InputError) as err:
        load_sources(tmp_path)
    assert err.value.field == "line 2" and "(0xa3) is not UTF-8" in err.value.expected


def test_a_sources_period_outside_the_model_years_is_refused(tmp_path):
    header = "measure,period,value,unit,source_file,location,note\n"
    (tmp_path / "a.csv").write_text(header + "x_count,0001-03-31,3,count,f.txt,l,\n")
    with pytest.raises(InputError) as err:
        load_sources(tmp_path)
    assert err.value.field == "row 2, column 'period'" and "from 1950-01-01" in err.value.expected


# -- limits ------------------------------------------------------------------------------------
def test_an_england_sized_parameter_set_is_within_the_limits(baseline_params):
    data = copy.deepcopy(baseline_params.model_dump(mode="python"))
    data["population"]["total"]["value"] = 82_000
    data["child_population"]["value"] = 12_000_000
    data["foster_carers"]["households"]["value"] = 22_000
    data["foster_carers"]["recruitment_per_year"]["value"] = 5_000
    data["homes"][0]["beds"]["value"] = 4_000
    for programme in data["programmes"].values():
        programme["therapists"]["value"] = 3_000
        programme["referrals_per_month"]["value"] = 20_000
    for entry in data["entries"]:
        entry["rate_per_month"]["value"] = 3_000
    data["history"]["cla_at_31_march"] = {
        day: {**figure, "value": 83_630.0}
        for day, figure in data["history"]["cla_at_31_march"].items()
    }
    assert build_parameters(data, "england.yaml").population.total.value == 82_000


def test_docs_limits_holds_the_models_limits():
    doc = (ROOT / "docs" / "limits.md").read_text()
    tables = [table(ParameterSet), table(ScenarioFile)]
    for expected in tables:
        assert expected in doc, f"docs/limits.md is out of date; its tables should be:\n{expected}"
    rows = [line for line in doc.splitlines() if line.startswith("|")]
    assert len(rows) == sum(t.count("\n") for t in tables)


def test_the_limits_cover_every_count_rate_and_cost():
    fields = {row.split("`")[1] for row in table(ParameterSet).splitlines()[2:]}
    for wanted in (
        "population.total",
        "child_population",
        "costs.weekly.*",
        "programmes.*.therapists",
        "programmes.*.cost_per_therapist_per_year",
        "foster_carers.households",
        "homes[].beds",
        "entries[].rate_per_month",
        "reunification.therapists",
        "history.cla_at_31_march.*",
    ):
        assert wanted in fields
    rows = [row for row in table(ParameterSet).splitlines()[2:] if "age_range" not in row]
    assert all(not row.endswith("| - |") for row in rows)


# -- the Python interface ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "argument,value,message",
    [
        ("years", 0, "years=0: a whole number from 1 to 30"),
        ("years", 31, "years=31: a whole number from 1 to 30"),
        ("replications", 0, "replications=0: a whole number from 1 to 100,000"),
        ("replications", 2.5, "replications=2.5: a whole number"),
        ("seed", -1, "seed=-1: a whole number 0 or more"),
        ("seed", True, "seed=True: a whole number"),
        ("jobs", 0, "jobs=0: a whole number from 1 to 256"),
        ("jobs", 257, "jobs=257: a whole number from 1 to 256"),
    ],
)
def test_the_python_interface_checks_its_arguments_as_the_cli_does(argument, value, message):
    with pytest.raises(ValueError) as err:
        sufficiency.run(BASELINE_SCENARIO, **{argument: value})
    assert str(err.value).startswith(message) and "--" not in str(err.value)
    if sufficiency.api.compare_scenarios is not None:
        with pytest.raises(ValueError, match=message.split(":")[0]):
            sufficiency.compare(BASELINE_SCENARIO, BASELINE_SCENARIO, **{argument: value})


def test_the_python_compare_names_its_effect_argument():
    with pytest.raises(ValueError, match=r"^effect='trail': one of service, trial, none$"):
        sufficiency.compare(BASELINE_SCENARIO, BASELINE_SCENARIO, effect="trail")


def test_rerunning_the_readme_example_names_the_python_argument(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    projection = sufficiency.run(BASELINE_SCENARIO, years=1, replications=1)
    projection.to_excel("baseline.xlsx")
    with pytest.raises(InputError) as err:
        projection.to_excel("baseline.xlsx")
    assert "force=True" in str(err.value) and "--" not in str(err.value)
    assert err.value.field == "path"
    projection.to_folder("results")
    with pytest.raises(InputError, match="force=True"):
        projection.to_folder("results")
    assert projection.to_excel("baseline.xlsx", force=True).is_file()


def test_suggest_finds_a_near_miss_and_nothing_for_a_far_one():
    assert suggest("chnages", ["name", "changes"]) == "; did you mean 'changes'?"
    assert suggest("zzz", ["name", "changes"]) == ""


def test_a_shipped_scenario_still_loads_with_its_dates():
    scenario = load_scenario(ROOT / "scenarios" / "hillview-home-6-beds.yaml")
    assert str(scenario.changes[0].date) == "2025-11-01"


def refusal(baseline_params, edit) -> InputError:
    data = copy.deepcopy(baseline_params.model_dump(mode="python"))
    edit(data)
    with pytest.raises(InputError) as err:
        build_parameters(data, "p.yaml")
    return err.value


def test_a_mistyped_placement_type_suggests_the_type(baseline_params):
    err = refusal(
        baseline_params,
        lambda d: d["costs"]["weekly"].__setitem__(
            "foster_inhose", d["costs"]["weekly"].pop("foster_inhouse")
        ),
    )
    assert err.field == "costs.weekly"
    assert err.expected.startswith("placement types from foster_inhouse, foster_kinship, ")
    assert err.expected.endswith("'foster_inhose' is not one; did you mean 'foster_inhouse'?")


def test_a_missing_age_band_is_named_as_written(baseline_params):
    err = refusal(baseline_params, lambda d: d["exits"]["mean_months_by_band"]["value"].pop("0-4"))
    assert err.field == "exits.mean_months_by_band.value"
    assert err.expected == "every one of the age bands 0-4, 5-9, 10-15, 16-17; missing 0-4"


def test_a_missing_programme_is_named_as_written(baseline_params):
    err = refusal(baseline_params, lambda d: d["programmes"].pop("fdm"))
    assert err.expected == "every one of the programmes mst, mst_bsf, fft_cw, fdm; missing fdm"


def test_a_typo_in_a_key_is_reported_before_the_missing_key(baseline_params):
    err = refusal(
        baseline_params,
        lambda d: d["population"].__setitem__("total", {"value": 5, "sorce": SOURCE}),
    )
    assert err.field == "population.total.sorce"
    assert "did you mean 'source'?" in err.expected


def test_a_number_where_a_sourced_value_belongs_names_the_keys(baseline_params):
    err = refusal(baseline_params, lambda d: d.__setitem__("child_population", 5))
    assert (err.field, err.expected) == (
        "child_population",
        "a mapping of value, source, uncertainty, got 5",
    )
