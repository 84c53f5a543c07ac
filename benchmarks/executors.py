"""The overhead of Dask against local processes: the Leicester baseline, the same replications
on ``--jobs 2`` local processes and on a two-worker local Dask cluster.

Run from the repository root:  python benchmarks/executors.py [--replications 1000]

Prints wall times only (the Dask time with and without starting the cluster) and whether the
two results are identical; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from sufficiency.cluster import Dask, dask_client
from sufficiency.executor import using
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario(BASELINE)
    options = {"years": 5, "replications": args.replications, "seed": args.seed}

    started = time.perf_counter()
    local = run(scenario, jobs=2, **options)
    local_s = time.perf_counter() - started

    started = time.perf_counter()
    with dask_client(None, 2) as client, using(Dask(client)):
        ready = time.perf_counter()
        on_dask = run(scenario, **options)
        ran = time.perf_counter()
    dask_s = time.perf_counter() - started

    same = all(
        np.array_equal(a, b)
        for a, b in ((local.stocks, on_dask.stocks), (local.costs, on_dask.costs))
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"replications {args.replications}; identical results: {same}; "
        f"client peak RSS {peak_mb:.0f} MB"
    )
    print(f"--jobs 2 local processes: {local_s:.1f} s wall")
    print(
        f"Dask, 2 local workers: {dask_s:.1f} s wall ({ready - started:.1f} s starting the "
        f"cluster, {ran - ready:.1f} s running, {time.perf_counter() - ran:.1f} s stopping)"
    )


if __name__ == "__main__":
    main()
