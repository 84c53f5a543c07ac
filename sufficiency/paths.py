"""One way to address a parameter: a dotted path into a dumped parameter set.

A path names each step by its key, and the items of a list (entry streams, homes) by their
``name``: ``entries.direct.rate_per_month``, ``costs.weekly.foster_ifa``,
``programmes.mst.therapists``, ``homes.Hillview.beds``. A parameter's own value (a ``Sourced``
mapping of ``value`` and ``source``) ends a path; nothing inside a value is addressed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from enum import Enum
from typing import Any


class PathError(ValueError):
    """A path that does not lead where it should; the message says what was expected."""


def name_of(key: Any) -> str:
    """A key as a path spells it (``mst``, never ``Programme.MST``)."""
    return str(key.value if isinstance(key, Enum) else key)


def is_sourced(node: Any) -> bool:
    """A dumped sourced value: a mapping holding a ``value`` and its ``source``."""
    return isinstance(node, dict) and "value" in node and "source" in node


def named(node: Any) -> dict[str, Any]:
    """The steps a path can take from ``node``, by name (nothing inside a sourced value)."""
    if is_sourced(node):
        return {}
    if isinstance(node, dict):
        return {name_of(key): item for key, item in node.items()}
    if isinstance(node, list):
        return {
            name_of(item["name"]): item
            for item in node
            if isinstance(item, dict) and "name" in item
        }
    return {}


def unknown(path: str, depth: int, options: list[str]) -> PathError:
    """The error for a path whose part ``depth`` is not one of ``options``."""
    parts = path.split(".")
    wrong, where = parts[depth], ".".join(parts[:depth])
    after = f" after {where!r}" if where else ""
    if not options:
        return PathError(f"a parameter path; {path!r} goes past a parameter at {where!r}")
    return PathError(
        f"a parameter path; {wrong!r}{after} in {path!r} is not one "
        f"(expected one of {sorted(options)}){did_you_mean(wrong, options)}"
    )


def did_you_mean(wrong: str, options: list[str] | tuple[str, ...]) -> str:
    """``; did you mean 'x'?`` for the option nearest ``wrong`` (any case), or nothing."""
    lowered = {option.lower(): option for option in options}
    guess = difflib.get_close_matches(wrong.lower(), list(lowered), n=1)
    return f"; did you mean {lowered[guess[0]]!r}?" if guess else ""


def find(data: Any, path: str) -> Any:
    """The node at ``path`` in dumped parameters ``data``."""
    node = data
    for depth, part in enumerate(path.split(".")):
        options = named(node)
        if part not in options:
            raise unknown(path, depth, list(options))
        node = options[part]
    return node


def sourced(data: Any, path: str) -> dict[str, Any]:
    """The sourced value (``{value, source, ...}``) at ``path``."""
    node = find(data, path)
    if not is_sourced(node):
        raise PathError(
            f"a path ending at a parameter's value; {path!r} holds {sorted(named(node))}"
        )
    return node


def get(data: Any, path: str) -> Any:
    """The value of the parameter at ``path``."""
    return sourced(data, path)["value"]


def set_value(data: Any, path: str, value: Any) -> None:
    """Set the value of the parameter at ``path`` (its source stays as it is)."""
    sourced(data, path)["value"] = value


def put(data: Any, path: str, node: Any) -> None:
    """Replace whatever is at ``path`` (a sourced value, or a plain field such as a date)."""
    parent, _, last = path.rpartition(".")
    container = find(data, parent) if parent else data
    keys = {name_of(k): k for k in container} if isinstance(container, dict) else {}
    if last not in keys or is_sourced(container):
        raise unknown(path, path.count("."), [] if is_sourced(container) else list(keys))
    container[keys[last]] = node


def sourced_steps(
    data: Any, before: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(the steps of its path, sourced value) of every parameter under ``data``, in document
    order (a step may hold a dot, a home's name say, which a path cannot tell apart)."""
    for name, node in named(data).items():
        steps = (*before, name)
        if is_sourced(node):
            yield steps, node
        else:
            yield from sourced_steps(node, steps)


def sourced_items(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, sourced value) of every parameter under ``data``, in document order."""
    return ((".".join(steps), node) for steps, node in sourced_steps(data))
