"""The step in the direct entry rate that the fit can estimate (``Settings.step``, ``--step``).

A constant direct rate keeps the model's starts level, while Leicester's fell from 221 in
2022-23 to 196 in 2023-24 (DfE). Asked to, where the fit window holds the DfE's starts for two
years or more, the fit lets the direct rate step at the start of the latest of those years: it
estimates the rate from that day (``direct_entry_rate``, the rate the forecast holds) and the
rate before it as a multiple of it (``direct_entry_before_ratio``). It is off by default: for
Leicester the fitted step is no larger than its noise (docs/calibration.md).

The parameter set records the step as ``entries.direct.before`` (history: its date lies before
the run's start); ``history.at`` turns it into a dated change when a run starts before it. A
step, not a trend: with one year of starts after it the data can say the level moved, not how
fast it will keep moving, so the forecast holds the last fitted rate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..paths import find, sourced
from .figures import Figures
from .knobs import BEFORE, DIRECT, ENTRY
from .targets import flows_within


def step_date(fig: Figures, first: dt.date, last: dt.date) -> dt.date | None:
    """The first day of the latest year whose DfE starts lie in the window, if an earlier
    year's do too (else no step: nothing in the window measures one)."""
    spans = [span for _, span in flows_within(fig, "dfe_started", first, last)]
    return max(spans)[0] if len(spans) >= 2 else None


def add(data: dict, fig: Figures, first: dt.date, last: dt.date) -> None:
    """Give the direct stream a rate before the step date, as yet the same as the rate from it
    (the fit moves it)."""
    date = step_date(fig, first, last)
    if date is None:
        return
    find(data, DIRECT)["before"] = {
        "date": date,
        "rate_per_month": {
            "value": sourced(data, ENTRY)["value"],
            "source": f"assumption: as the rate from {date} until the fit estimates the step",
        },
    }


def note(data: dict) -> None:
    """Say in the rate's source that it holds from the step date (and in the forecast)."""
    before: dict[str, Any] | None = find(data, DIRECT).get("before")
    if before is None:
        return
    node = sourced(data, ENTRY)
    node["source"] += (
        f"; the rate from {before['date']}, held after the last observed year (no trend is "
        f"extrapolated); the rate before it is {BEFORE}"
    )
