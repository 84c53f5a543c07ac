"""A scenario: a parameter set (or another scenario) plus dated changes.

Changes dated on or before the start date alter the parameter set itself; later ones become a
timeline the engine applies when the simulation reaches them. Every change is validated by
applying it to a copy of the parameter set, so a bad value fails before any simulation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, model_validator

from .calendar import Calendar
from .engine.model import Change, initial_live
from .errors import InputError
from .parameters import (
    Frozen,
    Home,
    ParameterSet,
    _check_source,
    build_parameters,
    raise_input_error,
    read_yaml,
)
from .pathway import PLACEMENT_NAMES

COST_PATHS = tuple(f"costs.weekly.{name}" for name in PLACEMENT_NAMES)


class ChangeSpec(Frozen):
    """One dated change in a scenario file."""

    date: dt.date
    set: str | None = None
    value: Any = None
    add_home: Home | None = None
    source: Annotated[str, AfterValidator(_check_source)]

    @model_validator(mode="after")
    def _one_kind(self) -> "ChangeSpec":
        if (self.set is None) == (self.add_home is None):
            raise ValueError("either 'set' with 'value', or 'add_home'")
        if self.set is not None and self.value is None:
            raise ValueError("'value' for the parameter named in 'set'")
        return self


class ScenarioFile(Frozen):
    """The YAML layout of a scenario."""

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    parameters: str | None = None
    base: str | None = None
    changes: list[ChangeSpec] = []

    @model_validator(mode="after")
    def _one_base(self) -> "ScenarioFile":
        if (self.parameters is None) == (self.base is None):
            raise ValueError("either 'parameters' (a parameter set file) or 'base' (a scenario)")
        return self


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario ready to run."""

    name: str
    description: str
    path: Path
    params: ParameterSet
    timeline: tuple[Change, ...] = ()
    changes: tuple[ChangeSpec, ...] = field(default_factory=tuple)

    def check_horizon(self, cal: Calendar) -> None:
        """Every dated change must fall within the run."""
        for i, change in enumerate(self.changes):
            if change.date > cal.end:
                raise InputError(self.path, f"changes[{i}].date",
                                 f"a date on or before the end of the run {cal.end}, got {change.date}")


def load_scenario(path: Path | str, _seen: tuple[Path, ...] = ()) -> Scenario:
    """Load a scenario file, its base and its changes, validating everything."""
    path = Path(path).resolve()
    if path in _seen:
        raise InputError(path, "base", "a chain of bases without a cycle")
    spec = parse_file(path)
    if spec.parameters is not None:
        target = path.parent / spec.parameters
        if not target.is_file():
            raise InputError(path, "parameters", f"an existing parameter file, got {spec.parameters!r}")
        params = build_parameters(read_yaml(target), target)
        inherited: tuple[ChangeSpec, ...] = ()
    else:
        target = path.parent / spec.base
        if not target.is_file():
            raise InputError(path, "base", f"an existing scenario file, got {spec.base!r}")
        base = load_scenario(target, (*_seen, path))
        params, inherited = base.params, base.changes
    changes = inherited + tuple(spec.changes)
    params = apply_immediate(params, changes, path, len(inherited))
    timeline = tuple(to_timeline(params, changes, path, len(inherited)))
    return Scenario(spec.name, spec.description, path, params, timeline, changes)


def parse_file(path: Path) -> ScenarioFile:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", "a mapping with name, parameters or base, changes")
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as err:
        raise_input_error(path, err)
        raise


def apply_immediate(params: ParameterSet, changes: tuple[ChangeSpec, ...], path: Path,
                    offset: int) -> ParameterSet:
    """Apply every change to a copy of the parameters: those dated by the start for real,
    the later ones only to check they are valid."""
    data = params.model_dump(mode="python")
    trial = params.model_dump(mode="python")
    for i, change in enumerate(changes):
        field_path = f"changes[{i - offset}]" if i >= offset else f"base changes[{i}]"
        immediate = change.date <= params.start_date or change.add_home is not None
        for target in (data, trial) if immediate else (trial,):
            patch(target, change, path, field_path)
    try:
        ParameterSet.model_validate(trial)
    except ValidationError as err:
        raise_input_error(path, err)
    return build_parameters(data, path)


def patch(data: dict, change: ChangeSpec, path: Path, field_path: str) -> None:
    """Apply one change to a dumped parameter set."""
    if change.add_home is not None:
        data["homes"].append(change.add_home.model_dump(mode="python"))
        return
    node: Any = data
    parts = change.set.split(".")
    for depth, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            known = sorted(node) if isinstance(node, dict) else []
            raise InputError(path, f"{field_path}.set",
                             f"a parameter path; {'.'.join(parts[:depth + 1])!r} is not one "
                             f"(expected one of {known})")
        node = node[part]
    if not (isinstance(node, dict) and set(node) == {"value", "source"}):
        raise InputError(path, f"{field_path}.set", "a path ending at a sourced value")
    node["value"] = change.value
    node["source"] = change.source


def to_timeline(params: ParameterSet, changes: tuple[ChangeSpec, ...], path: Path,
                offset: int) -> list[Change]:
    """Changes after the start date, as engine timeline entries."""
    live = set(initial_live(params)) | set(COST_PATHS)
    out = []
    for i, change in enumerate(changes):
        if change.add_home is not None or change.date <= params.start_date:
            continue
        if change.set not in live:
            raise InputError(path, f"changes[{i - offset}].set",
                             f"a parameter that can change during a run (one of {sorted(live)}), "
                             f"or a date on or before the start {params.start_date}")
        day = float((change.date - params.start_date).days)
        value = change.value.model_dump() if hasattr(change.value, "model_dump") else change.value
        out.append(Change(day, change.set, value))
    return out
