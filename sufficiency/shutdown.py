"""How the process answers SIGINT and SIGTERM: the main process unwinds (so that workers are
stopped and staged files removed), workers leave it to the main process, and moving finished
results into place is never cut in half."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

STOPS = (signal.SIGINT, signal.SIGTERM)
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
SCRIPTS = ("sufficiency", "cli.py")
"""The names of the command's main script: installed, and in a source checkout."""
STARTING = "Interrupted by Ctrl-C (SIGINT) while 'sufficiency' was starting; nothing was written"


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C does, then exit with status 143."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def unwind_on_signals() -> None:
    """In the main process, once a command runs: Ctrl-C raises KeyboardInterrupt, and SIGTERM
    Terminated instead of ending the process at once, so that the command unwinds."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, raise_terminated)


def starting(main: str | None, spawned: str | None) -> None:
    """At the package's first import, in the command's own processes (``main`` and ``spawned``:
    the files of the modules ``__main__`` and ``__mp_main__``, if any).

    A worker process being spawned for the command (a Dask worker re-imports the command's
    script) ignores Ctrl-C from now on: the command stops its workers itself, and a Ctrl-C for
    the command must not print the worker's traceback. The command's own process, while it
    imports, answers Ctrl-C with one line and exit status 130 (``unwind_on_signals`` takes over
    when the command runs)."""
    if spawned is not None and Path(spawned).name in SCRIPTS:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    elif main is not None and Path(main).name in SCRIPTS:
        signal.signal(signal.SIGINT, stop_starting)


def stop_starting(signum: int, frame: object) -> None:
    print(STARTING, file=sys.stderr)
    raise SystemExit(130)


def module_file(name: str) -> str | None:
    """The file of the loaded module ``name``, if it is loaded from one."""
    return getattr(sys.modules.get(name), "__file__", None)


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
    """Hold SIGINT and SIGTERM until the block is done; then they act as they would have.

    Held twice over: masked in this thread (so processes forked here start with them held),
    and, since Python runs signal handlers in the main thread whichever thread the signal
    reaches (Dask's threads do not mask them), noted by a stand-in handler and raised again at
    the end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    handlers = {
        stop: signal.signal(stop, lambda signum, _: caught.append(signum)) for stop in STOPS
    }
    masked = hasattr(signal, "pthread_sigmask")  # Windows: no signal masks
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS) if masked else set()
    try:
        yield
    finally:
        for stop, handler in handlers.items():
            signal.signal(stop, handler)
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)
