"""Time in care from stocks and flows: the steady state keeps Little's law and loses no
child, a fit recovers the durations that made its figures, and baselines use it."""

from __future__ import annotations

import datetime as dt

import pytest

from sufficiency.pathway import AGE_BANDS
from sufficiency.publicdata.baseline import AGE_GROUPS, build_baseline
from sufficiency.publicdata.durations import expected_months
from sufficiency.publicdata.stockflow import (
    CEASED_GROUPS,
    STOCK_GROUPS,
    Observed,
    fit_durations,
    observed,
    predicted,
)
from sufficiency.publicdata.tables import load

STARTS = {"0-4": 80.0, "5-9": 30.0, "10-15": 50.0, "16-17": 40.0}
PROFILE = {"0-4": 40.0, "5-9": 50.0, "10-15": 45.0, "16-17": 30.0}


def empty() -> Observed:
    return Observed(
        STARTS,
        dict.fromkeys(set(STOCK_GROUPS.values()), 1.0),
        dict.fromkeys(set(CEASED_GROUPS.values()), 1.0),
    )


@pytest.mark.parametrize("shape", [0.8, 1.0, 1.7])
def test_the_steady_state_keeps_littles_law_and_every_child_leaves(shape):
    stock, ceased = predicted(PROFILE, shape, empty())
    total = sum(STARTS.values())
    shares = {band: count / total for band, count in STARTS.items()}
    months = expected_months(PROFILE, shares, shape, 1.0)
    assert sum(stock.values()) == pytest.approx(total * months / 12, rel=1e-9)
    assert sum(ceased.values()) == pytest.approx(total, rel=1e-9)


def test_a_fit_recovers_the_durations_that_made_its_figures():
    truth = {band: months * 1.3 for band, months in PROFILE.items()}
    stock, ceased = predicted(truth, 0.8, empty())
    fitted = fit_durations(PROFILE, 0.8, Observed(STARTS, stock, ceased))
    for band in AGE_BANDS:
        assert fitted.months[band] == pytest.approx(truth[band], rel=1e-3)
        assert fitted.low[band] < fitted.months[band] < fitted.high[band]
    assert fitted.deviance == pytest.approx(0.0, abs=1e-6)


def test_observed_figures_average_the_published_years():
    data = load()
    once = observed(data, "E06000016", 2021, AGE_GROUPS)
    four = observed(data, "E06000016", 2024, AGE_GROUPS)
    assert once is not None and four is not None
    assert sum(once.starts.values()) == data.number("started_during_year", "E06000016", 2021).value
    totals = [data.number("ceased_during_year", "E06000016", y).value for y in range(2021, 2025)]
    assert sum(four.ceased.values()) == pytest.approx(sum(totals) / 4)


def test_baselines_take_their_profile_from_their_own_stocks_and_flows():
    data = load()
    exits = build_baseline(data, data.find("Leicester"), dt.date(2024, 3, 31)).params.exits
    assert "stock-flow method" in exits.mean_months_by_band.source
    months = exits.mean_months_by_band.value
    assert months["0-4"] < months["10-15"]
