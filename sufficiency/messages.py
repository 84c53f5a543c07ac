"""Validation errors as a user reads them: one spelling of field paths (``changes[0].set``),
limits and allowed values as the files write them, and "did you mean" for near misses."""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from .errors import suggest

BOUNDS = {
    "greater_than": ">",
    "greater_than_equal": ">=",
    "less_than": "<",
    "less_than_equal": "<=",
}
UPPER = ("less_than", "less_than_equal")
WORDED = {
    "missing": "a value (it is missing)",
    "int_from_float": "a whole number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "list_type": "a list",
    "string_type": "text",
    "float_type": "a number",
    "int_type": "a whole number",
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``("changes", 0, "set")`` as ``changes[0].set``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith("function-") and part != "[key]":
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def describe_error(
    error: Mapping[str, Any], model: type[BaseModel] | None = None
) -> tuple[str, str]:
    """A pydantic error as (field path, what was expected); ``model`` (the one validated) lets an
    unknown key be matched against the keys allowed there."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    got = error.get("input")
    shown = "" if isinstance(got, (dict, list)) else f", got {shorter(repr(got))}"
    if kind == "extra_forbidden":
        allowed = keys_at(model, loc[:-1]) if model is not None else []
        listed = f"a key from {', '.join(allowed)}" if allowed else "a known key"
        return field_path(loc), f"{listed}, not {loc[-1]!r}{suggest(loc[-1], allowed)}"
    if kind in ("model_type", "model_attributes_type", "dict_type") and model is not None:
        keys = keys_at(model, loc)
        return field_path(loc), (f"a mapping of {', '.join(keys)}" if keys else "a mapping") + shown
    if kind in BOUNDS:
        limit = next(iter(ctx.values()))
        note = " (a plausibility limit: docs/limits.md)" if kind in UPPER else ""
        return field_path(loc), f"a number {BOUNDS[kind]} {limit:,}{note}{shown}"
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return field_path(loc), f"one of {', '.join(allowed)}{shown}{suggest(str(got), allowed)}"
    message = WORDED.get(kind, error["msg"].removeprefix("Value error, "))
    return field_path(loc), f"{message}{shown}"


def shorter(text: str, most: int = 80) -> str:
    """``text``, cut to ``most`` characters with an ellipsis."""
    return text if len(text) <= most else f"{text[: most - 3]}..."


def keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at ``loc`` under ``model`` may hold (none if it is not a model)."""
    kind: Any = model
    for part in loc:
        kind = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            kind = kind.model_fields[part].annotation if part in kind.model_fields else None
        elif get_origin(kind) in (dict, list):
            kind = get_args(kind)[-1]
        elif not str(part).startswith("function-"):
            return []
    kind = _unwrap(kind)
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _unwrap(kind: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
        elif get_origin(kind) in (Union, types.UnionType):
            kind = next(a for a in get_args(kind) if a is not type(None))
        else:
            return kind


def check_keys(allowed: Sequence[str], given: Iterable[Any], what: str, every: bool = True) -> None:
    """Refuse a key not in ``allowed`` (suggesting the nearest), and if ``every``, a missing one."""
    given = [str(key) for key in given]
    unknown = [key for key in given if key not in allowed]
    if unknown:
        raise ValueError(
            f"{what} from {', '.join(allowed)}; {unknown[0]!r} is not one"
            f"{suggest(unknown[0], allowed)}"
        )
    missing = [key for key in allowed if key not in given] if every else []
    if missing:
        raise ValueError(
            f"every one of the {what} {', '.join(allowed)}; missing {', '.join(missing)}"
        )
