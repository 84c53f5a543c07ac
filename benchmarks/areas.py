"""Baselines for every authority: build each from the shipped public data, check it validates,
and print the time.

Run from the repository root:  python benchmarks/areas.py [--at 2024-03-31]

Prints figures only. Target (issue 13): all 153 well under a minute. An authority whose own
total is not published (the Isles of Scilly) cannot be built and is listed with the reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from sufficiency.errors import InputError
from sufficiency.publicdata.baseline import build_baseline, template
from sufficiency.publicdata.tables import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--at", type=dt.date.fromisoformat, default=dt.date.max)
    args = parser.parse_args()
    started = time.perf_counter()
    data = load()
    template()
    loaded = time.perf_counter()
    built, failed = 0, []
    for area in data.areas:
        try:
            build_baseline(data, area, args.at)
            built += 1
        except InputError as err:
            failed.append(f"{area.name}: {err.field}: {err.expected}")
    done = time.perf_counter()
    print(
        f"{built} of {len(data.areas)} authorities built and validated in "
        f"{done - loaded:.2f} s ({(done - loaded) / max(built, 1) * 1000:.1f} ms each), "
        f"after {loaded - started:.2f} s loading the shipped data and Leicester's template"
    )
    for line in failed:
        print(f"not built: {line}")


if __name__ == "__main__":
    main()
