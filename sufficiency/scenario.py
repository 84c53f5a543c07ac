"""A scenario: a parameter set (or another scenario, or several combined) plus dated changes.

Changes dated on or before the start date alter the parameter set itself; later ones become a
timeline the engine applies when the simulation reaches them. Every change is validated by
applying it to a copy of the parameter set, so a bad value fails before any simulation.
A scenario also lists the costs of the investment itself that the model does not count from
the parameters (capital, start-up, recurring costs other than programme staff), and a portfolio
(``combine``) merges the changes and investments of several scenarios on the same base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, Field, model_validator

from . import paths
from .calendar import Calendar
from .errors import InputError
from .limits import Date, FileName, Finite, Pounds
from .loading import read_yaml
from .measures import inflation_factors
from .parameters import (
    Frozen,
    Home,
    ParameterSet,
    _check_source,
    build_parameters,
    revised,
    validate_mapping,
)
from .pathway import DAYS_PER_YEAR
from .presets import check_preset, fitted_for
from .timeline import Change, live_paths


class ChangeSpec(Frozen):
    """One dated change in a scenario file: a new ``value`` for the parameter named in ``set``,
    or ``add`` to its value in force at that date, or a home to add. An ``add`` keeps a fitted
    value's uncertainty and applies to each replication's own draw."""

    date: Date
    set: str | None = None
    value: Any = None
    add: Finite | None = None
    add_home: Home | None = None
    source: Annotated[str, AfterValidator(_check_source)]

    @model_validator(mode="after")
    def _one_kind(self) -> ChangeSpec:
        if (self.set is None) == (self.add_home is None):
            raise ValueError("either 'set' with 'value' or 'add', or 'add_home'")
        if self.set is not None and (self.value is None) == (self.add is None):
            raise ValueError("either 'value' or 'add' for the parameter named in 'set'")
        return self

    @property
    def target(self) -> str:
        """What the change changes: a parameter path, or the home it adds."""
        if self.set is not None:
            return self.set
        assert self.add_home is not None, "one of the two, by validation"
        return f"home {self.add_home.name!r}"


class InvestmentSpec(Frozen):
    """A cost of the investment itself: a one-off sum on ``date``, or a yearly sum from ``date``
    (to ``until``, inclusive, if given). Programme staff are costed from their FTE by the model,
    so list them here only for posts the parameters do not hold (a supervisor, say)."""

    item: Annotated[str, Field(min_length=1)]
    date: Date
    one_off: Pounds | None = None
    per_year: Pounds | None = None
    until: Date | None = None
    source: Annotated[str, AfterValidator(_check_source)]

    @model_validator(mode="after")
    def _one_kind(self) -> InvestmentSpec:
        if (self.one_off is None) == (self.per_year is None):
            raise ValueError("either 'one_off' (pounds on the date) or 'per_year' (pounds a year)")
        if self.until is not None and (self.per_year is None or self.until < self.date):
            raise ValueError("'until' only with 'per_year', on or after 'date'")
        return self


class ScenarioFile(Frozen):
    """The YAML layout of a scenario."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    description: str = ""
    parameters: FileName | None = None
    base: FileName | None = None
    combine: Annotated[list[FileName], Field(min_length=2)] | None = None
    changes: list[ChangeSpec] = []
    investments: list[InvestmentSpec] = []

    @model_validator(mode="after")
    def _one_base(self) -> ScenarioFile:
        if sum(x is not None for x in (self.parameters, self.base, self.combine)) != 1:
            raise ValueError(
                "exactly one of 'parameters' (a parameter set file), 'base' (a "
                "scenario) or 'combine' (a list of scenarios on the same base)"
            )
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
    investments: tuple[InvestmentSpec, ...] = ()
    origin: ParameterSet | None = None  # the parameter set before any scenario change
    root: Path | None = None  # the parameter file at the bottom of the chain of bases
    base: Scenario | None = None  # the scenario this one builds on (a portfolio: its parts')
    combines: tuple[str, ...] = ()  # names of the scenarios a portfolio combines

    def check_horizon(self, cal: Calendar) -> None:
        """Every dated change and investment must fall within the run."""
        dated = [("changes", [c.date for c in self.changes])]
        dated.append(("investments", [x.date for x in self.investments]))
        for key, dates in dated:
            for i, date in enumerate(dates):
                if date > cal.end:
                    raise InputError(
                        self.path,
                        f"{key}[{i}].date",
                        f"a date on or before the end of the run {cal.end}, got {date}",
                    )

    def sources(self) -> list[str]:
        """The distinct sources of the scenario's changes and investments, in order."""
        every = [c.source for c in self.changes] + [x.source for x in self.investments]
        return list(dict.fromkeys(every))


@dataclass(frozen=True)
class Foundation:
    """What a scenario file builds on: the original parameters, and the base scenario if any."""

    origin: ParameterSet
    root: Path
    base: Scenario | None = None
    changes: tuple[ChangeSpec, ...] = ()
    investments: tuple[InvestmentSpec, ...] = ()
    combines: tuple[str, ...] = ()


def load_scenario(
    path: Path | str, _seen: tuple[Path, ...] = (), effect: str = "service"
) -> Scenario:
    """Load a scenario file, its base and its changes, validating everything; on the parameter
    set fitted under the effect preset ``effect``."""
    path = Path(path).resolve()
    if path in _seen:
        raise InputError(path, "base", "a chain of bases without a cycle")
    spec = parse_file(path)
    found = foundation(spec, path, (*_seen, path), effect)
    inherited = len(found.changes)
    changes = found.changes + resolve_adds(found.origin, found.changes, tuple(spec.changes), path)
    investments = found.investments + tuple(spec.investments)
    check_start(found.origin, investments, path, len(found.investments))
    params = apply_immediate(found.origin, changes, path, inherited)
    timeline = tuple(to_timeline(params, changes, path, inherited))
    return Scenario(
        spec.name,
        spec.description,
        path,
        params,
        timeline,
        changes,
        investments,
        found.origin,
        found.root,
        found.base,
        found.combines,
    )


def foundation(spec: ScenarioFile, path: Path, seen: tuple[Path, ...], effect: str) -> Foundation:
    """The parameter file (fitted under ``effect``), base scenario or combined scenarios a
    scenario file names."""
    if spec.parameters is not None:
        target = path.parent / spec.parameters
        if not target.is_file():
            raise InputError(
                path, "parameters", f"an existing parameter file, got {spec.parameters!r}"
            )
        target = fitted_for(target, effect)
        params = build_parameters(read_yaml(target), target)
        check_preset(params, target, effect)
        return Foundation(params, target.resolve())
    if spec.base is not None:
        base = load_scenario(existing(path, "base", spec.base), seen, effect)
        assert base.origin is not None and base.root is not None, "set by load_scenario"
        return Foundation(base.origin, base.root, base, base.changes, base.investments)
    parts = [
        load_scenario(existing(path, f"combine[{i}]", name), seen, effect)
        for i, name in enumerate(spec.combine or ())
    ]
    return combine(parts, path)


def existing(path: Path, field_path: str, name: str) -> Path:
    target = path.parent / name
    if not target.is_file():
        raise InputError(path, field_path, f"an existing scenario file, got {name!r}")
    return target


def own(scenario: Scenario) -> tuple[tuple[ChangeSpec, ...], tuple[InvestmentSpec, ...]]:
    """The changes and investments a scenario adds to its base."""
    base = scenario.base
    if base is None:
        return scenario.changes, scenario.investments
    return scenario.changes[len(base.changes) :], scenario.investments[len(base.investments) :]


def combine(parts: list[Scenario], path: Path) -> Foundation:
    """Merge several scenarios' own changes and investments onto their common base.

    Two parts that change the same parameter or home, or cost the same item, conflict.
    """
    first = parts[0]
    owners: dict[str, str] = {}
    changes: list[ChangeSpec] = list(first.base.changes) if first.base else []
    investments: list[InvestmentSpec] = list(first.base.investments) if first.base else []
    for i, part in enumerate(parts):
        if (part.base and part.base.path, part.root) != (
            first.base and first.base.path,
            first.root,
        ):
            raise InputError(
                path, f"combine[{i}]", f"a scenario on the same base as {first.name!r}"
            )
        mine, costs = own(part)
        targets = [c.target for c in mine]
        targets += [f"investment {x.item!r}" for x in costs]
        for target in dict.fromkeys(targets):
            if owners.setdefault(target, part.name) != part.name:
                raise InputError(
                    path,
                    f"combine[{i}]",
                    f"scenarios that do not conflict; "
                    f"{part.name!r} and {owners[target]!r} both change {target}",
                )
        changes.extend(mine)
        investments.extend(costs)
    assert first.origin is not None and first.root is not None, "set by load_scenario"
    return Foundation(
        first.origin,
        first.root,
        first.base,
        tuple(changes),
        tuple(investments),
        tuple(part.name for part in parts),
    )


def check_start(
    origin: ParameterSet, investments: tuple[InvestmentSpec, ...], path: Path, offset: int
) -> None:
    """Investment costs fall on or after the start (earlier spending is sunk)."""
    for i, item in enumerate(investments[offset:]):
        if item.date < origin.start_date:
            raise InputError(
                path,
                f"investments[{i}].date",
                "a date on or after the start "
                f"{origin.start_date} (money spent before it is sunk), got {item.date}",
            )


def parse_file(path: Path) -> ScenarioFile:
    return validate_mapping(
        ScenarioFile, read_yaml(path), path, "a mapping with name, parameters or base, changes"
    )


def apply_immediate(
    params: ParameterSet, changes: tuple[ChangeSpec, ...], path: Path, offset: int
) -> ParameterSet:
    """Apply every change to a copy of the parameters, only to check they are valid; then those
    dated by the start for real."""

    def patched(immediate_only: bool):
        def revise(data: dict) -> None:
            for i, change in enumerate(changes):
                field_path = f"changes[{i - offset}]" if i >= offset else f"base changes[{i}]"
                immediate = change.date <= params.start_date or change.add_home is not None
                if immediate or not immediate_only:
                    patch(data, change, path, field_path)

        return revise

    try:
        revised(params, patched(False), path)
    except InputError as err:
        raise blamed(err, changes, offset) from None
    return revised(params, patched(True), path)


def blamed(err: InputError, changes: tuple[ChangeSpec, ...], offset: int) -> InputError:
    """An invalid parameter value named by the last change that set it (``changes[0].value``)."""
    for i in reversed(range(len(changes))):
        target = changes[i].set
        if target and (err.field == target or err.field.startswith(f"{target}.")):
            where = f"changes[{i - offset}]" if i >= offset else f"base changes[{i}]"
            key = "add" if changes[i].add is not None else "value"
            return InputError(err.file, f"{where}.{key}", f"{err.expected} (for {target})")
    return err


def resolve_adds(
    origin: ParameterSet, inherited: tuple[ChangeSpec, ...], own: tuple[ChangeSpec, ...], path: Path
) -> tuple[ChangeSpec, ...]:
    """Give each ``add`` change the absolute ``value`` it makes, taking the changes in date order
    from the original parameters."""
    data = origin.model_dump(mode="python")
    every = inherited + own
    resolved = list(own)
    for i in sorted(range(len(every)), key=lambda k: every[k].date):
        change = every[i]
        if change.set is None:
            continue
        j = i - len(inherited)
        node = sourced_node(data, change.set, path, f"changes[{j}]")
        if change.add is not None and j >= 0:
            if not isinstance(node["value"], (int, float)) or isinstance(node["value"], bool):
                raise InputError(
                    path,
                    f"changes[{j}].add",
                    f"a parameter holding one number, but {change.set} is {node['value']!r}",
                )
            change = resolved[j] = change.model_copy(update={"value": node["value"] + change.add})
        node["value"] = change.value
    return tuple(resolved)


def patch(data: dict, change: ChangeSpec, path: Path, field_path: str) -> None:
    """Apply one change to a dumped parameter set."""
    if change.add_home is not None:
        data["homes"].append(change.add_home.model_dump(mode="python"))
        return
    node = sourced_node(data, change.target, path, field_path)
    node["value"] = change.value
    node["source"] = change.source
    if change.add is None:
        node["uncertainty"] = None  # a value the scenario chooses, not a fitted one


def sourced_node(data: dict, dotted: str, path: Path, field_path: str) -> dict:
    """The dumped sourced value (``{value, source, ...}``) at a parameter path."""
    try:
        return paths.sourced(data, dotted)
    except paths.PathError as err:
        raise InputError(path, f"{field_path}.set", str(err)) from None


def to_timeline(
    params: ParameterSet, changes: tuple[ChangeSpec, ...], path: Path, offset: int
) -> list[Change]:
    """Changes after the start date, as engine timeline entries."""
    live = live_paths(params)
    out = []
    for i, change in enumerate(changes):
        if change.set is None or change.date <= params.start_date:
            continue  # a home is added from the start; its opening date says when it opens
        if change.set not in live:
            raise InputError(
                path,
                f"changes[{i - offset}].set",
                f"a parameter that can change during a run, or a date on or before "
                f"the start {params.start_date}; {change.set!r} is fixed during a "
                f"run (those that can change: {sorted(live)})"
                f"{paths.did_you_mean(change.set, live)}",
            )
        day = float((change.date - params.start_date).days)
        if change.add is not None:  # relative to each replication's drawn value
            out.append(Change(day, change.set, change.add, add=True))
            continue
        value = change.value.model_dump() if hasattr(change.value, "model_dump") else change.value
        out.append(Change(day, change.set, value))
    return out


def investment_costs(scenario: Scenario, cal: Calendar) -> np.ndarray:
    """Pounds of the scenario's investment costs in each month of the run.

    A one-off sum falls in the month of its date, as cash; a yearly sum is spread by days and
    inflated like the model's other costs (its prices are those of the year before the run).
    """
    months = list(zip(cal.month_starts, cal.months))
    factor = inflation_factors(scenario.params, cal)
    out = np.zeros(len(months))
    for item in scenario.investments:
        for m, (first, last) in enumerate(months):
            if item.one_off is not None:
                out[m] += item.one_off if first <= item.date <= last else 0.0
            elif item.per_year is not None:
                end = min(last, item.until or last)
                days = (end - max(first, item.date)).days + 1
                out[m] += max(days, 0) * item.per_year / DAYS_PER_YEAR * factor[m]
    return out


@dataclass(frozen=True)
class Unloaded:
    """A scenario file that does not load, and why."""

    path: Path
    error: InputError

    @property
    def name(self) -> str:
        return self.path.stem


def list_scenarios(folder: Path | str) -> list[Scenario | Unloaded]:
    """Every scenario file (``*.yaml``) in a folder, loaded and validated (or the error that
    stopped it), by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "FOLDER", "a folder of scenario YAML files")
    return sorted((try_load(p) for p in folder.glob("*.yaml")), key=lambda s: s.name)


def try_load(path: Path) -> Scenario | Unloaded:
    try:
        return load_scenario(path)
    except InputError as err:
        return Unloaded(path, err)
