"""Machine-checkable provenance: cited rows and the checks that tie a value to them.

A source cites a row of ``calibration/sources`` as ``{measure@period}``. A value taken or
derived from the seed reports carries checks in square brackets, ``[lhs = rhs; ...]``: ``rhs``
is arithmetic over cited rows and numbers, ``lhs`` is ``value`` (a single number) or arithmetic
over the keys of a mapping value. ``verify`` evaluates every check against the sources.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..parameters import SEED_FILE, SOURCE_KINDS, ParameterSet, provenance

TOKEN = re.compile(r"\{([a-z][a-z0-9_]*)@([^{}]+)\}")
CHECKS = re.compile(r"\[([^\[\]]*=[^\[\]]*)\]")
RELATIVE = 1e-3
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def token(measure: str, period: str) -> str:
    """How a source cites one row."""
    return f"{{{measure}@{period}}}"


def tokens(text: str) -> list[tuple[str, str]]:
    """The (measure, period) rows a text cites, in order."""
    return [(m, p.strip()) for m, p in TOKEN.findall(text)]


def row_value(df: pd.DataFrame, measure: str, period: str) -> float:
    rows = df[(df["measure"] == measure) & (df["period"] == period)]
    if rows.empty:
        raise KeyError(f"no row {token(measure, period)} in calibration/sources")
    return float(rows["value"].iloc[0])


def evaluate(expr: str, names: dict[str, float]) -> float:
    """Arithmetic (+ - * / and parentheses) over numbers and the given names."""

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in names:
            return float(names[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError(f"unsupported term in '{expr}'")

    return walk(ast.parse(expr.strip(), mode="eval"))


def rhs_value(expr: str, df: pd.DataFrame) -> float:
    """Evaluate arithmetic over cited rows."""
    names: dict[str, float] = {}

    def name(match: re.Match) -> str:
        key = f"_r{len(names)}"
        names[key] = row_value(df, match[1], match[2].strip())
        return key

    return evaluate(TOKEN.sub(name, expr), names)


def checks(source: str) -> list[tuple[str, str]]:
    """The (lhs, rhs) checks a source carries."""
    found = []
    for block in CHECKS.findall(source):
        for part in block.split(";"):
            lhs, _, rhs = part.partition("=")
            found.append((lhs.strip(), rhs.strip()))
    return found


def claims_seed(source: str) -> bool:
    """A source that names a seed report as where its value comes from."""
    return bool(SEED_FILE.search(source)) and not source.lower().startswith(SOURCE_KINDS)


@dataclass(frozen=True)
class Problem:
    parameter: str
    reason: str


def lhs_names(value: Any) -> dict[str, float]:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if isinstance(v, (int, float))}
    return {"value": value}


def check_value(path: str, value: Any, source: str, df: pd.DataFrame) -> list[Problem]:
    """Problems with one sourced value: unknown rows, missing or failing checks."""
    problems = []
    for measure, period in tokens(source):
        rows = df[(df["measure"] == measure) & (df["period"] == period)]
        if rows.empty:
            problems.append(Problem(path, f"cites {token(measure, period)}, not a sources row"))
        elif claims_seed(source) and rows["source_file"].iloc[0] not in source:
            where = rows["source_file"].iloc[0]
            problems.append(
                Problem(path, f"{token(measure, period)} is from {where}, not named in the source")
            )
    if not claims_seed(source):
        return problems
    found = checks(source)
    if not found:
        return problems + [Problem(path, "names a seed report but carries no [value = ...] check")]
    for lhs, rhs in found:
        try:
            want, got = rhs_value(rhs, df), evaluate(lhs, lhs_names(value))
        except (KeyError, ValueError, SyntaxError, ZeroDivisionError) as exc:
            problems.append(Problem(path, f"check '{lhs} = {rhs}' cannot be evaluated: {exc}"))
            continue
        tolerance = 0.5 if isinstance(value, int) else RELATIVE * max(abs(want), 1e-9)
        if abs(got - want) > tolerance:
            problems.append(Problem(path, f"check '{lhs} = {rhs}' fails: {got:.6g} != {want:.6g}"))
    return problems


def verify(params: ParameterSet, df: pd.DataFrame) -> list[Problem]:
    """Every provenance problem in a parameter set (empty when all values trace to sources)."""
    problems: list[Problem] = []
    for row in provenance(params):
        problems.extend(check_value(row["parameter"], row["value"], row["source"], df))
    return problems


def assumptions(params: ParameterSet) -> list[tuple[str, str]]:
    """(parameter, source) for every value that rests wholly or partly on an assumption."""
    return [
        (row["parameter"], row["source"])
        for row in provenance(params)
        if "assumption" in row["source"].lower()
    ]
