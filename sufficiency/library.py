"""The shipped scenario library by name: finding a scenario, and a template for a new one."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .shipped import scenarios_dir

SUFFIX = ".yaml"


def scenario_path(argument: Path) -> Path:
    """A scenario argument: an existing file as given, else the shipped scenario of that name
    (``baseline`` or ``baseline.yaml``); else the argument, for the loader to report missing."""
    if argument.exists() or argument.parent != Path():
        return argument
    shipped = scenarios_dir() / f"{argument.name.removesuffix(SUFFIX)}{SUFFIX}"
    return shipped if shipped.is_file() else argument


def template(name: str, base: Path, folder: Path) -> str:
    """A commented scenario file building on ``base``, for a file in ``folder``."""
    try:
        relative = os.path.relpath(base.resolve(), folder.resolve())
    except ValueError:  # another drive
        relative = str(base.resolve())
    return f"""\
# A scenario: the base it builds on and dated changes to its parameters.
# Check it without running: sufficiency check {name}{SUFFIX}
# Every path a change may set, with its unit and limits: docs/parameters.md
name: {name}
description: >-
  What this scenario changes and why, in a sentence or two.
base: {relative}
changes: []
#  - date: 2026-04-01                      # from when (on or before the start: from the start)
#    set: programmes.mst.therapists        # a parameter path
#    value: 5                              # its new value (or 'add: 2' to add to it)
#    source: "assumption: two more therapists from April 2026"
investments: []
#  - item: recruitment campaign            # a cost the parameters do not hold
#    date: 2026-04-01
#    one_off: 20000                        # or per_year: 60000 (and optionally until:)
#    source: "assumption: quoted cost"
"""


def write_template(name: str, base: Path, folder: Path) -> Path:
    """Write ``name``.yaml in ``folder``; never over an existing file."""
    target = folder / f"{name}{SUFFIX}"
    if target.exists():
        raise InputError(target, "NAME", "a scenario name without a file yet (not overwritten)")
    target.write_text(template(name, base, folder), encoding="utf-8")
    return target
