"""Leicester's forecast starts and ceased against the DfE's 2021-2024 range (issue 13).

Run from the repository root:

    python benchmarks/leicester_flows.py [--parameters calibration/leicester.yaml]
        [--replications 100] [--seed 1] [--jobs 2] [--level 1.0]

It runs `sufficiency run` on the baseline scenario with the given parameter set and prints, for
each forecast year, the mean children starting and ceasing beside the DfE's lowest and highest
for Leicester in 2021-2024, and the exits by route beside Leicester's reasons ceased.

`--level F` is an experiment, never a shipped set: it multiplies the direct entry rate by F and
the mean months in care by 1/F, moving the yearly flow through care while leaving children
looked after about where they were, so the trade between the DfE's flows and the council's
31 months in care can be measured (docs/calibration.md, "Starts, ceased and the placement mix
against the DfE's range"). Prints figures only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from sufficiency.api import run
from sufficiency.calibration.targets import EXIT_ROUTES
from sufficiency.publicdata.tables import load

ROOT = Path(__file__).resolve().parent.parent
LEICESTER = "E06000016"
DFE_FLOWS = {"entries": "started_during_year", "exits": "ceased_during_year"}


def dfe_range(measure: str) -> tuple[float, float]:
    """Leicester's lowest and highest yearly count of a DfE measure over the shipped years."""
    data = load()
    values = [data.figures[(measure, LEICESTER, year)].value for year in data.years]
    found = [v for v in values if v is not None]
    return min(found), max(found)


def leveled(parameters: Path, level: float, folder: Path) -> Path:
    """A copy of the parameter set in ``folder`` with the direct rate times ``level`` and the
    months in care over it."""
    data = yaml.safe_load(parameters.read_text(encoding="utf-8"))
    for stream in data["entries"]:
        if stream["name"] == "direct":
            stream["rate_per_month"]["value"] *= level
    months = data["exits"]["mean_months_by_band"]["value"]
    data["exits"]["mean_months_by_band"]["value"] = {b: m / level for b, m in months.items()}
    out = folder / f"level-{level:g}.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def run_baseline(parameters: Path, args: argparse.Namespace, folder: Path) -> pd.DataFrame:
    """The baseline scenario on ``parameters``: its flows (flows.csv as a DataFrame)."""
    text = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    shipped = "parameters: ../calibration/leicester.yaml"
    if shipped not in text:
        raise SystemExit(f"scenarios/baseline.yaml no longer says '{shipped}'")
    scenario = folder / "baseline.yaml"
    scenario.write_text(text.replace(shipped, f"parameters: {parameters}"), encoding="utf-8")
    found = run(scenario, replications=args.replications, seed=args.seed, jobs=args.jobs)
    return found.flows


def table(flows: pd.DataFrame) -> pd.DataFrame:
    """Mean entries and exits (all, and exits by route) by financial year."""
    picked = flows[flows["measure"].isin(DFE_FLOWS)]
    wide = picked.pivot_table(index="financial_year", columns=["measure", "route"], values="mean")
    rows = {"starts": wide[("entries", "all")], "ceased": wide[("exits", "all")]}
    rows |= {route: wide[("exits", route)] for route in EXIT_ROUTES}
    return pd.DataFrame(rows).round(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parameters", type=Path, default=ROOT / "calibration" / "leicester.yaml")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--level", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parameters = args.parameters.resolve()
        if args.level != 1.0:
            parameters = leveled(parameters, args.level, folder)
        found = table(run_baseline(parameters, args, folder))
    print(
        f"{args.parameters} (level x{args.level:g}), {args.replications} replications, "
        f"seed {args.seed}"
    )
    print(found.to_string())
    for column, measure in zip(("starts", "ceased"), DFE_FLOWS.values(), strict=True):
        low, high = dfe_range(measure)
        over = found[column][(found[column] < low) | (found[column] > high)]
        verdict = "all inside" if over.empty else f"outside in {', '.join(over.index)}"
        print(f"{column}: DfE 2021-2024 range {low:g}-{high:g}; {verdict}")


if __name__ == "__main__":
    main()
