"""What an area forecast keeps of each replication: the same numbers the full reduction gives."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sufficiency.measures import routes_for
from sufficiency.publicdata.forecast import Settings, job_for
from sufficiency.publicdata.tables import load
from sufficiency.publicdata.values import forecast_chunk, keys
from sufficiency.records import ALL_ROUTES, COUNTED_INDEX, Measure
from sufficiency.results import CLA_INDEX
from sufficiency.runner import run_one


def test_kept_values_are_the_full_reductions_stocks_and_flows():
    data = load()
    area = next(a for a in data.areas if a.name == "Rutland")
    settings = Settings(dt.date(2024, 3, 31), 2, 3, 7, 1)
    job = job_for(data, area, 0, settings, None)
    cal = job.calendar
    everything = routes_for(job.params).index(ALL_ROUTES)
    kept = forecast_chunk(job, [0, 1, 2])
    for index, values in enumerate(kept):
        rep = run_one(job, index)
        looked_after = rep.stocks[CLA_INDEX, :].sum(axis=0)[cal.census[1:]]
        flows = [
            rep.flows[COUNTED_INDEX[m], everything, :] for m in (Measure.ENTRIES, Measure.EXITS)
        ]
        expected = np.concatenate([looked_after, *flows]).astype(float)
        assert len(values) == len(keys(cal))
        assert np.array_equal(values, expected)
        assert values[len(looked_after) :].sum() > 0  # children did start and cease
