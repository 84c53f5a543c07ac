"""Where replications run: in this process, or on worker processes.

Work is split into chunks of replication indices; each chunk's result depends only on its
indices (each replication seeds itself), so results are identical for any number of workers.
An executor runs a stream of chunks (each a picklable task and its indices), a few in flight
per worker, and returns the results in stream order, reporting each finished chunk. The stream
may be lazy and may hold the chunks of many tasks (``gather_each``: every authority of a
forecast), so workers go from one task to the next without waiting for the slowest chunk of
each. Another backend (a Dask cluster: ``cluster.py``) is another ``Executor``, chosen for a
block of code with ``using``; by default ``gather`` uses ``jobs`` local processes.

On Ctrl-C or SIGTERM the pool's workers are stopped before the interruption goes on up. If a
worker dies, the chunks not yet finished are run again on a fresh pool, with the same seeds.
"""

from __future__ import annotations

import contextlib
import gc
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Generic, TypeVar

from .shutdown import deferred, worker_signals

T = TypeVar("T")
Task = Callable[[list[int]], list[T]]
Progress = Callable[[int], None]
"""Told the number of replications (indices) each time a chunk finishes."""
Finished = Callable[[int], None]
"""Told the place in the stream of each chunk as it finishes."""

RESTARTS = 3
"""Fresh pools tried after workers die before the run gives up."""
STOP_SECONDS = 2.0
"""How long a stopped worker has to end after SIGTERM before it is killed."""
WINDOW = 2
"""Chunks in flight per worker: enough to keep workers busy between results."""


class WorkersLost(RuntimeError):
    """Worker processes kept dying (killed, or out of memory), so the run was given up."""


def chunks(n: int, jobs: int) -> list[list[int]]:
    """Indices 0..n-1 in contiguous chunks, several per worker for load balance (at most 10,
    so that workers finish within about a second of each other)."""
    size = max(1, min(10, n // (jobs * 4) or 1))
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


@dataclass(frozen=True)
class Chunk(Generic[T]):
    """Some replications of one task: what a worker runs at once (picklable)."""

    task: Task[T]
    indices: list[int]

    def __call__(self) -> list[T]:
        return self.task(self.indices)


class Stream(Generic[T]):
    """Numbered chunks drawn from a lazy source, and their results as they come back; after
    a restart, the chunks given out but not finished are given out again first."""

    def __init__(self, source: Iterable[Chunk[T]]) -> None:
        self.source = enumerate(source)
        self.out: dict[int, Chunk[T]] = {}
        self.again: list[int] = []
        self.results: dict[int, list[T]] = {}

    def next(self) -> tuple[int, Chunk[T]] | None:
        if self.again:
            i = self.again.pop(0)
            return i, self.out[i]
        item = next(self.source, None)
        if item is not None:
            self.out[item[0]] = item[1]
        return item

    def finish(self, i: int, result: list[T]) -> None:
        self.results[i] = result
        del self.out[i]

    def restart(self) -> None:
        self.again = sorted(self.out)

    def ordered(self) -> list[list[T]]:
        return [self.results[i] for i in range(len(self.results))]


class Executor(ABC):
    """Runs a stream of chunks and returns their results in stream order."""

    workers: int = 1
    """How many chunks run at once: sets the chunk size (which never changes results)."""

    @abstractmethod
    def run(self, stream: Stream[T], finished: Finished | None = None) -> list[list[T]]:
        """Every chunk of ``stream``, in order; ``finished(i)`` as chunk ``i`` finishes."""

    def map(
        self, task: Task[T], parts: list[list[int]], done: Progress | None = None
    ) -> list[list[T]]:
        """``task(part)`` for every part, in order; ``done(len(part))`` as each finishes."""
        told = (lambda i: done(len(parts[i]))) if done else None
        return self.run(Stream(Chunk(task, part) for part in parts), told)


class Serial(Executor):
    """Every chunk in this process, one after another."""

    def run(self, stream: Stream[T], finished: Finished | None = None) -> list[list[T]]:
        while (item := stream.next()) is not None:
            stream.finish(item[0], item[1]())
            if finished:
                finished(item[0])
        return stream.ordered()


class Processes(Executor):
    """Chunks on ``jobs`` forked worker processes."""

    def __init__(self, jobs: int) -> None:
        self.workers = jobs

    def run(self, stream: Stream[T], finished: Finished | None = None) -> list[list[T]]:
        for _ in range(RESTARTS + 1):
            try:
                self.run_pool(stream, finished)
                return stream.ordered()
            except BrokenProcessPool:
                stream.restart()
        raise WorkersLost(
            f"worker processes died {RESTARTS + 1} times (killed, or out of "
            "memory?), so the run was given up"
        )

    def run_pool(self, stream: Stream[T], finished: Finished | None) -> None:
        """Run the stream's chunks on a fresh pool, ``WINDOW`` per worker in flight."""
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=get_context("fork"),
            initializer=start_worker,
            initargs=(os.getpid(),),
        )
        pending: dict[Future, int] = {}

        def submit() -> None:
            item = stream.next()
            if item is not None:
                pending[pool.submit(item[1])] = item[0]

        try:
            with deferred():  # forked workers start with SIGINT and SIGTERM held, see below
                for _ in range(WINDOW * self.workers):
                    submit()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    stream.finish(i, future.result())
                    if finished:
                        finished(i)
                    submit()
        except BaseException:
            stop(pool)
            raise
        pool.shutdown()


def stop(pool: ProcessPoolExecutor) -> None:
    """End every worker of ``pool`` now: SIGTERM, then SIGKILL for any still running; then
    wait for the pool's manager thread to finish. Left running, it could close its wake-up
    pipe while Python's exit hook for process pools writes to it (CPython 3.11 does not lock
    the two), and the interrupted command printed "OSError: [Errno 9] Bad file descriptor"
    after its one line."""
    with deferred():
        workers = list((pool._processes or {}).values())  # no public way before Python 3.14
        manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets it
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(STOP_SECONDS)
            if worker.is_alive():
                worker.kill()
                worker.join()
        if manager is not None:
            manager.join(STOP_SECONDS)


def start_worker(parent: int) -> None:
    """Set up a new worker process: its signals (``worker_signals``), and its objects settled."""
    worker_signals(parent)
    settle()


def settle() -> None:
    """Collect this process's garbage, then exempt every object still alive (the modules and
    what the main process held when the worker was made) from Python's cyclic collector. A
    worker's full collections otherwise walk them all every few replications: about 4% of its
    time. Only for worker processes this tool starts (an object frozen here is never collected
    if it later becomes part of a garbage cycle)."""
    gc.collect()
    gc.freeze()


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


def current(jobs: int) -> Executor:
    """The executor chosen by ``using``, or else up to ``jobs`` local processes."""
    executor = chosen.get()
    if executor is None:
        executor = executor_for(max(1, min(jobs, os.cpu_count() or 1)))
    return executor


def gather(task: Task[T], count: int, jobs: int, done: Progress | None = None) -> list[T]:
    """``task`` over the indices 0..count-1, on the executor chosen by ``using`` or else on up
    to ``jobs`` local processes; the results flat, in index order."""
    executor = current(min(jobs, count))
    results = executor.map(task, chunks(count, executor.workers), done)
    return [item for part in results for item in part]


def gather_each(
    tasks: Iterable[tuple[Task[T], int]], jobs: int, done: Callable[[int], None] | None = None
) -> list[list[T]]:
    """For each ``(task, count)``, the task over the indices 0..count-1 (flat, in index
    order), all in one stream of chunks, so that workers never wait between tasks; ``tasks``
    is read as the stream needs more work. ``done(k)`` as task ``k`` is complete."""
    executor = current(jobs)
    owner: list[int] = []  # the task of each chunk, in stream order
    left: list[int] = []  # chunks not yet finished, by task

    def source() -> Iterator[Chunk[T]]:
        for k, (task, count) in enumerate(tasks):
            parts = chunks(count, executor.workers)
            left.append(len(parts))
            for part in parts:
                owner.append(k)
                yield Chunk(task, part)

    def finished(i: int) -> None:
        left[owner[i]] -= 1
        if done and not left[owner[i]]:
            done(owner[i])

    results = executor.run(Stream(source()), finished)
    out: list[list[T]] = [[] for _ in left]
    for k, part in zip(owner, results, strict=True):
        out[k] += part
    return out
