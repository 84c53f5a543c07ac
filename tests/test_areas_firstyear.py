"""The first year of a baseline's run worked out without the simulation: who is left in care a
year on, and the level of time in care that leaves the pooled model's forecast."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sufficiency.engine.children import U_EXIT, ExitLaw
from sufficiency.engine.population import stationary
from sufficiency.pathway import AGE_BANDS, DAYS_PER_YEAR, State, age_band
from sufficiency.publicdata.baseline import build_baseline, first_year_start
from sufficiency.publicdata.firstyear import Start, expected_stock, fit_first_year
from sufficiency.publicdata.tables import load
from sufficiency.publicdata.trend import forecast_stock

NOBODY = dict.fromkeys(AGE_BANDS, 0.0)
FOREVER = dict.fromkeys(AGE_BANDS, 1e9)


def start(ages: dict[str, float], entrants: dict[str, float] = NOBODY, adoption=0.0) -> Start:
    return Start(100.0, ages, adoption, 6.0, entrants)


def test_children_who_never_leave_stay_unless_they_turn_18_within_the_year():
    assert expected_stock(start({"10-15": 1.0}), FOREVER, 0.8) == pytest.approx(100.0)
    assert expected_stock(start({"16-17": 1.0}), FOREVER, 0.8) == pytest.approx(50.0)
    entrants = {**NOBODY, "0-4": 12.0}
    assert expected_stock(start({"5-9": 1.0}, entrants), FOREVER, 0.8) == pytest.approx(112.0)


def test_children_placed_for_adoption_leave_at_the_adoption_rate():
    kept = expected_stock(start({"10-15": 1.0}, adoption=10.0), FOREVER, 1.0)
    assert kept == pytest.approx(90.0 + 10.0 * np.exp(-2.0))


def test_longer_stays_keep_more_children_and_the_search_finds_the_target():
    profile = {"0-4": 25.0, "5-9": 70.0, "10-15": 150.0, "16-17": 80.0}
    begin = start({"0-4": 0.2, "5-9": 0.2, "10-15": 0.4, "16-17": 0.2}, {**NOBODY, "0-4": 40.0})
    shorter = expected_stock(begin, {b: m / 2 for b, m in profile.items()}, 0.8)
    assert shorter < expected_stock(begin, profile, 0.8)
    level, found = fit_first_year(profile, 0.8, begin, 100.0)
    assert found
    means = {band: months * level for band, months in profile.items()}
    assert expected_stock(begin, means, 0.8) == pytest.approx(100.0, rel=1e-6)


@pytest.fixture(scope="module")
def leicester_2023():
    data = load()
    return data, build_baseline(data, data.find("Leicester"), dt.date(2023, 3, 31)).params


def test_the_engines_own_draws_leave_as_many_in_care_as_worked_out(leicester_2023):
    _, params = leicester_2023
    dumped = params.model_dump(mode="json")
    begin = first_year_start(dumped["population"], [], params.exits.adoption.months_placed.value)
    law, rng = ExitLaw(params.exits), np.random.default_rng(7)
    kept = []
    for _ in range(40):
        placements, draws, ages, elapsed = stationary(params.population, law, rng)
        left = 0
        for placement, row, age, already in zip(placements, draws, ages, elapsed, strict=True):
            if placement is State.PLACED_FOR_ADOPTION:
                days = law.placed(row[U_EXIT])
            else:
                band = age_band(age - already)
                days = min(law.remaining(band, row[U_EXIT], already), 18 * DAYS_PER_YEAR - age)
            left += days < DAYS_PER_YEAR
        kept.append(len(placements) - left)
    worked_out = expected_stock(begin, params.exits.mean_months_by_band.value, law.shape)
    assert abs(np.mean(kept) - worked_out) < 4 * np.std(kept) / np.sqrt(len(kept)) + 1.0


def test_a_baseline_expects_the_pooled_forecast_a_year_on(leicester_2023):
    data, params = leicester_2023
    dumped = params.model_dump(mode="json")
    months_placed = params.exits.adoption.months_placed.value
    begin = first_year_start(dumped["population"], dumped["entries"], months_placed)
    target = forecast_stock(data, 2023)["E06000016"]
    kept = expected_stock(begin, params.exits.mean_months_by_band.value, params.exits.shape.value)
    assert kept == pytest.approx(target, rel=1e-4)
    assert "pooled model's median forecast" in params.exits.mean_months_by_band.source


def test_the_first_year_has_no_forecast_and_keeps_littles_law():
    data = load()
    params = build_baseline(data, data.find("Leicester"), dt.date(2021, 3, 31)).params
    assert forecast_stock(data, 2021) == {}
    assert "stock over the starts" in params.exits.mean_months_by_band.source
