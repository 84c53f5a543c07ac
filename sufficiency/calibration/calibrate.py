"""`sufficiency calibrate`: fit, build the baseline parameter set, reproduce, report, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from ..output import check_file_target
from ..parameters import ParameterSet
from .files import parameter_yaml, write_all
from .fit import Fit, Settings, fit, parameters
from .report import markdown, target_frame
from .reproduce import reproduce
from .sources import load_sources

TRAIN_UNTIL = dt.date(2025, 3, 31)
HEADER = """Leicester baseline parameter set, written by `sufficiency calibrate` ({settings}).
Do not edit by hand: change calibration/priors.yaml, calibration/uncertainty.yaml or
calibration/sources/*.csv and re-run. Every value carries its source: a seed report and its
table or paragraph with a check [value = ...] over rows of calibration/sources, a named public
statistic, a fit by simulation (`fitted: ...`; runs draw the fitted values together from the
covariance in `fit:` at the end), or an assumption with its reason; an `uncertainty` says how a
value varies between runs, its reason after "uncertainty:" in the source.
The fit report is beside this file: {report}.md and {report}.csv."""


@dataclass
class Calibrated:
    fit: Fit
    params: ParameterSet
    reproduced: list[dict]


def calibrate(
    settings: Settings,
    reproduce_replications: int,
    df: pd.DataFrame | None = None,
    known_until: dt.date = TRAIN_UNTIL,
) -> Calibrated:
    """Fit on every figure to ``known_until`` and reproduce the reports' edge-of-care years."""
    df = load_sources() if df is None else df
    result = fit(df, known_until, settings)
    rows = reproduce(result, reproduce_replications, settings.seed, settings.jobs)
    return Calibrated(result, parameters(result), rows)


def report_stem(out: Path) -> Path:
    return out.with_name(f"{out.stem}_fit")


def targets(out: Path) -> dict[Path, str]:
    """Every file ``write`` writes, with the start of its first line (by which a file that
    calibrate wrote is recognised)."""
    stem = report_stem(out)
    return {
        out: "# " + HEADER.split(" (", 1)[0],
        stem.with_name(f"{stem.name}.md"): "# Calibration of ",
        stem.with_name(f"{stem.name}.csv"): "measure,period,observed,",
        out.with_name(f"{out.stem}_reproduced.csv"): "year,figure,measure,period,reported,",
    }


def first_line_starts(prefix: str, path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return fh.readline().startswith(prefix)
    except OSError:
        return False


def check_targets(out: Path, force: bool) -> None:
    """Refuse, before any work starts, files that cannot be written or that exist (unless
    forced, and then only files that calibrate wrote)."""
    for path, prefix in targets(out).items():
        check_file_target(path, force, "--out", partial(first_line_starts, prefix))


def write(calibrated: Calibrated, out: Path) -> list[Path]:
    """The parameter YAML, the fit report (Markdown and CSV) and the reproduced figures."""
    s = calibrated.fit.settings
    header = HEADER.format(
        settings=f"effect preset '{s.effect}', {s.replications} replications per evaluation, "
        f"seed {s.seed}",
        report=report_stem(out).name,
    )
    texts = [
        parameter_yaml(calibrated.params, header),
        markdown(
            calibrated.fit, calibrated.params, calibrated.reproduced, f"Calibration of {out.name}"
        ),
        target_frame(calibrated.fit).to_csv(index=False, float_format="%.6g"),
        pd.DataFrame(calibrated.reproduced).to_csv(index=False, float_format="%.6g"),
    ]
    files = dict(zip(targets(out), texts, strict=True))
    write_all(files)
    return list(files)
