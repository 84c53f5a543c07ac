"""The DfE's ages and providers at 31 March: sources rows, their simulated counterparts, and the
fit report's section that shows them beside the fit without fitting them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sufficiency.calibration import dfe_sources
from sufficiency.calibration.figures import Figures
from sufficiency.calibration.report import shown_section
from sufficiency.calibration.shown import PROVIDERS, WHY, shown_frame
from sufficiency.calibration.sources import load_sources, until
from sufficiency.calibration.targets import targets
from sufficiency.pathway import AGE_BANDS, PLACEMENTS

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
    shown = {*dfe_sources.AGES, *PROVIDERS}
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
    # children age: the youngest band at the start is not the youngest band two years on
    first, last = h.age_share(census[0], ("0-4",)), h.age_share(census[-1], ("0-4",))
    assert not np.array_equal(first, last)


class Shares:
    """A stand-in run: every share 0.25 in one replication and 0.35 in the other."""

    def age_share(self, date: dt.date, bands: tuple[str, ...]) -> np.ndarray:
        assert len(bands) == 1 and bands[0] in AGE_BANDS
        return np.array([0.25, 0.35])

    def share(self, date: dt.date, part: tuple, whole: tuple) -> np.ndarray:
        assert whole == PLACEMENTS and part in PROVIDERS.values()
        return np.array([0.25, 0.35])


def test_the_report_shows_each_dfe_share_in_the_window_beside_the_simulated() -> None:
    fit = fit_at_observed(load_sources(), Shares())
    frame = shown_frame(fit).set_index(["measure", "period"])
    assert sorted(set(frame.index.get_level_values("period"))) == ["2023-03-31", "2024-03-31"]
    row = frame.loc[("dfe_pct_cla_aged_16_17", "2024-03-31")]
    assert (row["observed"], row["simulated_mean"]) == (0.2483, pytest.approx(0.30))
    assert row["difference"] == pytest.approx(0.30 - 0.2483)
    assert len(frame) == 2 * (len(dfe_sources.AGES) + len(PROVIDERS))
    text = "\n\n".join(shown_section(fit))
    assert "(shown, not fitted)" in text and WHY in text and "| dfe_pct_cla_own_provision |" in text
