"""Reading input files: UTF-8 text, and YAML without duplicate keys.

Every input file (scenarios, parameter sets, priors, source CSVs) is read here, so a file that
is missing, not UTF-8 or not valid YAML gives the same ``InputError`` (file, line, expectation)
whichever command reads it, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

TIMESTAMP = "tag:yaml.org,2002:timestamp"


def read_text(path: Path | str, kind: str) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); ``kind`` names the file expected."""
    path = Path(path)
    try:
        if not path.is_file():
            raise InputError(path, "(file)", f"an existing {kind}")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, "(file)", f"a readable {kind} ({err.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            path,
            f"line {line}",
            f"UTF-8 text, but byte {err.start} "
            f"(0x{data[err.start]:02x}) is not UTF-8: save the file as UTF-8",
        ) from None


class StrictLoader(yaml.CSafeLoader):
    """Safe YAML that refuses a key given twice in one mapping, and leaves an impossible date
    (``2026-13-01``) as text for validation to report with its field."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: the constructor itself reports it
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"each key once, but {key!r} is given again (first on line "
                    f"{first.start_mark.line + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


StrictLoader.add_constructor(TIMESTAMP, StrictLoader.construct_yaml_timestamp)


def read_yaml(path: Path | str) -> Any:
    """The data in a YAML file, or an ``InputError`` naming the line of the first problem."""
    text = read_text(path, "YAML file")
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        code = err.character if isinstance(err.character, int) else ord(err.character)
        raise InputError(
            path,
            f"line {line}",
            f"text YAML allows, but it holds the control character 0x{code:02x}",
        ) from None
    except yaml.YAMLError as err:
        raise InputError(path, where(err), f"valid YAML: {problem(err)}") from None
    except RecursionError:
        raise InputError(path, "(file)", "YAML nested less deeply") from None


def where(err: yaml.YAMLError) -> str:
    """The line a YAML error points at, as ``line N``."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if mark is not None:
        return f"line {mark.line + 1}"
    return "(file)"


def problem(err: yaml.YAMLError) -> str:
    """What a YAML error says was wrong."""
    text = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    return f"{text} ({context})" if context else text
