"""What a forecast keeps of each replication, worked out where the replication runs: children
looked after at each 31 March and children starting and ceasing in each year to 31 March.

Kept apart from the forecast itself so that a worker process imports only the engine, not the
statistics that build the baselines.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..calendar import Calendar
from ..engine.model import Model
from ..measures import state_arrays
from ..records import COUNTED_INDEX, Measure
from ..results import CLA_INDEX
from ..runner import Job, run_with

FLOWS = {"started": Measure.ENTRIES, "ceased": Measure.EXITS}


def keys(cal: Calendar) -> list[tuple[str, dt.date]]:
    """What each replication gives: children looked after at each 31 March after the start,
    then starts and ceased in each year to 31 March (dated on that 31 March)."""
    marches = [dt.date(int(year[:4]) + 1, 3, 31) for year in cal.financial_years]
    out = [("looked_after", cal.dates[i]) for i in cal.census[1:]]
    return out + [(name, march) for name in FLOWS for march in marches]


def kept(model: Model, cal: Calendar, _changes: object) -> np.ndarray:
    """One replication's values, in the order of ``keys``: only the stocks and two counts are
    worked out of its log (a run's every other result array is not)."""
    stocks, _ = state_arrays(model, cal)
    looked_after = stocks.astype(np.int32)[CLA_INDEX, :].sum(axis=0)[cal.census[1:]]
    return np.concatenate([looked_after, *yearly_counts(model, cal)]).astype(float)


def yearly_counts(model: Model, cal: Calendar) -> list[np.ndarray]:
    """Each of ``FLOWS``, over every route, in each financial year."""
    years = len(cal.financial_years)
    counts = model.log.counts.array()
    year = cal.year_of(counts[:, 0])
    out = []
    for measure in FLOWS.values():
        rows = counts[:, 1] == COUNTED_INDEX[measure]
        out.append(np.bincount(year[rows], weights=counts[rows, 3], minlength=years))
    return out


def forecast_chunk(job: Job, indices: list[int]) -> list[np.ndarray]:
    """Run in a worker: replications ``indices`` of ``job``, each reduced to its values."""
    return [run_with(job, i, kept) for i in indices]
