"""Cost lines: homes' fixed and variable costs, the spread of costs between children, care
leavers, the unaccompanied children's grant, and the subtotals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sufficiency import costs
from sufficiency.cost_lines import (
    ENGINE_LINES,
    HOMES_FIXED,
    PLACEMENT_LINES,
    SUBTOTALS,
    UASC_GRANT,
)
from sufficiency.measures import inflation_factors, month_bounds
from sufficiency.pathway import PLACEMENT_NAMES, STATE_INDEX, State
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .builders import Change, scenario_of, small_set
from .conftest import BASELINE_SCENARIO

UNUSABLE_HOME = Path(__file__).parent / "fixtures" / "unusable-home.yaml"


@pytest.fixture(scope="module")
def pair():
    """The baseline and the same with a home no child can use, two years, common seeds."""
    base = run(load_scenario(BASELINE_SCENARIO), years=2, replications=2, seed=5)
    other = run(load_scenario(UNUSABLE_HOME), years=2, replications=2, seed=5)
    return base, other


def test_a_home_no_child_can_use_costs_exactly_its_fixed_running_cost(pair):
    base, other = pair
    assert np.array_equal(base.stocks, other.stocks)
    params = other.scenario.params
    cal = other.calendar
    weekly = np.full(len(month_bounds(cal)), params.costs.weekly["home_inhouse"].value)
    fixed = costs.homes_fixed(params, month_bounds(cal), weekly)[-1] * inflation_factors(
        params, cal
    )
    assert fixed.sum() > 0 and fixed[:12].sum() == 0  # it opens in the second year
    difference = other.costs - base.costs
    home = difference[:, other.items.index(HOMES_FIXED), :]
    assert np.allclose(difference.sum(axis=1), home)  # the net cost is the fixed cost line
    assert np.all(home[:, :12] == 0) and np.all(home[:, 12:] > 0)
    # each replication prices it at its own drawn inflation, near the parameter set's
    assert np.allclose(home.sum(axis=1), fixed.sum(), rtol=0.05)
    assert np.all(other.homes[:, -1, 1, :] == 0)  # nobody is ever in it


def test_per_home_children_add_up_to_the_in_house_home_stock(pair):
    _, other = pair
    in_homes = other.homes[:, :, 1, :].sum(axis=1)
    assert np.array_equal(in_homes, other.stocks[:, STATE_INDEX[State.HOME_INHOUSE], :])
    frame = other.capacity_frame()
    occupancy = frame[frame["measure"].str.endswith(".occupancy")].dropna(subset=["mean"])
    assert len(occupancy) and occupancy["mean"].between(0, 1).all()


def test_subtotals_and_total_add_up_the_lines(pair):
    base, _ = pair
    frame = base.costs_frame().set_index(["item", "financial_year"])["mean"]
    year = base.calendar.financial_years[0]
    for subtotal, lines in SUBTOTALS.items():
        present = [line for line in lines if line in base.items]
        assert frame[(subtotal, year)] == pytest.approx(sum(frame[(x, year)] for x in present))
    assert frame[("total", year)] == pytest.approx(sum(frame[(x, year)] for x in base.items))
    assert set(ENGINE_LINES) <= set(base.items)


def test_the_grant_is_income_and_care_leavers_cost(pair):
    base, _ = pair
    yearly = base.yearly_costs()
    assert np.all(yearly[:, base.items.index(UASC_GRANT), :] < 0)
    for line in ("care_leavers", "staying_put"):
        assert np.all(yearly[:, base.items.index(line), :] > 0), line


def test_cost_positions_have_mean_one_and_each_types_spread():
    params = small_set()
    u = (np.arange(200_000) + 0.5) / 200_000
    positions = costs.cost_positions(params, u)
    for name, cv in params.costs.spread.value.items():
        column = positions[STATE_INDEX[State(name)]]
        assert column.mean() == pytest.approx(1.0, rel=1e-3), name
        assert column.std() / column.mean() == pytest.approx(cv, rel=0.05, abs=1e-9), name


def test_an_added_weekly_cost_shifts_every_childs_cost_by_the_same_amount():
    params = small_set()
    change = Change(0.0, "costs.weekly.foster_ifa", 70.0, add=True)
    base = run(scenario_of(params), years=1, replications=2, seed=4)
    dearer = run(scenario_of(params, [change]), years=1, replications=2, seed=4)
    row = base.items.index("foster_ifa")
    days = base.days[:, STATE_INDEX[State.FOSTER_IFA], :]
    factor = inflation_factors(params, base.calendar)
    assert np.allclose(dearer.costs[:, row] - base.costs[:, row], days * 70.0 / 7.0 * factor)
    assert np.array_equal(np.delete(dearer.costs, row, 1), np.delete(base.costs, row, 1))


def test_a_childs_cost_position_is_its_own_draw():
    """Spreading costs changes no stock, and placement cost lines keep their order."""
    flat = small_set(costs={"spread": dict.fromkeys(PLACEMENT_NAMES, 0.0)})
    spread = run(scenario_of(small_set()), years=1, replications=2, seed=6)
    same = run(scenario_of(flat), years=1, replications=2, seed=6)
    assert np.array_equal(spread.stocks, same.stocks)
    assert list(spread.items[: len(PLACEMENT_LINES)]) == list(PLACEMENT_LINES)
    assert not np.allclose(spread.costs, same.costs)
