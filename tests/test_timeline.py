"""The timeline contract: every parameter a scenario may change during a run takes effect
from its date (and not before), through the engine or, for unit costs, through the measures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml

from sufficiency import paths
from sufficiency.calendar import Calendar
from sufficiency.engine.model import simulate
from sufficiency.measures import StateSteps, costs_array, inflation_factors, transitions
from sufficiency.parameters import load_parameters
from sufficiency.pathway import PLACEMENT_NAMES, STATES, State
from sufficiency.runner import parameter_rng, replication_seed, run
from sufficiency.scenario import load_scenario
from sufficiency.timeline import Change, live_fields, live_paths, views
from sufficiency.uncertainty import draw_index, draw_parameters

from .conftest import BASELINE_PARAMETERS, BASELINE_SCENARIO, edited

YEARS = 2
DAY = 120.0
FRACTIONS = (
    "targeting_deflator",
    "reentry_within_18_months",
    "success_share",
    "breakdown_within_18_months",
    "step_down_rate_per_month",
    "supported_at_16",
    "attrition_per_year",
    "offered_fdm_per_month",
)


@pytest.fixture(scope="module")
def busy_params(baseline_params):
    """The baseline with every service staffed, referred to and queueing, so every live
    parameter has something to act on."""
    edits = {
        "reunification.therapists": 2.0,
        "reunification.caseload": 3.0,
        "reunification.min_days_in_care": 30.0,
    }
    for prog in ("mst", "mst_bsf", "fft_cw", "fdm"):
        edits.update(
            {
                f"programmes.{prog}.therapists": 1.0,
                f"programmes.{prog}.caseload": 2.0,
                f"programmes.{prog}.referrals_per_month": 4.0,
                f"programmes.{prog}.duration_days": 90.0,
                f"programmes.{prog}.max_wait_days": 45.0,
            }
        )
    return edited(baseline_params, edits)


@pytest.fixture(scope="module")
def unchanged(busy_params):
    return simulate(busy_params, replication_seed(4, 0), YEARS * 365.0)


def different(path: str, value):
    """A value for ``path`` far enough from ``value`` to show."""
    if isinstance(value, dict):
        flipped = dict.fromkeys(value, 0.0)
        flipped["came_into_care" if value["came_into_care"] < 0.5 else "closed"] = 1.0
        return flipped
    if path.endswith(FRACTIONS):
        return 1.0 if value < 0.5 else 0.0
    return value * 4.0 + 5.0


def records(model) -> dict[str, list]:
    """The model's log as rows of (time, ...)."""
    log = model.log
    out = {
        name: [tuple(row) for row in getattr(log, name).array().tolist()]
        for name in ("transitions", "counts")
    }
    out.update(waiting=list(log.waiting), capacity=list(log.capacity))
    return out


def split(rows: list, day: float) -> tuple[list, list]:
    return [r for r in rows if r[0] < day], [r for r in rows if r[0] >= day]


def test_every_live_parameter_starts_at_its_value_in_the_parameter_set(busy_params):
    data = busy_params.model_dump(mode="python")
    live = list(live_fields(views(busy_params)))
    assert [path for path, _, _ in live] == list(live_paths(busy_params))
    for path, view, name in live:
        assert getattr(view, name) == paths.get(data, path), path
    assert {f"costs.weekly.{name}" for name in PLACEMENT_NAMES} <= set(live_paths(busy_params))


def engine_paths() -> list[str]:
    """The live paths the engine reads (unit costs are read by the measures)."""
    return [
        p for p in live_paths(load_parameters(BASELINE_PARAMETERS)) if not p.startswith("costs.")
    ]


@pytest.mark.parametrize("path", engine_paths())
def test_a_change_during_the_run_acts_from_its_date(busy_params, unchanged, path):
    value = paths.get(busy_params.model_dump(mode="python"), path)
    changed = simulate(
        busy_params,
        replication_seed(4, 0),
        YEARS * 365.0,
        [Change(DAY, path, different(path, value))],
    )
    before, after = records(unchanged), records(changed)
    for name in before:
        assert split(before[name], DAY)[0] == split(after[name], DAY)[0], name
    assert any(split(before[name], DAY)[1] != split(after[name], DAY)[1] for name in before)


@pytest.mark.parametrize("name", PLACEMENT_NAMES)
@pytest.mark.parametrize("add", [False, True])
def test_a_unit_cost_change_during_the_run_acts_from_its_date(busy_params, unchanged, name, add):
    path = f"costs.weekly.{name}"
    weekly = busy_params.costs.weekly[name].value
    change = Change(DAY, path, 100.0 if add else weekly * 2 + 100.0, add=add)
    cal = Calendar(busy_params.start_date, YEARS)
    simulate(busy_params, replication_seed(4, 0), cal.horizon, [change])  # the engine takes it
    steps = StateSteps(transitions(unchanged), cal.points)
    days = steps.counted[1]
    row = list(PLACEMENT_NAMES).index(name)
    base, changed = (costs_array(unchanged, cal, changes, steps)[row] for changes in ([], [change]))
    starts = np.searchsorted(cal.points, DAY, side="right") - 1
    assert np.array_equal(base[:starts], changed[:starts])
    held = days[STATES.index(State(name)), starts + 1 :] > 0
    assert np.all(changed[starts + 1 :][held] > base[starts + 1 :][held])


def test_a_scenario_adding_to_a_weekly_cost_runs_and_costs_more_from_its_date(tmp_path: Path):
    scenario = {
        "name": "dearer-ifa",
        "base": str(BASELINE_SCENARIO),
        "changes": [
            {
                "date": "2026-04-01",
                "set": "costs.weekly.foster_ifa",
                "add": 50,
                "source": "assumption: a test of a dated add to a unit cost",
            }
        ],
    }
    path = tmp_path / "dearer-ifa.yaml"
    path.write_text(yaml.safe_dump(scenario))
    dearer = load_scenario(path)
    assert [(c.path, c.value, c.add) for c in dearer.timeline] == [
        ("costs.weekly.foster_ifa", 50.0, True)
    ]
    base = run(load_scenario(BASELINE_SCENARIO), years=2, replications=2, seed=5)
    result = run(dearer, years=2, replications=2, seed=5)
    row = result.items.index("foster_ifa")
    month = result.calendar.month_starts.index(dt.date(2026, 4, 1))
    assert np.array_equal(result.costs[:, row, :month], base.costs[:, row, :month])
    rise = result.costs[:, row, month:] - base.costs[:, row, month:]
    drawn = [  # each replication's own drawn inflation
        draw_parameters(dearer.params, parameter_rng(replication_seed(5, draw_index(i))))
        for i in range(2)
    ]
    factor = np.array([inflation_factors(d, result.calendar)[month:] for d in drawn])
    days = result.days[:, STATES.index(State.FOSTER_IFA), month:]
    assert np.allclose(rise, days * 50 / 7 * factor) and rise.sum() > 0
