"""The national forecast (``sufficiency areas forecast``) on two local processes and on a
two-worker local Dask cluster, run alternately: wall time, seconds per replication and the peak
memory of the command's own process (the client; workers not counted).

Run from the repository root:  python benchmarks/national.py [--areas N] [--replications R]
[--years Y] [--rounds K]

With --areas N only the first N authorities (alphabetical) are forecast, to time a subset on a
busy machine; the full run is 153 authorities (--areas 0), 100 replications, 5 years. The two
ways alternate, round by round, and the medians are printed: wall time, CPU time (the command
and its workers: steadier than wall time on a shared machine) and the client's peak memory.
Prints figures only; the output CSVs of the two ways must be identical, and are compared.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
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


def timed(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the command and every process it waited for: its workers)
    and the command process's peak memory (MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, peak_kib(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed: {proc.stderr.read() if proc.stderr else ''}")
    return seconds, usage.ru_utime + usage.ru_stime, peak / 1024


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
    figures: dict[str, list[tuple[float, float, float]]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory() as work:
        outs = {}
        for round_ in range(args.rounds):
            for way, options in WAYS.items():
                out = Path(work) / way.replace(" ", "_")
                seconds, cpu, peak = timed([*base, "--out", str(out), *options])
                figures[way].append((seconds, cpu, peak))
                outs[way] = out / "area_forecasts.csv"
                print(
                    f"round {round_ + 1} {way}: {seconds:.1f} s, {seconds / reps * 1000:.1f} ms "
                    f"per replication, {cpu:.1f} s CPU, client peak {peak:.0f} MB",
                    flush=True,
                )
        same = filecmp.cmp(outs["--jobs 2"], outs["dask, 2 workers"], shallow=False)
    medians = {
        way: [statistics.median(column) for column in zip(*rows)] for way, rows in figures.items()
    }
    for way, (seconds, cpu, peak) in medians.items():
        print(f"median {way}: {seconds:.1f} s wall, {cpu:.1f} s CPU, client peak {peak:.0f} MB")
    local, dask = medians.values()
    print(f"dask / local: {dask[0] / local[0]:.3f} wall, {dask[1] / local[1]:.3f} CPU")
    print(f"area_forecasts.csv identical: {same}")


if __name__ == "__main__":
    main()
