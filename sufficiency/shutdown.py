"""How the process answers SIGINT and SIGTERM: the main process unwinds (so that workers are
stopped and staged files removed), workers leave it to the main process, and moving finished
results into place is never cut in half."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Iterator

STOPS = (signal.SIGINT, signal.SIGTERM)
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C does, then exit with status 143."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def unwind_on_sigterm() -> None:
    """In the main process: SIGTERM raises Terminated instead of ending the process at once."""
    signal.signal(signal.SIGTERM, raise_terminated)


def worker_signals(parent: int) -> None:
    """In a worker: ignore SIGINT (the main process stops workers itself), let SIGTERM end the
    worker at once, and end it if the main process ``parent`` dies (killed with SIGKILL).

    Workers are forked with both signals held, so that one arriving before this runs does not
    reach the main process's handlers copied into the worker; they are let through here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)


def die_with_parent() -> None:
    """Ask the kernel to send this process SIGKILL when its parent dies (Linux only)."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


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
