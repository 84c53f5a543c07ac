"""A seeded fuzzer for SSDA903 folders: copies of a clean set with random damage.

Used by tests/test_ssda903.py (a few dozen copies) and benchmarks/fuzz_ssda903.py (1,000).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

Lines = list[list[str]]
BAD_DATES = (
    "31/02/2019",
    "2019-13-01",
    "00/00/0000",
    "tomorrow",
    "1/1/1",
    "29/02/2019",
    "01/01/1800",
    "01/01/2999",
    "2019-02-30",
    "",
)
BAD_CODES = ("", "ZZ", "u4", "PR9", "E4", "X", "N9", "V1", "S ", "0")


def csv_lines(text: str) -> Lines:
    return [line.split(",") for line in text.splitlines()]


def joined(lines: Lines) -> str:
    return "\n".join(",".join(cells) for cells in lines) + "\n"


def drop_column(lines: Lines, rng: random.Random) -> Lines:
    i = rng.randrange(len(lines[0]))
    return [cells[:i] + cells[i + 1 :] for cells in lines]


def duplicate_column(lines: Lines, rng: random.Random) -> Lines:
    i = rng.randrange(len(lines[0]))
    return [[*cells, cells[i]] if i < len(cells) else cells for cells in lines]


def drop_rows(lines: Lines, rng: random.Random) -> Lines:
    keep = rng.random()
    return lines[:1] + [cells for cells in lines[1:] if rng.random() < keep]


def duplicate_rows(lines: Lines, rng: random.Random) -> Lines:
    extra = [rng.choice(lines[1:]) for _ in range(rng.randint(1, 20))] if len(lines) > 1 else []
    return lines + extra


def damage_cells(values: tuple[str, ...], matches: Callable[[str], bool]):
    def damage(lines: Lines, rng: random.Random) -> Lines:
        for cells in lines[1:]:
            for j, value in enumerate(cells):
                if matches(value) and rng.random() < 0.05:
                    cells[j] = rng.choice(values)
        return lines

    return damage


def is_date(value: str) -> bool:
    return value.count("/") == 2


def is_code(value: str) -> bool:
    return 1 <= len(value) <= 3 and value.isalnum() and not value.isdigit()


def rename_header(lines: Lines, rng: random.Random) -> Lines:
    i = rng.randrange(len(lines[0]))
    lines[0][i] = rng.choice((lines[0][i].lower(), f" {lines[0][i]} ", "NOTES", ""))
    return lines


def ragged(lines: Lines, rng: random.Random) -> Lines:
    for cells in rng.sample(lines[1:], min(5, len(lines) - 1)):
        if rng.random() < 0.5:
            cells.extend(["x"] * rng.randint(1, 3))
        elif cells:
            cells.pop()
    return lines


LINE_DAMAGE = (
    drop_column,
    duplicate_column,
    drop_rows,
    duplicate_rows,
    damage_cells(BAD_DATES, is_date),
    damage_cells(BAD_CODES, is_code),
    rename_header,
    ragged,
)


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 50)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def corrupt_file(path: Path, rng: random.Random) -> str:
    """Damage one file in place; the kind of damage done."""
    kind = rng.random()
    if kind < 0.2:
        path.write_bytes(flip_bytes(path.read_bytes(), rng))
        return "byte flips"
    if kind < 0.25:
        path.write_bytes(truncate(path.read_bytes(), rng))
        return "truncated"
    if kind < 0.28:
        path.unlink()
        return "file removed"
    damage = rng.choice(LINE_DAMAGE)
    lines = csv_lines(path.read_text(encoding="latin-1"))
    if lines:
        path.write_text(joined(damage(lines, rng)), encoding="latin-1")
    return getattr(damage, "__name__", "cells")


def corrupt_copy(
    source: Path, target: Path, rng: random.Random, names: list[str] | None = None
) -> list[str]:
    """Copy ``source`` (or only the files ``names``) to ``target`` and damage 1-4 files."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        if names is None or path.name in names:
            shutil.copy(path, target / path.name)
    done = []
    for _ in range(rng.randint(1, 4)):
        files = sorted(target.glob("*.csv"))
        if files:
            done.append(corrupt_file(rng.choice(files), rng))
    return done
