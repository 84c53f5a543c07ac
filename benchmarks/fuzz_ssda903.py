"""Fuzz 'sufficiency ssda903 validate' with randomly corrupted copies of the clean peer set.

Run from the repository root:  python -m benchmarks.fuzz_ssda903 [--copies 1000] [--seed 1]

Every copy must give exit status 0, 1 or 2 and no traceback (2 with an 'Error: FILE: ...' line).
Prints the count of copies by exit status and any failures; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from sufficiency.cli import cli
from tests.ssda903_fuzz import corrupt_copy

CLEAN = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "ssda903-synthetic"


def outcome(folder: Path) -> tuple[int, bool]:
    """The exit status, and whether it is sound (no traceback, 2 only with an Error line)."""
    result = CliRunner().invoke(cli, ["ssda903", "validate", str(folder)])
    sound = (
        (result.exception is None or isinstance(result.exception, SystemExit))
        and "Traceback" not in result.output
        and result.exit_code in (0, 1, 2)
        and (result.exit_code != 2 or result.stderr.startswith("Error: "))
    )
    return result.exit_code, sound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean", type=Path, default=CLEAN)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    statuses: Counter[int] = Counter()
    failures = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for copy in range(args.copies):
            folder = Path(tmp) / f"copy{copy}"
            damage = corrupt_copy(args.clean, folder, rng)
            status, sound = outcome(folder)
            statuses[status] += 1
            if not sound:
                failures.append((copy, damage))
            if (copy + 1) % 50 == 0:
                print(
                    f"{copy + 1} copies: {dict(sorted(statuses.items()))}, unsound {len(failures)}",
                    flush=True,
                )
    print(
        f"{args.copies} corrupted copies (seed {args.seed}) in "
        f"{time.perf_counter() - started:.0f} s: exit status "
        + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    )
    print(f"tracebacks or unsound exits: {len(failures)}")
    for copy, damage in failures[:20]:
        print(f"  copy {copy}: {', '.join(damage)}")


if __name__ == "__main__":
    main()
