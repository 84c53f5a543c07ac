"""FFT reunification ("Safe Steps Home"): therapists return children from high-cost placements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pathway import DAYS_PER_YEAR, MONTH, REUNIFICATION, ExitRoute, State
from ..records import Measure
from ..timeline import ReunificationLive
from .children import U_PLACE
from .placements import Places, staffed
from .programmes import REENTRY_WINDOW

if TYPE_CHECKING:
    from .model import Child, Model


class Reunification:
    """Selects eligible children monthly into free slots, and returns a share of them home."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.params = model.params.reunification
        self.live: ReunificationLive = model.live["reunification"]
        self.stream = model.streams["reunification"]
        self.pool = staffed(model, "reunification", self.live, Places())
        self.eligible = tuple(State(p) for p in self.params.eligible_placements.value)

    def candidates(self) -> list[Child]:
        """Children in eligible placements, of eligible age and time in care, not yet tried."""
        now = self.model.env.now
        ages = self.params.age_range.value
        low, high = ages.low * DAYS_PER_YEAR, (ages.high + 1) * DAYS_PER_YEAR
        minimum = self.params.min_days_in_care.value
        found = []
        for state in self.eligible:
            for child in self.model.placed[state].values():
                if (
                    not child.tried_reunification
                    and low <= child.age(now) < high
                    and now - child.entered >= minimum
                ):
                    found.append(child)
        return found

    def run(self):
        """Each month, fill free slots from the eligible children, chosen at random."""
        env = self.model.env
        while True:
            if self.pool.has_free():
                pool = self.candidates()
                while pool and self.pool.has_free():
                    child = pool.pop(int(self.stream.u() * len(pool)))
                    self.pool.take()
                    child.tried_reunification = True
                    self.model.log.count(env.now, Measure.REUNIFICATION_STARTS, REUNIFICATION)
                    env.process(self.work(child))
            yield env.timeout(MONTH)

    def work(self, child: Child):
        """Work towards return; if the child goes home, support continues there.

        A child goes home early only for a draw between the targeting deflator (the chance it
        would have gone home about as soon without the service: then the service changes
        nothing, and the child keeps its own drawn exit) and the success share. A child
        returned early saves the days to its own drawn exit, less any days back in care after
        a breakdown."""
        model, env = self.model, self.model.env
        generation = child.generation
        u_success, u_breakdown, u_when = self.stream.us(3)
        yield env.timeout(self.params.days_to_return.value)
        in_care = child.generation == generation and child.state is not State.PLACED_FOR_ADOPTION
        if not in_care or not self.live.targeting_deflator <= u_success < self.live.success_share:
            self.pool.release()
            return
        model.leave_care(child, State.IN_FFT_REUNIFICATION, ExitRoute.REUNIFIED.value)
        model.log.count(env.now, Measure.REUNIFICATION_RETURNS, REUNIFICATION)
        breaks = u_breakdown < self.live.breakdown_within_18_months
        breakdown_at = env.now + u_when * REENTRY_WINDOW if breaks else float("inf")
        support_ends = env.now + self.params.support_days.value
        yield env.timeout(min(support_ends, breakdown_at) - env.now)
        if env.now >= support_ends:
            self.pool.release()
            model.move(child, State.REUNIFIED)
            if not breaks:
                return
            yield env.timeout(breakdown_at - env.now)
        else:
            self.pool.release()
        self.breakdown(child)

    def breakdown(self, child: Child) -> None:
        """The return home breaks down: the child comes back into care."""
        model = self.model
        model.log.count(model.env.now, Measure.REUNIFICATION_BREAKDOWNS, REUNIFICATION)
        child.draws = self.stream.us(len(child.draws))
        model.enter_care(child, REUNIFICATION, child.draws[U_PLACE])


def start(model: Model) -> Reunification:
    actor = Reunification(model)
    model.env.process(actor.run())
    return actor
