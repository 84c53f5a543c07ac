"""Corrupted inputs through loading and validation: how many give a traceback (target 0).

Run from the repository root:  python benchmarks/fuzz_inputs.py [--inputs 10000] [--seed 1]

Each input is a shipped file with one random corruption (a flipped or replaced byte, bytes that
are not UTF-8, truncation, a deleted, duplicated or swapped line, two values swapped, a value of
the wrong kind), read the way the commands read it, without simulating: a scenario file and the
parameter set under it (as ``run`` and ``scenarios`` load them), a sources CSV (as ``calibrate``
loads them) and a results folder's CSV (as ``report`` reads it). An input is valid (it loaded),
refused (a one-line ``InputError``, which the command line prints as ``Error: ...`` with exit
status 2) or a traceback (anything else). tests/test_fuzz.py draws from the same corruptions.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sufficiency import manifest
from sufficiency.calibration.sources import load_sources
from sufficiency.errors import InputError
from sufficiency.output import write_run
from sufficiency.report.folder import read_results
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = (
    "baseline",
    "hillview-home-6-beds",
    "add-2-fft-reunification-therapists",
    "no-edge-of-care",
    "portfolio-placements",
)
RESULT_FILES = ("stocks", "snapshots", "flows", "activity", "costs", "placement_days", "capacity")
ODD_VALUES = (
    b"'text'",
    b"true",
    b"-1",
    b"1e300",
    b".nan",
    b".inf",
    b"[]",
    b"{}",
    b"null",
    b"",
    b"2026-13-01",
    b"1000000000",
    b"0",
    b"\xa3",
    b"nan",
    b"x,y",
    b"'",
    b"&a",
    b"*a",
)
Target = tuple[str, Path, Callable[[], object]]
"""The kind of input, the file to corrupt, and how a command loads it."""
Choose = Callable[[int], int]
"""``choose(n)``: a number from 0 to n - 1, from a seeded generator or hypothesis."""


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip_bit(data: bytes, choose: Choose) -> bytes:
    i = choose(len(data))
    return data[:i] + bytes([data[i] ^ (1 << choose(8))]) + data[i + 1 :]


def replace_byte(data: bytes, choose: Choose) -> bytes:
    i = choose(len(data))
    return data[:i] + bytes([choose(256)]) + data[i + 1 :]


def insert_not_utf8(data: bytes, choose: Choose) -> bytes:
    i = choose(len(data) + 1)
    return data[:i] + (b"\xa3", b"\xff\xfe", b"\xc3", b"\x80\x80")[choose(4)] + data[i:]


def truncate(data: bytes, choose: Choose) -> bytes:
    return data[: choose(len(data) + 1)]


def delete_line(data: bytes, choose: Choose) -> bytes:
    lines = lines_of(data)
    del lines[choose(len(lines))]
    return b"\n".join(lines)


def duplicate_line(data: bytes, choose: Choose) -> bytes:
    lines = lines_of(data)
    i = choose(len(lines))
    lines.insert(i, lines[i])
    return b"\n".join(lines)


def swap_lines(data: bytes, choose: Choose) -> bytes:
    lines = lines_of(data)
    i, j = choose(len(lines)), choose(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def fields(line: bytes) -> list[bytes]:
    """A line cut into its values: after ``key:`` in YAML, between commas in CSV."""
    if b"," in line:
        return line.split(b",")
    key, colon, value = line.partition(b":")
    return [key + colon, value] if colon else [line]


def swap_values(data: bytes, choose: Choose) -> bytes:
    lines = lines_of(data)
    i, j = choose(len(lines)), choose(len(lines))
    a, b = fields(lines[i]), fields(lines[j])
    a[-1], b[-1] = b[-1], a[-1]
    lines[i], lines[j] = (
        b",".join(a) if b"," in lines[i] else b"".join(a),
        (b",".join(b) if b"," in lines[j] else b"".join(b)),
    )
    return b"\n".join(lines)


def wrong_value(data: bytes, choose: Choose) -> bytes:
    lines = lines_of(data)
    i = choose(len(lines))
    parts = fields(lines[i])
    k = choose(len(parts))
    odd = ODD_VALUES[choose(len(ODD_VALUES))]
    if b"," in lines[i]:
        parts[k] = odd
        lines[i] = b",".join(parts)
    else:
        parts[-1] = b" " + odd
        lines[i] = b"".join(parts)
    return b"\n".join(lines)


CORRUPTIONS = (
    flip_bit,
    replace_byte,
    insert_not_utf8,
    truncate,
    delete_line,
    duplicate_line,
    swap_lines,
    swap_values,
    wrong_value,
)


def corrupt(data: bytes, choose: Choose) -> bytes:
    """``data`` with one corruption, chosen and placed by ``choose``."""
    if not data:
        return b"\xa3"
    return CORRUPTIONS[choose(len(CORRUPTIONS))](data, choose)


class Inputs:
    """A scratch copy of the shipped inputs and a results folder, to corrupt one file at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.copytree(ROOT / "scenarios", folder / "scenarios")
        shutil.copytree(ROOT / "calibration", folder / "calibration")
        self.results = folder / "results"
        self.results.mkdir()
        write_run(
            run(
                load_scenario(folder / "scenarios" / "baseline.yaml"),
                years=1,
                replications=2,
                seed=1,
            ),
            self.results,
        )
        manifest.write(self.results)

    def resealed(self) -> object:
        """The results folder read after its manifest is written again over a damaged file, so
        that the damage reaches the reader's own checks rather than the manifest's; the manifest
        is put back afterwards."""
        sealed = self.results / manifest.NAME
        original = sealed.read_bytes()
        manifest.write(self.results)
        try:
            return read_results(self.results)
        finally:
            sealed.write_bytes(original)

    def targets(self) -> list[Target]:
        """(kind, file to corrupt, how a command loads it) for every kind of input."""
        scenarios = self.folder / "scenarios"
        out: list[Target] = [
            (
                "scenario",
                scenarios / f"{name}.yaml",
                lambda name=name: load_scenario(scenarios / f"{name}.yaml"),
            )
            for name in SCENARIOS
        ]
        out.append(
            (
                "parameters",
                self.folder / "calibration" / "leicester.yaml",
                lambda: load_scenario(scenarios / "baseline.yaml"),
            )
        )
        sources = self.folder / "calibration" / "sources"
        out += [
            ("sources", path, lambda: load_sources(sources))
            for path in sorted(sources.glob("*.csv"))
        ]
        out += [("results", self.results / f"{name}.csv", self.resealed) for name in RESULT_FILES]
        out.append(("manifest", self.results / manifest.NAME, lambda: read_results(self.results)))
        return out


def outcome(path: Path, data: bytes, load: Callable[[], object]) -> tuple[str, str]:
    """Write ``data`` to ``path``, load, put the file back: (valid | refused | traceback,
    detail)."""
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        load()
    except InputError as err:
        one_line = "\n" not in str(err)
        return ("refused", str(err)) if one_line else ("traceback", f"two lines: {err}")
    except Exception:
        return "traceback", traceback.format_exc()
    finally:
        path.write_bytes(original)
    return "valid", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[str, str] = {}
    warnings.simplefilter("ignore")  # pandas guessing date formats in damaged results files
    with tempfile.TemporaryDirectory() as tmp:
        targets = Inputs(Path(tmp)).targets()
        for _ in range(args.inputs):
            kind, path, load = targets[rng.randrange(len(targets))]
            result, detail = outcome(path, corrupt(path.read_bytes(), rng.randrange), load)
            counts[kind, result] += 1
            first.setdefault(f"{result} {path.name}", detail)
    total = Counter(result for _, result in counts.elements())
    print(
        f"{args.inputs} corrupted inputs (seed {args.seed}): {total['traceback']} tracebacks, "
        f"{total['refused']} refused with a message, {total['valid']} valid"
    )
    for kind in dict.fromkeys(kind for kind, _ in counts):
        print(
            f"  {kind:<10} "
            + ", ".join(f"{counts[kind, r]} {r}" for r in ("traceback", "refused", "valid"))
        )
    for key, detail in first.items():
        if key.startswith("traceback"):
            print(f"\n{key}:\n{detail}")


if __name__ == "__main__":
    main()
