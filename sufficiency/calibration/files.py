"""Writing calibration outputs: the parameter YAML, and several files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from ..parameters import ParameterSet


class Dumper(yaml.SafeDumper):
    """YAML with floats written to 10 significant digits."""


def _float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    text = format(value, ".10g")
    if not any(c in text for c in ".en"):
        text += ".0"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


Dumper.add_representer(float, _float)


def parameter_yaml(params: ParameterSet, header: str) -> str:
    """The parameter set as YAML, with a comment header."""
    data = params.model_dump(mode="json", exclude_none=True)
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + body


def write_all(files: dict[Path, str]) -> None:
    """Write every file to a temporary name beside it, then move them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as fh:
                fh.write(text)
            staged.append((Path(name), path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
