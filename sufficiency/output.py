"""Writing results: whole or not at all, with a manifest written last, and never over anything
but results this tool wrote (and then only with ``force``)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from . import manifest, shutdown
from .errors import InputError
from .results import RunResult


def check_writable(path: Path, option: str) -> None:
    """Refuse, before any work starts, a path whose folder cannot be made or written in."""
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(path, option, f"a path inside a folder, but {folder} is a file")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".sufficiency-check.", dir=folder))
    except OSError as err:
        raise InputError(
            path, option, f"a location that can be written ({folder}: {err.strerror})"
        ) from None


def check_target(out: Path, force: bool, option: str = "--out") -> None:
    """Refuse, before any work starts, an output folder that cannot be written, or that holds
    anything unless it is a results folder this tool wrote and ``force`` is given."""
    if out.exists() and not out.is_dir():
        raise InputError(out, option, "a folder path, but a file is there")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise InputError(
                out,
                option,
                "a new or empty folder (use --force to replace "
                "results that sufficiency wrote there)",
            )
        refuse_foreign(out, option)
    check_writable(out, option)


def refuse_foreign(out: Path, option: str) -> None:
    """Refuse to replace a folder unless its manifest lists everything in it, unchanged."""
    try:
        extra = manifest.foreign(out, manifest.verify(out))
        if extra:
            raise manifest.Unsound(
                f"it also holds {', '.join(extra[:5])}, which sufficiency did not write"
            )
    except manifest.Unsound as err:
        raise InputError(
            out,
            option,
            f"only a results folder that sufficiency wrote is "
            f"replaced with --force, but {err}; nothing was replaced",
        ) from None


def check_file_target(
    path: Path, force: bool, option: str, written: Callable[[Path], bool]
) -> None:
    """Refuse, before any work starts, an output file that cannot be written, or that exists
    unless ``force`` is given and ``written`` recognises it as this tool's."""
    if path.is_dir():
        raise InputError(path, option, "a file path, but a folder is there")
    if path.exists():
        if not force:
            raise InputError(path, option, "a new file (use --force to replace it)")
        if not path.is_file() or not written(path):
            raise InputError(
                path,
                option,
                "only a file that sufficiency wrote is replaced with "
                "--force, but this one was not; nothing was replaced",
            )
    check_writable(path, option)


@contextlib.contextmanager
def staged(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success its manifest is written and it
    replaces ``out`` in one step."""
    check_target(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        manifest.write(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with shutdown.deferred():
        old = out.with_name(f".{out.name}.{secrets.token_hex(6)}.old")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
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
    write_csv(result.monthly_costs_frame(), folder / "monthly_costs.csv")
    if result.events:
        write_csv(result.events_frame(), folder / "events.csv")
    (folder / "run.json").write_text(json.dumps(result.metadata(), indent=2, default=str))


def save(out: Path, force: bool, writer: Callable[[Path], None]) -> None:
    """Write everything through ``writer`` into a staged folder, then move it into place."""
    with staged(out, force) as tmp:
        writer(tmp)
