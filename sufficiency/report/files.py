"""Report files are written whole or not at all, and replace only a report this tool wrote
(recognised by the generator it records), and then only with ``force``."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..output import check_file_target
from ..version import __version__

SUFFIXES = {"--xlsx": (".xlsx",), "--html": (".html", ".htm")}
GENERATOR = "sufficiency"
HTML_META = f'<meta name="generator" content="{GENERATOR} {__version__}">'


def written_html(path: Path) -> bool:
    """An HTML page whose head names this tool as its generator."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return re.search(rf'<meta name="generator" content="{GENERATOR}[ "]', head) is not None


def written_workbook(path: Path) -> bool:
    """A workbook whose document properties name this tool as its creator."""
    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f"<dc:creator>{GENERATOR}</dc:creator>" in core


WRITTEN = {"--xlsx": written_workbook, "--html": written_html}


def check_report_target(path: Path, force: bool, option: str) -> None:
    """Refuse, before any work starts, a report path that has the wrong suffix, cannot be
    written, or names an existing file (unless forced, and then only a report of this tool's)."""
    suffixes = SUFFIXES[option]
    if path.suffix.lower() not in suffixes:
        raise InputError(path, option, f"a file name ending in {' or '.join(suffixes)}")
    check_file_target(path, force, option, WRITTEN[option])


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
