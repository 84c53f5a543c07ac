"""Placement moves: short (bridging) placements ending, foster placements breaking down, and
steps up from foster care to a children's home.

A placement taken on coming into care, or after one of these unplanned moves, is a short one
with a set chance, so moves come in runs as they do for the children the DfE counts with three
or more placements in a year.

Each move is drawn when a child takes a placement (one exponential time at the rate for its
age band then), and happens only if the child still holds that placement; so nothing scans
the children in care. A move drawn for on or after the child's exit is not scheduled (the
exit comes first and ends the placement).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR, FALLBACK, MONTH, State
from ..records import Measure, MoveKind
from .placements import transfer

if TYPE_CHECKING:
    from .model import Child, Model

FOSTER = (State.FOSTER_INHOUSE, State.FOSTER_KINSHIP, State.FOSTER_IFA)
"""Placements that can break down or step up."""


class Moves:
    """Schedules each child's next move from the placement it has just taken."""

    def __init__(self, model: Model) -> None:
        self.model = model
        p = model.params.moves
        self.breakdown = p.breakdown_per_year.value
        self.step_up = p.step_up_per_year.value
        self.bridging_share = p.bridging_share.value
        self.bridging_days = p.bridging_months.value * MONTH
        self.stream = model.streams["moves"]

    def u(self, child: Child) -> float:
        """The child's next own draw for moves, or one from the moves stream once used up."""
        i = child.drawn
        if i < len(child.draws):
            child.drawn = i + 1
            return child.draws[i]
        return self.stream.u()

    def placed(self, child: Child, unplanned: bool) -> None:
        """The child has just taken a placement; ``unplanned``: on coming into care or after
        an unplanned move, when the placement may be a short (bridging) one."""
        model = self.model
        serial = child.serial
        if unplanned and self.u(child) < self.bridging_share:
            delay = -self.bridging_days * math.log(1.0 - self.u(child))
            if model.env.now + delay < child.exit_at:
                model.env.call(delay, self.rematch, child, serial)
            return
        if child.state not in FOSTER:
            return
        band = child.band(model.env.now)
        up = self.step_up[band]
        rate = self.breakdown[band] + up
        if rate <= 0:
            return
        delay = -DAYS_PER_YEAR / rate * math.log(1.0 - self.u(child))
        steps_up = self.u(child) * rate < up
        if model.env.now + delay < child.exit_at:
            model.env.call(delay, self.end, child, serial, steps_up)

    def rematch(self, child: Child, serial: int) -> None:
        """A short first placement ends: the child moves to a placement chosen afresh."""
        if child.serial != serial:
            return
        model = self.model
        choice = model.matcher.first_choice(child.band(model.env.now), child.need, self.u(child))
        if not transfer(model, child, choice):
            transfer(model, child, FALLBACK[choice])
            model.want(child, choice)
            model.log.count(model.env.now, Measure.PLACED_EXTERNALLY, choice.value)
        self.moved(child, MoveKind.BRIDGING)

    def end(self, child: Child, serial: int, steps_up: bool) -> None:
        """A foster placement ends: a step up to a children's home, or a breakdown to another
        foster carer (in-house where one suits, else an agency's)."""
        if child.serial != serial:
            return
        model = self.model
        wanted = State.HOME_INHOUSE if steps_up else State.FOSTER_INHOUSE
        if not transfer(model, child, wanted):
            transfer(model, child, FALLBACK[wanted])
        self.moved(child, MoveKind.STEP_UP if steps_up else MoveKind.BREAKDOWN)

    def moved(self, child: Child, kind: str) -> None:
        """Count an unplanned move and schedule the next from the new placement."""
        self.model.log.count(self.model.env.now, Measure.MOVES, kind)
        self.placed(child, unplanned=True)
