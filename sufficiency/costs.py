"""Cost parts beyond placement-days x weekly rate, reduced from one replication's log: each
child's position within its placement type's costs, in-house homes' fixed running cost, care
leavers and staying put, and the unaccompanied children's grant (income).

Everything here is arrays over children or months, drawn once per replication from the
``cost_position`` stream, so no other draw of the run changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtri

from .parameters import ParameterSet
from .pathway import DAYS_PER_YEAR, MONTH, PLACEMENTS, STATE_INDEX, STATES, State

if TYPE_CHECKING:
    from .engine.model import Model

LEAVING_CARE_YEARS = 3
"""Care leavers are counted and supported from 18 to 21 (the reports' 305 are aged 18-21)."""
FOSTER = (State.FOSTER_INHOUSE, State.FOSTER_KINSHIP, State.FOSTER_IFA)
PLACEMENT_MASK = np.isin(np.arange(len(STATES)), [STATE_INDEX[p] for p in PLACEMENTS])
FOSTER_MASK = np.isin(np.arange(len(STATES)), [STATE_INDEX[s] for s in FOSTER])
Bounds = np.ndarray
"""(month, 2): the first and last day of each month, as ``measures.month_bounds``."""


def child_draws(model: Model) -> np.ndarray:
    """Two uniforms for every child of the run, rows (draw, child): its cost position, drawn
    when it came into care (``Model.enter_care``) or, for children in care at the start, here,
    in the order they were numbered; and (children at the start) whether it arrived
    unaccompanied. The same each time a model is reduced, and the same for the same child in
    two scenarios whose care is the same."""
    seed = model.streams["cost_position.start"].rng.bit_generator.seed_seq  # the same each call
    out = np.random.Generator(np.random.PCG64(seed)).random((model.numbered, 2)).T.copy()
    if len(model.log.positions):
        child, u = model.log.positions.array().T
        out[0, child.astype(int)] = u
    return out


def cost_positions(params: ParameterSet, u: np.ndarray) -> np.ndarray:
    """(state, child): each child's weekly cost as a multiple of its placement type's mean, a
    lognormal with mean 1 and the type's spread (``costs.spread``) at the child's position."""
    out = np.ones((len(STATES), len(u)))
    z = ndtri(u)
    for name, cv in params.costs.spread.value.items():
        if cv > 0:
            sigma = np.sqrt(np.log1p(cv * cv))
            out[STATE_INDEX[State(name)]] = np.exp(sigma * z - sigma * sigma / 2)
    return out


def variable_share(params: ParameterSet) -> float:
    """The part of an in-house home's reported weekly cost per child that varies with occupancy."""
    return 1.0 - params.costs.homes.fixed_share.value


def fixed_per_bed_week(params: ParameterSet) -> float:
    """An in-house bed's fixed running cost per week, as a multiple of the weekly cost per child:
    the fixed share of the cost of an occupied bed at the occupancy the cost was measured at."""
    homes = params.costs.homes
    return homes.fixed_share.value * homes.reported_occupancy.value


def overlap(starts: np.ndarray, ends: np.ndarray, bounds: Bounds) -> np.ndarray:
    """Days of each [start, end) within each month, (span, month)."""
    a, b = bounds[:, 0], bounds[:, 1]
    return np.clip(np.minimum(ends[:, None], b) - np.maximum(starts[:, None], a), 0.0, None)


def bed_days(params: ParameterSet, bounds: Bounds) -> np.ndarray:
    """(home, month): beds x days open in each month."""
    start = params.start_date
    opens = np.array([float((h.opens - start).days) for h in params.homes])
    closes = np.array(
        [float((h.closes - start).days) if h.closes else np.inf for h in params.homes]
    )
    beds = np.array([float(h.beds.value) for h in params.homes])
    return beds[:, None] * overlap(opens, closes, bounds).reshape(len(beds), len(bounds))


def homes_fixed(params: ParameterSet, bounds: Bounds, weekly: np.ndarray) -> np.ndarray:
    """(home, month): each home's fixed running cost, bed-days open x the fixed cost of a bed
    (at the weekly cost per child in force, ``weekly`` per month), whoever is in it."""
    return bed_days(params, bounds) * weekly * fixed_per_bed_week(params) / 7.0


def declining(count: float, span: float, bounds: Bounds) -> np.ndarray:
    """Person-days in each month of ``count`` people at the start, leaving evenly over ``span``."""

    def integral(x: np.ndarray) -> np.ndarray:
        x = np.minimum(x, span)
        return x - x * x / (2 * span)

    a, b = bounds[:, 0], bounds[:, 1]
    return count * (integral(b) - integral(a)) if span > 0 else np.zeros(len(bounds))


def leavers(model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children who turned 18 in care: day, child and the placement they left."""
    log = model.log.transitions.array()
    rows = log[log[:, 3] == STATE_INDEX[State.TURNED_18]]
    return rows[:, 0], rows[:, 1].astype(int), rows[:, 2].astype(int)


def leaving_care(model: Model, bounds: Bounds) -> np.ndarray:
    """(line, month): leaving-care support for every care leaver aged 18-21 (those at the start,
    then each child who turns 18 in care), and staying put for a share of those who leave foster
    care, in pounds at the year-before-start prices."""
    p = model.params.costs.care_leavers
    span = LEAVING_CARE_YEARS * DAYS_PER_YEAR
    day, _, left = leavers(model)
    support = overlap(day, day + span, bounds).sum(axis=0)
    support += declining(p.at_start.value, span, bounds)
    stay = p.staying_put_months.value * MONTH
    fostered = FOSTER_MASK[left]
    staying = overlap(day[fostered], day[fostered] + stay, bounds).sum(axis=0)
    shares = model.params.population.placement_shares.value
    yearly_at_start = p.at_start.value / LEAVING_CARE_YEARS * sum(shares[s.value] for s in FOSTER)
    staying += declining(yearly_at_start * stay / DAYS_PER_YEAR, stay, bounds)
    staying *= p.staying_put_share.value
    return np.array(
        [support * p.support_per_week.value / 7.0, staying * p.staying_put_per_week.value / 7.0]
    )


def granted(model: Model, u: np.ndarray) -> np.ndarray:
    """Whether each child arrived unaccompanied: entered by the grant's stream, or (in care at
    the start) by its draw against the share at the start."""
    out = np.zeros(len(u), dtype=bool)
    out[model.log.granted] = True
    log = model.log.transitions.array()
    first = log[(log[:, 0] == 0.0) & (log[:, 2] == -1)]
    initial = first[PLACEMENT_MASK[first[:, 3].astype(int)], 1].astype(int)
    share = model.params.costs.grant.share_at_start.value
    out[initial] |= u[initial] < share
    return out


def grant_income(model: Model, bounds: Bounds, uasc_days: np.ndarray, uasc: np.ndarray):
    """Grant per month: a rate per night for unaccompanied children in care (``uasc_days``, by
    state and month), and a weekly rate for former ones aged 18-21 who left care at 18."""
    g = model.params.costs.grant
    nights = uasc_days[PLACEMENT_MASK].sum(axis=0)
    span = LEAVING_CARE_YEARS * DAYS_PER_YEAR
    day, child, _ = leavers(model)
    former = overlap(day[uasc[child]], day[uasc[child]] + span, bounds).sum(axis=0)
    at_start = model.params.costs.care_leavers.at_start.value * g.share_at_start.value
    former += declining(at_start, span, bounds)
    return nights * g.per_night.value + former * g.care_leaver_per_week.value / 7.0
