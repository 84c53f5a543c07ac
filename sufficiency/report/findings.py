"""What each scenario buys, in sentences a scrutiny member can read, and the warnings that go
with them: how sure, how much rests on the programme effect, capacity that never binds, and
whether a portfolio's saving is the sum of its parts. Everything comes from the results folder."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from ..formatting import count, money, percent
from ..pathway import IN_HOUSE_NAMES, names_programme
from . import tables
from .charts import POOL_NAMES, changes_places
from .folder import Results, RunFolder
from .words import saving_range

DAYS_PER_YEAR = 365.25
EFFECT_KEY = "net_saving_resting_on_effect"
"""compare.json's figure per scenario (after ``compare --effect-dependence``): the mean net
saving less the mean net saving with no programme effect."""
CHANCE_KEY = "chance_share_of_net_saving_variance"
"""compare.json's share, per scenario, of the variance of the net saving that is chance (the
rest is uncertainty in the parameters), when compare writes it."""
EFFECT_WORDS = {
    "service": "as the services report it",
    "trial": "from the published trials",
    "none": "as none",
}


@dataclass(frozen=True)
class Finding:
    """One scenario's sentences: what it buys, and the warnings a reader must not miss."""

    name: str
    buys: list[str]
    warnings: list[str]


def findings(results: Results) -> list[Finding]:
    return [
        Finding(run.name, buys(results, run), warnings(results, run)) for run in results.runs[1:]
    ]


def chance(share: float) -> str:
    """The chance of paying back within the run, in words and in tens of futures."""
    tens = round(share * 10)
    if share >= 0.95:
        return "is very likely to pay back within the run (in nearly every future)"
    if share <= 0.05:
        return "is very unlikely to pay back within the run (in almost no future)"
    words = "likely" if share >= 0.6 else "unlikely" if share < 0.4 else "as likely as not"
    return f"is {words} to pay back within the run ({tens} in 10 futures)"


def buys(results: Results, run: RunFolder) -> list[str]:
    """What the scenario buys against the base over the run, in two sentences (the table below
    them gives each saving's range and break-even year)."""
    if tables.no_difference(results, run):
        return [
            "It makes no difference to children or cost in any simulated future: what it "
            "changes is already so in the base, or never comes into play."
        ]
    over = tables.over_run(results, run)
    saving, kept = over["saving"], over["kept"]
    spent = tables.whole_run(results, run, "investment_cost")["mean"]
    placements = tables.whole_run(results, run, "placement_cost")["mean"]
    avoided = -tables.whole_run(results, run, "placement_days.all")["mean"] / DAYS_PER_YEAR
    return [
        f"It {chance(over['payback']['mean'])}: {net(saving['mean'])} over the run on "
        f"average{at_risk(saving)}.",
        f"{children(kept['mean'])}, with {placement_years(avoided)}; it spends "
        f"{spending(spent, 'programmes and investment')} and "
        f"{spending(placements, 'placements')}.",
    ]


def chance_shares(results: Results) -> str:
    """One sentence: how much of each scenario's spread of net saving is chance (when compare
    split it), for the scenarios that make a difference."""
    shares = {
        run.name: settled(results, CHANCE_KEY, run.name)
        for run in results.runs[1:]
        if not tables.no_difference(results, run)
    }
    listed = [
        f"{name} {percent(share, '.0f')}"
        for name, share in shares.items()
        if share is not None and not math.isnan(share)
    ]
    if not listed:
        return ""
    return (
        "How much of the spread in each saving is chance (the rest is uncertainty in the "
        f"model's figures): {'; '.join(listed)}."
    )


def at_risk(saving: pd.Series) -> str:
    """When the net saving's 90% range holds both a saving and an extra cost: that range."""
    low, high = saving["p05"], saving["p95"]
    if not low < 0 < high or money(0) in (money(-low), money(high)):
        return ""
    return (
        ", but it may cost more than it saves: 90% of futures lie "
        f"{saving_range(saving['p05'], saving['p95'])}"
    )


def net(saving: float) -> str:
    return f"it saves {money(saving)}" if saving >= 0 else f"it costs {money(-saving)} more"


def children(kept: float) -> str:
    return either(
        kept,
        ("child", "children"),
        "It changes how many children come into care by less than one",
        "It keeps {n} {noun} out of care",
        "It brings {n} more {noun} into care",
    )


def spending(pounds: float, what: str) -> str:
    """'£1.2m more on placements', '£0.3m less on ...', or 'as much on ... as the base'."""
    if money(abs(pounds)) == money(0):
        return f"as much on {what} as the base"
    return f"{money(abs(pounds))} {'more' if pounds > 0 else 'less'} on {what}"


def placement_years(avoided: float) -> str:
    return either(
        avoided,
        ("child-year", "child-years"),
        "about as many child-years in placements as the base",
        "{n} fewer {noun} in placements",
        "{n} more {noun} in placements",
    )


def either(value: float, nouns: tuple[str, str], same: str, up: str, down: str) -> str:
    """``same`` if ``value`` rounds to nobody, else ``up`` or ``down`` with the count and the
    noun (singular for one) in it: 'It keeps 1 child out of care'."""
    shown = count(abs(value))
    if shown == count(0):
        return same
    noun = nouns[0] if shown == "1" else nouns[1]
    return (up if value > 0 else down).format(n=shown, noun=noun)


def warnings(results: Results, run: RunFolder) -> list[str]:
    found = [*capacity_unused(results, run), *portfolio(results, run)]
    effect = effect_dependence(results, run)
    return found + ([effect] if effect else [])


def capacity_unused(results: Results, run: RunFolder) -> list[str]:
    """A pool whose places the scenario changes but the base never runs short of: the change
    cannot bind, so it cannot show value."""
    said = []
    for pool in IN_HOUSE_NAMES:
        if not changes_places(run, results.base, pool):
            continue
        base_short = tables.base_mean(results, run.name, f"placed_externally.{pool}")
        if base_short < 0.5:
            said.append(
                f"Capacity that never binds: the base never runs short of "
                f"{POOL_NAMES[pool].lower()} (no child placed externally for want of one), so "
                "the places this scenario adds are never needed and its investment cannot "
                "show value in this model."
            )
    return said


def change_keys(run: RunFolder) -> set[str]:
    return {
        json.dumps(item, sort_keys=True)
        for item in run.meta.get("changes", []) + run.meta.get("investments", [])
    }


def parts_of(results: Results, run: RunFolder) -> list[RunFolder]:
    """The other compared scenarios whose changes together are exactly this one's (two or
    more): it is their portfolio."""
    mine = change_keys(run)
    parts = [
        other
        for other in results.runs[1:]
        if other is not run and change_keys(other) and change_keys(other) < mine
    ]
    union = set().union(*(change_keys(p) for p in parts)) if parts else set()
    return parts if len(parts) >= 2 and union == mine else []


def portfolio(results: Results, run: RunFolder) -> list[str]:
    parts = parts_of(results, run)
    if not parts:
        return []
    mine = tables.whole_run(results, run, "net_saving")["mean"]
    each = {p.name: tables.whole_run(results, p, "net_saving")["mean"] for p in parts}
    total = sum(each.values())
    listed = "; ".join(f"{name} {money(v)}" for name, v in each.items())
    apart = mine - total
    verdict = (
        "its saving equals the sum of its parts: the parts neither help nor hinder each other"
        if money(mine) == money(total)
        else f"its saving is within 5% of the sum of its parts ({money(apart)} apart)"
        if abs(apart) <= 0.05 * max(abs(mine), abs(total))
        else f"its saving does not equal the sum of its parts ({money(apart)} against the sum: "
        "the parts interact, e.g. compete for the same children)"
    )
    same = [name for name, v in each.items() if abs(mine - v) <= 0.05 * max(abs(mine), 1.0)]
    alone = (
        f" It saves what {same[0]} saves alone: the other parts add nothing here." if same else ""
    )
    return [
        f"A portfolio of {', '.join(each)}: {money(mine)} against {money(total)} for the parts "
        f"added up ({listed}); {verdict}.{alone}"
    ]


def touches_programmes(run: RunFolder) -> bool:
    """Whether any of the scenario's changes is to a programme (or who is offered one)."""
    return names_programme(str(item.get("set", "")) for item in run.meta.get("changes", []))


def effect_dependence(results: Results, run: RunFolder) -> str:
    """How much of the saving rests on the programme effect: compare's own figure, else the
    effect sweep's; '' if neither was written (``effect_unmeasured`` then says it once)."""
    resting = resting_on_effect(results, run)
    if resting is None:
        return ""
    saving = tables.whole_run(results, run, "net_saving")["mean"]
    return (
        f"How much rests on the programme effect: {money(resting['mean'])} of the saving "
        "would go if the programmes changed nothing for the children referred (the saving "
        f"with the services' effect minus the saving with none; {money(saving)} in all)."
    )


def resting_on_effect(results: Results, run: RunFolder) -> pd.Series | None:
    if not touches_programmes(run) or tables.no_difference(results, run):
        return None
    given = settled(results, EFFECT_KEY, run.name)
    return swept(results, run.name) if given is None else pd.Series({"mean": given})


def settled(results: Results, key: str, name: str) -> float | None:
    """A per-scenario figure of compare.json, or None if compare did not write it."""
    figures = (results.settings or {}).get(key) or {}
    value = figures.get(name) if isinstance(figures, dict) else None
    return None if value is None else float(value)


def effect_unmeasured(results: Results) -> str:
    """One sentence for the scenarios that change a programme but whose dependence on the
    programme effect the results do not measure."""
    names = [
        run.name
        for run in results.runs[1:]
        if touches_programmes(run)
        and not tables.no_difference(results, run)
        and resting_on_effect(results, run) is None
    ]
    if not names:
        return ""
    effect = (results.settings or {}).get("effect", "service")
    return (
        f"How much rests on the programme effect ({', '.join(names)}): this comparison takes "
        f"the effect {EFFECT_WORDS.get(str(effect), str(effect))}; with the published trials' "
        "smaller effects their difference from the base is smaller (`compare --effect trial`; "
        "`compare --sweep` gives the saving at each effect size)."
    )


def swept(results: Results, name: str) -> pd.Series | None:
    """From the effect sweep: the saving at full effect minus the saving at no effect."""
    points = results.extras.get("sweep")
    if points is None:
        return None
    rows = points[points["scenario"] == name].set_index("effect_scale")["net_saving_mean"]
    if not {0.0, 1.0} <= set(rows.index):
        return None
    return pd.Series({"mean": rows[1.0] - rows[0.0]})
