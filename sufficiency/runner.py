"""Replications: one SeedSequence per run, spawned per replication, spread over processes."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TypeVar

import numpy as np

from . import executor
from .calendar import Calendar
from .cost_lines import ENGINE_LINES, INVESTMENT
from .engine.model import Model, replicate
from .engine.streams import Streams
from .executor import Progress
from .measures import Replication, reduce, routes_for, transitions
from .parameters import ParameterSet
from .results import RunResult
from .scenario import Scenario, investment_costs
from .timeline import Change
from .uncertainty import draw_index, draw_parameters

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """What a worker needs to run replications of one scenario (plain data, picklable)."""

    params_json: str
    timeline: tuple[Change, ...]
    years: int
    seed: int
    replications: int
    event_logs: int = 0  # keep the full event log of the first this many replications

    @classmethod
    def of(
        cls, scenario: Scenario, years: int, seed: int, replications: int, event_logs: int = 0
    ) -> Job:
        return cls(
            scenario.params.model_dump_json(),
            scenario.timeline,
            years,
            seed,
            replications,
            event_logs,
        )

    @property
    def params(self) -> ParameterSet:
        return parse_params(self.params_json)

    @property
    def calendar(self) -> Calendar:
        return calendar_of(self.params.start_date, self.years)


@lru_cache(maxsize=8)
def calendar_of(start: dt.date, years: int) -> Calendar:
    """A run's calendar, made once per worker (its grid is computed once, not per replication)."""
    return Calendar(start, years)


@lru_cache(maxsize=8)
def parse_params(text: str) -> ParameterSet:
    """Rebuild a parameter set in a worker (cached: once per worker and scenario)."""
    return ParameterSet.model_validate_json(text)


def replication_seed(seed: int, index: int) -> np.random.SeedSequence:
    """The seed of replication ``index``: ``SeedSequence(seed).spawn(n)[index]`` for any n,
    made directly (spawning every sibling for each replication would cost O(n) each)."""
    return np.random.SeedSequence(seed, spawn_key=(index,))


def parameter_rng(seed: np.random.SeedSequence) -> np.random.Generator:
    """The replication's own stream for drawing uncertain parameters."""
    return Streams(seed)["parameters"].rng


def run_one(job: Job, index: int) -> Replication:
    """Simulate and reduce one replication."""
    keep_log = index < job.event_logs

    def reduced(model: Model, cal: Calendar, changes: list[Change]) -> Replication:
        rep = reduce(model, cal, changes)
        if keep_log:
            rep.events = transitions(model)
        return rep

    return run_with(job, index, reduced)


def run_with(job: Job, index: int, keep: Callable[[Model, Calendar, list[Change]], T]) -> T:
    """Simulate replication ``index`` of ``job`` and return only ``keep(model, calendar,
    changes)`` of it (a forecast keeps a few numbers, a run every result array)."""
    cal = job.calendar
    changes = list(job.timeline)
    seed = replication_seed(job.seed, index)
    params = draw_parameters(
        job.params, parameter_rng(replication_seed(job.seed, draw_index(index)))
    )
    return replicate(params, seed, cal.horizon, changes, lambda model: keep(model, cal, changes))


def run_chunk(job: Job, indices: list[int]) -> list[Replication]:
    return [run_one(job, i) for i in indices]


def run(
    scenario: Scenario,
    years: int = 5,
    replications: int = 200,
    seed: int = 1,
    jobs: int = 1,
    progress: Progress | None = None,
    event_logs: int = 0,
) -> RunResult:
    """Run ``replications`` of a scenario and gather the results (with the full event logs of
    the first ``event_logs`` replications)."""
    scenario.check_horizon(Calendar(scenario.params.start_date, years))
    job = Job.of(scenario, years, seed, replications, event_logs)
    started = time.perf_counter()
    reps = executor.gather(partial(run_chunk, job), job.replications, jobs, progress)
    result = RunResult.from_replications(
        scenario=scenario,
        years=years,
        seed=seed,
        replications=reps,
        routes=routes_for(scenario.params),
        items=ENGINE_LINES,
        seconds=time.perf_counter() - started,
        jobs=jobs,
    )
    if scenario.investments:
        result.add_cost_item(INVESTMENT, investment_costs(scenario, result.calendar))
    return result
