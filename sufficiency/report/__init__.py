"""Reports built from a results folder: the finance workbook and the scrutiny HTML."""

from __future__ import annotations

from pathlib import Path

from .files import check_report_target
from .folder import Results, read_results

__all__ = ["Results", "check_report_target", "read_results", "write_reports"]


def write_reports(results_dir: Path, xlsx: Path | None, html: Path | None) -> None:
    """Read ``results_dir`` (a run or comparison folder) and write the requested reports."""
    results = read_results(results_dir)
    if xlsx is not None:
        from .excel import write_workbook

        write_workbook(results, Path(xlsx))
    if html is not None:
        from .html import write_html

        write_html(results, Path(html))
