"""The national forecast (``sufficiency areas forecast``) on two local processes and on a
two-worker local Dask cluster, run alternately: wall time, seconds per replication and the peak
memory of the command's own process (the client; workers not counted).

Run from the repository root:  python benchmarks/national.py [--areas N] [--replications R]
[--years Y] [--rounds K]

With --areas N only the first N authorities (alphabetical) are forecast, to time a subset on a
busy machine; the full run is 153 authorities (--areas 0), 100 replications, 5 years. Prints
figures only; the output CSVs of the two ways must be identical, and are compared.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sufficiency.publicdata.tables import load

COMMAND = str(Path(sys.executable).with_name("sufficiency"))
WAYS = {"--jobs 2": ["--jobs", "2"], "dask, 2 workers": ["--executor", "dask", "--workers", "2"]}


def peak_kib(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in KiB; 0 once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("VmHWM")), 0)


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the command process's peak memory (MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, peak_kib(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {proc.stderr.read() if proc.stderr else ''}")
    return seconds, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=0, help="the first N authorities (0: all)")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    names = [a.la_code for a in load().areas][: args.areas or None]
    base = [COMMAND, "areas", "forecast", *names, "--replications", str(args.replications)]
    base += ["--years", str(args.years), "--seed", "1", "--force"]
    reps = len(names) * args.replications
    print(f"{len(names)} authorities x {args.replications} replications x {args.years} years")
    with tempfile.TemporaryDirectory() as work:
        outs = {}
        for round_ in range(args.rounds):
            for way, options in WAYS.items():
                out = Path(work) / way.replace(" ", "_")
                seconds, peak = timed([*base, "--out", str(out), *options])
                outs[way] = out / "area_forecasts.csv"
                print(
                    f"round {round_ + 1} {way}: {seconds:.1f} s, {seconds / reps * 1000:.1f} ms "
                    f"per replication, client peak {peak:.0f} MB"
                )
        same = filecmp.cmp(*outs.values(), shallow=False)
        print(f"area_forecasts.csv identical: {same}")


if __name__ == "__main__":
    main()
