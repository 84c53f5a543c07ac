"""Shutdown: Ctrl-C and SIGTERM stop every worker and leave nothing behind; a worker that dies
has its chunk run again with the same seeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from sufficiency import cli as cli_module
from sufficiency.executor import Processes, Serial, WorkersLost, chunks
from sufficiency.output import save
from sufficiency.shutdown import Terminated

from .conftest import BASELINE_SCENARIO

COMMAND = Path(sys.executable).with_name("sufficiency")
pytestmark = pytest.mark.skipif(not COMMAND.is_file(), reason="needs the installed command")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def wait_for(condition, limit: float = 60.0) -> bool:
    """Poll until ``condition()`` holds or ``limit`` seconds pass."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


# -- the executor ------------------------------------------------------------------------------
def squares(marker: Path | None, die_at: int, indices: list[int]) -> list[int]:
    """Square each index; the worker running ``die_at`` is killed, once if ``marker`` names a
    file to leave behind, every time if it is None."""
    if die_at in indices and (marker is None or not marker.exists()):
        if marker is not None:
            marker.write_text("died once")
        os.kill(os.getpid(), signal.SIGKILL)
    return [i * i for i in indices]


def test_a_dead_workers_chunk_is_run_again_and_results_stay_in_order(tmp_path):
    parts = chunks(40, 2)
    done: list[int] = []
    task = partial(squares, tmp_path / "marker", 17)
    out = Processes(2).map(task, parts, done.append)
    assert (tmp_path / "marker").exists()
    assert out == Serial().map(partial(squares, None, -1), parts)
    assert sorted(done) == sorted(len(p) for p in parts)


def test_workers_that_keep_dying_end_the_run_with_workers_lost():
    with pytest.raises(WorkersLost, match="died"):
        Processes(2).map(partial(squares, None, 3), chunks(8, 2))
    assert wait_for(lambda: all(gone(c) for c in children(os.getpid())), 10)


# -- in one process ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "stop, status, named",
    [(KeyboardInterrupt, 130, "Ctrl-C (SIGINT)"), (Terminated, 143, "SIGTERM")],
)
def test_an_interrupted_command_exits_with_the_signals_status_and_one_line(
    monkeypatch, tmp_path, stop, status, named
):
    def interrupted(*args, **kwargs):
        raise stop()

    monkeypatch.setattr(cli_module, "run_scenario", interrupted)
    result = CliRunner().invoke(
        cli_module.cli,
        ["run", str(BASELINE_SCENARIO), "--quiet", "--out", str(tmp_path / "results")],
    )
    assert result.exit_code == status
    assert (
        result.output.strip() == f"Interrupted by {named}: 'sufficiency run' stopped; "
        "no partial output was left"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_no_folder_and_no_staging_folder(tmp_path):
    def writer(folder: Path) -> None:
        (folder / "stocks.csv").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        save(tmp_path / "results", False, writer)
    assert list(tmp_path.iterdir()) == []


# -- the command, interrupted ------------------------------------------------------------------
def start(out: Path, *args: str, settle: float = 1.0) -> subprocess.Popen:
    """A --jobs 2 run in its own process group, ``settle`` seconds after both workers started."""
    cmd = [
        str(COMMAND),
        "run",
        str(BASELINE_SCENARIO),
        "--jobs",
        "2",
        "--quiet",
        "--out",
        str(out),
        *args,
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    assert wait_for(lambda: len(children(proc.pid)) == 2), "workers never started"
    time.sleep(settle)  # let the workers get into their first replications
    return proc


@pytest.mark.parametrize(
    "how, status, named", [("SIGINT to the group", 130, "SIGINT"), ("SIGTERM", 143, "SIGTERM")]
)
def test_an_interrupted_parallel_run_stops_its_workers_and_writes_nothing(
    tmp_path, how, status, named
):
    out = tmp_path / "results"
    proc = start(out, "--replications", "400")
    workers = children(proc.pid)
    if how == "SIGTERM":
        proc.terminate()
    else:
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert err.strip().splitlines() == [err.strip()] and named in err
    assert "Traceback" not in err
    assert wait_for(lambda: all(gone(w) for w in workers), 10)
    assert list(tmp_path.iterdir()) == []


def test_a_killed_worker_leaves_the_results_unchanged(tmp_path):
    quick = ["--years", "2", "--replications", "40", "--seed", "5"]
    killed = start(tmp_path / "killed", *quick, settle=0.0)  # the first chunks not yet done
    os.kill(children(killed.pid)[0], signal.SIGKILL)
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == 0, err
    clean = subprocess.run(
        [
            str(COMMAND),
            "run",
            str(BASELINE_SCENARIO),
            *quick,
            "--quiet",
            "--out",
            str(tmp_path / "clean"),
        ],
        capture_output=True,
        timeout=300,
    )
    assert clean.returncode == 0
    for name in ("stocks", "flows", "costs", "capacity"):
        clean_csv = (tmp_path / "clean" / f"{name}.csv").read_bytes()
        assert (tmp_path / "killed" / f"{name}.csv").read_bytes() == clean_csv, name


def test_workers_end_when_the_main_process_is_killed(tmp_path):
    proc = start(tmp_path / "results", "--replications", "400")
    workers = children(proc.pid)
    proc.kill()
    proc.communicate(timeout=60)
    assert wait_for(lambda: all(gone(w) for w in workers), 10)
    assert list(tmp_path.iterdir()) == []


def worker_state(indices: list[int]) -> list[tuple[object, bool]]:
    """The worker's SIGTERM handler, and whether SIGINT or SIGTERM is held."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    return [(signal.getsignal(signal.SIGTERM), bool(held & {signal.SIGINT, signal.SIGTERM}))]


def test_workers_take_their_own_signal_handling_and_hold_no_signal():
    """Workers are forked with SIGINT and SIGTERM held (one arriving mid-fork must not reach the
    main process's handlers in the worker); their initializer lets both through again."""
    unwind = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: None)  # a main-process handler, as the CLI sets
    try:
        states = Processes(2).map(worker_state, chunks(4, 2))
    finally:
        signal.signal(signal.SIGTERM, unwind)
    assert [s for part in states for s in part] == [(signal.SIG_DFL, False)] * len(states)
    assert not signal.pthread_sigmask(signal.SIG_BLOCK, []) & {signal.SIGINT, signal.SIGTERM}
