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
from ..errors import InputError
from ..formatting import count, money, pence, percent, times
from ..pathway import IN_HOUSE_NAMES, PLACEMENT_NAMES
from ..version import __version__
from . import tables
from .charts import POOL_NAMES, Chart, all_charts, placed_externally
from .files import HTML_META, replacing
from .findings import (
    chance_shares,
    effect_unmeasured,
    findings,
    parts_of,
    touches_programmes,
)
from .folder import Results, RunFolder, scenario_changes
from .units import describe, with_unit
from .words import Format, basis, between, break_even, kept_out_range, label, saving_range

CSS = """
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; max-width: 62rem; margin: 0 auto;
       padding: 1rem 1.5rem 3rem; color: #1a1a1a; line-height: 1.5; background: #fff; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid #1a1a1a; margin-top: 1.8rem; }
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
table.compact { font-size: .86rem; margin: .6rem 0 1.2rem; }
table.compact th, table.compact td { padding: .2rem .4rem; }
tbody th { overflow-wrap: anywhere; }
code { font-family: Consolas, "Courier New", monospace; background: #eeeeee; padding: 0 .2rem;
       overflow-wrap: anywhere; }
ul.findings { padding-left: 1.2rem; }
ul.findings > li { margin-bottom: .5rem; }
.warning { display: block; border-left: 4px solid #8a4b00; padding-left: .5rem;
           margin-top: .25rem; }
table.compact thead th { font-size: .8rem; overflow-wrap: anywhere; }
ul.assumed { font-size: .8rem; line-height: 1.4; padding-left: 1.1rem; }
ul.assumed > li { margin-bottom: .15rem; }
.scenario-about { font-size: .82rem; margin: .3rem 0 .6rem; }
.caveat { border-left: 6px solid #1a1a1a; background: #f0f0f0; padding: .6rem 1rem; }
nav ol { display: flex; flex-wrap: wrap; gap: .1rem 1.6rem; padding-left: 1.2rem; }
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
    sections = [("headline", "Headline: projected impact", headline(results))]
    if results.is_comparison:
        sections.append(("difference", charts["difference"].title, figure(charts["difference"])))
    sections += [
        ("cla", charts["cla"].title, figure(charts["cla"])),
        ("cost", charts["cost"].title, figure(charts["cost"])),
        ("mix", charts["mix"].title, figure(charts["mix"]) + mix_table(results)),
        ("capacity", charts["capacity"].title, figure(charts["capacity"]) + externally(results)),
        ("waiting", charts["waiting"].title, figure(charts["waiting"])),
        ("scenarios", "What changes in each scenario", scenarios(results)),
        ("assumptions", "What this assumes", assumptions(results)),
    ]
    title = (
        f"Projected impact: {len(results.runs) - 1} scenarios against {results.base.name}"
        if results.is_comparison
        else f"Projected impact: {results.base.name}"
    )
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
    compact: bool = False,
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
    classes = " ".join(c for c, on in (("fixed", cols), ("compact", compact)) if on)
    fixed = f' class="{classes}"' if classes else ""
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
    if not words:
        return escape(middle)
    return f'{escape(middle)}<span class="range">{escape(words)}</span>'


def day(value: Any) -> str:
    return f"{pd.Timestamp(value):%-d %B %Y}"


def prose(text: str) -> str:
    """Escaped text in which a `backticked` command or path is shown as code."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def intro(results: Results) -> str:
    meta = results.base.meta
    what = (
        f"compares {len(results.runs) - 1} scenarios with the base scenario, "
        f"<strong>{escape(results.base.name)}</strong>, in the same simulated futures"
        if results.is_comparison
        else f"projects the scenario <strong>{escape(results.base.name)}</strong>"
    )
    about = (
        ""
        if results.is_comparison
        else f'<p class="scenario-about">{prose(meta.get("description") or "")}</p>'
    )
    return (
        f'<p class="meta">This report {what}: {meta["years"]} years from '
        f"{day(meta['start_date'])}, {meta['replications']} simulated futures (seed "
        f"{meta['seed']}).</p>{about}"
        f"<p>{escape(RANGE_NOTE.format(n=meta['replications']))}</p>"
    )


# -- headline ----------------------------------------------------------------------------------
def headline(results: Results) -> str:
    if not results.is_comparison:
        return projection_table(results.base)
    return (
        "<h3>What each scenario buys</h3>"
        + buys_list(results)
        + overview_table(results)
        + f"<h3>The base, {escape(results.base.name)}, and each scenario year by year</h3>"
        + projection_table(results.base)
        + yearly_table(results)
    )


def buys_list(results: Results) -> str:
    """One item per scenario: what it buys in sentences, then its warnings."""
    items = "".join(
        f"<li><strong>{escape(found.name)}</strong>. {prose(' '.join(found.buys))}"
        + "".join(f'<span class="warning">{prose(w)}</span>' for w in found.warnings)
        + "</li>"
        for found in findings(results)
    )
    notes = "".join(
        f'<p class="warning">{prose(note)}</p>'
        for note in (chance_shares(results), effect_unmeasured(results))
        if note
    )
    return f'<ul class="findings">{items}</ul>{notes}'


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
        compact=True,
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
        widths=(19, 14, 19, 22, 9, 17),
        compact=True,
    )


def yearly_table(results: Results) -> str:
    """The mean net saving per financial year: one row per scenario, compact (the chart of
    differences shows the spread, the workbook each year's range)."""
    rows, years = [], []
    for run in tables.differing(results):
        frame = tables.paired(results, run.name, "net_saving").drop(tables.ALL_YEARS)
        years = [str(p) for p in frame.index]
        rows.append([escape(run.name)] + [escape(money(mean)) for mean in frame["mean"]])
    return table(
        "Net saving in each financial year (base cost minus scenario cost; extra cost if "
        "negative): mean paired difference (the 90% ranges are in the workbook's Summary sheet "
        f"and, added up over the years, in the chart of differences).{tables.left_out(results)}",
        ["Scenario", *years],
        rows,
        key="yearly-saving",
        widths=(25, *[75 // max(len(years), 1)] * len(years)),
        compact=True,
    )


def span(low: float, high: float, fmt: Format, middle: str = "") -> str:
    """A range as 'a to b'; '' when it is one figure, the one already shown as ``middle``."""
    lo, hi = sorted((low, high))
    if fmt(lo) == fmt(hi):
        return "" if fmt(lo) == middle else fmt(lo)
    return f"{fmt(lo)} to {fmt(hi)}"


# -- placement mix -----------------------------------------------------------------------------
def mix_table(results: Results) -> str:
    """Each scenario's change in the mix: children in each placement type at the last month
    end, scenario mean minus base mean, for the types any scenario changes."""
    if not results.is_comparison:
        return ""

    def last(run: RunFolder) -> pd.Series:
        rows = run.stocks[run.stocks["state"].isin(PLACEMENT_NAMES)]
        return rows[rows["date"] == rows["date"].max()].set_index("state")["mean"]

    base = last(results.base)
    changes = {run.name: last(run) - base for run in tables.differing(results)}
    types = [p for p in PLACEMENT_NAMES if any(abs(c[p]) >= 0.5 for c in changes.values())]
    if not types:
        return "<p>No scenario changes the mix of placements by half a child or more.</p>"
    when = results.base.stocks["date"].max()
    rows = [
        [escape(name)] + [escape(signed_count(change[p])) for p in types]
        for name, change in changes.items()
    ]
    return table(
        f"Change in the mix: children in each placement type on {day(when)}, scenario minus "
        f"{results.base.name} (means; types no scenario changes are left out)."
        f"{tables.left_out(results)}",
        ["Scenario", *(label(p) for p in types)],
        rows,
        key="mix-table",
        widths=(25, *[75 // len(types)] * len(types)),
        compact=True,
    )


def signed_count(value: float) -> str:
    text = count(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


# -- capacity ----------------------------------------------------------------------------------
def externally(results: Results) -> str:
    """Children placed externally for want of an in-house place: for a run, a row per pool and
    a column per financial year; for a comparison, a row per scenario over the whole run."""
    if results.is_comparison:
        return externally_compared(results)
    rows, years = [], []
    run = results.base
    frame = placed_externally(run)
    years = list(dict.fromkeys(frame["financial_year"]))
    for pool, part in frame.groupby("pool", sort=False):
        rows.append(
            [escape(POOL_NAMES[str(pool)])]
            + [ranged(count(r["mean"]), r["p05"], r["p95"]) for r in part.to_dict("records")]
        )
    return table(
        "Children placed externally because in-house places were full, per "
        "financial year (mean and 90% range; activity.csv, placed_externally)",
        ["In-house pool that was full", *years],
        rows,
        key="externally-table",
    )


def externally_compared(results: Results) -> str:
    rows = [
        [escape(results.base.name)]
        + [
            escape(count(tables.base_mean(results, results.runs[1].name, f"placed_externally.{p}")))
            for p in IN_HOUSE_NAMES
        ]
    ]
    for run in tables.differing(results):
        cells = []
        for pool in IN_HOUSE_NAMES:
            measure = f"placed_externally.{pool}"
            base = tables.base_mean(results, run.name, measure)
            try:
                diff = tables.whole_run(results, run, measure)
            except InputError:
                diff = pd.Series({"mean": 0.0, "p05": 0.0, "p95": 0.0})
            spread = span(diff["p05"], diff["p95"], signed_count, signed_count(diff["mean"]))
            cells.append(
                escape(
                    f"{count(base + diff['mean'])} ({signed_count(diff['mean'])}"
                    + (f"; {spread})" if spread else ")")
                )
            )
        rows.append([escape(run.name), *cells])
    return table(
        "Children placed externally over the run because in-house places were full: mean (in "
        "brackets the paired difference from the base and its 90% range)."
        + tables.left_out(results),
        ["Scenario", *(f"{POOL_NAMES[p]} full" for p in IN_HOUSE_NAMES)],
        rows,
        key="externally-table",
        compact=True,
    )


# -- scenarios and assumptions ------------------------------------------------------------------
def scenarios(results: Results) -> str:
    """Each scenario's description, then its dated changes and investments in one table."""
    about = "".join(
        f'<p class="scenario-about"><strong>{escape(run.name)}</strong>: '
        f"{prose(run.meta.get('description') or 'no description')}</p>"
        for run in results.runs
        if results.is_comparison
    )
    return about + changes(results)


def assumptions(results: Results) -> str:
    provenance = results.base.meta["provenance"]
    assumed = [item for item in provenance if item["source"].lower().startswith("assumption:")]
    topics: dict[str, dict[str, list[str]]] = {}
    for item in assumed:
        topic, _, name = describe(item["parameter"]).partition(": ")
        what = f"{name}: {with_unit(item['parameter'], item['value'])}"
        why = cited(item["source"].split(":", 1)[1].strip())
        topics.setdefault(topic, {}).setdefault(why, []).append(what)
    items = "".join(
        f"<li><strong>{escape(topic)}.</strong> "
        + " ".join(
            f"<em>{'; '.join(map(escape, whats))}</em>: {escape(why.rstrip('.'))}."
            for why, whats in reasons.items()
        )
        + "</li>"
        for topic, reasons in topics.items()
    )
    caveat = escape(CAVEAT + effect_note(results))
    return (
        f'<h3>How sure are we about the programmes\' effect?</h3><p class="caveat">{caveat}</p>'
        + savings(results)
        + sweep(results)
        + "<h3>Assumptions where the reports give no figure</h3>"
        f"<p>The model uses {len(provenance)} figures. {len(provenance) - len(assumed)} come "
        "from the council's reports or from public statistics, each cited in the workbook's "
        f"Assumptions sheet and in run.json. The other {len(assumed)} are assumptions, listed "
        "here by topic with the reason for each (assumptions that share a reason share it).</p>"
        + f'<ul class="assumed" id="assumptions-list">{items}</ul>'
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
    """The council's way of counting savings beside the paired (counterfactual) difference,
    over the run (savings.csv's 'all years' rows), for the scenarios that change a programme
    (the council's way counts only children a programme diverts)."""
    frame = results.extras.get("savings")
    if frame is None:
        return ""
    names = {run.name for run in tables.differing(results) if touches_programmes(run)}
    whole = frame[frame["scenario"].isin(names) & (frame["financial_year"] == tables.ALL_YEARS)]
    rows = [
        [
            escape(str(row["scenario"])),
            escape(money(row["council_mean"])),
            ranged_words(
                money(row["counterfactual_mean"]),
                saving_range(row["counterfactual_p05"], row["counterfactual_p95"]),
            ),
        ]
        for row in whole.to_dict("records")
    ]
    if not rows:
        return ""
    return (
        "<h3>Two ways of counting savings</h3><p>The council's reports count each child a "
        "programme diverts as a year or two of placement cost avoided, times the targeting "
        "deflator. The counterfactual way compares the scenario with the base in paired "
        "futures, so it counts only what the model's programme effect actually changes. "
        "Scenarios that change no programme, or make no difference, are left out: the "
        "council's way counts nothing for them. savings.csv gives both per financial year.</p>"
        + table(
            "Placement cost saved over the run: the council's way (mean) and the "
            "counterfactual way (mean paired difference and 90% range)",
            ["Scenario", "Council's way", "Counterfactual"],
            rows,
            key="savings-table",
            compact=True,
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
        "stops paying for itself on average (its 90% range may still include a loss)",
        ["Scenario"] + [f"Effect {times(x)}" for x in scales] + ["Stops paying below"],
        rows,
        key="sweep-table",
        compact=True,
    )


def changes(results: Results) -> str:
    """One row per scenario: its dated changes and investment costs, each with what it rests
    on (a portfolio's row names its parts rather than repeat their rows)."""
    rows = [
        [escape(run.name), changes_of(results, run)]
        for run in results.runs
        if run.meta.get("changes") or run.meta.get("investments")
    ]
    if not rows:
        return "<p>No scenario changes anything: today's services and capacity carry forward.</p>"
    return table(
        "Dated changes and investment costs in each scenario, each with what it rests on (the "
        "workbook's Assumptions sheet and run.json cite each source in full)",
        ["Scenario", "Changes from their date"],
        rows,
        key="changes-table",
        widths=(24, 76),
        compact=True,
    )


def changes_of(results: Results, run: RunFolder) -> str:
    parts = parts_of(results, run)
    if parts:
        return escape(f"Those of {' and '.join(p.name for p in parts)} together.")
    return "; ".join(
        f"{escape(day(date))}: {escape(what)}: {escape(value)} ({escape(basis(source))})"
        for date, what, value, source in scenario_changes(run)
    )
