"""Revisions of one parameter set that change only a few of its sourced values, made often
(a replication's parameter draw): validated again only where they can have changed.

A ``Revision`` dumps the set once. Each revision copies the sourced values it may change and
the sections on their paths; everything else stays shared with that dump, and is handed back to
pydantic as the validated object it came from, which pydantic accepts as it is (it was valid,
and no validator of it reads anything outside it). Every section on a changed value's path is
validated again, with its own validators and those of the set, so a revision fails exactly
when validating its whole dump would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .parameters import ParameterSet, build_parameters
from .paths import PathError, name_of, named

Trie = dict[str, "Trie"]
"""The steps of a set of paths, shared steps once: an empty trie ends a path."""
Steps = tuple[str, ...]
"""A path as its steps (``paths.sourced_steps``)."""


class Revision:
    """Revisions of ``params`` that change nothing but the sourced values at ``paths``, each
    given by its steps (given ``dump``, the set's dump, it is not dumped again)."""

    def __init__(
        self, params: ParameterSet, paths: Iterable[Steps], dump: dict[str, Any] | None = None
    ) -> None:
        self.params = params
        self.dump = params.model_dump(mode="python") if dump is None else dump
        self.trie: Trie = {}
        for steps in paths:
            node = self.trie
            for step in steps:
                node = node.setdefault(step, {})

    def __call__(
        self, revise: Callable[[dict], None], path: Path | str = "(parameters)"
    ) -> ParameterSet:
        """``parameters.revised(params, revise, path)``, for a ``revise`` that changes only the
        values at the revision's paths (anything else it replaces raises ValueError)."""
        data = copied_along(self.dump, self.trie)
        revise(data)
        return build_parameters(validated_outside(data, self.dump, self.params, self.trie), path)


def at(data: Any, steps: Steps) -> dict[str, Any]:
    """The node at the end of ``steps`` in dumped ``data``."""
    for step in steps:
        data = named(data)[step]
    return data


def keys(node: Any) -> list[tuple[str, Any]]:
    """(name, key or index) of each step a path can take from a dumped section."""
    if isinstance(node, dict):
        return [(name_of(key), key) for key in node]
    return [(name_of(item["name"]), i) for i, item in enumerate(node) if isinstance(item, dict)]


def copied_along(node: Any, trie: Trie) -> Any:
    """``node`` with its own copy of each section on ``trie``'s paths and of the values they
    end at; everything else shared."""
    if not trie:
        return copied(node)
    out = dict(node) if isinstance(node, dict) else list(node)
    found = 0
    for name, key in keys(node):
        if name in trie:
            out[key] = copied_along(node[key], trie[name])
            found += 1
    if found < len(trie):
        raise PathError(f"a revision's path; none of {sorted(trie)} found at {list(named(node))}")
    return out


def copied(node: Any) -> Any:
    """A copy of a dumped value, its mappings and lists copied throughout."""
    if isinstance(node, dict):
        return {key: copied(item) for key, item in node.items()}
    if isinstance(node, list):
        return [copied(item) for item in node]
    return node


def validated_outside(data: Any, dump: Any, valid: Any, trie: Trie) -> Any:
    """Revised ``data`` with each part off ``trie``'s paths replaced by the validated object
    ``valid`` holds there (``dump`` being its dump, which such a part must still be)."""
    if not trie:
        return data
    out = dict(data) if isinstance(data, dict) else list(data)
    for name, key in keys(dump):
        if name in trie:
            part = valid[key] if isinstance(valid, (dict, list)) else getattr(valid, key)
            out[key] = validated_outside(data[key], dump[key], part, trie[name])
        elif data[key] is not dump[key]:
            raise ValueError(f"a revision changed {name!r}, off the paths it may change")
        else:
            out[key] = valid[key] if isinstance(valid, (dict, list)) else getattr(valid, key)
    return out
