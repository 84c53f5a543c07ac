"""Reports built from a results folder: the finance workbook and the scrutiny HTML."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import manifest
from ..errors import InputError
from .budget import check_against, read_budget
from .files import check_report_target
from .folder import Results, read_results

__all__ = ["Results", "check_reports", "read_results", "write_reports", "write_reports_via"]


def check_reports(
    xlsx: Path | None, html: Path | None, force: bool, budget: Path | None = None
) -> None:
    """Refuse bad or existing report paths, and a budget file of the wrong form or without a
    workbook to show it in, before any work starts."""
    if xlsx is not None:
        check_report_target(Path(xlsx), force, "--xlsx")
    if html is not None:
        check_report_target(Path(html), force, "--html")
    if budget is not None:
        if xlsx is None:
            raise InputError(
                budget, "--budget", "given with --xlsx FILE: the workbook shows the budget"
            )
        read_budget(Path(budget))


def write_reports(
    results_dir: Path, xlsx: Path | None, html: Path | None, budget: Path | None = None
) -> None:
    """Read ``results_dir`` (a run or comparison folder) and write the requested reports, the
    workbook with the ``budget`` file beside the forecast if given."""
    if xlsx is None and html is None:
        return
    results = read_results(results_dir)
    if xlsx is not None:
        from .excel import write_workbook

        write_workbook(results, Path(xlsx), budgeted(results, budget))
    if html is not None:
        from .html import write_html

        write_html(results, Path(html))


def budgeted(results: Results, budget: Path | None) -> pd.DataFrame | None:
    """The budget file's rows, checked against the results' cost lines and years."""
    if budget is None:
        return None
    frame = read_budget(Path(budget))
    check_against(Path(budget), frame, pd.concat([run.costs for run in results.runs]))
    return frame


def write_reports_via(
    writer: Callable[[Path], None],
    name: str,
    xlsx: Path | None,
    html: Path | None,
    budget: Path | None = None,
) -> None:
    """Reports for results that are not kept: ``writer`` puts them in a temporary folder
    (named ``name``) first, e.g. ``lambda folder: write_run(result, folder)``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / (re.sub(r"[^\w.-]+", "-", name) or "results")
        folder.mkdir()
        writer(folder)
        manifest.write(folder)
        write_reports(folder, xlsx, html, budget)
