"""Where replications run: in this process, or on worker processes.

Work is split into chunks of replication indices; each chunk's result depends only on its
indices (each replication seeds itself), so results are identical for any number of workers.
An executor runs a picklable task over the chunks and returns the results in chunk order,
reporting each finished chunk. Another backend (a Dask cluster: ``cluster.py``) is another
``Executor``, chosen for a block of code with ``using``; by default ``gather`` uses ``jobs``
local processes.

On Ctrl-C or SIGTERM the pool's workers are stopped before the interruption goes on up. If a
worker dies, the chunks not yet finished are run again on a fresh pool, with the same seeds.
"""

from __future__ import annotations

import contextlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from multiprocessing import get_context
from typing import TypeVar

from .shutdown import deferred, worker_signals

T = TypeVar("T")
Task = Callable[[list[int]], list[T]]
Progress = Callable[[int], None]
"""Told the number of replications (indices) each time a chunk finishes."""

RESTARTS = 3
"""Fresh pools tried after workers die before the run gives up."""
STOP_SECONDS = 2.0
"""How long a stopped worker has to end after SIGTERM before it is killed."""


class WorkersLost(RuntimeError):
    """Worker processes kept dying (killed, or out of memory), so the run was given up."""


def chunks(n: int, jobs: int) -> list[list[int]]:
    """Indices 0..n-1 in contiguous chunks, several per worker for load balance (at most 10,
    so that workers finish within about a second of each other)."""
    size = max(1, min(10, n // (jobs * 4) or 1))
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


class Executor(ABC):
    """Runs a task over chunks of indices and returns the results in chunk order."""

    workers: int = 1
    """How many chunks run at once: sets the chunk size (which never changes results)."""

    @abstractmethod
    def map(
        self, task: Task[T], parts: Sequence[list[int]], done: Progress | None = None
    ) -> list[list[T]]:
        """``task(part)`` for every part, in order; ``done(len(part))`` as each finishes."""


class Serial(Executor):
    """Every chunk in this process, one after another."""

    def map(
        self, task: Task[T], parts: Sequence[list[int]], done: Progress | None = None
    ) -> list[list[T]]:
        out = []
        for part in parts:
            out.append(task(part))
            if done:
                done(len(part))
        return out


class Processes(Executor):
    """Chunks on ``jobs`` forked worker processes."""

    def __init__(self, jobs: int) -> None:
        self.workers = jobs

    def map(
        self, task: Task[T], parts: Sequence[list[int]], done: Progress | None = None
    ) -> list[list[T]]:
        results: dict[int, list[T]] = {}
        for _ in range(RESTARTS + 1):
            try:
                self.run_pool(task, parts, results, done)
                return [results[i] for i in range(len(parts))]
            except BrokenProcessPool:
                continue
        raise WorkersLost(
            f"worker processes died {RESTARTS + 1} times (killed, or out of "
            "memory?), so the run was given up"
        )

    def run_pool(
        self,
        task: Task[T],
        parts: Sequence[list[int]],
        results: dict[int, list[T]],
        done: Progress | None,
    ) -> None:
        """Run the parts not yet in ``results`` on a fresh pool, adding each as it finishes."""
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=get_context("fork"),
            initializer=worker_signals,
            initargs=(os.getpid(),),
        )
        try:
            with deferred():  # forked workers start with SIGINT and SIGTERM held, see below
                pending: dict[Future, int] = {
                    pool.submit(task, parts[i]): i for i in range(len(parts)) if i not in results
                }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = pending.pop(future)
                    results[i] = future.result()
                    if done:
                        done(len(parts[i]))
        except BaseException:
            stop(pool)
            raise
        pool.shutdown()


def stop(pool: ProcessPoolExecutor) -> None:
    """End every worker of ``pool`` now: SIGTERM, then SIGKILL for any still running."""
    with deferred():
        workers = list((pool._processes or {}).values())  # no public way before Python 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(STOP_SECONDS)
            if worker.is_alive():
                worker.kill()
                worker.join()


def executor_for(jobs: int) -> Executor:
    return Serial() if jobs == 1 else Processes(jobs)


chosen: ContextVar[Executor | None] = ContextVar("chosen", default=None)
"""The executor that ``gather`` uses instead of local processes, if any."""


@contextlib.contextmanager
def using(executor: Executor) -> Iterator[Executor]:
    """Within the block, ``gather`` runs its chunks on ``executor`` (``jobs`` is ignored)."""
    token = chosen.set(executor)
    try:
        yield executor
    finally:
        chosen.reset(token)


def gather(task: Task[T], count: int, jobs: int, done: Progress | None = None) -> list[T]:
    """``task`` over the indices 0..count-1, on the executor chosen by ``using`` or else on up
    to ``jobs`` local processes; the results flat, in index order."""
    executor = chosen.get()
    if executor is None:
        jobs = max(1, min(jobs, os.cpu_count() or 1, count))
        executor = executor_for(jobs)
    results = executor.map(task, chunks(count, executor.workers), done)
    return [item for part in results for item in part]
