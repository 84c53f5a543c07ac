"""The DfE's ages and providers at 31 March: sources rows, their simulated counterparts, and the
fit report's section that shows them beside the fit without fitting them."""

from __future__ import annotations

import datetime as dt
import types

import numpy as np
import pytest

from sufficiency.calibration import dfe_sources, simulate
from sufficiency.calibration.dfe_sources import age_measure
from sufficiency.calibration.figures import Figures
from sufficiency.calibration.report import shown_section
from sufficiency.calibration.shown import PROVIDER_PLACEMENTS, WHY, shown_frame
from sufficiency.calibration.sources import load_sources, until
from sufficiency.calibration.targets import targets
from sufficiency.engine.model import Child
from sufficiency.pathway import AGE_BANDS, DAYS_PER_YEAR, PLACEMENTS, State

from .builders import started_history
from .test_calibration_dfe import fit_at_observed

FIRST, LAST = dt.date(2022, 4, 1), dt.date(2025, 3, 31)


@pytest.fixture(scope="module")
def fig() -> Figures:
    return Figures(until(load_sources(), LAST))


def test_ages_and_providers_are_the_published_shares_of_the_total(fig) -> None:
    ages = [fig.get(m, "2024-03-31").value for m in dfe_sources.AGES]
    assert ages == [0.1997, 0.1862, 0.3658, 0.2483]  # (28 + 91), 111, 218, 148 of 596
    assert fig.get("dfe_pct_cla_aged_16_17", "2024-03-31").value == round(148 / 596, 4)
    assert fig.get("dfe_pct_cla_own_provision", "2024-03-31").value == round(359 / 596, 4)
    private = fig.get("dfe_pct_cla_private_provision", "2024-03-31")
    assert private.value == round(165 / 596, 4)  # voluntary suppressed (c): left out, named
    rows = [f for f in dfe_sources.figures() if f.measure == "dfe_pct_cla_private_provision"]
    assert "Voluntary/third sector provision" in rows[-1].note


def test_they_are_not_fit_targets(fig) -> None:
    shown = {*dfe_sources.AGES, *PROVIDER_PLACEMENTS}
    assert not shown & {t.row.measure for t in targets(fig, FIRST, LAST)}


def test_children_counted_by_age_are_the_children_in_care_at_each_31_march() -> None:
    h = started_history(dt.date(2022, 4, 1), 2, 3, seed=5)
    census = [h.cal.dates[i] for i in h.cal.census]
    assert census == [dt.date(2022, 3, 31), dt.date(2023, 3, 31), dt.date(2024, 3, 31)]
    for k, date in enumerate(census):
        counted = np.array([s.ages[k].sum() for s in h.samples])
        assert np.array_equal(counted, h.cla(date)), date
        shares = sum(h.age_share(date, (band,)) for band in AGE_BANDS)
        assert shares == pytest.approx(np.ones(3))


class Shares:
    """A stand-in run: each age band's or provider's own share, 0.02 apart in two replications."""

    def age_share(self, date: dt.date, bands: tuple[str, ...]) -> np.ndarray:
        (band,) = bands
        return AGE_BANDS.index(band) / 10 + np.array([0.0, 0.02])

    def share(self, date: dt.date, part: tuple, whole: tuple) -> np.ndarray:
        assert whole == PLACEMENTS
        own = part == PROVIDER_PLACEMENTS["dfe_pct_cla_own_provision"]
        return (0.5 if own else 0.7) + np.array([0.0, 0.02])


def test_the_report_shows_each_dfe_share_in_the_window_beside_the_simulated() -> None:
    fit = fit_at_observed(load_sources(), Shares())
    frame = shown_frame(fit).set_index(["measure", "period"])
    assert sorted(set(frame.index.get_level_values("period"))) == ["2023-03-31", "2024-03-31"]
    assert len(frame) == 2 * (len(dfe_sources.AGES) + len(PROVIDER_PLACEMENTS))
    for band in AGE_BANDS:  # each measure read from its own band
        row = frame.loc[(age_measure(band), "2024-03-31")]
        assert row["simulated_mean"] == pytest.approx(AGE_BANDS.index(band) / 10 + 0.01)
    own = frame.loc[("dfe_pct_cla_own_provision", "2024-03-31")]
    private = frame.loc[("dfe_pct_cla_private_provision", "2024-03-31")]
    assert (own["simulated_mean"], private["simulated_mean"]) == pytest.approx((0.51, 0.71))
    assert (own["observed"], own["difference"]) == (0.6023, pytest.approx(0.51 - 0.6023))
    text = "\n\n".join(shown_section(fit))
    assert "(shown, not fitted)" in text and WHY in text and "| dfe_pct_cla_own_provision |" in text


class Placed:
    """A stand-in model: one child born 4.5 years before day 0, in care, and a clock."""

    def __init__(self) -> None:
        self.env = types.SimpleNamespace(now=0.0)
        child = Child(1, -4.5 * DAYS_PER_YEAR, "standard", [])
        self.placed = {state: {} for state in PLACEMENTS}
        self.placed[State.FOSTER_INHOUSE][1] = child


def test_children_are_counted_in_the_band_of_their_age_on_the_day() -> None:
    model = Placed()
    assert simulate.in_care_by_age(model) == [1, 0, 0, 0]  # 4.5 years old
    model.env.now = DAYS_PER_YEAR  # a year on: 5.5
    assert simulate.in_care_by_age(model) == [0, 1, 0, 0]
