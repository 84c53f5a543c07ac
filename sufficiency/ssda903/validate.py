"""The validation report: problems counted by rule, with example rows, and the exit status."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..output import check_file_target
from .census import looked_after
from .mapping import Mapping, load_mapping
from .problems import ERROR, RULES, Problem
from .read import Return, read_returns
from .rules import problems as find_problems

EXAMPLES = 3
"""Example rows shown for each rule."""
COLUMNS = ("rule", "level", "count", "examples", "check")


@dataclass(frozen=True)
class Line:
    """One rule's line of the report."""

    rule: str
    level: str
    count: int
    examples: str
    check: str


@dataclass(frozen=True)
class Report:
    returns: list[Return]
    lines: list[Line]
    census: dict[str, int]  # looked after at the end of the latest year, by placement type

    @property
    def errors(self) -> int:
        return sum(line.count for line in self.lines if line.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(line.count for line in self.lines if line.level != ERROR)

    @property
    def status(self) -> int:
        return 1 if self.errors else 0


def examples(found: list[Problem]) -> str:
    """The first few places a rule was broken: 'a.csv rows 4, 9; b.csv row 2'."""
    rows: dict[str, list[int]] = {}
    for problem in sorted(found, key=lambda p: (p.file, p.row or 0))[:EXAMPLES]:
        rows.setdefault(problem.file, [])
        if problem.row is not None:
            rows[problem.file].append(problem.row)
    return "; ".join(
        f"{file} {'row' if len(numbers) == 1 else 'rows'} {', '.join(map(str, numbers))}"
        if numbers
        else file
        for file, numbers in rows.items()
    )


def lines(found: list[Problem]) -> list[Line]:
    """One line per rule broken, in the order of RULES."""
    by_rule: dict[str, list[Problem]] = defaultdict(list)
    for problem in found:
        by_rule[problem.rule].append(problem)
    return [
        Line(rule.id, rule.level, len(by_rule[rule.id]), examples(by_rule[rule.id]), rule.check)
        for rule in RULES.values()
        if by_rule[rule.id]
    ]


def validate(folder: Path, mapping: Mapping | None = None) -> Report:
    """Read every return in ``folder``, check it against every rule and count the children
    looked after at the end of the latest year by the model's placement types."""
    returns, found = read_returns(folder)
    found.extend(find_problems(returns))
    census = looked_after(returns[-1], mapping or load_mapping()) if returns else {}
    return Report(returns, lines(found), census)


def written_by_us(path: Path) -> bool:
    """Whether ``path`` is a problems table this command wrote (its header row is ours)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), None) == list(COLUMNS)
    except (OSError, UnicodeDecodeError):
        return False


def check_out(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".csv":
        raise InputError(path, "--out", "a .csv file name")
    check_file_target(path, force, "--out", written_by_us)


def write(report: Report, path: Path) -> None:
    """The report's table as CSV."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for line in report.lines:
            writer.writerow((line.rule, line.level, line.count, line.examples, line.check))
