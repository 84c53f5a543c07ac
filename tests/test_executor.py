"""One stream of chunks for many tasks (``gather_each``): each task's results whole and in
order on any executor, its completion told once, tasks read only as the stream needs them, and
a dead worker's chunks run again."""

from __future__ import annotations

import os
import signal
from functools import partial
from pathlib import Path

import pytest

from sufficiency.executor import Processes, Serial, gather_each, using

COUNTS = {"a": 7, "b": 23, "c": 1}


def tagged(tag: str, marker: Path | None, indices: list[int]) -> list[tuple[str, int]]:
    """Each index with its task's tag; the worker running ``b``'s index 5 is killed once if
    ``marker`` names a file to leave behind."""
    if marker is not None and tag == "b" and 5 in indices and not marker.exists():
        marker.write_text("died once")
        os.kill(os.getpid(), signal.SIGKILL)
    return [(tag, i) for i in indices]


@pytest.mark.parametrize("executor", [Serial(), Processes(2)], ids=["serial", "processes"])
def test_each_task_gets_its_own_results_in_index_order(executor):
    finished: list[int] = []
    tasks = ((partial(tagged, tag, None), count) for tag, count in COUNTS.items())
    with using(executor):
        out = gather_each(tasks, 1, finished.append)
    assert out == [[(tag, i) for i in range(count)] for tag, count in COUNTS.items()]
    assert sorted(finished) == [0, 1, 2]


def test_a_dead_workers_chunk_is_run_again_within_the_stream(tmp_path):
    marker = tmp_path / "marker"
    tasks = ((partial(tagged, tag, marker), count) for tag, count in COUNTS.items())
    with using(Processes(2)):
        out = gather_each(tasks, 2)
    assert marker.exists()
    assert out == [[(tag, i) for i in range(count)] for tag, count in COUNTS.items()]


def test_tasks_are_read_only_as_the_stream_needs_them():
    made: list[str] = []

    def tasks():
        for tag, count in COUNTS.items():
            made.append(tag)
            yield (lambda indices: [len(made)] * len(indices)), count

    out = gather_each(tasks(), 1)
    assert out == [[1] * 7, [2] * 23, [3]]
