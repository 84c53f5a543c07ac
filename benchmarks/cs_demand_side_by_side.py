"""Side by side with Data to Insight's cs-demand-model on the same SSDA903 returns.

    python -m benchmarks.cs_demand_side_by_side [--returns DIR] [--venv DIR]

The cs-demand-model (PyPI, MIT; it needs pandas below 2) runs in its own virtual environment,
never as this project's dependency:

    python -m venv /tmp/csdm-venv && /tmp/csdm-venv/bin/pip install cs-demand-model

Its file store wants one folder per year (YEAR/episodes.csv ...), so the returns are copied in
that layout to a temporary folder. Both tools start at --at and project children looked after at
each later 31 March, by the cs-demand-model's placement categories (fostering U1-U6, residential
K2 and R1, supported H5 and P2, other); the time each takes is printed, and the returns' own
count where they reach that far (a count from 1 to 4 shown as <5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

from sufficiency.calibration.simulate import run
from sufficiency.calibration.ssda903 import calibrate, read_history
from sufficiency.pathway import STATE_INDEX, State
from sufficiency.ssda903.census import SMALL
from sufficiency.ssda903.mapping import load_mapping
from sufficiency.ssda903.periods import in_care_on

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = {
    "FOSTERING": (State.FOSTER_INHOUSE, State.FOSTER_KINSHIP, State.FOSTER_IFA),
    "RESIDENTIAL": (State.HOME_INHOUSE, State.HOME_EXTERNAL),
    "SUPPORTED": (State.SUPPORTED_ACCOMMODATION,),
    "OTHER": (State.RESIDENTIAL_SPECIALIST, State.PLACED_WITH_PARENTS, State.OTHER_PLACEMENT),
}
"""The cs-demand-model's placement categories in the model's placement types (K1 and S1, in
the model's specialist residential, are the cs-demand-model's other)."""
OURS = {
    "FOSTERING": ("foster_inhouse", "foster_kinship", "foster_ifa"),
    "RESIDENTIAL": ("home_inhouse", "home_external"),
    "SUPPORTED": ("supported_accommodation",),
}
THEIRS = """
import sys, pandas as pd
from datetime import date
from cs_demand_model import DemandModellingDataContainer, ModelPredictor, PopulationStats
from cs_demand_model.config import Config
from cs_demand_model.datastore import fs_datastore
source, start, end, last = sys.argv[1:5]
start, end, last = (date.fromisoformat(d) for d in (start, end, last))
config = Config()
data = DemandModellingDataContainer(fs_datastore(source), config)
stats = PopulationStats(data.enriched_view, config)
predicted = ModelPredictor.from_model(stats, start, end).predict((last - end).days)
predicted.index = pd.to_datetime(predicted.index)
start_stock = stats.stock_at(end).reindex(predicted.columns).fillna(0)
first = pd.DataFrame([start_stock.values], [pd.Timestamp(end)], predicted.columns)
both = pd.concat([first, predicted])
by_category = both.T.groupby(lambda c: c[1]).sum().T
wanted = [pd.Timestamp(end)] + [pd.Timestamp(y, 3, 31) for y in range(end.year + 1, last.year + 1)]
print(by_category.loc[wanted].to_csv())
"""


def year_folders(returns: Path, target: Path) -> None:
    """The returns as YEAR/episodes.csv, YEAR/header.csv, YEAR/uasc.csv."""
    for path in returns.glob("*.csv"):
        found = re.match(r"(\d{4})-(episodes|header|uasc)\.csv$", path.name)
        if found:
            (target / found[1]).mkdir(exist_ok=True)
            shutil.copy(path, target / found[1] / f"{found[2]}.csv")


def theirs(returns: Path, venv: Path, window: dt.date, at: dt.date, last: dt.date):
    with tempfile.TemporaryDirectory() as folder:
        year_folders(returns, Path(folder))
        started = time.perf_counter()
        done = subprocess.run(
            [str(venv / "bin" / "python"), "-c", THEIRS, folder, str(window), str(at), str(last)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
    frame = pd.read_csv(io.StringIO(done.stdout), index_col=0, parse_dates=True)
    frame = frame[list(CATEGORIES)]
    frame["TOTAL"] = frame.sum(axis=1)
    return frame, seconds


def ours(returns: Path, at: dt.date, years: int, replications: int):
    started = time.perf_counter()
    mapping = load_mapping()
    h = read_history(returns, mapping)
    params = calibrate(h, at, returns.name, mapping).params
    sim = run(params, [], years, replications, seed=1)
    seconds = time.perf_counter() - started
    ends = [dt.date(at.year + k, 3, 31) for k in range(years + 1)]
    rows = {}
    for end in ends:
        row = {
            name: sim.stock(end, [STATE_INDEX[s] for s in states]).mean()
            for name, states in CATEGORIES.items()
        }
        row["TOTAL"] = sim.cla(end).mean()
        rows[pd.Timestamp(end)] = row
    observed = {}
    for end in ends:
        if pd.Timestamp(end) <= h.last:
            now = in_care_on(h, end)
            kinds = {name: int(now["TYPE"].isin(types).sum()) for name, types in OURS.items()}
            observed[pd.Timestamp(end)] = {
                **kinds,
                "OTHER": len(now) - sum(kinds.values()),
                "TOTAL": len(now),
            }
    shown = pd.DataFrame(observed).T.astype(object)
    return pd.DataFrame(rows).T, shown.mask((shown > 0) & (shown < SMALL), "<5"), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--returns", type=Path, default=ROOT.parent / "shared" / "peers" / "ssda903-synthetic"
    )
    parser.add_argument("--venv", type=Path, default=Path("/tmp/csdm-venv"))
    parser.add_argument("--at", type=dt.date.fromisoformat, default=dt.date(2021, 3, 31))
    parser.add_argument(
        "--window-start",
        type=dt.date.fromisoformat,
        default=dt.date(2020, 3, 31),
        help="Start of the cs-demand-model's reference period (it ends at --at).",
    )
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--replications", type=int, default=50)
    args = parser.parse_args()
    last = dt.date(args.at.year + args.years, 3, 31)
    model, observed, our_seconds = ours(args.returns, args.at, args.years, args.replications)
    other, their_seconds = theirs(args.returns, args.venv, args.window_start, args.at, last)
    table = pd.concat(
        {"sufficiency": model, "cs-demand-model": other, "returns": observed}, axis=1
    ).round(1)
    print(table.to_string())
    print(
        f"sufficiency: {our_seconds:.1f} s (read, calibrate, {args.replications} replications); "
        f"cs-demand-model: {their_seconds:.1f} s (read, rates, daily prediction)"
    )


if __name__ == "__main__":
    main()
