"""A published breakdown as counts: suppressed cells share what the total leaves after the
published cells, and the source of anything built from them says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .cells import Cell


@dataclass(frozen=True)
class Counts:
    """Counts by characteristic (the total excluded), and which cells were not published."""

    counts: dict[str, float]
    total: float
    suppressed: tuple[str, ...]
    left_out: tuple[str, ...]

    def grouped(self, group_of: Callable[[str], str | None]) -> dict[str, float]:
        """Counts summed by ``group_of(characteristic)`` (``None`` drops a characteristic)."""
        out: dict[str, float] = {}
        for name, count in self.counts.items():
            group = group_of(name)
            if group is not None:
                out[group] = out.get(group, 0.0) + count
        return out

    def hidden(self) -> float:
        """The count the suppressed cells share."""
        return sum(self.counts[name] for name in self.suppressed)

    def note(self) -> str:
        """How unpublished cells were treated, for a source ('' when every cell was published)."""
        notes = []
        if self.suppressed:
            notes.append(
                f"suppressed cells (c: {', '.join(self.suppressed)}) share the "
                f"{self.hidden():g} "
                "the published total leaves after the published cells"
            )
        if self.left_out:
            notes.append(
                f"cells marked not applicable or not available ({', '.join(self.left_out)}) "
                "left out"
            )
        return "; " + "; ".join(notes) if notes else ""


def split(cells: dict[str, Cell]) -> Counts | None:
    """The breakdown as counts, or ``None`` when its total is not published or is zero."""
    total = cells.get("Total")
    if total is None or total.value is None or total.value <= 0:
        return None
    parts = {name: cell for name, cell in cells.items() if name != "Total"}
    published = sum(cell.value for cell in parts.values() if cell.value is not None)
    hidden = tuple(name for name, cell in parts.items() if cell.suppressed)
    share = max(total.value - published, 0.0) / len(hidden) if hidden else 0.0
    counts = {
        name: cell.value if cell.value is not None else (share if cell.suppressed else 0.0)
        for name, cell in parts.items()
    }
    left_out = tuple(
        name for name, cell in parts.items() if cell.value is None and not cell.suppressed
    )
    return Counts(counts, total.value, hidden, left_out)


def shares(counts: dict[str, float], keys: tuple[str, ...]) -> dict[str, float] | None:
    """``counts`` over ``keys`` as shares summing to 1, or ``None`` when they sum to nothing."""
    total = sum(counts.get(key, 0.0) for key in keys)
    if total <= 0:
        return None
    return {key: counts.get(key, 0.0) / total for key in keys}


def group_shares(
    counts: Counts, group_of: Callable[[str], str | None], keys: tuple[str, ...]
) -> dict[str, float]:
    """``counts`` grouped and as shares over ``keys`` (for a breakdown chosen because they sum
    to something)."""
    out = shares(counts.grouped(group_of), keys)
    if out is None:
        raise ValueError(f"no counts in {keys}")
    return out
