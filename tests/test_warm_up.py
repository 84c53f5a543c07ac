"""The edge-of-care pipeline at the start: the families referred in the 18 months before it.

A referred family's risk turns into care on a day drawn within ``RISK_WINDOW`` of referral, so a
run that began with no families referred before its start had entries from the programmes rising
from zero over its first 18 months (under ``--effect none`` about 165 children in the first year
against 290 a year after). The referral streams now run alone for ``programmes.WARM_UP`` days
before the start, recording nothing, so with constant rates the flows are level from day 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sufficiency.effects import with_effect
from sufficiency.engine.model import simulate
from sufficiency.pathway import DAYS_PER_YEAR, PLACEMENTS, PROGRAMME_STATE, STATE_INDEX
from sufficiency.records import Measure
from sufficiency.runner import replication_seed

REPLICATIONS = 16
YEARS = 2
PROGRAMME_ROUTES = {"mst", "mst_bsf", "fft_cw", "fdm"}


@pytest.fixture(scope="module")
def runs(baseline_params):
    """Two years of the baseline with no programme effect, constant rates."""
    params = with_effect(baseline_params, "none")
    out = []
    for i in range(REPLICATIONS):
        model = simulate(params, replication_seed(11, i), YEARS * DAYS_PER_YEAR)
        out.append(
            (
                model.log.counted(Measure.ENTRIES),
                model.log.counted(Measure.FAMILIES_STARTED),
                model.log.transitions.array(),
                params.population.total.value,
            )
        )
        model.close()
    return out


def yearly(counts: list[tuple[float, str, int]], routes: set[str] | None) -> np.ndarray:
    """Counts in each year of the run (of ``routes`` only, if given)."""
    out = np.zeros(YEARS)
    for time, route, n in counts:
        if routes is None or route in routes:
            out[int(time // DAYS_PER_YEAR)] += n
    return out


def assert_level(per_year: list[np.ndarray]) -> None:
    """The second year's count less the first's is 0 within 3 standard errors."""
    change = np.array([y[1] - y[0] for y in per_year])
    standard_error = change.std(ddof=1) / math.sqrt(len(change))
    assert abs(change.mean()) < 3 * standard_error, (change.mean(), standard_error)


def test_entries_through_the_programmes_are_level_from_the_start(runs):
    assert_level([yearly(entries, PROGRAMME_ROUTES) for entries, *_ in runs])


def test_families_starting_with_the_programmes_are_level_from_the_start(runs):
    assert_level([yearly(started, None) for _, started, *_ in runs])


def test_the_warm_up_records_nothing_before_the_start_and_double_counts_no_child(runs):
    cla = [STATE_INDEX[p] for p in PLACEMENTS]
    in_programme = [STATE_INDEX[s] for s in PROGRAMME_STATE.values()]
    for entries, started, log, census in runs:
        assert min(t for t, *_ in entries + started) >= 0
        assert log[:, 0].min() >= 0
        at_start = log[log[:, 0] == 0]
        placed = np.isin(at_start[:, 3], cla)
        assert int(placed.sum()) == census  # today's children, and nobody else, in care at 0
        assert np.isin(at_start[:, 3], in_programme).any()  # caseloads are not empty at 0
