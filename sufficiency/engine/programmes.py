"""Edge-of-care programmes: referrals, therapist slots, waiting lists, outcomes, counterfactual."""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR, PROGRAMME_STATE, PROGRAMMES, Programme, State
from ..records import Measure
from ..timeline import ProgrammeLive
from .arrivals import arrivals, mean_wait_for
from .children import DRAWS, U_AGE, U_NEED, U_OUTCOME, U_PLACE, U_REENTRY, at
from .placements import Slots, staffed
from .streams import Shares

if TYPE_CHECKING:
    from .model import Model

REENTRY_WINDOW = 18 * DAYS_PER_YEAR / 12
"""Families are tracked for 18 months after closure (000, para 3.20)."""


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


class Family:
    """A referred family: its children, where they are, and the draws fixed at referral."""

    __slots__ = ("duration", "members", "state", "u_outcome", "u_when", "waiting")

    def __init__(
        self, members: list[Member], duration: float, u_outcome: float, u_when: float
    ) -> None:
        self.members = members
        self.state: State | None = None
        self.duration = duration
        self.u_outcome = u_outcome
        self.u_when = u_when
        self.waiting = False


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

    def mean_wait(self) -> float | None:
        return mean_wait_for(self.live.referrals_per_month)

    def referred(self, _mark: float) -> None:
        """A family is referred now."""
        self.arrive(self.refer())

    def refer(self) -> Family:
        """Draw a family: children, ages, needs, duration and outcome draws."""
        stream, now = self.stream, self.model.env.now
        n = 1 + self.extra_children.draw(stream.u())
        low, span = self.ages
        flat = stream.us(DRAWS * n)
        members = []
        for i in range(0, DRAWS * n, DRAWS):
            draws = flat[i : i + DRAWS]
            birth = now - (low + draws[U_AGE] * span) * DAYS_PER_YEAR
            members.append((self.model.new_id(), birth, self.needs.pick(draws[U_NEED]), draws))
        duration = stream.gamma(self.live.duration_days, self.cv)
        return Family(members, duration, stream.u(), stream.u())

    def arrive(self, family: Family) -> None:
        """Start at once if a slot is free; otherwise join the waiting list."""
        if self.pool.has_free():
            self.pool.take()
            self.begin(family)
        else:
            self.wait(family)

    def wait(self, family: Family) -> None:
        """Wait for a slot up to the maximum wait; then the risk resolves without us."""
        model = self.model
        self.set_state(family, State.WAITING)
        model.log.waiting.append((model.env.now, self.index, len(family.members)))
        self.pool.join(family)
        at(model, self.live.max_wait_days, lambda _: self.give_up(family))

    def granted(self, family: Family) -> None:
        """A slot has come free for a waiting family."""
        self.model.log.waiting.append((self.model.env.now, self.index, -len(family.members)))
        self.begin(family)

    def give_up(self, family: Family) -> None:
        """The maximum wait has passed: the family leaves the list unless already served."""
        if family.waiting:
            family.waiting = False
            self.model.log.waiting.append((self.model.env.now, self.index, -len(family.members)))
            self.turn_away(family)

    def begin(self, family: Family) -> None:
        """Work with the family until it closes (sooner if its children come into care)."""
        model, env = self.model, self.model.env
        self.set_state(family, self.state)
        model.log.count(env.now, Measure.PROGRAMME_STARTS, self.name, len(family.members))
        model.log.count(env.now, Measure.FAMILIES_STARTED, self.name)
        came_into_care = family.u_outcome < self.live.outcome_split["came_into_care"]
        duration = family.duration * (family.u_when if came_into_care else 1.0)
        at(model, duration, lambda _: self.close(family, came_into_care))

    def close(self, family: Family, came_into_care: bool) -> None:
        model = self.model
        self.pool.release()
        model.log.count(
            model.env.now, Measure.PROGRAMME_COMPLETIONS, self.name, len(family.members)
        )
        if came_into_care:
            self.into_care(family)
        else:
            self.close_at_home(family)

    def set_state(self, family: Family, state: State) -> None:
        self.model.move_outside_care([m[0] for m in family.members], family.state, state)
        family.state = state

    def into_care(self, family: Family) -> None:
        for member in family.members:
            self.enter_care(member, family.state)

    def enter_care(self, member: Member, state: State) -> None:
        """A member comes into care from ``state`` (now a tracked ``Child``)."""
        cid, birth, need, draws = member
        child = self.model.child_at(cid, birth, need, draws, state)
        self.model.enter_care(child, self.name, draws[U_PLACE])

    def turn_away(self, family: Family) -> None:
        """Risk resolved without the programme: care with the targeting deflator's probability."""
        self.model.log.count(
            self.model.env.now, Measure.TURNED_AWAY, self.name, len(family.members)
        )
        if family.u_outcome < self.live.targeting_deflator:
            self.into_care(family)
        else:
            self.set_state(family, State.HOME)

    def close_at_home(self, family: Family) -> None:
        """Children stay home; some re-enter care within 18 months of closure."""
        self.set_state(family, State.HOME)
        p_reentry = self.live.reentry_within_18_months
        for member in family.members:
            draws = member[3]
            if draws[U_OUTCOME] < p_reentry:
                delay = draws[U_REENTRY] * REENTRY_WINDOW
                at(self.model, delay, lambda _, member=member: self.reenter(member))

    def reenter(self, member: Member) -> None:
        """A child at home since closure comes into care (nothing else moves it from home)."""
        self.model.log.count(self.model.env.now, Measure.REENTRIES_AFTER_PROGRAMME, self.name)
        self.enter_care(member, State.HOME)


def start(model: Model) -> dict[Programme, ProgrammeActor]:
    """Create every programme and start its referral stream."""
    actors = {prog: ProgrammeActor(model, prog) for prog in PROGRAMMES}
    for actor in actors.values():
        model.env.process(arrivals(model.env, actor.stream, actor.mean_wait, actor.referred))
    return actors
