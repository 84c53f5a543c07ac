"""The scrutiny report: one self-contained, printable HTML file (charts as data URIs, inline
CSS, no external references)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from ..documents import cited
from ..formatting import count, money, pence, percent, times
from ..version import __version__
from . import tables
from .charts import POOL_NAMES, Chart, all_charts, placed_externally
from .files import HTML_META, replacing
from .folder import Results, RunFolder, scenario_changes
from .units import describe, with_unit
from .words import Format, between, break_even, kept_out_range, saving_range

CSS = """
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; max-width: 62rem; margin: 0 auto;
       padding: 1rem 1.5rem 3rem; color: #1a1a1a; line-height: 1.5; background: #fff; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid #1a1a1a; margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta { color: #404040; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 1.5rem; font-size: .95rem; }
table.fixed { table-layout: fixed; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { border: 1px solid #8c8c8c; padding: .35rem .55rem; vertical-align: top; text-align: left; }
thead th { background: #e3e3e3; }
tbody th { font-weight: 600; }
.range { display: block; color: #404040; font-size: .9em; }
figure { margin: 1rem 0 1.5rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #d0d0d0; }
figcaption { font-size: .92rem; color: #303030; margin-top: .3rem; }
.caveat { border-left: 6px solid #1a1a1a; background: #f0f0f0; padding: .6rem 1rem; }
nav ol { columns: 2; }
a { color: #0b2545; }
@media print {
  nav { display: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; }
  figure, tr, .caveat { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""

CAVEAT = (
    "The projections take each programme's effect from the council's own service reports "
    "(success rates and the targeting deflator: the share of children who would otherwise "
    "have come into care). Published trials are less optimistic. The START trial of "
    "Multisystemic Therapy in England found no significant effect on out-of-home placement at "
    "18 months (odds ratio 1.25, 95% confidence interval 0.77 to 2.05; Lancet Psychiatry, "
    "2018). The national trial of family group conferences found 36.2% of children looked "
    "after at 12 months with a referral against 44.8% without (Taylor et al., British Journal "
    "of Social Work, 2024). If the programmes' true effect is smaller, fewer children are kept "
    "out of care and savings are smaller than shown here."
)

RANGE_NOTE = (
    "Each figure is the mean (average) over {n} simulated futures, and for a difference "
    "between scenarios the mean of the paired differences, so that totals add up across years "
    "and items; the range in words holds 90% of the futures (from "
    "the 5th to the 95th percentile). A range is not a guarantee: it describes the uncertainty "
    "the model knows about, not the assumptions it rests on."
)


def write_html(results: Results, path: Path) -> None:
    """Write the scrutiny report for a run or comparison folder, whole or not at all."""
    page = render(results)
    with replacing(path) as tmp:
        tmp.write_text(page, encoding="utf-8")


def render(results: Results) -> str:
    charts = {chart.key: chart for chart in all_charts(results)}
    sections = [
        ("headline", "Headline: projected impact", headline(results)),
        ("cla", charts["cla"].title, figure(charts["cla"])),
        ("cost", charts["cost"].title, figure(charts["cost"])),
        ("mix", charts["mix"].title, figure(charts["mix"])),
        ("capacity", charts["capacity"].title, figure(charts["capacity"]) + externally(results)),
        ("waiting", charts["waiting"].title, figure(charts["waiting"])),
        ("assumptions", "What this assumes", assumptions(results)),
    ]
    names = ", ".join(run.name for run in results.runs)
    title = f"Projected impact: {names}"
    contents = "".join(f'<li><a href="#{key}">{escape(head)}</a></li>' for key, head, _ in sections)
    body = "".join(
        f'<section id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">'
        f"{escape(head)}</h2>{html}</section>"
        for key, head, html in sections
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{HTML_META}\n"
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(title)}</h1>{intro(results)}</header>\n"
        f'<nav aria-label="Contents"><h2>Contents</h2><ol>{contents}</ol></nav>\n'
        f'<main>{body}</main>\n<footer><p class="meta">Made by sufficiency {__version__} '
        f"on {dt.date.today():%d %B %Y} from the results in "
        f"{escape(results.path.name)}.</p></footer>\n</body>\n</html>\n"
    )


# -- building blocks ---------------------------------------------------------------------------
def table(
    caption: str,
    headers: Iterable[str],
    rows: Iterable[Iterable[str]],
    key: str = "",
    widths: Iterable[int] = (),
) -> str:
    """An accessible table: a caption, column headers and a row header in the first column;
    ``widths`` in % of the page. Cells are HTML already escaped by the caller."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    cols = "".join(f'<col style="width: {w}%">' for w in widths)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{c}</th>' if i == 0 else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    ident = f' id="{key}"' if key else ""
    fixed = ' class="fixed"' if cols else ""
    return (
        f"<table{ident}{fixed}><caption>{escape(caption)}</caption>"
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def figure(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    return (
        f'<figure id="{chart.key}-chart"><img src="data:image/png;base64,{data}" '
        f'alt="{escape(chart.alt)}"><figcaption>{escape(chart.caption)}</figcaption></figure>'
    )


def ranged(middle: str, low: float, high: float, fmt: Format = count) -> str:
    """A figure and its 90% range in words, for a table cell."""
    words = between(low, high, fmt)
    return ranged_words(middle, "in every future" if words == middle else words)


def ranged_words(middle: str, words: str) -> str:
    return f'{escape(middle)}<span class="range">{escape(words)}</span>'


def day(value: Any) -> str:
    return f"{pd.Timestamp(value):%-d %B %Y}"


def intro(results: Results) -> str:
    meta = results.base.meta
    what = (
        "a comparison of scenarios against " + escape(results.base.name)
        if results.is_comparison
        else "a projection of " + escape(results.base.name)
    )
    description = "".join(
        f"<li><strong>{escape(run.name)}</strong>: "
        f"{escape(run.meta.get('description') or 'no description')}</li>"
        for run in results.runs
    )
    return (
        f'<p class="meta">This report shows {what}: {meta["years"]} years from '
        f"{day(meta['start_date'])}, {meta['replications']} simulated futures (seed "
        f"{meta['seed']}).</p><ul>{description}</ul>"
        f"<p>{escape(RANGE_NOTE.format(n=meta['replications']))}</p>"
    )


# -- headline ----------------------------------------------------------------------------------
def headline(results: Results) -> str:
    if not results.is_comparison:
        return projection_table(results.base)
    return (
        f"<h3>The base: {escape(results.base.name)}</h3>"
        + projection_table(results.base)
        + "<h3>Each scenario against the base, over the whole run</h3>"
        + overview_table(results)
        + "".join(impact_table(results, run) for run in results.runs[1:])
    )


def projection_table(run: RunFolder) -> str:
    """Children looked after at each 31 March and the cost of the year ending then."""
    years = tables.yearly(run).set_index("financial_year")
    rows = []
    for record in tables.census_cla(run).to_dict("records"):
        year = record["financial_year"]
        cost = (
            "(before the run)"
            if year not in years.index
            else ranged(
                money(years.loc[year, "total_mean"]),
                years.loc[year, "total_p05"],
                years.loc[year, "total_p95"],
                money,
            )
        )
        rows.append(
            [
                escape(day(record["date"])),
                ranged(count(record["mean"]), record["p05"], record["p95"]),
                escape(year),
                cost,
            ]
        )
    return table(
        f"{run.name}: children looked after at each 31 March and the cost of "
        "placements and programmes in the financial year ending then (mean and "
        "90% range)",
        ["31 March", "Children looked after", "Financial year", "Total cost"],
        rows,
        key=f"projection-{run.name}",
    )


def overview_table(results: Results) -> str:
    """One row per scenario: kept out of care, net saving, break-even year, return per pound."""
    rows = []
    for run in results.runs[1:]:
        years = list(tables.yearly(run)["financial_year"])
        over = tables.over_run(results, run)
        kept, saving, even, back = over["kept"], over["saving"], over["break_even"], over["return"]
        rows.append(
            [
                escape(run.name),
                ranged_words(count(kept["mean"]), kept_out_range(kept["p05"], kept["p95"])),
                ranged_words(money(saving["mean"]), saving_range(saving["p05"], saving["p95"])),
                ranged_words(*break_even(even["mean"], even["p05"], even["p95"], years)),
                percent(over["payback"]["mean"], ".0f"),
                (
                    "no investment"
                    if pd.isna(back["mean"])
                    else ranged(pence(back["mean"]), back["p05"], back["p95"], pence)
                ),
            ]
        )
    return table(
        f"What each scenario buys against {results.base.name} over the run: mean "
        "paired difference and 90% range",
        [
            "Scenario",
            "Children kept out of care (fewer entering care)",
            "Net saving (base cost minus scenario cost; extra cost if negative)",
            "Breaks even in (median year)",
            "Chance it pays back within the run",
            "Placement cost saved per £1 of programme and investment cost",
        ],
        rows,
        key="overview-table",
    )


def impact_table(results: Results, run: RunFolder) -> str:
    """One scenario against the base, year by year."""
    rows = []
    for record in tables.impact(results, run).to_dict("records"):
        rows.append(
            [
                escape(day(record["march"])),
                ranged(count(record["cla_mean"]), record["cla_p05"], record["cla_p95"]),
                ranged_words(
                    count(record["fewer_mean"]),
                    kept_out_range(record["fewer_p05"], record["fewer_p95"]),
                ),
                ranged_words(
                    money(record["saving_mean"]),
                    saving_range(record["saving_p05"], record["saving_p95"]),
                ),
            ]
        )
    caption = (
        f"{run.name} against {results.base.name}: children looked after at each 31 "
        "March (mean and 90% range); how many fewer than in the base then (base minus "
        "scenario), and the net saving in the financial year ending then (base cost minus "
        "scenario cost; mean paired difference and 90% range)"
    )
    return f"<h3>{escape(run.name)}, year by year</h3>" + table(
        caption,
        [
            "31 March",
            "Children looked after",
            "Fewer in care than the base",
            "Net saving in the year (base minus scenario; extra cost if negative)",
        ],
        rows,
        key=f"impact-{run.name}",
    )


# -- capacity ----------------------------------------------------------------------------------
def externally(results: Results) -> str:
    """Children placed externally for want of an in-house place: a row per scenario and pool,
    a column per financial year."""
    rows, years = [], []
    for run in results.runs:
        frame = placed_externally(run)
        years = list(dict.fromkeys(frame["financial_year"]))
        for pool, part in frame.groupby("pool", sort=False):
            rows.append(
                [escape(f"{run.name}: {POOL_NAMES[str(pool)]}")]
                + [ranged(count(r["mean"]), r["p05"], r["p95"]) for r in part.to_dict("records")]
            )
    return table(
        "Children placed externally because in-house places were full, per "
        "financial year (mean and 90% range; activity.csv, placed_externally)",
        ["Scenario: in-house pool that was full"] + years,
        rows,
        key="externally-table",
    )


# -- assumptions -------------------------------------------------------------------------------
def assumptions(results: Results) -> str:
    provenance = results.base.meta["provenance"]
    assumed = [item for item in provenance if item["source"].lower().startswith("assumption:")]
    rows = [
        [
            escape(describe(item["parameter"])),
            escape(with_unit(item["parameter"], item["value"])),
            escape(cited(item["source"].split(":", 1)[1].strip())),
        ]
        for item in assumed
    ]
    caveat = escape(CAVEAT + effect_note(results))
    return (
        f'<h3>How sure are we about the programmes\' effect?</h3><p class="caveat">{caveat}</p>'
        + savings(results)
        + sweep(results)
        + "<h3>What changes in each scenario</h3>"
        + changes(results)
        + "<h3>Assumptions where the reports give no figure</h3>"
        f"<p>The model uses {len(provenance)} figures. {len(provenance) - len(assumed)} come "
        "from the council's reports or from public statistics, each cited in the workbook's "
        f"Assumptions sheet and in run.json. The other {len(assumed)} are assumptions, listed "
        "here with the reason for each.</p>"
        + table(
            f"Assumptions in {results.base.name}: what is assumed, the value and why",
            ["What", "Value", "Why (and what it rests on)"],
            rows,
            key="assumptions-table",
            widths=(22, 28, 50),
        )
    )


EFFECTS = {
    "service": "as the services report them",
    "trial": "from the published trials",
    "none": "set to none: a referral changes nothing",
}


def effect_note(results: Results) -> str:
    if not results.settings:
        return ""
    effect = results.settings.get("effect", "service")
    return f" This comparison takes the programmes' effects {EFFECTS.get(effect, effect)}."


def savings(results: Results) -> str:
    """The council's way of counting savings beside the paired (counterfactual) difference."""
    frame = results.extras.get("savings")
    if frame is None:
        return ""
    rows = [
        [
            escape(r["scenario"]),
            escape(r["financial_year"]),
            escape(money(r["council_mean"])),
            ranged_words(
                money(r["counterfactual_mean"]),
                saving_range(r["counterfactual_p05"], r["counterfactual_p95"]),
            ),
        ]
        for r in frame.to_dict("records")
    ]
    return (
        "<h3>Two ways of counting savings</h3><p>The council's reports count each child a "
        "programme diverts as a year or two of placement cost avoided, times the targeting "
        "deflator. The counterfactual way compares the scenario with the base in paired "
        "futures, so it counts only what the model's programme effect actually changes.</p>"
        + table(
            "Placement cost saved per financial year: the council's way (mean) and the "
            "counterfactual way (mean paired difference and 90% range)",
            ["Scenario", "Financial year", "Council's way", "Counterfactual"],
            rows,
            key="savings-table",
        )
    )


def sweep(results: Results) -> str:
    """Net saving over the run at each effect scale, and where it stops paying for itself."""
    points, ends = (results.extras.get(k) for k in ("sweep", "break_even"))
    if points is None or ends is None:
        return ""
    scales = sorted(points["effect_scale"].unique())
    stops = ends.set_index("scenario")
    stop_scales, notes = stops["break_even_scale"].to_dict(), stops["note"].to_dict()
    rows = []
    for name, group in points.groupby("scenario", sort=False):
        by_scale = group.set_index("effect_scale")["net_saving_mean"]
        scale, note = float(stop_scales[name]), str(notes[name])
        rows.append(
            [escape(str(name))]
            + [escape(money(by_scale[x])) for x in scales]
            + [escape(note if pd.isna(scale) else times(scale, ".2f"))]
        )
    return "<h3>If the programmes work less well</h3>" + table(
        "Mean net saving over the run at each effect scale (1: the effect the "
        "services report; 0: no effect), and the scale below which each scenario "
        "stops paying for itself",
        ["Scenario"] + [f"Effect {times(x)}" for x in scales] + ["Stops paying below"],
        rows,
        key="sweep-table",
    )


def changes(results: Results) -> str:
    rows = [
        [escape(run.name), escape(day(date)), escape(f"{what}: {value}"), escape(cited(source))]
        for run in results.runs
        for date, what, value, source in scenario_changes(run)
    ]
    if not rows:
        return "<p>No scenario changes anything: today's services and capacity carry forward.</p>"
    return table(
        "Dated changes and investment costs in each scenario",
        ["Scenario", "From", "Change", "Source"],
        rows,
        key="changes-table",
        widths=(16, 14, 30, 40),
    )
