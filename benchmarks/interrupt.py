"""Interrupting and damaging a `--jobs 2` run (issue 10's checks), with figures printed.

1. SIGINT to the run's process group 5 s in (as a terminal's Ctrl-C sends it);
2. SIGTERM to the main process 5 s in;
3. kill -9 of one worker once the workers run: the run must end with the same CSV files as a
   clean run.

Usage: python benchmarks/interrupt.py  (from the repository, with `sufficiency` installed)
"""

from __future__ import annotations

import filecmp
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [str(Path(sys.executable).with_name("sufficiency")), "run"]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


def start(out: Path, replications: int) -> subprocess.Popen:
    """A --jobs 2 run in its own process group, SIGINT at its default (as from a terminal)."""
    args = [*COMMAND, BASELINE, "--jobs", "2", "--quiet", "--seed", "3", "--out", str(out)]
    return subprocess.Popen(
        [*args, "--replications", str(replications)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def group(pgid: int) -> list[int]:
    """The live processes of a process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def interrupted(how: str, work: Path) -> str:
    out = work / f"out-{how}"
    proc = start(out, 400)
    time.sleep(5)
    before = len(group(proc.pid))
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.terminate()
    time.sleep(5)
    left = len(group(proc.pid))
    _, err = proc.communicate(timeout=120)
    strays = [p.name for p in work.iterdir() if p.name.startswith(".")]
    return (
        f"{how} 5 s in: {before} processes before, {left} left 5 s after, exit "
        f"{proc.returncode}, output folder: {'yes' if out.exists() else 'no'}, staging "
        f"leftovers: {len(strays)}\n  message: {err.strip()}"
    )


def killed_worker(work: Path) -> str:
    clean, killed = work / "clean", work / "killed"
    subprocess.run(
        [
            *COMMAND,
            BASELINE,
            "--replications",
            "100",
            "--seed",
            "3",
            "--quiet",
            "--out",
            str(clean),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    proc = start(killed, 100)
    while len(group(proc.pid)) < 3 and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(1.0)
    workers = [p for p in group(proc.pid) if p != proc.pid]
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=600)
    names = sorted(p.name for p in clean.glob("*.csv"))
    same = sum(filecmp.cmp(clean / n, killed / n, shallow=False) for n in names)
    return (
        f"kill -9 of a worker 1 s after the workers started: exit {proc.returncode}, {same} of "
        f"{len(names)} CSV files identical to a clean run; stderr: {err.strip()!r}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for how in ("SIGINT", "SIGTERM"):
            print(interrupted(how, work), flush=True)
        print(killed_worker(work))


if __name__ == "__main__":
    main()
