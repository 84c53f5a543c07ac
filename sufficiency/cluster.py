"""Replications on a Dask cluster: one that is already running (its scheduler's address), or a
local one started for the run on this machine's loopback interface.

Chunks are submitted a few at a time (``WINDOW`` per worker thread), so the client holds only the
chunks in flight and the reduced results, however many replications there are. Each chunk
seeds its own replications, so results are identical to local processes. If a worker dies,
the scheduler runs its chunks again on another worker (up to its ``allowed-failures``), with
the same seeds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Iterator
from multiprocessing import resource_tracker
from typing import TYPE_CHECKING

from .errors import InputError
from .executor import WINDOW, Executor, Finished, Stream, T, WorkersLost, settle, using
from .shutdown import STOPS, deferred, worker_signals

if TYPE_CHECKING:
    from distributed import Client, Future

CONNECT_SECONDS = 10
"""How long to try a scheduler's address before giving up."""
QUIET = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.scheduler.work-stealing": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}
"""Dask's monitoring, slowed or off for a local cluster started for one command: by default
it polls (ticks every 20 ms, samples the running task's stack every 10 ms for the dashboard's
profile) and took about 0.15 of a core while idle, a tenth of two cores' work; with these,
0.02. No chunk waits in a worker's queue to be stolen (``WINDOW``), so nothing is stolen."""
SCHEDULER_HTTP = "127.0.0.1:0"
"""Where a local cluster's scheduler serves its health and metrics pages (its dashboard stays
off): any free loopback port. Dask's default, 8787, may be another cluster's, and Dask then
prints a warning on the command's terminal."""
EXECUTORS = ("local", "dask")


class Dask(Executor):
    """Chunks on the workers of a Dask cluster, through ``client``."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))

    def run(self, stream: Stream[T], finished: Finished | None = None) -> list[list[T]]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        pending: dict[Future, int] = {}
        flying = as_completed()

        def submit() -> None:
            item = stream.next()
            if item is not None:
                future: Future = self.client.submit(item[1], pure=False)
                pending[future] = item[0]
                flying.add(future)

        try:
            for _ in range(WINDOW * self.workers):
                submit()
            for future in flying:
                i = pending.pop(future)
                stream.finish(i, future.result())
                future.release()
                if finished:
                    finished(i)
                submit()
        except KilledWorker as err:
            raise WorkersLost(f"Dask workers died while running a chunk ({err})") from None
        finally:
            self.client.cancel(list(flying.futures), force=True)
        return stream.ordered()


def check_choice(executor: str, scheduler: str | None, workers: int | None) -> None:
    """Raise ValueError unless the options name one place to run: local, or Dask with exactly
    one of a scheduler's address or a number of local workers."""
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    if executor == "local" and (scheduler is not None or workers is not None):
        raise ValueError("--scheduler and --workers need --executor dask")
    if executor == "dask" and (scheduler is None) == (workers is None):
        raise ValueError("--executor dask needs --scheduler ADDRESS or --workers N (one of them)")


@contextlib.contextmanager
def chosen(
    executor: str = "local", scheduler: str | None = None, workers: int | None = None
) -> Iterator[None]:
    """Within the block, replications run where the options say (see ``check_choice``); a
    local cluster is shut down at the end, on Ctrl-C or SIGTERM too."""
    check_choice(executor, scheduler, workers)
    if executor == "local":
        yield
        return
    with dask_client(scheduler, workers) as client, using(Dask(client)):
        yield


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of ``workers`` local single-threaded worker
    processes listening on 127.0.0.1 only (no dashboard), shut down when the block ends.

    The cluster's threads are started with SIGINT and SIGTERM held (``deferred``), and the
    worker processes they spawn inherit the mask, so a Ctrl-C for the command that reaches a
    worker while its Python is still starting waits until the worker ignores it (``starting``,
    ``dask_setup``). Python's multiprocessing unblocks both signals in whichever thread first
    starts its resource tracker, so the tracker is started beforehand, in this thread."""
    if scheduler is not None:
        with connected(scheduler) as client:
            yield client
        return
    import dask
    from distributed import Client, LocalCluster

    cluster: LocalCluster | None = None
    local: Client | None = None
    resource_tracker.ensure_running()  # here, not in Dask's thread (see above)
    try:
        # Ctrl-C while the cluster starts waits until it can be stopped whole; the workers
        # take the QUIET settings as they start
        with deferred(), dask.config.set(QUIET):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": SCHEDULER_HTTP},
                silence_logs=logging.ERROR,
                preload=[__name__],
            )
            local = Client(cluster)
        yield local
    finally:
        with deferred():
            if local is not None:
                local.close()
            if cluster is not None:
                cluster.close()


@contextlib.contextmanager
def connected(scheduler: str) -> Iterator[Client]:
    """A client of a running cluster (which is left running)."""
    from distributed import Client

    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(
            "--scheduler", scheduler, f"the address of a running Dask scheduler ({err})"
        ) from None
    try:
        yield client
    finally:
        with deferred():
            client.close()


def dask_setup(worker: object) -> None:
    """Run by each worker of a local cluster as it starts (a Dask preload): leave Ctrl-C to the
    main process, which stops the cluster, and die with the main process; settle its objects
    (``settle``: the package is imported by now, as this module's)."""
    worker_signals(os.getppid())
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
    settle()
