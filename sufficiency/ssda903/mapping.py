"""SSDA903 codes to the model: PLACE x PLACE_PROVIDER to placement types, REC to exit routes.

The mapping is data (mapping.yaml beside this module); a council overrides it with a small
file of the same form.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..pathway import PLACEMENT_NAMES, ExitRoute, State
from .codes import CODE_LISTS, CONTINUES

DEFAULT_PLACEMENT = State.OTHER_PLACEMENT.value
DEFAULT_EXIT = ExitRoute.OTHER.value
EXIT_ROUTES = tuple(r.value for r in ExitRoute if r is not ExitRoute.OTHER)


@dataclass(frozen=True)
class PlacementRule:
    place: frozenset[str]
    provider: frozenset[str] | None  # None: any provider
    type: str

    def matches(self, place: str, provider: str) -> bool:
        return place in self.place and (self.provider is None or provider in self.provider)


@dataclass(frozen=True)
class Mapping:
    placements: tuple[PlacementRule, ...]
    exits: dict[str, str]  # REC code -> route

    def placement(self, place: str, provider: str) -> str:
        """The model's placement type for an episode's PLACE and PLACE_PROVIDER."""
        rule = next((r for r in self.placements if r.matches(place, provider)), None)
        return DEFAULT_PLACEMENT if rule is None else rule.type

    def exit(self, rec: str) -> str | None:
        """The exit route for a REC code; None for X1 or blank (care continues or open)."""
        if rec in ("", CONTINUES):
            return None
        return self.exits.get(rec, DEFAULT_EXIT)

    def overridden(self, other: Mapping) -> Mapping:
        """This mapping with a council's rules tried first and its exit codes replacing these."""
        return Mapping(other.placements + self.placements, {**self.exits, **other.exits})


def codes_at(data: Any, path: Path, field: str, known: frozenset[str]) -> frozenset[str]:
    if not isinstance(data, list) or not data or not all(isinstance(c, str) for c in data):
        raise InputError(path, field, "a list of codes")
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(
            path, field, f"DfE codes ({', '.join(sorted(known))}), not {', '.join(unknown)}"
        )
    return frozenset(data)


def placement_rule(data: Any, path: Path, field: str) -> PlacementRule:
    if (
        not isinstance(data, dict)
        or set(data) - {"place", "provider", "type"}
        or "type" not in data
    ):
        raise InputError(path, field, "a rule with place, type and, optionally, provider")
    if data["type"] not in PLACEMENT_NAMES:
        raise InputError(path, f"{field}.type", f"one of {', '.join(PLACEMENT_NAMES)}")
    provider = data.get("provider")
    return PlacementRule(
        codes_at(data.get("place"), path, f"{field}.place", CODE_LISTS["PLACE"].ever()),
        None
        if provider is None
        else codes_at(provider, path, f"{field}.provider", CODE_LISTS["PLACE_PROVIDER"].ever()),
        data["type"],
    )


def exit_codes(data: Any, path: Path) -> dict[str, str]:
    if not isinstance(data, dict) or set(data) - set(EXIT_ROUTES) - {DEFAULT_EXIT}:
        raise InputError(path, "exits", f"routes among {', '.join((*EXIT_ROUTES, DEFAULT_EXIT))}")
    known = (CODE_LISTS["REC"].ever() | {"E43", "E44"}) - {CONTINUES}
    return {
        code: route
        for route, codes in data.items()
        for code in codes_at(codes, path, f"exits.{route}", known)
    }


def parse(data: Any, path: Path) -> Mapping:
    if not isinstance(data, dict) or set(data) - {"placements", "exits"}:
        raise InputError(path, "mapping", "a mapping with 'placements' and/or 'exits'")
    rules = data.get("placements", [])
    if not isinstance(rules, list):
        raise InputError(path, "placements", "a list of rules")
    return Mapping(
        tuple(placement_rule(r, path, f"placements[{i}]") for i, r in enumerate(rules)),
        exit_codes(data.get("exits", {}), path),
    )


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise InputError(path, "file", "a readable YAML file") from None


def shipped() -> Mapping:
    """The mapping shipped with sufficiency (mapping.yaml)."""
    source = resources.files(__package__).joinpath("mapping.yaml")
    with resources.as_file(source) as path:
        return parse(read_yaml(path), path)


def load_mapping(path: Path | None = None) -> Mapping:
    """The shipped mapping, with a council's override file if one is given."""
    return shipped() if path is None else shipped().overridden(parse(read_yaml(path), path))
