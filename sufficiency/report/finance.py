"""The finance workbook's cost sheets: every cost line by financial year and by month, the
budget beside the forecast, and the trace from each total to its lines and from each line to
its sources. Cost lines are read from the results (costs.csv items), never listed here."""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from .. import cost_lines
from ..calendar import financial_year
from ..documents import cited
from .budget import variance
from .folder import Results, RunFolder
from .sheets import BANDS, COUNT, DATE, MONEY, PERCENT, Cell, groups, header, note, write_row
from .units import describe, unit, with_unit
from .words import basis, label

SUBTOTALS = {
    **{name: "the sum of " + ", ".join(lines) for name, lines in cost_lines.SUBTOTALS.items()},
    cost_lines.TOTAL: "every line, grant income included",
}
"""Each subtotal of costs.csv and what it adds up (from ``cost_lines``, never listed here)."""
QUANTILES = ("mean", "p05", "p50", "p95")
INFLATION = "costs.inflation_per_year"
STAFF = "therapists"


def lines_of(run: RunFolder) -> list[str]:
    """The run's cost lines in costs.csv order, subtotals last."""
    items = list(dict.fromkeys(run.costs["item"]))
    return [i for i in items if i not in SUBTOTALS] + [i for i in items if i in SUBTOTALS]


KINDS = {
    "all_placements": "placement",
    "all_programmes": "programme or investment",
    "all_other": "leaving care or grant",
}
"""What the lines of each subtotal are, in the Kind column (keys as ``cost_lines.SUBTOTALS``)."""


def kind(line: str) -> str:
    """The subtotal a line is part of, in words ('subtotal' for a subtotal itself)."""
    if line in SUBTOTALS:
        return "subtotal"
    parts = [KINDS[name] for name, lines in cost_lines.SUBTOTALS.items() if line in lines]
    return parts[0] if parts else "other"


def lines_sheet(sheet: Worksheet, results: Results) -> None:
    note(
        sheet,
        1,
        "Cost per financial year by cost line (the names costs.csv and a --budget file use): "
        "mean, 5th percentile, median and 95th percentile over replications, and the line's "
        "share of the total mean. Subtotals (all_placements, all_programmes, all_other, "
        "total) have the sum of their lines' means and the percentiles of the sum; the Trace "
        "sheet shows each sum",
        10,
    )
    header(
        sheet,
        2,
        ["Scenario", "Financial year", "Line", "What", "Kind"]
        + [BANDS[q] for q in QUANTILES]
        + ["Share of total"],
    )
    sheet.freeze_panes = "D3"
    row = 3
    for run in results.runs:
        costs = run.costs.set_index(["financial_year", "item"])
        for year in dict.fromkeys(run.costs["financial_year"]):
            total = costs.loc[(year, "total"), "mean"]
            for line in lines_of(run):
                values = costs.loc[(year, line)]
                cells: list[Cell] = [(run.name, None), (year, None), (line, None)]
                cells += [(label(line), None), (kind(line), None)]
                cells += [(values[q], MONEY) for q in QUANTILES]
                cells.append((values["mean"] / total if total else None, PERCENT))
                write_row(sheet, row, cells)
                row += 1


def monthly_costs_sheet(sheet: Worksheet, results: Results) -> None:
    items = pd.concat([run.monthly_costs["item"] for run in results.runs])
    lines = [i for i in dict.fromkeys(items) if i != cost_lines.TOTAL]
    note(
        sheet,
        1,
        "Cost per month by cost line, in pounds: the mean over replications (the months of a "
        "financial year add up to its mean on the Cost lines sheet; a line a scenario does not "
        "have is 0), and the total (the sum of the lines) with its 5th and 95th percentile, "
        "for profiling the budget by month",
        3 + len(lines) + 3,
    )
    groups(sheet, 2, 1, [("", 3)] + [(label(line), 1) for line in lines] + [("Total", 3)])
    header(
        sheet,
        3,
        ["Scenario", "Month end", "Financial year", *lines]
        + [BANDS["mean"], BANDS["p05"], BANDS["p95"]],
    )
    sheet.freeze_panes = "D4"
    row = 4
    for run in results.runs:
        wide = run.monthly_costs.pivot(index="date", columns="item", values="mean")
        total = run.monthly_costs[run.monthly_costs["item"] == "total"]
        for (_, values), (_, whole) in zip(wide.iterrows(), total.iterrows()):
            day = pd.Timestamp(whole["date"]).date()
            cells: list[Cell] = [(run.name, None), (day, DATE), (financial_year(day), None)]
            cells += [(values.get(line, 0.0), MONEY) for line in lines]
            cells += [(whole[q], MONEY) for q in ("mean", "p05", "p95")]
            write_row(sheet, row, cells)
            row += 1


def budget_sheet(sheet: Worksheet, results: Results, budget: pd.DataFrame) -> None:
    note(
        sheet,
        1,
        "Budget against forecast per financial year and cost line: the variance is the "
        "forecast mean minus the budget (positive: the forecast is above the budget, an "
        "overspend); the last column says where the budget lies against the forecast's 90% "
        "range",
        10,
    )
    header(
        sheet,
        2,
        ["Scenario", "Financial year", "Line", "Budget", "Forecast mean"]
        + [BANDS["p05"], BANDS["p95"], "Variance", "Variance % of budget", "Budget is"],
    )
    sheet.freeze_panes = "D3"
    row = 3
    for run in results.runs:
        for record in variance(budget, run.costs).to_dict("records"):
            cells: list[Cell] = [
                (run.name, None),
                (record["financial_year"], None),
                (record["line"], None),
            ]
            cells += [(record[k], MONEY) for k in ("budget", "mean", "p05", "p95", "variance")]
            cells += [(record["variance_share"], PERCENT), (placed(record), None)]
            write_row(sheet, row, cells)
            row += 1


def placed(record: dict[Any, Any]) -> str:
    """Where the budget lies against the forecast's 90% range."""
    if record["budget"] < record["p05"]:
        return "below the 90% range: an overspend is likely"
    if record["budget"] > record["p95"]:
        return "above the 90% range: an underspend is likely"
    return "within the 90% range"


# -- the trace -----------------------------------------------------------------------------------
def trace_sheet(sheet: Worksheet, results: Results) -> None:
    row = sums_table(sheet, 1, results)
    drivers_table(sheet, row + 1, results)


def parts(line: str, lines: list[str]) -> list[str]:
    """The lines a subtotal adds up."""
    plain = [x for x in lines if x not in SUBTOTALS]
    if line == cost_lines.TOTAL:
        return plain
    return [x for x in plain if x in cost_lines.SUBTOTALS[line]]


def sums_table(sheet: Worksheet, row: int, results: Results) -> int:
    note(
        sheet,
        row,
        "How each total is made: each subtotal's mean beside the sum of the means of its "
        "lines (Cost lines sheet); the difference is rounding in the results files only",
        7,
    )
    header(
        sheet,
        row + 1,
        ["Scenario", "Financial year", "Subtotal", "Made of", "Subtotal (mean)"]
        + ["Sum of its lines (mean)", "Difference"],
    )
    sheet.freeze_panes = sheet.cell(row + 2, 4).coordinate
    row += 2
    for run in results.runs:
        costs = run.costs.set_index(["financial_year", "item"])["mean"]
        lines = lines_of(run)
        for year in dict.fromkeys(run.costs["financial_year"]):
            for total in (line for line in lines if line in SUBTOTALS):
                summed = sum(costs[(year, part)] for part in parts(total, lines))
                cells: list[Cell] = [(run.name, None), (year, None), (total, None)]
                cells += [(" + ".join(parts(total, lines)), None)]
                cells += [(costs[(year, total)], MONEY), (summed, MONEY)]
                cells += [(costs[(year, total)] - summed, MONEY)]
                write_row(sheet, row, cells)
                row += 1
    return row


def drivers_table(sheet: Worksheet, row: int, results: Results) -> int:
    inflation = next(
        (p for p in results.base.meta["provenance"] if p["parameter"] == INFLATION), None
    )
    rise = (
        f"; every cost rises by {with_unit(INFLATION, inflation['value'])} "
        f"({basis(inflation['source'])}, {INFLATION})"
        if inflation
        else ""
    )
    note(
        sheet,
        row,
        "Where each line comes from, per financial year: a placement line is its placement-"
        "days times its weekly cost / 7 (the average weekly cost is the line's mean cost / mean "
        f"placement-days x 7){rise}; the other lines come from their staff (FTE) and fixed "
        "costs. Each line's parameters follow with their value, basis and source, and any "
        "dated change the scenario makes to them",
        10,
    )
    header(
        sheet,
        row + 1,
        ["Scenario", "Financial year", "Line", "Cost (mean)", "Placement-days (mean)"]
        + ["Average weekly cost", "Parameter", "Value", "Basis", "Source"]
        + ["Changed by the scenario"],
    )
    row += 2
    for run in results.runs:
        days = run.placement_days.set_index(["financial_year", "placement"])["mean"]
        costs = run.costs.set_index(["financial_year", "item"])["mean"]
        for line in (x for x in lines_of(run) if x not in SUBTOTALS):
            for year in dict.fromkeys(run.costs["financial_year"]):
                cost, spent = costs[(year, line)], days.get((year, line))
                cells: list[Cell] = [(run.name, None), (year, None), (line, None)]
                cells += [(cost, MONEY), (spent, COUNT)]
                cells.append((cost / spent * 7 if spent else None, MONEY))
                write_row(sheet, row, cells)
                row += 1
            for item in line_parameters(run, line):
                write_row(sheet, row, [(run.name, None), ("", None), (line, None)], 1)
                write_row(sheet, row, parameter_cells(run, item), 7)
                row += 1
    return row


def line_parameters(run: RunFolder, line: str) -> list[dict[str, Any]]:
    """The parameters a cost line is computed from: money and staff parameters whose path
    names the line (``costs.weekly.foster_ifa``, ``programmes.mst.cost_per_therapist_per_year``;
    ``reunification.*`` for ``fft_reunification``)."""

    def names(path: str) -> bool:
        segments = path.split(".")
        return line in segments or line.endswith(f"_{segments[0]}")

    return [
        item
        for item in run.meta["provenance"]
        if names(item["parameter"])
        and (unit(item["parameter"])[1] == "money" or item["parameter"].endswith(STAFF))
    ]


def parameter_cells(run: RunFolder, item: dict[str, Any]) -> list[Cell]:
    path = item["parameter"]
    changed = [
        f"{change['date']}: {change.get('value', '')}"
        + (f" (+{change['add']})" if change.get("add") is not None else "")
        for change in run.meta.get("changes", [])
        if change.get("set") == path
    ]
    return [
        (f"{path} ({describe(path)})", None),
        (with_unit(path, item["value"]), None),
        (basis(item["source"]), None),
        (cited(item["source"]), None),
        ("; ".join(changed) or "no", None),
    ]
