"""Reports built from a results folder: the finance workbook and the scrutiny HTML."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from .. import manifest
from .files import check_report_target
from .folder import Results, read_results

__all__ = ["Results", "check_reports", "read_results", "write_reports", "write_reports_via"]


def check_reports(xlsx: Path | None, html: Path | None, force: bool) -> None:
    """Refuse bad or existing report paths before any work starts."""
    if xlsx is not None:
        check_report_target(Path(xlsx), force, "--xlsx")
    if html is not None:
        check_report_target(Path(html), force, "--html")


def write_reports(results_dir: Path, xlsx: Path | None, html: Path | None) -> None:
    """Read ``results_dir`` (a run or comparison folder) and write the requested reports."""
    if xlsx is None and html is None:
        return
    results = read_results(results_dir)
    if xlsx is not None:
        from .excel import write_workbook

        write_workbook(results, Path(xlsx))
    if html is not None:
        from .html import write_html

        write_html(results, Path(html))


def write_reports_via(
    writer: Callable[[Path], None], name: str, xlsx: Path | None, html: Path | None
) -> None:
    """Reports for results that are not kept: ``writer`` puts them in a temporary folder
    (named ``name``) first, e.g. ``lambda folder: write_run(result, folder)``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / (re.sub(r"[^\w.-]+", "-", name) or "results")
        folder.mkdir()
        writer(folder)
        manifest.write(folder)
        write_reports(folder, xlsx, html)
