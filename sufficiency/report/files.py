"""Report files are written whole or not at all, and never over a file without ``force``."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator

from ..errors import InputError

SUFFIXES = {"--xlsx": (".xlsx",), "--html": (".html", ".htm")}


def check_report_target(path: Path, force: bool, option: str) -> None:
    """Refuse, before any work starts, a report path that is a folder, has the wrong suffix,
    or names an existing file (unless forced)."""
    suffixes = SUFFIXES[option]
    if path.suffix.lower() not in suffixes:
        raise InputError(path, option, f"a file name ending in {' or '.join(suffixes)}")
    if path.is_dir():
        raise InputError(path, option, "a file path, but a folder is there")
    if path.exists() and not force:
        raise InputError(path, option, "a new file (use --force to replace it)")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
