"""Edge-of-care programmes: referrals, therapist slots, waiting lists, outcomes, counterfactual."""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING, Any

from ..parameters import care_share
from ..pathway import DAYS_PER_YEAR, PROGRAMME_STATE, PROGRAMMES, Programme, State
from ..records import Measure
from ..timeline import ProgrammeLive
from .arrivals import Arrivals, mean_wait_for
from .children import AGE_18, DRAWS, U_AGE, U_NEED, U_PLACE, U_REENTRY
from .placements import Slots, staffed
from .streams import Shares

if TYPE_CHECKING:
    from .model import Model

REENTRY_WINDOW = 18 * DAYS_PER_YEAR / 12
"""Families are tracked for 18 months after closure (000, para 3.20)."""
RISK_WINDOW = REENTRY_WINDOW
"""Assumption: a referred family whose risk turns into care without help does so on a day drawn
uniformly within 18 months of referral (the span over which the service follows families, 000
para 3.20, and the START trial's outcome point). One law for every family, helped or not."""
WARM_UP = RISK_WINDOW
"""Days before the start over which the referral streams run alone, recording nothing: the
families referred then whose risk day is still to come, and the caseloads and waiting lists,
are there at the start as they would be in a run that had been going for ``RISK_WINDOW``."""


class Poisson:
    """Poisson draws by inversion of a cumulative table (small means; at most ``MOST``)."""

    MOST = 50

    def __init__(self, mean: float) -> None:
        p = total = math.exp(-mean)
        self.cumulative = [total]
        for k in range(1, self.MOST + 1):
            p *= mean / k
            total += p
            self.cumulative.append(total)
        self.cumulative[-1] = math.inf

    def draw(self, u: float) -> int:
        """The smallest k whose cumulative probability is at least ``u``."""
        return bisect.bisect_left(self.cumulative, u)


Member = tuple[int, float, str, list[float]]
"""A referred child: id, birth day, need and its draws. A child becomes a ``Child`` only if it
comes into care; until then the family's state is every member's state."""
UNNUMBERED = -1
"""The id of a child referred in the warm-up, numbered at the start if its family is followed."""


class Family:
    """A referred family: its children, where they are, and the draws fixed at referral."""

    __slots__ = (
        "certain",
        "duration",
        "helped",
        "in_care",
        "members",
        "risk_day",
        "state",
        "u_outcome",
        "waiting",
    )

    def __init__(self, members: list[Member], duration: float, u_outcome: float) -> None:
        self.members = members
        self.state: State | None = None
        self.duration = duration
        self.u_outcome = u_outcome
        self.helped = False
        self.in_care = False
        self.waiting = False
        self.certain = False
        """Offered the programme on the day it would have come into care directly."""
        self.risk_day = math.inf
        """For a family referred before the start, the day its risk would turn into care."""


class ProgrammeActor:
    """One programme: a referral stream, FTE x caseload slots and a waiting list."""

    def __init__(self, model: Model, prog: Programme) -> None:
        self.model = model
        self.prog = prog
        self.name = prog.value
        self.index = PROGRAMMES.index(prog)
        self.state = PROGRAMME_STATE[prog]
        prefix = f"programmes.{prog.value}"
        self.live: ProgrammeLive = model.live[prefix]
        self.stream = model.streams[f"referrals.{prog.value}"]
        self.pool = staffed(model, prefix, self.live, Slots(0, self.granted))
        p = model.params.programmes[prog]
        self.extra_children = Poisson(p.children_per_family.value - 1.0)
        self.ages = (p.age_range.value.low, p.age_range.value.high + 1 - p.age_range.value.low)
        self.needs = Shares(p.need_shares.value)
        self.cv = p.duration_cv.value
        self.most_chance = self.highest_chance()
        self.warming: list[Family] = []
        """The families referred before the start (during the warm-up)."""
        self.in_service_at_start = 0
        """Families being worked with at the start (started in the warm-up, so not counted)."""

    def mean_wait(self) -> float | None:
        return mean_wait_for(self.live.referrals_per_month)

    def referred(self, _mark: float) -> None:
        """A family is referred now; the day its risk would turn into care is fixed now."""
        family, delay = self.refer()
        if family.u_outcome < self.most_chance:
            self.model.env.call(delay, self.due, family)
        self.arrive(family)

    def highest_chance(self) -> float:
        """The highest chance of care a referred family can meet in the run (without help or
        with it, today and after each dated change): a family whose outcome draw is at or
        above it never comes into care, so its day need not be scheduled."""
        live = self.live
        values: dict[str, Any] = {
            "targeting_deflator": live.targeting_deflator,
            "outcome_split": live.outcome_split,
            "reentry_within_18_months": live.reentry_within_18_months,
        }
        highest = 0.0
        for change in [None, *self.model.changes]:
            if change is not None:
                name = change.path.removeprefix(f"programmes.{self.name}.")
                if name not in values:
                    continue
                values[name] = change.after(values[name])
            helped = care_share(
                values["outcome_split"]["came_into_care"], values["reentry_within_18_months"]
            )
            highest = max(highest, values["targeting_deflator"], helped)
        return highest

    def refer(self) -> tuple[Family, float]:
        """Draw a family (children, ages, needs, duration, outcome draw) and the days from now
        to the day its risk would turn into care (``RISK_WINDOW``)."""
        stream, now = self.stream, self.model.env.now
        n = 1 + self.extra_children.draw(stream.u())
        low, span = self.ages
        flat = stream.us(DRAWS * n)
        members = []
        for i in range(0, DRAWS * n, DRAWS):
            draws = flat[i : i + DRAWS]
            birth = now - (low + draws[U_AGE] * span) * DAYS_PER_YEAR
            cid = self.model.new_id() if now >= 0 else UNNUMBERED
            members.append((cid, birth, self.needs.pick(draws[U_NEED]), draws))
        duration = stream.gamma(self.live.duration_days, self.cv)
        family = Family(members, duration, stream.u())
        delay = stream.u() * RISK_WINDOW
        if now < 0:
            family.risk_day = now + delay
            self.warming.append(family)
        return family, delay

    def offer(self, member: Member) -> None:
        """A child who would come into care directly now is offered the programme first: a
        family of that child, due now, that comes into care unless worked with, and then with
        the chance the programme leaves relative to its deflator (1 with no effect)."""
        family = Family([member], self.live.duration_days, member[3][U_REENTRY])
        family.certain = True
        self.arrive(family)
        self.due(family)

    def arrive(self, family: Family) -> None:
        """Start at once if a slot is free; otherwise join the waiting list."""
        if self.pool.has_free():
            self.pool.take()
            self.begin(family)
        else:
            self.wait(family)

    def wait(self, family: Family) -> None:
        """Wait for a slot up to the maximum wait; then the family goes without."""
        model = self.model
        self.set_state(family, State.WAITING)
        self.note_waiting(len(family.members))
        self.pool.join(family)
        model.env.call(self.live.max_wait_days, self.give_up, family)

    def granted(self, family: Family) -> None:
        """A slot has come free for a waiting family."""
        self.note_waiting(-len(family.members))
        self.begin(family)

    def give_up(self, family: Family) -> None:
        """The maximum wait has passed: the family leaves the list unless already served."""
        if family.waiting:
            self.leave_list(family)
            self.count(Measure.TURNED_AWAY, len(family.members))
            self.set_state(family, State.HOME)

    def leave_list(self, family: Family) -> None:
        family.waiting = False
        self.note_waiting(-len(family.members))

    def begin(self, family: Family) -> None:
        """Work with the family until it closes (sooner if its children come into care)."""
        self.set_state(family, self.state)
        family.helped = True
        self.count(Measure.PROGRAMME_STARTS, len(family.members))
        self.count(Measure.FAMILIES_STARTED)
        self.model.env.call(family.duration, self.close, family)

    def close(self, family: Family) -> None:
        """Work ends with the children at home (unless they came into care first)."""
        if not family.in_care:
            self.finish(family)
            self.set_state(family, State.HOME)

    def finish(self, family: Family) -> None:
        self.pool.release()
        self.count(Measure.PROGRAMME_COMPLETIONS, len(family.members))

    def chance_of_care(self, family: Family) -> float:
        """The chance the family's risk turns into care: the targeting deflator without help,
        the programme's own chance (at or after closure) with it."""
        live = self.live
        without = live.targeting_deflator
        if not family.helped:
            return 1.0 if family.certain else without
        helped = care_share(live.outcome_split["came_into_care"], live.reentry_within_18_months)
        if family.certain:
            return min(1.0, helped / without) if without > 0 else 1.0
        return helped

    def due(self, family: Family) -> None:
        """The day the family's risk would turn into care: its children come into care if its
        outcome draw falls within the chance for where it is now (waiting, worked with, home).
        Those 18 by then stay at home as adults; if all are, the risk has lapsed. Before the
        start (the warm-up) they are among today's children in care already, so only the
        family's place in the programme is given up."""
        now = self.model.env.now
        children = [m for m in family.members if now - m[1] < AGE_18]
        if not children or family.u_outcome >= self.chance_of_care(family):
            return
        state = family.state
        if state is State.WAITING:
            self.leave_list(family)
        elif state is self.state:
            self.finish(family)
        elif family.helped:
            self.count(Measure.REENTRIES_AFTER_PROGRAMME, len(family.members))
        family.in_care = True
        if now < 0:
            return
        adults = [m[0] for m in family.members if now - m[1] >= AGE_18]
        if adults and state is not State.HOME:
            self.model.move_outside_care(adults, state, State.HOME)
        for member in children:
            self.enter_care(member, state)

    def set_state(self, family: Family, state: State) -> None:
        """Move the family's children to ``state`` (recorded from the start on)."""
        if self.model.env.now >= 0:
            self.model.move_outside_care([m[0] for m in family.members], family.state, state)
        family.state = state

    def count(self, measure: str, n: int = 1) -> None:
        """Count ``n`` of ``measure`` now (nothing is counted before the start)."""
        now = self.model.env.now
        if now >= 0:
            self.model.log.count(now, measure, self.name, n)

    def note_waiting(self, change: int) -> None:
        """The waiting list changes by ``change`` children now (recorded from the start on)."""
        now = self.model.env.now
        if now >= 0:
            self.model.log.waiting.extend((now, self.index, change))

    def take_over(self) -> None:
        """At the start, record where the families referred in the warm-up are: those still
        waiting or worked with, and those at home whose risk day is still to come."""
        for family in self.warming:
            state = family.state
            ongoing = state is State.WAITING or state is self.state
            if state is None or family.in_care or not (ongoing or family.risk_day >= 0):
                continue
            family.members = [(self.model.new_id(), b, n, d) for _, b, n, d in family.members]
            family.state = None
            self.set_state(family, state)
            if state is State.WAITING:
                self.note_waiting(len(family.members))
            elif state is self.state:
                self.in_service_at_start += 1
        self.warming = []

    def enter_care(self, member: Member, state: State | None) -> None:
        """A member comes into care from ``state`` (now a tracked ``Child``)."""
        cid, birth, need, draws = member
        child = self.model.child_at(cid, birth, need, draws, state)
        self.model.enter_care(child, self.name, draws[U_PLACE])


def start(model: Model) -> dict[Programme, ProgrammeActor]:
    """Create every programme and start its referral stream ``WARM_UP`` days before the start
    (the model's clock begins there), at the start's rates; run the clock to the start, with
    nothing recorded and no child coming into care (``take_over`` then records the families
    still followed)."""
    actors = {prog: ProgrammeActor(model, prog) for prog in PROGRAMMES}
    for actor in actors.values():
        Arrivals(model, actor.stream, actor.mean_wait, actor.referred)
    model.env.run(until=0.0)
    return actors


def take_over(model: Model) -> None:
    """Number and record the families referred in the warm-up that are still followed at the
    start; after today's children in care, so that those are numbered alike in every scenario
    (their cost positions are drawn in that order)."""
    for actor in model.programmes.values():
        actor.take_over()
