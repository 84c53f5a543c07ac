"""The validation rules by id, and a problem found: which rule, in which file, at which row.

A problem holds no value from the data, so nothing identifying can reach an output.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codes import CODE_LISTS

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    check: str


@dataclass(frozen=True)
class Problem:
    rule: str
    file: str  # a file name, or a collection year for a return-wide problem
    row: int | None  # the row in the file (the header is row 1), if one


def rules(*specs: tuple[str, str, str]) -> dict[str, Rule]:
    return {id_: Rule(id_, level, check) for id_, level, check in specs}


RULES: dict[str, Rule] = rules(
    # files and columns
    (
        "unrecognised-file",
        WARNING,
        "A CSV or Excel file that is not an episodes, header or UASC table (ignored)",
    ),
    ("empty-table", WARNING, "A table with a header row but no rows"),
    (
        "year-unknown",
        ERROR,
        "The collection year cannot be told from the file name, a YEAR "
        "column or the dates (file ignored)",
    ),
    ("missing-table", ERROR, "A collection year without an episodes or a header table"),
    ("duplicate-table", ERROR, "A second table of one kind for a year (ignored)"),
    ("missing-column", ERROR, "A column the DfE specification requires is missing"),
    ("duplicate-column", ERROR, "A column appears twice (the first is used)"),
    ("unknown-column", WARNING, "A column not in the DfE specification (ignored)"),
    ("ragged-row", ERROR, "A row with more or fewer fields than the header"),
    # fields
    (
        "blank-field",
        ERROR,
        "A required field is blank (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER; SEX, DOB)",
    ),
    ("bad-date", ERROR, "A date that is not a real dd/mm/yyyy or yyyy-mm-dd day"),
    *(
        (f"code-{name}", ERROR, f"{name} is not in the DfE list for the year")
        for name in CODE_LISTS
    ),
    # episodes
    ("dec-before-decom", ERROR, "An episode ends (DEC) before it starts (DECOM)"),
    ("duplicate-episode", ERROR, "Two episodes of a child start on the same day"),
    ("overlap", ERROR, "An episode starts before the child's previous episode ends"),
    ("open-not-last", ERROR, "An open episode (no DEC) is followed by another episode"),
    ("dec-without-rec", ERROR, "DEC is given but REC is blank"),
    ("rec-without-dec", ERROR, "REC is a reason for leaving care but DEC is blank"),
    (
        "x1-no-next",
        ERROR,
        "REC X1 (care continues) but no episode, in any year read, starts on DEC",
    ),
    (
        "s-continuing",
        ERROR,
        "RNE S (care starts) but the previous episode ended that day with REC X1",
    ),
    (
        "not-s-new-period",
        ERROR,
        "Care starts in the year (no X1 episode in any year read ends that day) but RNE is not S",
    ),
    (
        "provider-place",
        ERROR,
        "PLACE_PROVIDER PR3 with a placement other public bodies cannot "
        "provide (P1, A3-A6, K1, K2, U1-U6)",
    ),
    ("decom-after-year", ERROR, "An episode starts after the collection year ends"),
    ("dec-outside-year", ERROR, "An episode ends outside the collection year"),
    # children
    ("no-header", ERROR, "Episodes of a child absent from the header table"),
    ("no-episodes", WARNING, "A child in the header table with no episodes"),
    ("duplicate-child", ERROR, "A child twice in the header table"),
    ("impossible-age", ERROR, "Born after an episode starts or after the year ends"),
    ("over-18", ERROR, "Looked after on or after the 18th birthday"),
    ("uasc-no-header", WARNING, "A UASC row for a child absent from the header table"),
    ("uasc-dob", ERROR, "UASC date of birth differs from the header's"),
    # across years
    (
        "closed-earlier",
        ERROR,
        "An episode open at the end of a year is closed in a later "
        "year's return before that year ended",
    ),
    ("reopened", ERROR, "An episode closed in a year's return is open in a later one"),
    (
        "open-dropped",
        WARNING,
        "An episode open at the end of a year is missing from the next year's return",
    ),
    (
        "changed-later",
        WARNING,
        "An episode's RNE, LS, CIN, PLACE or PLACE_PROVIDER differs in a later year's return",
    ),
)
"""Every rule, in the order the report lists them."""
