"""Cost per child as the population grows: the Leicester baseline with population, entry and
referral rates, therapists, foster carers' households (and their recruitment) and home beds all
multiplied by K, run for REPS replications of 5 years in this one process.

Run from the repository root:  python benchmarks/scale.py K REPS [--profile N]

Prints figures only; the last line is ``K=<K> reps=<REPS> <S> s/rep``. K=137 is about England's
82,000 children looked after. With --profile N, also the N functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import resource
import time
from pathlib import Path

from sufficiency.parameters import ParameterSet, revised
from sufficiency.paths import set_value, sourced_items
from sufficiency.runner import run
from sufficiency.scenario import Scenario, load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
SCALED = {
    "population.total",
    "child_population",
    "therapists",
    "referrals_per_month",
    "rate_per_month",
    "households",
    "recruitment_per_year",
    "beds",
}
"""Parameters multiplied by K: whole paths, or the last part of a path."""
YEARS = 5


def scaled(params: ParameterSet, k: float) -> ParameterSet:
    """``params`` with every count and rate of ``SCALED`` multiplied by ``k`` (counts of whole
    things rounded)."""

    def revise(data: dict) -> None:
        for path, node in list(sourced_items(data)):
            if path in SCALED or path.rsplit(".", 1)[-1] in SCALED:
                value = node["value"] * k
                set_value(data, path, round(value) if isinstance(node["value"], int) else value)

    return revised(params, revise)


def child_years(result) -> float:
    """Children looked after, averaged over the run's month ends, times the years run."""
    stocks = result.stocks_frame()
    return float(stocks[stocks.state == "cla_total"]["mean"].mean()) * YEARS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("k", type=float)
    parser.add_argument("reps", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    base = load_scenario(BASELINE)
    scenario: Scenario = dataclasses.replace(base, params=scaled(base.params, args.k))
    profiler = cProfile.Profile() if args.profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = run(scenario, years=YEARS, replications=args.reps, seed=args.seed, jobs=1)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    cpu = (time.process_time() - cpu_started) / args.reps
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    per_rep = seconds / args.reps
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    years = child_years(result)
    print(
        f"child-years per replication {years:,.0f}; {per_rep / years * 1e6:.2f} us per "
        f"child-year ({cpu / years * 1e6:.2f} us of CPU); peak RSS {peak_mb:.0f} MB"
    )
    print(f"K={args.k:g} reps={args.reps} {per_rep:.3f} s/rep")


if __name__ == "__main__":
    main()
