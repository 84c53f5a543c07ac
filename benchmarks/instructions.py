"""Replications of the baseline in this one process, to count instructions under callgrind
(a measure of the engine's work that does not drift with the machine's load).

Run from the repository root, once with N=1 and once with N=4:

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.N python benchmarks/instructions.py N

and take (instructions at N=4 - instructions at N=1) / 3 as the instructions per replication
(valgrind prints the total as "Collected : ..."). Prints nothing itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sufficiency.runner import run
from sufficiency.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("replications", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run(load_scenario(BASELINE), replications=args.replications, seed=args.seed)


if __name__ == "__main__":
    main()
