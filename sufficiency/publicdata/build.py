"""Build the tidy subset of public data the package ships, from the shared public-data folder.

    python -m sufficiency.publicdata.build --from ../shared/public-data

writes ``sufficiency/publicdata/data/``: ``numbers.csv.gz`` (children looked after at 31 March,
started and ceased, with the child population and rate per 10,000), ``breakdowns.csv.gz`` (the
breakdowns a baseline uses), ``outturn.csv.gz`` (the children-looked-after spending lines) and
the licence attribution. Authorities and England only (regions are a column); every figure is
copied as published, symbols included, so nothing is rounded or filled here. The files are
gzipped with a fixed timestamp, so a rebuild from the same sources is byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
ENGLAND = "E92000001"
"""The ONS code for England, given to the national rows (the DfE files leave it empty)."""

BREAKDOWNS = {
    "cla_at_31_march": (
        "Placement",
        "Place providers",
        "Age group",
        "Unaccompanied asylum-seeking children",
    ),
    "cla_started": ("Age on starting", "Unaccompanied asylum-seeking children"),
    "cla_ceased": ("Reason episode ceased", "Age on ceasing"),
}
"""The breakdowns a baseline reads, by DfE table."""

OUTTURN_MEASURES = ("net_current_expenditure", "total_expenditure")

LICENCE = """# Licence and attribution of the shipped public data

Contains public sector information licensed under the Open Government Licence v3.0
(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).

- `numbers.csv.gz`, `breakdowns.csv.gz`: Department for Education, "Children looked after in
  England including adoptions", reporting years ending 31 March 2021 to 2024 (national
  statistics), as assembled for the DfE's "Children's social care: outcomes and enablers"
  dashboard (dfe-analytical-services/CSC_outcomes_and_enablers).
- `outturn.csv.gz`: Ministry of Housing, Communities and Local Government, "Local authority
  revenue expenditure and financing England: 2024 to 2025 individual local authority data -
  outturn", RO3 (social care), children looked after lines.

Figures are copied as published, with the publishers' symbols for withheld figures (`c`
suppressed, `z` not applicable, `x` not available, `[x]` not reported). Built by
`python -m sufficiency.publicdata.build --from ../shared/public-data`.
"""


def tidy_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Authority and England rows, England given its ONS code."""
    frame = frame[frame["geographic_level"].isin(["Local authority", "National"])].copy()
    frame["la_code"] = frame["la_code"].fillna(ENGLAND)
    return frame


def numbers(source: Path) -> pd.DataFrame:
    frame = tidy_rows(pd.read_csv(source / "dfe-cla" / "cla_numbers.csv", dtype=str))
    columns = [
        "time_period",
        "la_code",
        "area",
        "region_name",
        "measure",
        "number",
        "children_aged_0_17",
        "rate_per_10000",
    ]
    return frame[columns].rename(columns={"region_name": "region"})


def breakdowns(source: Path) -> pd.DataFrame:
    parts = []
    for table, groups in BREAKDOWNS.items():
        frame = tidy_rows(pd.read_csv(source / "dfe-cla" / f"{table}.csv", dtype=str))
        frame = frame[frame["cla_group"].isin(groups)]
        frame.insert(0, "table", table)
        parts.append(
            frame[["table", "time_period", "la_code", "cla_group", "characteristic", "number"]]
        )
    return pd.concat(parts, ignore_index=True)


def outturn(source: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        source / "la-spending" / "childrens_social_care_outturn_2024_25.csv", dtype=str
    )
    keep = frame["service"].str.startswith("Children Looked After") & frame["measure"].isin(
        OUTTURN_MEASURES
    )
    return frame.loc[
        keep, ["financial_year", "la_code", "authority", "service", "measure", "thousands_gbp"]
    ]


def tables(source: Path) -> dict[str, pd.DataFrame]:
    """The shipped tables by file name, built from the shared public-data folder."""
    return {
        "numbers.csv.gz": numbers(source),
        "breakdowns.csv.gz": breakdowns(source),
        "outturn.csv.gz": outturn(source),
    }


def gzipped_csv(frame: pd.DataFrame) -> bytes:
    """A table as gzipped CSV bytes with a fixed timestamp (reproducible)."""
    text = frame.sort_values(list(frame.columns)).to_csv(index=False, lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def build(source: Path, out: Path = DATA) -> list[Path]:
    """Write the shipped subset from ``source`` into ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(source).items():
        (out / name).write_bytes(gzipped_csv(frame))
        written.append(out / name)
    (out / "LICENCE.md").write_text(LICENCE, encoding="utf-8")
    return [*written, out / "LICENCE.md"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        help="the shared public-data folder (holding dfe-cla/ and la-spending/)",
    )
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args()
    for path in build(args.source, args.out):
        print(f"Written {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
