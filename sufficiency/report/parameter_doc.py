"""docs/parameters.md, generated from the parameter model: every path a scenario may set, what it
is, its unit, its limits and whether it can change during a run.

Regenerate with ``python -m sufficiency.report.parameter_doc > docs/parameters.md``; a test
fails when the committed file differs.
"""

from __future__ import annotations

import re
import sys
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from ..limits import BOUNDS, limits
from ..parameters import ParameterSet, load_parameters
from ..paths import sourced_items
from ..shipped import calibration_dir
from ..timeline import live_paths
from .units import describe, unit

PARAMETER_SET = "leicester.yaml"
INTRO = """\
# Parameters a scenario can change

Generated from the parameter model (`python -m sufficiency.report.parameter_doc >
docs/parameters.md`; a test fails when this file is out of date), with the paths of the shipped
parameter set `calibration/{name}`. A scenario change names one of these paths in `set:`
(see [scenarios.md](scenarios.md)). *During a run*: **yes** if a change dated after the start
acts from its date; **no** if the value can only be changed from the start (a change dated on or
before the start date). Limits are those of [limits.md](limits.md) ('-': no number limit; shares
add up to one).
"""


def bounds_text(path: str, table: list[tuple[str, list[Any]]]) -> str:
    """The limits of ``path``: those of the first limit pattern that matches it or its items."""
    for pattern, bounds in table:
        regex = re.escape(pattern).replace(r"\.\*", r"\.[^.]+").replace(r"\[\]", "")
        match = re.fullmatch(regex, path)
        each = re.fullmatch(regex, f"{path}.x") or path + "[]" == pattern
        if match or each:
            text = " and ".join(f"{BOUNDS[type(b)]} {b_value(b):,}" for b in bounds)
            return f"each {text}" if each and not match else text
    return "-"


def b_value(bound: Any) -> Any:
    return getattr(bound, type(bound).__name__.lower())


def section_doc(first: str) -> str:
    """The docstring of the model a top-level field holds (of its items, for a mapping)."""
    info = ParameterSet.model_fields.get(first)
    kind = info.annotation if info else None
    while get_origin(kind) is not None and get_args(kind):
        kind = get_args(kind)[-1]
    if isinstance(kind, type) and issubclass(kind, BaseModel) and kind.__doc__:
        return " ".join(kind.__doc__.split())
    return ""


def markdown(params: ParameterSet) -> str:
    """The whole document for a parameter set's paths."""
    table = limits(ParameterSet, "")
    live = set(live_paths(params))
    lines = [INTRO.format(name=PARAMETER_SET)]
    section = None
    for path, _ in sourced_items(params.model_dump(mode="json")):
        first = path.split(".")[0]
        if first != section:
            section = first
            doc = section_doc(first)
            lines += [f"\n## `{first}`\n", *([f"{doc}\n"] if doc else [])]
            lines += [
                "| path | what it is | unit | limits | during a run |",
                "|---|---|---|---|---|",
            ]
        name, _ = unit(path)
        lines.append(
            f"| `{path}` | {describe(path)} | {name or '-'} | {bounds_text(path, table)} | "
            f"{'yes' if path in live else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.stdout.write(markdown(load_parameters(calibration_dir() / PARAMETER_SET)))


if __name__ == "__main__":
    main()
