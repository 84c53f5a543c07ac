"""How the process answers SIGINT and SIGTERM: the main process unwinds (so that workers are
stopped and staged files removed), workers leave it to the main process, and moving finished
results into place is never cut in half."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

STOPS = (signal.SIGINT, signal.SIGTERM)


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C does, then exit with status 143."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def unwind_on_sigterm() -> None:
    """In the main process: SIGTERM raises Terminated instead of ending the process at once."""
    signal.signal(signal.SIGTERM, raise_terminated)


def worker_signals() -> None:
    """In a worker: ignore SIGINT (the main process stops workers itself) and let SIGTERM end
    the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (they are then delivered)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
