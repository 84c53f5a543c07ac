"""What a forecast keeps of each replication, worked out where the replication runs: children
looked after at each 31 March and children starting and ceasing in each year to 31 March.

Kept apart from the forecast itself so that a worker process imports only the engine, not the
statistics that build the baselines.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..calendar import Calendar
from ..measures import Replication, routes_for
from ..records import ALL_ROUTES, COUNTED_INDEX, Measure
from ..results import CLA_INDEX
from ..runner import Job, run_one

FLOWS = {"started": Measure.ENTRIES, "ceased": Measure.EXITS}


def keys(cal: Calendar) -> list[tuple[str, dt.date]]:
    """What each replication gives: children looked after at each 31 March after the start,
    then starts and ceased in each year to 31 March (dated on that 31 March)."""
    marches = [dt.date(int(year[:4]) + 1, 3, 31) for year in cal.financial_years]
    out = [("looked_after", cal.dates[i]) for i in cal.census[1:]]
    return out + [(name, march) for name in FLOWS for march in marches]


def measured(rep: Replication, cal: Calendar, everything: int) -> np.ndarray:
    """One replication's values, in the order of ``keys`` (``everything``: the route ``all``)."""
    looked_after = rep.stocks[CLA_INDEX, :].sum(axis=0)[cal.census[1:]]
    flows = [rep.flows[COUNTED_INDEX[measure], everything, :] for measure in FLOWS.values()]
    return np.concatenate([looked_after, *flows]).astype(float)


def forecast_chunk(job: Job, indices: list[int]) -> list[np.ndarray]:
    """Run in a worker: replications ``indices`` of ``job``, each reduced to its values."""
    cal = job.calendar
    everything = routes_for(job.params).index(ALL_ROUTES)
    return [measured(run_one(job, i), cal, everything) for i in indices]
