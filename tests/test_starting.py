"""Ctrl-C while the command starts, and while a local Dask cluster starts: one line, exit status
130, no traceback from any process, nothing written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sufficiency.shutdown import deferred

from .conftest import BASELINE_SCENARIO
from .test_shutdown import gone, wait_for

COMMAND = Path(sys.executable).with_name("sufficiency")
SOURCE = Path(__file__).resolve().parent.parent
"""This checkout, put first on the command's path (an installed copy may be older)."""


def test_a_signal_reaching_another_thread_waits_for_the_block_to_end():
    """Python runs handlers in the main thread whichever thread the signal reaches, so a mask
    on this thread alone would not hold it."""
    other_may_end = threading.Event()
    other = threading.Thread(target=other_may_end.wait)
    other.start()
    finished = False
    try:
        with pytest.raises(KeyboardInterrupt), deferred():
            signal.pthread_kill(other.ident or 0, signal.SIGINT)
            time.sleep(0.5)  # the other thread takes the signal; the handler runs here
            finished = True
    finally:
        other_may_end.set()
        other.join()
    assert finished


def group(pgid: int) -> list[tuple[int, str]]:
    """The live processes of a process group, with their command lines."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            line = (stat.parent / "cmdline").read_text()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(stat.parent.name), line))
    return found


@pytest.mark.skipif(not COMMAND.is_file(), reason="needs the installed command")
@pytest.mark.parametrize("moment", ["importing", "workers starting"])
def test_ctrl_c_while_starting_is_one_line_and_status_130(tmp_path, moment):
    pytest.importorskip("distributed")
    out = tmp_path / "results"
    args = ["run", str(BASELINE_SCENARIO), "--executor", "dask", "--workers", "2"]
    proc = subprocess.Popen(
        [str(COMMAND), *args, "--replications", "4", "--quiet", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(SOURCE)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    if moment == "importing":
        assert wait_for(lambda: "pandas" in Path(f"/proc/{proc.pid}/maps").read_text(), 60)
    else:
        assert wait_for(lambda: any("spawn_main" in line for _, line in group(proc.pid)), 120)
    members = [pid for pid, _ in group(proc.pid)]
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert len(err.strip().splitlines()) == 1 and "Ctrl-C" in err, err
    assert wait_for(lambda: all(gone(pid) for pid in members), 30)
    assert list(tmp_path.iterdir()) == []
