"""In-house capacity over time: foster-carer households and children's homes.

Each household has approved places, the age bands it takes, spells on hold (a break, time
between children, the carers' own circumstances) when it takes no new child, and carers whose
age raises their chance of leaving. A household that leaves takes no new child; children
already there stay until they move or leave care. Households that can take a child of each age
band now are indexed by band, so matching never scans the register.

For common random numbers every household's fate is its own: applicants arrive at a fixed
bound on the recruitment rate and each draws its attributes whether approved or not (approved
with the chance the rate in force over the bound), and each household leaves when its own
exponential budget of the leaving hazard is spent. So a scenario that recruits more approves the
baseline's households and some more, and the baseline's households leave on the same days.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..parameters import bands_taken
from ..pathway import AGE_BANDS, DAYS_PER_YEAR, MONTH, State
from ..timeline import CarersLive
from .arrivals import Arrivals
from .streams import Shares

if TYPE_CHECKING:
    from .model import Child, Model

MIN_AGE, MAX_AGE = 21.0, 80.0
"""Carers' ages are drawn within these bounds (years)."""
SPELL_DRAWS = 32
"""Draws each household holds for its spells on hold (used again in turn once used up)."""
U_RANGE, U_PLACES, U_AGE, U_ANGLE, U_LEAVE = range(5)
APPLICANT_DRAWS = U_LEAVE + 1 + SPELL_DRAWS
"""An applicant's draws: age range, places, age (two), leaving budget, then its spells."""
BOUND = 4.0
"""Applicants arrive at this multiple of the recruitment rate at the start, so the same
applicants arrive in any scenario that stays under it (a change above it raises the bound
from the next applicant's wait on)."""


def spell_draw(h: Household) -> float:
    """The household's next own draw for its spells, cycling through them."""
    u = h.spells.pop()
    h.spells.insert(0, u)
    return u


class Household:
    """One approved fostering household, and the seat a child placed there holds."""

    __slots__ = (
        "bands",
        "born",
        "budget",
        "children",
        "epoch",
        "held",
        "id",
        "leaving",
        "places",
        "pool",
        "since",
        "spells",
        "u",
    )

    def __init__(
        self, pool: Households, hid: int, bands: tuple[str, ...], born: float, u: float
    ) -> None:
        self.pool = pool
        self.id = hid
        self.bands = bands
        self.born = born  # years: the carer's age is now / DAYS_PER_YEAR - born
        self.u = u  # fixes the approved places for any mean places per household
        self.spells: list[float] = []
        """The household's own uniform draws for its spells on hold, used in turn."""
        self.places = 0
        self.children = 0
        self.held = False
        self.leaving = False
        self.budget = 0.0
        """The leaving hazard still to be spent (from an exponential draw) when ``since``."""
        self.since = 0.0
        self.epoch = 0
        """Changes of the attrition rate seen: a leaving scheduled before one is stale."""

    def is_open(self) -> bool:
        return not self.held and not self.leaving and self.children < self.places

    def release(self) -> None:
        """A child placed here moves on or leaves care."""
        self.children -= 1
        self.pool.refresh(self)
        if self.leaving:
            self.pool.closing -= 1
            self.pool.model.record_capacity()


class Households:
    """The register of in-house fostering households: the in-house foster capacity pool."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.live: CarersLive = model.live["foster_carers"]
        self.params = model.params.foster_carers
        self.stream = model.streams["carers"]
        self.kinds = model.streams["carer_households"]
        """The n-th applicant's age range, places, age, spells and leaving budget, alike in every
        scenario."""
        self.ranges = Shares({k: v for k, v in self.params.age_ranges.value.items()})
        self.active: dict[int, Household] = {}
        """Households still approved (not leaving)."""
        self.register: dict[int, Household] = {}
        """Every household still approved or still caring for a child."""
        self.open: dict[str, dict[int, Household]] = {band: {} for band in AGE_BANDS}
        self.settled = False
        self._next = 0
        self.k = math.log(self.params.attrition_ratio_per_decade.value) / 10.0
        self.attrition = self.live.attrition_per_year
        """The attrition rate the households' leaving days were scheduled with."""
        self.bound = BOUND * self.live.recruitment_per_year
        self.approved = 0
        """Approved places of the households still approved."""
        self.closing = 0
        """Children still with households that have left (their places close as they go)."""
        self.spell_means = self.hold_means()

    # -- the pool interface (as ``placements.Places``) ------------------------------------
    @property
    def places(self) -> int:
        """Approved places of the households still approved, and the places still in use in
        households that have left."""
        return self.approved + self.closing

    @property
    def occupied(self) -> int:
        return sum(h.children for h in self.register.values())

    @property
    def capacity(self) -> int:
        return sum(max(h.places, h.children) for h in self.register.values())

    @property
    def free(self) -> int:
        """Places a child could take now (in households open to any of their ages)."""
        return sum(h.places - h.children for h in self.register.values() if h.is_open())

    def has_free(self, child: Child | None = None) -> bool:
        """A usable place is free now (in a household that takes ``child``'s age, if given)."""
        if child is None:
            return any(self.open.values())
        return bool(self.open[child.band(self.model.env.now)])

    def admit(self, child: Child) -> Household | None:
        """A household that takes the child's age and has a usable place now, taken; else None.
        Before the run starts (today's children), any household with room will do."""
        found = self.open[child.band(self.model.env.now)]
        household: Household | None = next(iter(found.values()), None)
        if household is None and not self.settled:
            household = next((h for h in self.register.values() if h.is_open()), None)
        if household is None:
            return None
        household.children += 1
        self.refresh(household)
        return household

    # -- households -----------------------------------------------------------------------
    def refresh(self, h: Household) -> None:
        """Keep the index of open households, and drop a leaving household once empty."""
        if h.is_open():
            for band in h.bands:
                self.open[band][h.id] = h
        else:
            for band in h.bands:
                self.open[band].pop(h.id, None)
        if h.leaving and not h.children:
            self.register.pop(h.id, None)

    def join(self, mean_age: float, draws: list[float]) -> Household:
        """A household of carers aged about ``mean_age`` years is approved now, with its own
        ``draws`` (``APPLICANT_DRAWS``)."""
        key = self.ranges.pick(draws[U_RANGE])
        age = self.draw_age(mean_age, draws[U_AGE], draws[U_ANGLE])
        born = self.model.env.now / DAYS_PER_YEAR - age
        h = Household(self, self._next, bands_taken(key), born, draws[U_PLACES])
        h.spells = draws[:U_LEAVE:-1]
        h.budget = -math.log(1.0 - draws[U_LEAVE])
        h.since = self.model.env.now
        self._next += 1
        h.places = self.places_of(h)
        self.active[h.id] = h
        self.register[h.id] = h
        self.approved += h.places
        self.refresh(h)
        self.schedule_leaving(h)
        return h

    def leave(self, h: Household) -> None:
        """The household leaves: it takes no new child, and goes once its children have."""
        del self.active[h.id]
        self.approved -= h.places
        self.closing += h.children
        h.leaving = True
        self.refresh(h)
        self.model.record_capacity()

    def places_of(self, h: Household) -> int:
        """Approved places: the mean rounded down or up, up with the chance of its fraction."""
        return int(math.floor(self.live.places_per_household + h.u))

    def resize(self) -> None:
        """Mean places per household changed: every household's approved places follow."""
        for h in self.register.values():
            h.places = self.places_of(h)
            self.refresh(h)
        self.approved = sum(h.places for h in self.active.values())
        self.model.record_capacity()

    def draw_age(self, mean: float, u: float, v: float) -> float:
        """A carer's age: normal about ``mean`` (Box-Muller from ``u`` and ``v``), within the
        bounds."""
        z = math.sqrt(-2.0 * math.log(1.0 - u)) * math.cos(2.0 * math.pi * v)
        return min(MAX_AGE, max(MIN_AGE, mean + self.params.age_sd.value * z))

    # -- leaving --------------------------------------------------------------------------
    def coefficient(self, h: Household) -> float:
        """The household's leaving rate a year is this times exp(k * years from the start):
        the attrition rate at the carers' reported mean age, rising with their age."""
        return self.attrition * math.exp(-self.k * (h.born + self.params.mean_age.value))

    def hazard(self, h: Household, start: float, end: float) -> float:
        """The household's leaving hazard between days ``start`` and ``end``, at the attrition
        rate in force."""
        a, b = start / DAYS_PER_YEAR, end / DAYS_PER_YEAR
        c = self.coefficient(h)
        if self.k == 0:
            return c * (b - a)
        return c * (math.exp(self.k * b) - math.exp(self.k * a)) / self.k

    def schedule_leaving(self, h: Household) -> None:
        """Schedule the day the household's budget is spent (none if never)."""
        now = self.model.env.now
        rate = self.coefficient(h)
        if rate <= 0:
            return
        a = now / DAYS_PER_YEAR
        if self.k == 0:
            end = a + h.budget / rate
        else:
            grown = math.exp(self.k * a) + self.k * h.budget / rate
            if grown <= 0:
                return
            end = math.log(grown) / self.k
        epoch = h.epoch
        self.model.env.call(end * DAYS_PER_YEAR - now, self.spent, h, epoch)

    def spent(self, h: Household, epoch: int) -> None:
        if h.epoch == epoch and not h.leaving:
            self.leave(h)

    def attrition_changed(self) -> None:
        """The attrition rate changed: each household spends its budget at the old rate up to
        now, and its leaving day follows from what is left at the new one."""
        now = self.model.env.now
        for h in self.active.values():
            h.budget = max(0.0, h.budget - self.hazard(h, h.since, now))
            h.since = now
            h.epoch += 1
        self.attrition = self.live.attrition_per_year
        for h in self.active.values():
            self.schedule_leaving(h)

    # -- recruitment ----------------------------------------------------------------------
    def recruitment_changed(self) -> None:
        """The recruitment rate changed: the bound rises to it if it is above."""
        self.bound = max(self.bound, self.live.recruitment_per_year)

    def applicant_wait(self) -> float | None:
        """Mean days between applicants, at the bound on the mainstream recruitment rate."""
        share = self.params.mainstream_recruit_share.value
        return DAYS_PER_YEAR / (self.bound * share) if self.bound * share > 0 else None

    def apply(self, mark: float) -> None:
        """An applicant, approved with the chance the rate in force over the bound."""
        draws = self.kinds.us(APPLICANT_DRAWS)
        if mark * self.bound < self.live.recruitment_per_year:
            self.schedule_hold(self.join(self.params.recruit_age.value, draws))
            self.model.record_capacity()

    # -- spells on hold -------------------------------------------------------------------
    def hold_means(self) -> tuple[float, float]:
        """Mean days available and on hold, so that on-hold time is the unusable share (fixed
        for the run: ``spell_means`` holds them)."""
        hold = self.params.hold_months.value * MONTH
        unusable = 1.0 - self.params.usable_share.value
        if unusable <= 0:
            return math.inf, hold
        return hold * (1.0 - unusable) / unusable, hold

    def settle(self) -> None:
        """After today's children are placed: each household is on hold with the unusable
        share's chance, and its spells run from now."""
        self.settled = True
        unusable = 1.0 - self.params.usable_share.value
        for h in list(self.active.values()):
            h.held = spell_draw(h) < unusable
            self.refresh(h)
            self.schedule_hold(h)

    def schedule_hold(self, h: Household) -> None:
        """The household's current spell (available or on hold) ends after an exponential
        time; then it switches."""
        available, hold = self.spell_means
        mean = hold if h.held else available
        if math.isinf(mean):
            return
        self.model.env.call(-mean * math.log(1.0 - spell_draw(h)), self.switch, h)

    def switch(self, h: Household) -> None:
        if h.leaving:
            return
        h.held = not h.held
        self.refresh(h)
        self.schedule_hold(h)


def change_beds(model: Model, day: float, index: int, delta: int):
    """A home opening (more beds) or closing (fewer) on its date."""
    yield model.env.timeout(day - model.env.now)
    model.homes.resize_home(index, delta)
    model.record_capacity()


def open_homes(model: Model) -> None:
    """Open the homes open today; schedule the rest."""
    for index, spec in enumerate(model.params.homes):
        opens = model.day(spec.opens)
        closes = model.day(spec.closes) if spec.closes is not None else math.inf
        if opens <= 0 < closes:
            model.homes.resize_home(index, spec.beds.value)
        if opens > 0:
            model.env.process(change_beds(model, opens, index, spec.beds.value))
        if 0 < closes < math.inf:
            model.env.process(change_beds(model, closes, index, -spec.beds.value))


def start(model: Model) -> Households:
    """Open today's homes and approve today's households (before today's children are
    placed); their spells on hold begin once the children are placed."""
    open_homes(model)
    carers = Households(model)
    model.pools[State.FOSTER_INHOUSE] = carers
    params = carers.params
    mean = params.mean_age.value
    for _ in range(round(params.households.value * params.mainstream_share.value)):
        carers.join(mean, carers.kinds.us(APPLICANT_DRAWS))
    model.on_change("foster_carers.places_per_household", carers.resize)
    model.on_change("foster_carers.attrition_per_year", carers.attrition_changed)
    model.on_change("foster_carers.recruitment_per_year", carers.recruitment_changed)
    model.record_capacity()
    Arrivals(model, carers.stream, carers.applicant_wait, carers.apply, marked=True)
    return carers
