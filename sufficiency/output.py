"""Writing results: whole or not at all, and never over existing results without ``force``."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from .errors import InputError
from .results import RunResult


def check_target(out: Path, force: bool) -> None:
    """Refuse an existing, non-empty output folder unless forced (before any work starts)."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out", "a folder path, but a file is there")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(out, "--out", "a new or empty folder (use --force to replace results)")


@contextlib.contextmanager
def staged(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it replaces ``out`` in one step."""
    check_target(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, float_format="%.12g")


def write_run(result: RunResult, folder: Path) -> None:
    """The run's CSV files and run.json into ``folder``."""
    write_csv(result.stocks_frame(), folder / "stocks.csv")
    write_csv(result.snapshots_frame(), folder / "snapshots.csv")
    write_csv(result.flows_frame(), folder / "flows.csv")
    write_csv(result.activity_frame(), folder / "activity.csv")
    write_csv(result.costs_frame(), folder / "costs.csv")
    write_csv(result.placement_days_frame(), folder / "placement_days.csv")
    write_csv(result.capacity_frame(), folder / "capacity.csv")
    if result.events:
        write_csv(result.events_frame(), folder / "events.csv")
    (folder / "run.json").write_text(json.dumps(result.metadata(), indent=2, default=str))


def save(out: Path, force: bool, writer: Callable[[Path], None]) -> None:
    """Write everything through ``writer`` into a staged folder, then move it into place."""
    with staged(out, force) as tmp:
        writer(tmp)
