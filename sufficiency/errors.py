"""The one error type for a user's mistake in a scenario, parameter or data file."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class InputError(Exception):
    """Bad input: names the file, the field path and what was expected.

    The CLI turns this into a clear message and exit status 2, never a traceback.
    """

    def __init__(self, file: str | Path | None, field: str, expected: str) -> None:
        self.file = str(file) if file is not None else "<input>"
        self.field = field
        self.expected = " ".join(expected.split())  # one line, whatever a library's message held
        super().__init__(f"{self.file}: {field}: {self.expected}")


def suggest(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``options`` to a mistyped ``word``, else
    ``""``."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
