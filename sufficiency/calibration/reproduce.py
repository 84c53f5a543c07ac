"""The reports' own edge-of-care figures, reproduced by a run configured as each year.

The run starts at the fitted window's start (so programmes are already full when a reported
year begins) with the fitted parameters and the known changes: in 2023/24 MST at full staffing,
in 2024/25 at half staffing and FFT reunification from October 2024, Family Decision Making
counted among the teams from July 2024. Gross savings are computed the council's way: each
diverted child's projected annual placement cost avoided (the reported average for the year)
times the targeting deflator of the child's programme, counted in-year from the child's start
to 31 March, and also for a full year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..effects import with_effect
from ..pathway import PROGRAMMES
from . import history
from .figures import Figures
from .fit import Fit, fitted_data
from .simulate import History, Teams, run
from .targets import teams

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Figure:
    """A reported figure and how a run reproduces it."""

    year: str
    label: str
    measure: str
    period: str
    simulated: Callable[[History, Teams], np.ndarray]


def savings(
    h: History, first: dt.date, last: dt.date, team: Teams, cost: float, in_year: bool
) -> np.ndarray:
    """Sum over diverted children of cost avoided x targeting deflator (x part of the year)."""
    deflator = np.array([h.params.programmes[p].targeting_deflator.value for p in PROGRAMMES])
    _, end = h.span(first, last)
    out = []
    for e in h.diverted(first, last, team):
        part = (end - e[:, 1]) / DAYS_PER_YEAR if in_year else 1.0
        out.append(float(np.sum(cost * deflator[e[:, 0].astype(int)] * part)))
    return np.array(out)


def year(fy: str) -> tuple[dt.date, dt.date]:
    first = int(fy[:4])
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def saving(
    span: tuple[dt.date, dt.date], cost: float, in_year: bool
) -> Callable[[History, Teams], np.ndarray]:
    """Gross savings the council's way over ``span``, at ``cost`` avoided a child."""
    return lambda h, t: savings(h, span[0], span[1], t, cost, in_year)


def figures(fig: Figures) -> list[Figure]:
    """The figures reproduced for 2023/24 and 2024/25."""
    y23 = year("2023-24")
    q3 = (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    to_q3 = (dt.date(2024, 4, 1), dt.date(2024, 12, 31))
    cost23 = fig.get("all_avg_placement_cost_avoided", "2023-24")
    cost24 = fig.get("all_avg_placement_cost_avoided", "2024-25 Q3")
    found = [
        Figure(
            "2023-24",
            "families started",
            "all_families_started",
            "2023-24",
            lambda h, t: h.families_started(*y23, t),
        ),
        Figure(
            "2023-24",
            "children worked with",
            "all_children_served",
            "2023-24",
            lambda h, t: h.children_worked_with(*y23, t),
        ),
        Figure(
            "2023-24",
            "success rate (children home at closure)",
            "all_success_rate",
            "2023-24",
            lambda h, t: h.closed_at_home(*y23, t),
        ),
        Figure(
            "2023-24",
            "children diverted",
            "all_in_year_diversions",
            "2023-24",
            lambda h, t: h.children_diverted(*y23, t),
        ),
        Figure(
            "2024-25",
            "families started in Q3",
            "all_families_started",
            "2024-25 Q3",
            lambda h, t: h.families_started(*q3, t),
        ),
        Figure(
            "2024-25",
            "children started in Q3",
            "all_children_started",
            "2024-25 Q3",
            lambda h, t: h.children_started(*q3, t),
        ),
        Figure(
            "2024-25",
            "children home at closure in Q3",
            "all_concluded_remained_home_share",
            "2024-25 Q3",
            lambda h, t: h.closed_at_home(*q3, t),
        ),
        Figure(
            "2024-25",
            "children diverted, April to December",
            "all_in_year_diversions",
            "2024-12-31",
            lambda h, t: h.children_diverted(*to_q3, t),
        ),
    ]
    for cost, fy, measure, period in (
        (cost23, "2023-24", "all_in_year_gross_savings", "2023-24"),
        (cost24, "2024-25", "all_in_year_gross_savings_forecast", "2024-25"),
    ):
        if cost is None:
            continue
        for in_year, label in ((True, "in-year"), (False, "full-year")):
            found.append(
                Figure(
                    fy,
                    f"gross savings, {label} (council's way, £{cost.value:,.0f} avoided a child)",
                    measure,
                    period,
                    saving(year(fy), cost.value, in_year),
                )
            )
    return [f for f in found if fig.get(f.measure, f.period) is not None]


def reproduce(fit: Fit, replications: int, seed: int, jobs: int) -> list[dict]:
    """Every reproduced figure next to the reported one (rows for the report)."""
    params, timeline = history.at(fitted_data(fit), fit.figures, fit.first, fit.last, fit.last)
    h = run(
        with_effect(params, fit.settings.effect),
        timeline,
        fit.settings.window_years,
        replications,
        seed,
        jobs,
    )
    team = teams(fit.figures)(h)
    rows = []
    for f in figures(fit.figures):
        first, last = year(f.year)
        if first < fit.first or last > fit.last:
            continue
        reported = fit.figures.get(f.measure, f.period)
        assert reported is not None, "figures() keeps only reported figures"
        values = f.simulated(h, team)
        p05, p95 = np.percentile(values, [5, 95])
        rows.append(
            {
                "year": f.year,
                "figure": f.label,
                "measure": f.measure,
                "period": f.period,
                "reported": reported.value,
                "reproduced_mean": float(values.mean()),
                "reproduced_p05": float(p05),
                "reproduced_p95": float(p95),
                "source": f"{reported.source_file}, {reported.location}",
            }
        )
    return rows
