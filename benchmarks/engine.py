"""Engine speed: seconds per replication, events per second against bare simpy, peak memory.

Run from the repository root:  python benchmarks/engine.py [--replications 1000] [--jobs 2]
It times the installed package (the engine compiled, after `pip install .`; see README), which
it names first.

Prints figures only; nothing here asserts on time. Targets (issue 2): 1,000 replications of the
5-year baseline in at most 60 s wall with --jobs 2; the model's events per second at least half
of a bare simpy loop's; peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import simpy

import sufficiency
from sufficiency.engine import engine_kind
from sufficiency.engine.model import Model, replicate
from sufficiency.engine.streams import Streams
from sufficiency.measures import reduce
from sufficiency.pathway import State
from sufficiency.runner import Job, parameter_rng, replication_seed, run
from sufficiency.scenario import load_scenario
from sufficiency.uncertainty import draw_parameters

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def bare_simpy_rate(events: int = 300_000, processes: int = 100) -> float:
    """Events per second of a bare simpy loop of timeouts."""
    env = simpy.Environment()

    def ticker():
        while True:
            yield env.timeout(1.0)

    for _ in range(processes):
        env.process(ticker())
    started = time.perf_counter()
    env.run(until=events / processes)
    return events / (time.perf_counter() - started)


def one_move_rate(job: Job, events: int = 100_000, processes: int = 100) -> float:
    """Events per second of the same loop when each event also moves one child between two
    states through the model's own ``Model.move`` (the least any model event records)."""
    model = Model(job.params, Streams(np.random.SeedSequence(0)), float("inf"))
    env = model.env

    def ticker(child):
        states = (State.HOME, State.WAITING)
        while True:
            yield env.timeout(1.0)
            model.move(child, states[child.state is State.HOME])

    for _ in range(processes):
        env.process(ticker(model.new_child(0.0, "standard", [])))
    started = time.perf_counter()
    env.run(until=events / processes)
    return events / (time.perf_counter() - started)


def processed_events(env: simpy.Environment) -> int:
    """Events the environment processed: scheduled ids issued less those still queued."""
    return next(env._eid) - len(env._queue)


def model_rates(job: Job, indices: range) -> tuple[float, float, float]:
    """Seconds per replication (draw parameters, simulate, reduce: as the runner does),
    simulate-only events per second, and events per replication, over ``indices``."""
    cal, changes = job.calendar, list(job.timeline)
    sim_seconds = total_seconds = 0.0
    events = 0
    for i in indices:
        started = time.perf_counter()
        seed = replication_seed(job.seed, i)
        params = draw_parameters(job.params, parameter_rng(seed))
        simulating = time.perf_counter()

        def measured(model, simulating=simulating):
            nonlocal sim_seconds, events
            sim_seconds += time.perf_counter() - simulating
            events += processed_events(model.env)
            return reduce(model, cal, changes)

        replicate(params, seed, cal.horizon, changes, measured)
        total_seconds += time.perf_counter() - started
    return total_seconds / len(indices), events / sim_seconds, events / len(indices)


def interleaved(job: Job, sample: int, rounds: int) -> list[tuple[float, float, float, float]]:
    """Per round: a bare simpy loop timed just before a share of the sampled replications, so
    that each ratio compares the two on the same machine state (shared machines drift)."""
    per_round = max(1, sample // rounds)
    out = []
    for r in range(rounds):
        bare = bare_simpy_rate(100_000)
        one_move = one_move_rate(job)
        out.append((bare, one_move, *model_rates(job, range(r * per_round, (r + 1) * per_round))))
    return out


def peak_memory_mb() -> float:
    """Peak resident memory of this process and of its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=30, help="replications timed one by one")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    args = parser.parse_args()

    scenario = load_scenario(BASELINE)
    job = Job.of(scenario, 5, 1, max(args.sample, args.replications))
    rounds = interleaved(job, args.sample, args.rounds)
    bare_rate, one_move, per_rep, model_rate, events = (
        statistics.median(col) for col in zip(*rounds)
    )
    ratio = statistics.median(model / bare for bare, _, _, model, _ in rounds)
    print(f"engine: {engine_kind()} (sufficiency from {Path(sufficiency.__file__).parent})")
    print(f"seconds per replication (5-year baseline, one core): {per_rep:.4f}")
    print(f"simulated events per replication: {events:,.0f}")
    print(f"model events per second: {model_rate:,.0f}")
    print(f"bare simpy events per second (same run): {bare_rate:,.0f}")
    print(
        f"ratio model / bare simpy: {ratio:.2f}, median of {len(rounds)} interleaved rounds "
        f"(range {min(m / b for b, _, _, m, _ in rounds):.2f} to "
        f"{max(m / b for b, _, _, m, _ in rounds):.2f}; target >= 0.5)"
    )
    print(
        f"for scale: simpy with one Model.move per event: {one_move:,.0f} events/s, ratio "
        f"{statistics.median(o / b for b, o, *_ in rounds):.2f}"
    )

    started = time.perf_counter()
    result = run(scenario, years=5, replications=args.replications, seed=1, jobs=args.jobs)
    wall = time.perf_counter() - started
    print(
        f"{args.replications} replications with --jobs {args.jobs}: {wall:.1f} s wall "
        f"(target <= 60 s for 1,000)"
    )
    print(
        f"bare simpy events per second just after: {bare_simpy_rate(100_000):,.0f} "
        f"(how fast the machine was)"
    )
    arrays = (
        result.stocks,
        result.days,
        result.flows,
        result.waiting,
        result.capacity,
        result.costs,
    )
    print(f"result arrays: {sum(a.nbytes for a in arrays) / 1e6:.1f} MB")
    print(f"peak memory (largest process): {peak_memory_mb():.0f} MB (target < 1024 MB)")


if __name__ == "__main__":
    main()
