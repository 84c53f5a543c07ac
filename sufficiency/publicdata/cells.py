"""Reading one published cell: a number, or one of the DfE's symbols for a withheld figure.

A symbol is never read as zero: the cell's value is missing (``None``) and its ``symbol`` says
why, so a suppressed count stays suppressed in anything written from it.
"""

from __future__ import annotations

from dataclasses import dataclass

SYMBOLS = {
    "c": "suppressed to protect confidentiality (a small number)",
    "z": "not applicable",
    "x": "not available",
    "low": "a small figure that rounds to zero",
    "[x]": "not reported",
}
"""The symbols the DfE and MHCLG tables use; any other text that is not a number is kept as
its own symbol (``[note 4]``, say) rather than crashing the reader."""


@dataclass(frozen=True)
class Cell:
    """A published figure: ``value`` when a number was published, else the ``symbol`` shown."""

    value: float | None
    symbol: str = ""

    @property
    def suppressed(self) -> bool:
        return self.symbol == "c"

    def shown(self) -> str:
        """The cell as published: the number (whole numbers without a decimal point), or its
        symbol."""
        if self.value is None:
            return self.symbol or "-"
        return f"{self.value:g}" if self.value != int(self.value) else str(int(self.value))


def parse_cell(text: object) -> Cell:
    """A cell from its published text: numbers (with or without thousands commas) as floats,
    symbols and anything else as missing with the text kept as the symbol."""
    raw = "" if text is None else str(text).strip()
    if raw.lower() in ("", "nan"):
        return Cell(None, "")
    try:
        return Cell(float(raw.replace(",", "")))
    except ValueError:
        return Cell(None, raw)


def describe(symbol: str) -> str:
    """What a symbol means, for messages."""
    return SYMBOLS.get(symbol, f"not published ({symbol!r})")
