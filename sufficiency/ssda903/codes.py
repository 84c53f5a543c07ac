"""The DfE's SSDA903 code lists and columns, by collection year.

A collection year is named by the year it ends: 2021 is 1 April 2020 to 31 March 2021.
"""

from __future__ import annotations

from dataclasses import dataclass

EPISODES = "episodes"
HEADER = "header"
UASC = "uasc"
KINDS: tuple[str, ...] = (EPISODES, HEADER, UASC)

COLUMNS: dict[str, tuple[str, ...]] = {
    EPISODES: (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    HEADER: ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    UASC: ("CHILD", "SEX", "DOB", "DUC"),
}
"""Each table's columns in the DfE's specification."""

REQUIRED: dict[str, tuple[str, ...]] = {
    EPISODES: ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"),
    HEADER: ("CHILD", "SEX", "DOB"),
    UASC: ("CHILD", "DOB", "DUC"),
}
"""The columns without which the table cannot be checked or used for modelling."""

OPTIONAL = ("YEAR",)
"""Columns accepted beside the specification's (the collection year, if a tool adds it)."""

IDENTIFYING = ("CHILD", "UPN", "MOTHER", "DOB", "MC_DOB", "HOME_POST", "PL_POST")
"""Columns whose values never appear in any output."""


@dataclass(frozen=True)
class CodeList:
    """The valid codes of one field, with codes added or withdrawn in a given year."""

    codes: frozenset[str]
    added: tuple[tuple[int, frozenset[str]], ...] = ()  # (first year valid, codes)
    withdrawn: tuple[tuple[int, frozenset[str]], ...] = ()  # (first year invalid, codes)

    def valid(self, year: int) -> frozenset[str]:
        """The codes valid in the collection year ending 31 March ``year``."""
        codes = set(self.codes)
        for first, extra in self.added:
            if year >= first:
                codes |= extra
        for first, gone in self.withdrawn:
            if year >= first:
                codes -= gone
        return frozenset(codes)

    def ever(self) -> frozenset[str]:
        """Every code valid in some year."""
        return self.codes.union(*(extra for _, extra in self.added))


def codes(*values: str) -> frozenset[str]:
    return frozenset(values)


FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
ADOPTION = ("A3", "A4", "A5", "A6")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")

CODE_LISTS: dict[str, CodeList] = {
    "RNE": CodeList(codes("S", "L", "P", "T", "U", "B")),
    "LS": CodeList(
        codes("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
    ),
    "CIN": CodeList(codes("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")),
    "PLACE": CodeList(
        codes(
            *FOSTER,
            *ADOPTION,
            *TEMPORARY,
            "H5",
            "K1",
            "K2",
            "P1",
            "P2",
            "P3",
            "R1",
            "R2",
            "R3",
            "R5",
            "S1",
            "Z1",
        ),
        # K3 (supported accommodation registered with Ofsted) from the 2024 to 2025 collection:
        # data-to-insight/csc-validator-be-903, lac_validator/rules/lac2024_25/rule_146.py (the
        # DfE's rule 146 for that year; its 2023 to 2024 rules keep the earlier list).
        added=((2025, codes("K3")),),
    ),
    "PLACE_PROVIDER": CodeList(codes("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")),
    "REC": CodeList(
        codes(
            "E11",
            "E12",
            "E13",
            "E14",
            "E15",
            "E16",
            "E17",
            "E2",
            "E3",
            "E41",
            "E45",
            "E46",
            "E47",
            "E48",
            "E4A",
            "E4B",
            "E5",
            "E6",
            "E7",
            "E8",
            "E9",
            "X1",
        )
    ),
    "REASON_PLACE_CHANGE": CodeList(
        codes(
            "CARPL",
            "CLOSE",
            "ALLEG",
            "STAND",
            "APPRR",
            "CREQB",
            "CREQO",
            "CHILD",
            "LAREQ",
            "PLACE",
            "CUSTOD",
            "OTHER",
        )
    ),
    # M, F and U in place of 1 and 2 from the 2024 to 2025 collection: csc-validator-be-903,
    # lac_validator/rules/lac2024_25/rule_101.py.
    "SEX": CodeList(
        codes("1", "2"), added=((2025, codes("M", "F", "U")),), withdrawn=((2025, codes("1", "2")),)
    ),
    "ETHNIC": CodeList(
        codes(
            "WBRI",
            "WIRI",
            "WOTH",
            "WIRT",
            "WROM",
            "MWBC",
            "MWBA",
            "MWAS",
            "MOTH",
            "AIND",
            "APKN",
            "ABAN",
            "AOTH",
            "BCRB",
            "BAFR",
            "BOTH",
            "CHNE",
            "OOTH",
            "REFU",
            "NOBT",
        )
    ),
}
"""The DfE code lists checked, field by field (the SSDA903 guidance for each year). Checked on
2026-11-29 against the year-by-year rules of data-to-insight/csc-validator-be-903 (rules 143 RNE,
144 LS, 146 PLACE, 149 REC, 178 PLACE_PROVIDER, 101 SEX, 103 ETHNIC in lac2022_23, lac2023_24 and
lac2024_25): the lists agree, with K3 and the new SEX codes from the year ending 2025."""

CODED: dict[str, tuple[str, ...]] = {
    EPISODES: ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE"),
    HEADER: ("SEX", "ETHNIC"),
    UASC: (),
}
"""The coded fields of each table."""

CONTINUES = "X1"
"""REC when the episode ends but the period of care continues in the next episode."""
STARTED = "S"
"""RNE when a period of care starts."""
