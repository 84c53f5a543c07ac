"""Episodes from every return read, as one history: each child's periods of care, censored
where the returns stop knowing, and the children in care on a date.

A period of care starts with a child's first episode, or with an episode after one that ended
in a reason for leaving care (or left a gap); it ends with the DEC of its last episode when the
REC of that episode is a reason for leaving care. Otherwise it is open, and what is known of it
stops (it is censored) at the end of the latest return that holds its last episode.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from .codes import CONTINUES, EPISODES, HEADER
from .mapping import Mapping
from .problems import Problem
from .read import ROW, Return

UNUSABLE = (
    "blank-field",
    "bad-date",
    "dec-before-decom",
    "duplicate-episode",
    "impossible-age",
    "no-header",
)
"""Rules whose episodes cannot be used: no start, no order, or no age."""


@dataclass(frozen=True)
class History:
    """Every usable episode of every return, once each, with what was dropped."""

    episodes: pd.DataFrame  # CHILD, DECOM, DEC, REC, PLACE, PLACE_PROVIDER, TYPE, DOB, SEEN
    first: pd.Timestamp  # the day the earliest return's year starts
    last: pd.Timestamp  # the day the latest return's year ends
    rows: int  # episode rows read
    dropped: Counter[str]  # episode rows dropped, by the first rule that made them unusable

    @property
    def unusable_share(self) -> float:
        return sum(self.dropped.values()) / self.rows if self.rows else 1.0


def birth_dates(returns: list[Return]) -> dict[str, pd.Timestamp]:
    """Each child's date of birth, the latest return's where they differ."""
    born: dict[str, pd.Timestamp] = {}
    for ret in returns:
        header = ret.tables.get(HEADER)
        if header is not None:
            dob = header.dates("DOB")
            keep = (header.frame["CHILD"] != "") & dob.notna()
            born.update(zip(header.frame["CHILD"][keep], dob[keep], strict=True))
    return born


def history(returns: list[Return], found: list[Problem], mapping: Mapping) -> History:
    """The usable episodes of every return; a later return's copy of an episode replaces an
    earlier one's (it knows how the episode ended)."""
    bad = {(p.file, p.row): p.rule for p in found if p.rule in UNUSABLE and p.row is not None}
    born = birth_dates(returns)
    parts, dropped, rows = [], Counter[str](), 0
    for ret in returns:
        table = ret.tables.get(EPISODES)
        if table is None:
            continue
        e = table.frame
        rows += len(e)
        why = pd.Series([bad.get((table.name, r)) for r in e[ROW]], index=e.index, dtype=object)
        why[why.isna() & ~e["CHILD"].isin(born)] = "no-header"
        why[why.isna() & table.dates("DECOM").isna()] = "bad-date"
        dropped.update(why.dropna())
        keep = why.isna()
        parts.append(
            pd.DataFrame(
                {
                    "CHILD": e["CHILD"][keep],
                    "DECOM": table.dates("DECOM")[keep],
                    "DEC": table.dates("DEC")[keep],
                    "REC": e["REC"][keep],
                    "RNE": e["RNE"][keep],
                    "TYPE": [
                        mapping.placement(p, pr)
                        for p, pr in zip(e["PLACE"][keep], e["PLACE_PROVIDER"][keep], strict=True)
                    ],
                    "SEEN": ret.end,
                }
            )
        )
    episodes = (
        pd.concat(parts, ignore_index=True)
        .sort_values(["CHILD", "DECOM", "SEEN"], kind="stable")
        .drop_duplicates(["CHILD", "DECOM"], keep="last")
        .reset_index(drop=True)
    )
    episodes["DOB"] = episodes["CHILD"].map(born)
    return History(episodes, returns[0].start, returns[-1].end, rows, dropped)


def at_most(days: pd.Series, day: pd.Timestamp) -> pd.Series:
    """``days`` no later than ``day`` (NaT kept)."""
    return days.mask(days > day, day)


def at_least(days: pd.Series, day: pd.Timestamp) -> pd.Series:
    """``days`` no earlier than ``day`` (NaT kept)."""
    return days.mask(days < day, day)


def until(h: History, date: dt.date) -> History:
    """What the returns knew on ``date``: later starts unknown, later ends not yet happened."""
    day = pd.Timestamp(date)
    e = h.episodes[h.episodes["DECOM"] <= day].copy()
    later = e["DEC"] > day
    e.loc[later, "DEC"] = pd.NaT
    e.loc[later, "REC"] = ""
    e["SEEN"] = at_most(e["SEEN"], day)
    return History(e.reset_index(drop=True), h.first, min(h.last, day), h.rows, h.dropped)


def periods(h: History, mapping: Mapping) -> pd.DataFrame:
    """One row a period of care: CHILD, DOB, START, END (the exit day, or NaT), ROUTE (the exit
    route, or None), CENSORED (the day knowledge stops when open), FIRST_TYPE."""
    e = h.episodes.sort_values(["CHILD", "DECOM"], kind="stable").reset_index(drop=True)
    same_child = e["CHILD"].eq(e["CHILD"].shift())
    prev_dec, prev_rec = e["DEC"].shift(), e["REC"].shift()
    prev_left = prev_dec.notna() & (~prev_rec.isin(("", CONTINUES)) | (prev_dec < e["DECOM"]))
    e["PERIOD"] = (~same_child | prev_left).cumsum()
    grouped = e.groupby("PERIOD", sort=False)
    first, last = grouped.head(1).set_index("PERIOD"), grouped.tail(1).set_index("PERIOD")
    exits = last["DEC"].notna() & ~last["REC"].isin(("", CONTINUES))
    out = pd.DataFrame(
        {
            "CHILD": first["CHILD"],
            "DOB": first["DOB"],
            "START": first["DECOM"],
            "FIRST_TYPE": first["TYPE"],
            "END": last["DEC"].where(exits),
            "ROUTE": [mapping.exit(r) if x else None for r, x in zip(last["REC"], exits)],
            "CENSORED": last["DEC"].where(last["DEC"].notna() & ~exits, last["SEEN"]),
        }
    )
    return out.reset_index(drop=True)


def in_care_on(h: History, date: dt.date) -> pd.DataFrame:
    """The episode each child is in on ``date``, from returns that cover it: CHILD, DOB, TYPE,
    DECOM."""
    day = pd.Timestamp(date)
    e = h.episodes
    covering = (e["DECOM"] <= day) & (e["DEC"].isna() | (e["DEC"] > day)) & (e["SEEN"] >= day)
    return (
        e[covering]
        .sort_values(["CHILD", "DECOM"])
        .drop_duplicates("CHILD", keep="last")
        .reset_index(drop=True)
    )
