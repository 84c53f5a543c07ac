"""Replications of a historical run, reduced to what calibration compares with the reports.

Replication i of a run always gets the runner's seed i, so two runs with the same seed and
number of replications use common random numbers whatever the parameters or ``jobs``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..calendar import Calendar
from ..engine.model import Change, Model, replicate
from ..executor import gather
from ..measures import flow_array, routes_for, state_arrays
from ..parameters import ParameterSet
from ..pathway import (
    AGE_BANDS,
    DAYS_PER_YEAR,
    PLACEMENTS,
    PROGRAMME_STATE,
    PROGRAMMES,
    STATE_INDEX,
    Programme,
    State,
)
from ..records import COUNTED_INDEX
from ..runner import parameter_rng, parse_params, replication_seed
from ..uncertainty import draw_parameters

CLA = [STATE_INDEX[p] for p in PLACEMENTS]
HOME, CARE, ONGOING = 1, 2, 0
PROGRAMME_INDEX = {STATE_INDEX[PROGRAMME_STATE[p]]: i for i, p in enumerate(PROGRAMMES)}


@dataclass
class Sample:
    """One replication: stocks at month ends, CLA-days per month, counted flows per financial
    year, each programme child's episode (programme, start day, end day, outcome), each
    family start (programme, day), and the children in care by age band at each 31 March
    (``Calendar.census`` order)."""

    stocks: np.ndarray
    cla_days: np.ndarray
    flows: np.ndarray
    episodes: np.ndarray
    families: np.ndarray
    ages: np.ndarray


def programme_episodes(model: Model) -> np.ndarray:
    """(n, 4): programme index, start day, end day (inf while open), outcome code."""
    rows = model.log.rows()
    starts: dict[int, tuple[int, float]] = {}
    ends: dict[int, tuple[float, int]] = {}
    for time, child, old, new in rows:
        if new in PROGRAMME_INDEX:
            starts[child] = (PROGRAMME_INDEX[new], time)
        elif old in PROGRAMME_INDEX:
            ends[child] = (time, CARE if new in CLA else HOME)
    out = np.zeros((len(starts), 4))
    for i, (child, (prog, start)) in enumerate(starts.items()):
        end, outcome = ends.get(child, (np.inf, ONGOING))
        out[i] = (prog, start, end, outcome)
    return out


def family_starts(model: Model) -> np.ndarray:
    """(n, 2): programme index and day of each family's start."""
    names = [p.value for p in PROGRAMMES]
    found = [(names.index(route), time) for time, route, _ in model.log.counted("families_started")]
    return np.array(found, dtype=float).reshape(-1, 2)


def in_care_by_age(model: Model) -> list[int]:
    """The children in care now by age band (``AGE_BANDS`` order)."""
    now = model.env.now
    bands = [c.band(now) for group in model.placed.values() for c in group.values()]
    return [bands.count(band) for band in AGE_BANDS]


def count_ages(cal: Calendar, counts: list[list[int]], model: Model) -> None:
    """Start a process that appends the children in care by age band to ``counts`` at the end
    of each 31 March before the run's last day (``sample`` adds the last day's). It only looks:
    no draws, no moves."""
    env = model.env

    def census():
        for i in cal.census:
            if cal.points[i] >= cal.horizon:
                return
            yield env.timeout(max(0.0, float(cal.points[i]) - env.now))
            counts.append(in_care_by_age(model))

    env.process(census())


def sample(model: Model, cal: Calendar, ages: list[list[int]]) -> Sample:
    if len(ages) < len(cal.census):  # a 31 March on the run's last day
        ages.append(in_care_by_age(model))
    assert len(ages) == len(cal.census), "count_ages must watch the run"
    stocks, days = state_arrays(model, cal)
    return Sample(
        stocks.astype(np.int32),
        days[CLA].sum(axis=0),
        flow_array(model, cal),
        programme_episodes(model),
        family_starts(model),
        np.array(ages, dtype=np.int32).reshape(-1, len(AGE_BANDS)),
    )


def run_chunk(
    params_json: str, timeline: tuple[Change, ...], cal: Calendar, seed: int, indices: list[int]
) -> list[Sample]:
    base = parse_params(params_json)
    out = []
    for i in indices:
        rep_seed = replication_seed(seed, i)
        params = draw_parameters(base, parameter_rng(rep_seed))
        ages: list[list[int]] = []
        out.append(
            replicate(
                params,
                rep_seed,
                cal.horizon,
                list(timeline),
                partial(sample, cal=cal, ages=ages),
                partial(count_ages, cal, ages),
            )
        )
    return out


def run(
    params: ParameterSet,
    timeline: list[Change],
    years: int,
    replications: int,
    seed: int,
    jobs: int = 1,
) -> History:
    """Simulate ``replications`` of ``years`` from the parameter set's start date."""
    cal = Calendar(params.start_date, years)
    task = partial(run_chunk, params.model_dump_json(), tuple(timeline), cal, seed)
    samples = gather(task, replications, jobs)
    return History(cal, params, samples)


@dataclass
class History:
    """Every replication of a historical run, with the measures the reports publish."""

    cal: Calendar
    params: ParameterSet
    samples: list[Sample]

    def point(self, date: dt.date) -> int:
        """Index of a month end (or the day before the start) in the run's grid."""
        try:
            return self.cal.dates.index(date)
        except ValueError:
            raise KeyError(f"{date} is not a month end within the run") from None

    def stock(self, date: dt.date, states: list[int]) -> np.ndarray:
        i = self.point(date)
        return np.array([s.stocks[states, i].sum() for s in self.samples], dtype=float)

    def cla(self, date: dt.date) -> np.ndarray:
        return self.stock(date, CLA)

    def age_share(self, date: dt.date, bands: tuple[str, ...]) -> np.ndarray:
        """Per replication, the share of the children in care at a 31 March in ``bands``."""
        k = self.cal.census.index(self.point(date))
        counts = np.stack([s.ages[k] for s in self.samples]).astype(float)
        part = counts[:, [AGE_BANDS.index(band) for band in bands]].sum(axis=1)
        return part / np.maximum(counts.sum(axis=1), 1.0)

    def share(self, date: dt.date, part: tuple[State, ...], whole: tuple[State, ...]) -> np.ndarray:
        top = self.stock(date, [STATE_INDEX[s] for s in part])
        bottom = self.stock(date, [STATE_INDEX[s] for s in whole])
        return top / np.maximum(bottom, 1.0)

    def flow(self, measure: str, route: str = "all") -> np.ndarray:
        """(rep, financial year) counts of a counted measure."""
        r = routes_for(self.params).index(route)
        return np.stack([s.flows[COUNTED_INDEX[measure], r] for s in self.samples])

    def year(self, financial_year: str) -> int:
        return self.cal.financial_years.index(financial_year)

    def months_in_care(self, financial_year: str) -> np.ndarray:
        """Little's law over the year: average CLA over exits a year, in months."""
        months = np.array(self.cal.month_years) == financial_year
        lengths = np.diff(np.concatenate([[0.0], self.cal.points[1:]]))[months].sum()
        mean_cla = np.array([s.cla_days[months].sum() for s in self.samples]) / lengths
        exits_a_year = self.flow("exits")[:, self.year(financial_year)] * DAYS_PER_YEAR / lengths
        return mean_cla / np.maximum(exits_a_year, 1.0) * 12

    def span(self, first: dt.date, last: dt.date) -> tuple[float, float]:
        """Days from the run start to the start of ``first`` and the end of ``last``."""
        return self.cal.day(first) - 1.0, self.cal.day(last)

    def episodes(self, first: dt.date, last: dt.date, teams: Teams) -> list[np.ndarray]:
        """Per replication, the programme children who started in the period in the teams."""
        a, b = self.span(first, last)
        out = []
        for s in self.samples:
            e = s.episodes
            keep = (e[:, 1] >= a) & (e[:, 1] < b) & teams.mask(e[:, 0], e[:, 1])
            out.append(e[keep])
        return out

    def children_started(self, first, last, teams) -> np.ndarray:
        return np.array([len(e) for e in self.episodes(first, last, teams)], dtype=float)

    def diverted(self, first, last, teams) -> list[np.ndarray]:
        """Per replication, the children who started in the period and had not come into care
        by its end (the council counts success to date)."""
        _, b = self.span(first, last)
        return [e[(e[:, 3] != CARE) | (e[:, 2] > b)] for e in self.episodes(first, last, teams)]

    def children_diverted(self, first, last, teams) -> np.ndarray:
        return np.array([len(e) for e in self.diverted(first, last, teams)], dtype=float)

    def children_worked_with(self, first, last, teams) -> np.ndarray:
        """Programme children in work at any time in the period (started before its end, not
        closed before its start)."""
        a, b = self.span(first, last)
        counts = []
        for s in self.samples:
            e = s.episodes
            counts.append(((e[:, 1] < b) & (e[:, 2] >= a) & teams.mask(e[:, 0], e[:, 1])).sum())
        return np.array(counts, dtype=float)

    def families_started(self, first, last, teams) -> np.ndarray:
        a, b = self.span(first, last)
        return np.array(
            [
                ((f[:, 1] >= a) & (f[:, 1] < b) & teams.mask(f[:, 0], f[:, 1])).sum()
                for f in (s.families for s in self.samples)
            ],
            dtype=float,
        )

    def closed_at_home(self, first, last, teams) -> np.ndarray:
        """Of the programme children whose work closed in the period, the share still home."""
        a, b = self.span(first, last)
        shares = []
        for s in self.samples:
            e = s.episodes
            closed = (e[:, 2] >= a) & (e[:, 2] < b) & teams.mask(e[:, 0], e[:, 1])
            shares.append((e[closed, 3] == HOME).sum() / max(closed.sum(), 1))
        return np.array(shares)


@dataclass(frozen=True)
class Teams:
    """The programmes the council's edge-of-care figures count: the family therapies always,
    and Family Decision Making for families starting on or after ``fdm_from`` (a run day)."""

    fdm_from: float = np.inf

    def mask(self, programme: np.ndarray, start: np.ndarray) -> np.ndarray:
        fdm = PROGRAMMES.index(Programme.FDM)
        return (programme != fdm) | (start >= self.fdm_from)


def stock_flow(h: History) -> list[dict[str, float | str]]:
    """Per financial year: mean entries, exits and change in CLA, and the largest gap in any
    replication between entries - exits and the change in CLA (zero when stock and flow agree)."""
    entries, exits = h.flow("entries"), h.flow("exits")
    rows = []
    for y, year in enumerate(h.cal.financial_years):
        begin, end = h.cal.census[y], h.cal.census[y + 1] if y + 1 < len(h.cal.census) else None
        if end is None:
            break
        change = np.array(
            [s.stocks[CLA, end].sum() - s.stocks[CLA, begin].sum() for s in h.samples], dtype=float
        )
        gap = entries[:, y] - exits[:, y] - change
        rows.append(
            {
                "financial_year": year,
                "entries": entries[:, y].mean(),
                "exits": exits[:, y].mean(),
                "change_in_cla": change.mean(),
                "largest_gap": float(np.abs(gap).max()),
            }
        )
    return rows
