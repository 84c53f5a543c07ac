"""The validation checks: each finds the rows that break one rule of problems.RULES."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .codes import CODE_LISTS, CODED, CONTINUES, EPISODES, HEADER, STARTED, UASC
from .problems import Problem
from .read import ROW, Return, Table, dates

NOT_BLANK: dict[str, tuple[str, ...]] = {
    EPISODES: ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER"),
    HEADER: ("CHILD", "SEX", "DOB"),
    UASC: ("CHILD", "DOB"),
}
DATES: dict[str, tuple[str, ...]] = {
    EPISODES: ("DECOM", "DEC"),
    HEADER: ("DOB", "MC_DOB"),
    UASC: ("DOB", "DUC"),
}
NOT_BY_PR3 = ("P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6")
"""Placements that other public bodies (PLACE_PROVIDER PR3) cannot provide."""
COMPARED = ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER")
KEY = ["CHILD", "DECOM_D"]


def flagged(
    rule: str,
    table: Table,
    mask: pd.Series,
    frame: pd.DataFrame | None = None,
) -> list[Problem]:
    """A problem for each row of ``frame`` (the table's own by default) where ``mask`` holds."""
    rows = (table.frame if frame is None else frame)[ROW][mask.fillna(False).astype(bool)]
    return [Problem(rule, table.name, int(row)) for row in rows]


# -- fields ------------------------------------------------------------------------------------
def field_problems(table: Table, year: int) -> Iterable[Problem]:
    """Blank required fields, dates that are not dates, codes outside the year's lists."""
    frame, present = table.frame, table.present
    for name in NOT_BLANK[table.kind]:
        if name in present:
            yield from flagged("blank-field", table, frame[name] == "")
    for name in DATES[table.kind]:
        if name in present:
            yield from flagged("bad-date", table, (frame[name] != "") & table.dates(name).isna())
    for name in CODED[table.kind]:
        if name in present:
            valid = CODE_LISTS[name].valid(year)
            yield from flagged(
                f"code-{name}", table, (frame[name] != "") & ~frame[name].isin(valid)
            )


# -- episodes ----------------------------------------------------------------------------------
def episodes_frame(table: Table) -> pd.DataFrame:
    """The episodes with parsed dates, in order within each child."""
    frame = table.frame.assign(DECOM_D=table.dates("DECOM"), DEC_D=table.dates("DEC"))
    return frame.sort_values(["CHILD", "DECOM_D", ROW], kind="stable")


def pairs(frame: pd.DataFrame, date: str) -> pd.Series:
    """Each row's child and date as one key, 'CHILD|yyyy-mm-dd'."""
    return frame["CHILD"] + "|" + frame[date].astype(str)


def episode_problems(
    table: Table, e: pd.DataFrame, ret: Return, linked: Links
) -> Iterable[Problem]:
    """Order and continuity within each child's episodes, and the collection year's bounds."""
    dated = (e["CHILD"] != "") & e["DECOM_D"].notna()
    duplicate = dated & e.duplicated(KEY)
    yield from flagged("duplicate-episode", table, duplicate, e)
    ordered = e[dated & ~duplicate]
    by_child = ordered.groupby("CHILD", sort=False)
    previous_dec = by_child["DEC_D"].shift()
    yield from flagged("overlap", table, ordered["DECOM_D"] < previous_dec, ordered)
    has_next = by_child["DECOM_D"].shift(-1).notna()
    yield from flagged("open-not-last", table, has_next & (ordered["DEC"] == ""), ordered)
    yield from flagged("dec-before-decom", table, e["DEC_D"] < e["DECOM_D"], e)
    yield from flagged("dec-without-rec", table, (e["DEC"] != "") & (e["REC"] == ""), e)
    yield from flagged(
        "rec-without-dec", table, (e["DEC"] == "") & ~e["REC"].isin(("", CONTINUES)), e
    )
    yield from continuity_problems(table, e, ret, linked)
    yield from flagged(
        "provider-place", table, (e["PLACE_PROVIDER"] == "PR3") & e["PLACE"].isin(NOT_BY_PR3), e
    )
    yield from flagged("decom-after-year", table, e["DECOM_D"] > ret.end, e)
    yield from flagged(
        "dec-outside-year", table, (e["DEC_D"] < ret.start) | (e["DEC_D"] > ret.end), e
    )


@dataclass(frozen=True)
class Links:
    """Where care continues, over every return read: episode starts and X1 ends (CHILD|date)."""

    starts: frozenset[str]
    continued: frozenset[str]


def links(ordered: list[pd.DataFrame | None]) -> Links:
    """The starts and X1 ends of every episode in every return."""
    starts: set[str] = set()
    continued: set[str] = set()
    for e in ordered:
        if e is not None:
            starts.update(pairs(e[e["DECOM_D"].notna()], "DECOM_D"))
            closed = e[(e["REC"] == CONTINUES) & e["DEC_D"].notna()]
            continued.update(pairs(closed, "DEC_D"))
    return Links(frozenset(starts), frozenset(continued))


def continuity_problems(
    table: Table, e: pd.DataFrame, ret: Return, linked: Links
) -> Iterable[Problem]:
    """X1 must lead to an episode starting that day; S starts a period of care, and only S.

    The next episode may be in another year's return (an X1 on 31 March)."""
    closed = e[(e["REC"] == CONTINUES) & e["DEC_D"].notna()]
    yield from flagged("x1-no-next", table, ~pairs(closed, "DEC_D").isin(linked.starts), closed)
    follows = pairs(e, "DECOM_D").isin(linked.continued) & e["DECOM_D"].notna()
    yield from flagged("s-continuing", table, (e["RNE"] == STARTED) & follows, e)
    in_year = (e["DECOM_D"] >= ret.start) & (e["DECOM_D"] <= ret.end)
    yield from flagged(
        "not-s-new-period", table, in_year & ~follows & ~e["RNE"].isin(("", STARTED)), e
    )


# -- children ----------------------------------------------------------------------------------
def child_problems(ret: Return, ordered: pd.DataFrame | None) -> Iterable[Problem]:
    """Episodes against the header: every child in both, born before care, under 18."""
    episodes, header = ret.tables.get(EPISODES), ret.tables.get(HEADER)
    if episodes is None or header is None or ordered is None:
        return
    e, h = episodes.frame, header.frame
    named = h[h["CHILD"] != ""]
    yield from flagged("duplicate-child", header, named["CHILD"].duplicated(), named)
    yield from flagged("no-header", episodes, (e["CHILD"] != "") & ~e["CHILD"].isin(named["CHILD"]))
    yield from flagged("no-episodes", header, ~named["CHILD"].isin(e["CHILD"]), named)
    dob = header.dates("DOB")[named.index]
    yield from flagged("impossible-age", header, dob > ret.end, named)
    yield from age_problems(episodes, ordered, ret, dict(zip(named["CHILD"], dob, strict=True)))
    uasc = ret.tables.get(UASC)
    if uasc is not None:
        u = uasc.frame
        yield from flagged(
            "uasc-no-header", uasc, (u["CHILD"] != "") & ~u["CHILD"].isin(named["CHILD"])
        )
        header_dob = u["CHILD"].map(dict(zip(named["CHILD"], named["DOB"], strict=True)))
        known = header_dob.notna() & (header_dob != "") & (u["DOB"] != "")
        differs = known & (uasc.dates("DOB") != dates(header_dob.fillna("")))
        yield from flagged("uasc-dob", uasc, differs)


def age_problems(
    table: Table,
    e: pd.DataFrame,
    ret: Return,
    born: dict[str, pd.Timestamp],
) -> Iterable[Problem]:
    """Episodes starting before birth, or running on or past the 18th birthday."""
    dob = pd.to_datetime(e["CHILD"].map(born))
    yield from flagged("impossible-age", table, dob > e["DECOM_D"], e)
    adult = dob + pd.DateOffset(years=18)
    on = (e["DECOM_D"] >= adult) | (e["DEC_D"] > adult) | ((e["DEC"] == "") & (adult <= ret.end))
    yield from flagged("over-18", table, on & ~(dob > e["DECOM_D"]), e)


# -- across years ------------------------------------------------------------------------------
def keyed(e: pd.DataFrame | None) -> pd.DataFrame | None:
    """The episodes that can be matched across years, once each."""
    if e is None:
        return None
    return e[(e["CHILD"] != "") & e["DECOM_D"].notna()].drop_duplicates(KEY)


def year_problems(
    returns: list[Return],
    ordered: list[pd.DataFrame | None],
) -> Iterable[Problem]:
    """An episode's story must agree between one year's return and the later ones."""
    frames = [(ret, keyed(e)) for ret, e in zip(returns, ordered, strict=True)]
    for i, (ret, early) in enumerate(frames):
        if early is None:
            continue
        for later_ret, later in frames[i + 1 :]:
            if later is None:
                continue
            both = early.merge(later, on=KEY, suffixes=("", "_L"))
            table = later_ret.tables[EPISODES]
            open_then = both["DEC"] == ""
            yield from flagged(
                "closed-earlier",
                table,
                open_then & (both["DEC_D_L"] <= ret.end),
                both.assign(ROW=both["ROW_L"]),
            )
            yield from flagged(
                "reopened",
                table,
                ~open_then & (both["DEC_L"] == ""),
                both.assign(ROW=both["ROW_L"]),
            )
            if later_ret.year == ret.year + 1:
                yield from next_year_problems((ret, early), (later_ret, later), both)


def next_year_problems(
    first: tuple[Return, pd.DataFrame], then: tuple[Return, pd.DataFrame], both: pd.DataFrame
) -> Iterable[Problem]:
    """Open episodes carried into the next year's return, unchanged."""
    (ret, early), (later_ret, later) = first, then
    still_open = early[(early["DEC"] == "")]
    dropped = ~pairs(still_open, "DECOM_D").isin(set(pairs(later, "DECOM_D")))
    yield from flagged("open-dropped", ret.tables[EPISODES], dropped, still_open)
    table = later_ret.tables[EPISODES]
    changed = pd.Series(False, index=both.index)
    for name in COMPARED:
        changed |= both[name] != both[f"{name}_L"]
    yield from flagged("changed-later", table, changed, both.assign(ROW=both["ROW_L"]))


def problems(returns: list[Return]) -> Iterable[Problem]:
    """Every problem in the returns, rule by rule."""
    ordered = [
        episodes_frame(r.tables[EPISODES]) if EPISODES in r.tables else None for r in returns
    ]
    linked = links(ordered)
    for ret, e in zip(returns, ordered, strict=True):
        for table in ret.tables.values():
            yield from field_problems(table, ret.year)
        if e is not None:
            yield from episode_problems(ret.tables[EPISODES], e, ret, linked)
        yield from child_problems(ret, e)
    yield from year_problems(returns, ordered)
