"""A parameter set from a council's own SSDA903 returns (`sufficiency calibrate --ssda903`).

From the returns: the children in care on the date (cells of placement type x age band x time
in care, counts below 5 merged), entries by age band with a trend, time to exit with censoring,
exit routes, placement on entry and the move to supported accommodation at 16. What the returns
cannot show (needs, costs, carers' turnover, edge-of-care programmes) is Leicester's value,
marked as an assumption naming it; no edge-of-care programme runs.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..parameters import ParameterSet, build_parameters
from ..pathway import AGE_BANDS, MONTH, NEEDS, PLACEMENT_NAMES, PROGRAMMES
from ..publicdata.baseline import template
from ..publicdata.files import check_outputs, dump, scenario_path
from ..ssda903.mapping import Mapping, load_mapping
from ..ssda903.periods import History, history, in_care_on, periods, until
from ..ssda903.read import read_returns
from ..ssda903.rules import problems as find_problems
from . import ssda903_fit as fits
from .ssda903_cells import cells as population_cells
from .ssda903_cells import spread

UNUSABLE_AT_MOST = 0.05
"""Calibration stops if more of the episodes than this cannot be used."""
HEADER = """# {name}: a parameter set from SSDA903 returns (`sufficiency calibrate --ssda903`).
# Every value carries its source: fitted from the returns ('fitted: ...') or, where the returns
# hold nothing, Leicester's calibrated value ('assumption: ...'). Counts below 5 are never written.
# Run it with: sufficiency run {scenario}
"""


def sourced(value: Any, source: str) -> dict[str, Any]:
    return {"value": value, "source": source}


def read_history(folder: Path, mapping: Mapping) -> History:
    """Every usable episode in ``folder``; an input error if more than 5% are unusable."""
    returns, found = read_returns(folder)
    found.extend(find_problems(returns))
    if not any("episodes" in r.tables for r in returns):
        raise InputError(folder, "episodes", "at least one readable episodes table")
    h = history(returns, found, mapping)
    if h.unusable_share > UNUSABLE_AT_MOST:
        rules = ", ".join(f"{rule} {n}" for rule, n in h.dropped.most_common())
        raise InputError(
            folder,
            "episodes",
            f"at most {UNUSABLE_AT_MOST:.0%} unusable episodes; {sum(h.dropped.values())} of "
            f"{h.rows} are ({rules})",
        )
    return h


@dataclass
class Calibration:
    """A parameter set from the returns and what its fit report says."""

    params: ParameterSet
    report: list[str]  # markdown lines


class Fitter:
    """Fits one parameter set from the returns known on a date."""

    def __init__(self, h: History, at: dt.date, label: str, mapping: Mapping) -> None:
        if not h.first <= pd.Timestamp(at) <= h.last:
            raise InputError(
                label, "--at", f"a date the returns cover ({h.first.date()} to {h.last.date()})"
            )
        self.full, self.at, self.label = h, at, label
        self.h = until(h, at)
        self.p = periods(self.h, mapping)
        first, last = self.h.first.date(), self.h.last.date()
        self.cite = f"fitted: SSDA903 returns {label}, {first} to {last}"
        self.report: list[str] = []

    def starts(self) -> pd.DataFrame:
        return self.p[self.p["START"] >= self.h.first]

    def population(self, base: dict) -> dict:
        """The children in care at the date, as cells; shares from the cells."""
        day = pd.Timestamp(self.at)
        now = in_care_on(self.h, self.at)
        open_periods = self.p[
            (self.p["START"] <= day) & (self.p["END"].isna() | (self.p["END"] > day))
        ]
        started = open_periods.groupby("CHILD")["START"].max()
        children = pd.DataFrame(
            {
                "TYPE": now["TYPE"],
                "BAND": fits.band_of(fits.age_years(now["DOB"], day)).astype(str),
                "MONTHS": (day - now["CHILD"].map(started).fillna(now["DECOM"])).dt.days / MONTH,
            }
        )
        try:
            found = population_cells(children)
        except ValueError as err:
            raise InputError(self.label, "--at", str(err)) from None
        source = (
            f"{self.cite}: the children in care on {self.at} (an episode open that day) by "
            "placement type, age band and months since their period of care began; cells "
            "under 5 merged with a neighbour"
        )
        total = sum(c["count"] for c in found)
        self.report += [
            "## Children in care on the date",
            "",
            f"{total:,} in {len(found)} cells.",
            "",
        ]
        return {
            "date": self.at.isoformat(),
            "total": sourced(total, source),
            "placement_shares": sourced(spread(found, "placements", PLACEMENT_NAMES), source),
            "age_band_shares": sourced(spread(found, "age_bands", AGE_BANDS), source),
            "need_shares": base["population"]["need_shares"],
            "cells": sourced(found, source),
        }

    def entries(self, base: dict) -> list[dict]:
        fit = fits.fit_entries(self.starts(), self.h.first, self.h.last)
        total = sum(fit.rate_per_month.values())
        if total <= 0:
            raise InputError(
                self.label, "episodes", "at least one period of care starting in the returns"
            )
        lines = [
            f"| {b} | {fit.rate_per_month[b]:.2f} | {fit.trend_per_year[b]:+.1%} | "
            f"{fit.p_value[b]:.3f} | {'yes' if fit.carried[b] else 'no'} |"
            for b in AGE_BANDS
        ]
        self.report += [
            "## Entries (periods of care starting)",
            "",
            f"Poisson GLM of {fit.months} monthly counts on time, by age band at entry "
            f"(statsmodels); the trend is carried to the date when p < {fits.TREND_P}.",
            "",
            "| band | a month at the date | trend a year | p | trend carried |",
            "|---|---|---|---|---|",
            *lines,
            "",
        ]
        streams = {s["name"]: s for s in base["entries"]}
        direct = dict(streams["direct"])
        direct["rate_per_month"] = sourced(
            total,
            f"{self.cite}: periods of care starting, a month, at {self.at} (the sum of the age "
            "bands' rates: the trend where significant, else the mean; see the fit report)",
        )
        direct["age_band_shares"] = sourced(
            {b: fit.rate_per_month[b] / total for b in AGE_BANDS},
            f"{self.cite}: each age band's rate at entry over the total",
        )
        uasc = dict(streams["uasc"])
        uasc["rate_per_month"] = sourced(
            0.0,
            "assumption: the returns' periods of care include unaccompanied children, so the "
            "direct stream carries them",
        )
        return [direct, uasc]

    def exits(self, base: dict) -> dict:
        data = fits.survival_data(self.p, self.h.first, self.h.last)
        fit = fits.fit_exits(data)
        routes, pooled, counts = fits.route_shares(self.p, self.h.last)
        self.report += [
            "## Time to exit",
            "",
            "Weibull, one shape and a scale per age band at entry, by maximum likelihood "
            "(statsmodels GenericLikelihoodModel) with right-censoring (still in care, gone from "
            "the returns, or 18) and delayed entry (in care when the first return starts). "
            f"Shape {fit.shape:.3f}.",
            "",
            "| band at entry | mean months | s.e. of log mean | exits | periods at risk |",
            "|---|---|---|---|---|",
            *(
                f"| {b} | {fit.mean_months[b]:.1f} | {fit.se_log_mean[b]:.3f} | "
                f"{shown(fit.events[b])} | {shown(fit.at_risk[b])} |"
                for b in AGE_BANDS
            ),
            "",
            "Exit routes (exits before 18): "
            + ", ".join(f"{r} {shown(n)}" for r, n in sorted(counts.items()))
            + (f"; bands with all bands' shares: {', '.join(pooled)}" if pooled else ""),
            "",
        ]
        section = dict(base["exits"])
        section["shape"] = sourced(
            fit.shape, f"{self.cite}: Weibull shape, censored maximum likelihood"
        )
        section["mean_months_by_band"] = sourced(
            fit.mean_months,
            f"{self.cite}: Weibull mean months in care by age band at entry, censored maximum "
            "likelihood with delayed entry (a band without an exit takes the pooled scale)",
        )
        section["route_shares_by_band"] = sourced(
            routes,
            f"{self.cite}: reasons episode ceased mapped to routes, exits before 18, by age band "
            f"at entry (a band with fewer than {fits.FEWEST} exits takes all bands' shares)",
        )
        return section

    def matching(self, base: dict) -> dict:
        mix, pooled = fits.placement_mix(self.starts())
        section = dict(base["matching"])
        section["preferences"] = sourced(
            {band: {n.value: mix[band] for n in NEEDS} for band in AGE_BANDS},
            f"{self.cite}: placement type of each period's first episode by age band at entry, "
            f"alike for every need level (the returns do not record need; a band with fewer "
            f"than {fits.FEWEST} entries takes all bands' shares)",
        )
        share, counted = fits.supported_at_16(self.h.episodes, self.p, self.h.first, self.h.last)
        if counted >= fits.FEWEST:
            section["supported_at_16"] = sourced(
                share,
                f"{self.cite}: of the children in care on their 16th birthday, the share later "
                "placed in supported accommodation in the same period of care",
            )
        moves = fits.move_rates(self.h.episodes, self.h.first, self.h.last)
        self.report += [
            "## Placements",
            "",
            "Placement on entry: "
            + (f"bands with all bands' shares: {', '.join(pooled)}." if pooled else "by band."),
            f"Moved to supported accommodation after 16: {shown(counted)} children turned 16 in "
            "care"
            + (
                f", share {share:.2f}."
                if counted >= fits.FEWEST
                else " (too few: Leicester's share kept)."
            ),
            "",
            "Changes of placement type a child-year in care, by age band (reported; the model "
            "moves children only at 16 and when in-house places free up):",
            "",
            "| band | moves a child-year |",
            "|---|---|",
            *(f"| {b} | {moves[b]:.3f} |" for b in AGE_BANDS),
            "",
        ]
        return section

    def supply(self, base: dict, population: dict) -> tuple[dict, list[dict]]:
        """In-house foster households and beds holding the in-house children on the date."""
        total = population["total"]["value"]
        shares = population["placement_shares"]["value"]
        carers = dict(base["foster_carers"])
        per_household = carers["places_per_household"]["value"]
        households = math.ceil(total * shares["foster_inhouse"] / per_household)
        carers["households"] = sourced(
            households,
            f"assumption: enough in-house households for the children in in-house foster care on "
            f"{self.at} ({self.cite.removeprefix('fitted: ')}) at Leicester's "
            f"{per_household:.3g} places a household",
        )
        carers["recruitment_per_year"] = sourced(
            households * carers["attrition_per_year"]["value"],
            "assumption: recruitment replaces Leicester's attrition rate, households steady",
        )
        beds = math.ceil(total * shares["home_inhouse"])
        homes = [
            {
                "name": "in-house homes",
                "opens": "2000-01-01",
                "beds": sourced(
                    beds,
                    f"assumption: a bed for each child in an in-house home on {self.at} "
                    f"({self.cite.removeprefix('fitted: ')})",
                ),
            }
        ]
        return carers, homes if beds else []

    def past(self) -> dict:
        """Children in care at each 31 March the returns cover up to the date (5 or more)."""
        counts = {}
        for year in range(self.h.first.year + 1, self.h.last.year + 1):
            day = dt.date(year, 3, 31)
            n = len(in_care_on(self.h, day))
            if n >= 5 and day <= self.at:
                counts[day.isoformat()] = sourced(
                    n, f"{self.cite}: children with an episode open on {day}"
                )
        return {"cla_at_31_march": counts}

    def dropped(self) -> None:
        h = self.full
        self.report[:0] = [
            f"# Calibration from SSDA903 returns {self.label} at {self.at}",
            "",
            f"{h.rows:,} episode rows read; dropped as unusable: "
            + (
                ", ".join(f"{rule} {shown(n)}" for rule, n in h.dropped.most_common())
                if h.dropped
                else "none"
            )
            + f" ({h.unusable_share:.1%}).",
            "",
        ]


def shown(count: int) -> str:
    return "fewer than 5" if 0 < count < 5 else f"{count:,}"


def calibrate(h: History, at: dt.date, label: str, mapping: Mapping | None = None) -> Calibration:
    """The parameter set whose run starts the day after ``at``, from the returns known then."""
    f = Fitter(h, at, label, mapping or load_mapping())
    base = copy.deepcopy(template("SSDA903 returns do not record it"))
    params = {k: v for k, v in base.items() if k not in ("history", "child_population")}
    params["name"] = slug(label)
    params["description"] = f"From the SSDA903 returns {label}, children in care on {at}."
    params["start_date"] = (at + dt.timedelta(days=1)).isoformat()
    params["population"] = f.population(base)
    params["entries"] = f.entries(base)
    params["exits"] = f.exits(base)
    params["matching"] = f.matching(base)
    params["foster_carers"], params["homes"] = f.supply(base, params["population"])
    no_programmes(params)
    params["history"] = f.past()
    f.dropped()
    return Calibration(build_parameters(params, f"{label} calibration"), f.report)


def no_programmes(data: dict) -> None:
    reason = "assumption: SSDA903 returns record no edge-of-care programme; add one in a scenario"
    for programme in PROGRAMMES:
        for key in ("therapists", "referrals_per_month"):
            data["programmes"][programme.value][key] = sourced(0.0, reason)
    data["reunification"]["therapists"] = sourced(0.0, reason)


def slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split()) or "ssda903"


def report_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_fit.md")


def check_targets(out: Path, force: bool) -> None:
    check_outputs(out, force)
    if report_path(out).exists() and not force:
        raise InputError(report_path(out), "--out", "a file that does not exist yet (give --force)")


def write(result: Calibration, out: Path) -> list[Path]:
    """The parameter set, a scenario that runs it, and the fit report."""
    scenario = scenario_path(out)
    data = result.params.model_dump(mode="json", exclude_none=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        HEADER.format(name=result.params.name, scenario=scenario.name) + dump(data),
        encoding="utf-8",
    )
    scenario.write_text(
        dump(
            {
                "name": result.params.name,
                "description": f"{result.params.description} Carried forward, no new investment.",
                "parameters": out.name,
            }
        ),
        encoding="utf-8",
    )
    report_path(out).write_text("\n".join(result.report) + "\n", encoding="utf-8")
    return [out, scenario, report_path(out)]
