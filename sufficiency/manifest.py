"""The manifest of a results folder: written last, it names the tool and version and lists every
file with its size and SHA-256, so a folder this tool wrote can be recognised and checked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .version import __version__

NAME = "manifest.json"
TOOL = "sufficiency"

Files = dict[str, dict[str, int | str]]


def digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def contents(folder: Path) -> list[Path]:
    """Every file and folder below ``folder`` (folders included, to spot foreign ones)."""
    return sorted(folder.rglob("*"))


def write(folder: Path) -> None:
    """List every file under ``folder`` (but an earlier manifest), then write the manifest: the
    folder's last file."""
    files: Files = {}
    for path in contents(folder):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != NAME:
            files[name] = {
                "bytes": path.stat().st_size,
                "sha256": digest(path),
            }
    text = json.dumps({"tool": TOOL, "version": __version__, "files": files}, indent=2)
    (folder / NAME).write_text(text + "\n", encoding="utf-8")


class Unsound(Exception):
    """A folder that is not, or is no longer, exactly what this tool wrote (the reason)."""


def read(folder: Path) -> Files:
    """The manifest's file list, if the folder holds this tool's manifest."""
    path = folder / NAME
    if not path.is_file():
        raise Unsound(f"it has no {NAME} (sufficiency writes one into every results folder)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise Unsound(f"its {NAME} is not readable JSON ({err})") from None
    if not isinstance(data, dict) or data.get("tool") != TOOL:
        raise Unsound(f"its {NAME} was not written by sufficiency")
    files = data.get("files")
    if not isinstance(files, dict) or not all(valid_entry(n, e) for n, e in files.items()):
        raise Unsound(f"its {NAME} does not give each file's size and SHA-256")
    return files


def valid_entry(name: str, entry: object) -> bool:
    """A path inside the folder, with its size and hash."""
    inside = not Path(name).is_absolute() and ".." not in Path(name).parts
    return (
        inside
        and isinstance(entry, dict)
        and isinstance(entry.get("bytes"), int)
        and isinstance(entry.get("sha256"), str)
    )


def verify(folder: Path) -> Files:
    """The manifest's file list, after checking every file listed is there unchanged."""
    files = read(folder)
    for name, entry in files.items():
        path = folder / name
        if not path.is_file() or path.is_symlink():
            raise Unsound(f"{name}, which {NAME} lists, is missing")
        if path.stat().st_size != entry["bytes"] or digest(path) != entry["sha256"]:
            raise Unsound(f"{name} has changed since sufficiency wrote it (size or SHA-256)")
    return files


def foreign(folder: Path, files: Files) -> list[str]:
    """What ``folder`` holds that its manifest does not list (files, folders, links)."""
    listed = set(files) | {NAME}
    parents = {parent.as_posix() for name in listed for parent in Path(name).parents}
    out = []
    for path in contents(folder):
        name = path.relative_to(folder).as_posix()
        expected = parents if path.is_dir() and not path.is_symlink() else listed
        if name not in expected:
            out.append(name)
    return out
