"""Two views of savings, and when an investment pays back.

The council's way (for continuity with its reports): each child a programme diverts from care
carries a projected annual placement cost avoided, times the programme's targeting deflator,
counted over a two-year placement spread across years 1, 2 and 3 after the diversion. The
counterfactual way is the paired difference in placement cost between the base and the
scenario (``sufficiency.paired``).
"""

from __future__ import annotations

import numpy as np

from .pathway import PROGRAMMES, REUNIFICATION
from .records import COUNTED_INDEX
from .results import RunResult

AVOIDED_PER_YEAR = 81_000.0
AVOIDED_SOURCE = (
    "000_5b8d8f93ba5922ce.txt, para 3.12: the average annual placement cost avoided "
    "is £81k (001_372c55305701d265.txt, 'Impact': £84k)"
)
COUNTING = (0.5, 1.0, 0.5)
COUNTING_SOURCE = (
    "002_23c3c75e57ab1230.txt, 'Performance Summary All Programmes': savings in "
    "years 1, 2 and 3 (2018/19: £4,012k, £8,667k, £4,670k) with years 1 and 3 "
    "adding up to year 2, 'net savings over a 2 year placement': a two-year "
    "placement avoided from a diversion half way through year 1"
)
RETURNED_PER_YEAR = (2 * 207_480 + 4 * 286_000) / 6
RETURNED_SOURCE = (
    "000_5b8d8f93ba5922ce.txt, para 3.26: annual placement costs of the six children "
    "in the reunification pilot (2 x £207,480, 4 x £286,000; mean £259,827), counted "
    "for one year from the return, as the report counts 'total annual savings'"
)
RETURNED_COUNTING = (0.5, 0.5)


def council_method() -> dict[str, object]:
    """The council's way of counting, for compare.json."""
    return {
        "avoided_per_child_per_year": AVOIDED_PER_YEAR,
        "avoided_source": AVOIDED_SOURCE,
        "years_1_2_3_weights": list(COUNTING),
        "counting_source": COUNTING_SOURCE,
        "reunification_per_child_per_year": round(RETURNED_PER_YEAR, 2),
        "reunification_weights": list(RETURNED_COUNTING),
        "reunification_source": RETURNED_SOURCE,
    }


def counted(result: RunResult, measure: str, route: str) -> np.ndarray:
    """A counted flow for one route, (rep, financial year)."""
    return result.flows[:, COUNTED_INDEX[measure], result.routes.index(route), :].astype(float)


def spread(yearly: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    """Each year's amount counted in that year and the next ones by ``weights`` (to the horizon)."""
    out = np.zeros_like(yearly)
    years = yearly.shape[-1]
    for lag, weight in enumerate(weights):
        out[..., lag:] += weight * yearly[..., : years - lag]
    return out


def council_savings(result: RunResult) -> np.ndarray:
    """Gross savings the council's way, (rep, financial year), in pounds.

    A child counts as diverted when a programme closes without the child coming into care (the
    service's success rate, ``1 - came_into_care``); reunification counts each child returned.
    """
    params = result.scenario.params
    claimed = np.zeros((result.replications, len(result.calendar.financial_years)))
    for prog in PROGRAMMES:
        p = params.programmes[prog]
        diverted = counted(result, "programme_completions", prog.value) * (
            1.0 - p.outcome_split.value["came_into_care"]
        )
        claimed += spread(diverted * AVOIDED_PER_YEAR * p.targeting_deflator.value, COUNTING)
    returned = counted(result, "reunification_returns", REUNIFICATION)
    return claimed + spread(returned * RETURNED_PER_YEAR, RETURNED_COUNTING)


def first_difference(saving: np.ndarray) -> int | None:
    """The first financial year (0 = the first) in which the scenario's cost differs from the
    base's in any replication: when its investment or change starts; None if it never does."""
    differs = np.flatnonzero((saving != 0).any(axis=0))
    return int(differs[0]) if differs.size else None


def break_even_years(cumulative: np.ndarray, start: int | None) -> np.ndarray:
    """Per replication, the financial year (1 = the first) from which the cumulative net saving
    (rep, year) stays at or above zero to the horizon, counting only from ``start`` (the year the
    scenario first differs: nothing is paid back before anything is spent); NaN if it is below
    zero at the horizon, or if the scenario never differs from its base."""
    reps, years = cumulative.shape
    if start is None:
        return np.full(reps, np.nan)
    below = cumulative < 0
    last_below = np.where(below.any(axis=1), years - 1 - np.argmax(below[:, ::-1], axis=1), -1)
    first = np.maximum(last_below + 1, start).astype(float)
    first[first >= years] = np.nan
    return first + 1
