"""The typed, validated parameter set, with the provenance of every value.

Every figure is a ``Sourced`` value: ``{value: ..., source: ...}`` where the source names a seed
report file and its paragraph or table, a named public statistic (``statistic: ...``), a fitted
value (``fitted: ...``), or ``assumption: <reason>``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import InputError
from .limits import (
    Beds,
    CarerAge,
    Caseload,
    ChildPopulation,
    Children,
    Date,
    Days,
    Fraction,
    Households,
    Months,
    Number,
    PerMonth,
    PerYear,
    PlacesPerHousehold,
    Positive,
    PositiveDays,
    Pounds,
    RatePer10000,
    ReportedChildren,
    SalaryCost,
    Staff,
    WeeklyCost,
)
from .loading import read_yaml
from .messages import check_keys, describe_error
from .paths import sourced_items
from .pathway import (
    AGE_BAND_BOUNDS,
    AGE_BANDS,
    MATCHED_NAMES,
    NEEDS,
    PLACEMENT_NAMES,
    Programme,
    State,
)

T = TypeVar("T")

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
SOURCE_KINDS = ("assumption:", "statistic:", "fitted:")
OUTCOMES = ("closed", "stepped_down", "same_plan", "stepped_up", "came_into_care")
CHOSEN_ROUTES = ("reunified", "permanence", "other")
SHARE_TOLERANCE = 1e-6


def _check_source(text: str) -> str:
    text = text.strip()
    if SEED_FILE.search(text) or text.lower().startswith(SOURCE_KINDS):
        return text
    raise ValueError(
        "a seed file name with its paragraph or table, or text starting with "
        "'assumption:', 'statistic:' or 'fitted:'"
    )


def _shares(keys: tuple[str, ...]):
    """A validator: a mapping over exactly ``keys`` of non-negative shares summing to 1."""

    def check(value: dict[str, float]) -> dict[str, float]:
        check_keys(keys, value, "keys", every=False)
        if any(v < 0 or not math.isfinite(v) for v in value.values()):
            raise ValueError("shares that are finite and not negative")
        total = sum(value.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"shares that sum to 1, got {total:.6g}")
        return {k: float(value.get(k, 0.0)) for k in keys}

    return AfterValidator(check)


def _every_band(value: dict[str, Any]) -> dict[str, Any]:
    """A mapping with one entry per age band."""
    check_keys(AGE_BANDS, value, "age bands")
    return value


BY_BAND = AfterValidator(_every_band)


Share = Annotated[float, Number]
PlacementShares = Annotated[dict[str, Share], _shares(PLACEMENT_NAMES)]
MatchedShares = Annotated[dict[str, Share], _shares(MATCHED_NAMES)]
"""Shares over the placements a child is matched to (not placed for adoption)."""
NeedShares = Annotated[dict[str, Share], _shares(tuple(n.value for n in NEEDS))]
BandShares = Annotated[dict[str, Share], _shares(AGE_BANDS)]
OutcomeShares = Annotated[dict[str, Share], _shares(OUTCOMES)]
RouteShares = Annotated[dict[str, Share], _shares(CHOSEN_ROUTES)]


def _every_type(value: dict[str, float]) -> dict[str, float]:
    check_keys(PLACEMENT_NAMES, value, "placement types")
    return value


PlacementSpread = Annotated[
    dict[str, Annotated[float, Number, Field(ge=0, le=3)]], AfterValidator(_every_type)
]
"""The coefficient of variation of weekly cost between children within each placement type."""


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Uncertainty(Frozen):
    """How a fitted value varies between replications (drawn once per replication)."""

    distribution: Literal["normal", "gamma", "beta"]
    sd: Positive


class Sourced(Frozen, Generic[T]):
    """A value and where it came from, and optionally its uncertainty."""

    value: T
    source: Annotated[str, AfterValidator(_check_source)]
    uncertainty: Uncertainty | None = None

    @model_validator(mode="after")
    def _scalar_if_uncertain(self) -> Sourced:
        if self.uncertainty is not None and not isinstance(self.value, (int, float)):
            raise ValueError("uncertainty only on a single number")
        return self

    @property
    def is_assumption(self) -> bool:
        return self.source.lower().startswith("assumption:")


class AgeRange(Frozen):
    """Inclusive ages in whole years."""

    low: Annotated[int, Number, Field(ge=0, le=17)]
    high: Annotated[int, Number, Field(ge=0, le=17)]

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.high < self.low:
            raise ValueError("high at least low")
        return self


MonthsInCare = Annotated[float, Number, Field(ge=0, le=216)]
"""Months a child has been in care (at most 18 years)."""


class PopulationCell(Frozen):
    """Children in care at the population date in one cell: placement types, neighbouring age
    bands and a span of months already in care (cells may merge neighbours, so that no count
    below 5 is written; a child's type and band are then drawn evenly among those listed)."""

    placements: Annotated[list[str], Field(min_length=1)]
    age_bands: Annotated[list[str], Field(min_length=1)]
    months_in_care: tuple[MonthsInCare, MonthsInCare]
    count: Children

    @model_validator(mode="after")
    def _known(self) -> PopulationCell:
        check_keys(PLACEMENT_NAMES, self.placements, "placement types", every=False)
        check_keys(AGE_BANDS, self.age_bands, "age bands", every=False)
        low, high = self.months_in_care
        if high <= low:
            raise ValueError("months_in_care as [low, high] with high above low")
        return self


class Population(Frozen):
    """Today's children in care, as the run starts. With ``cells`` (counts by placement type,
    age band and time already in care, from a council's own records) the run starts from them;
    otherwise from the shares, with time already in care drawn from the stationary law."""

    date: Date
    total: Sourced[Children]
    placement_shares: Sourced[PlacementShares]
    age_band_shares: Sourced[BandShares]
    need_shares: Sourced[NeedShares]
    cells: Sourced[list[PopulationCell]] | None = None

    @model_validator(mode="after")
    def _cells_add_up(self) -> Population:
        if self.cells is not None and sum(c.count for c in self.cells.value) != self.total.value:
            raise ValueError("cells whose counts add up to total")
        return self


class ProgrammeParams(Frozen):
    """An edge-of-care programme: capacity, referrals, durations, outcomes, counterfactual."""

    therapists: Sourced[Staff]
    caseload: Sourced[Caseload]
    referrals_per_month: Sourced[PerMonth]
    children_per_family: Sourced[Annotated[float, Number, Field(ge=1, le=12)]]
    age_range: Sourced[AgeRange]
    duration_days: Sourced[PositiveDays]
    duration_cv: Sourced[Annotated[float, Number, Field(gt=0, le=3)]]
    max_wait_days: Sourced[Days]
    outcome_split: Sourced[OutcomeShares]
    targeting_deflator: Sourced[Fraction]
    reentry_within_18_months: Sourced[Fraction]
    need_shares: Sourced[NeedShares]
    cost_per_therapist_per_year: Sourced[SalaryCost]
    fixed_cost_per_year: Sourced[Pounds]


def care_share(came_into_care: float, reentry: float) -> float:
    """The chance a child worked with comes into care: at closure, or by re-entry after it."""
    return came_into_care + (1.0 - came_into_care) * reentry


class ReunificationParams(Frozen):
    """FFT reunification ("Safe Steps Home"): returns children in care to their families."""

    therapists: Sourced[Staff]
    caseload: Sourced[Caseload]
    age_range: Sourced[AgeRange]
    min_days_in_care: Sourced[Days]
    eligible_placements: Sourced[list[str]]
    days_to_return: Sourced[PositiveDays]
    support_days: Sourced[Days]
    success_share: Sourced[Fraction]
    targeting_deflator: Sourced[Fraction]
    breakdown_within_18_months: Sourced[Fraction]
    cost_per_therapist_per_year: Sourced[SalaryCost]
    fixed_cost_per_year: Sourced[Pounds]

    @field_validator("eligible_placements")
    @classmethod
    def _known(cls, value: Sourced[list[str]]) -> Sourced[list[str]]:
        check_keys(MATCHED_NAMES, value.value, "placement types", every=False)
        return value


class EarlierRate(Frozen):
    """A stream's rate before ``date``, where it differed from the rate in force since (a
    step the calibration fitted to the history). It is history: the run starts on or after
    ``date`` at the stream's ``rate_per_month``, which holds until a scenario changes it."""

    date: Date
    rate_per_month: Sourced[PerMonth]


class EntryStream(Frozen):
    """Children entering care directly (not through a programme)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    rate_per_month: Sourced[PerMonth]
    before: EarlierRate | None = None
    age_band_shares: Sourced[BandShares]
    need_shares: Sourced[Annotated[dict[str, NeedShares], BY_BAND]]
    offered_fdm_per_month: Sourced[PerMonth]


class Matching(Frozen):
    """Placement matching by age band and need, and the step-down policy."""

    preferences: Sourced[Annotated[dict[str, dict[str, MatchedShares]], BY_BAND]]
    step_down_rate_per_month: Sourced[Fraction]
    supported_at_16: Sourced[Fraction]
    home_match_months: Sourced[Months] | None = None
    """Mean months a bed freed in an in-house home takes before it suits a child wanting one
    (matched to the home's purpose and the children already there); none: it suits at once."""

    @field_validator("preferences")
    @classmethod
    def _needs(cls, value: Sourced) -> Sourced:
        for band, by_need in value.value.items():
            try:
                check_keys([n.value for n in NEEDS], by_need, "need levels")
            except ValueError as err:
                raise ValueError(f"{band}: {err}") from None
        return value


Rate = Annotated[float, Number, Field(ge=0, le=12, allow_inf_nan=False)]
"""Events a year for one child."""


class Moves(Frozen):
    """Placement moves by age band: foster placements breaking down, steps up from foster care
    to a children's home, and a short first placement for some children coming into care."""

    breakdown_per_year: Sourced[Annotated[dict[str, Rate], BY_BAND]]
    step_up_per_year: Sourced[Annotated[dict[str, Rate], BY_BAND]]
    bridging_share: Sourced[Fraction]
    bridging_months: Sourced[Months]


class Adoption(Frozen):
    """Which permanence exits are adoptions, by age band at entry, and the mean time a child
    lives with its prospective adopters (placed for adoption, still looked after) before the
    adoption order."""

    share_of_permanence_by_band: Sourced[Annotated[dict[str, Fraction], BY_BAND]]
    months_placed: Sourced[Months]


class Exits(Frozen):
    """Time in care to exit by competing routes (Weibull), before turning 18; adoptions."""

    mean_months_by_band: Sourced[Annotated[dict[str, Months], BY_BAND]]
    shape: Sourced[Annotated[float, Number, Field(gt=0.2, le=5)]]
    route_shares_by_band: Sourced[Annotated[dict[str, RouteShares], BY_BAND]]
    adoption: Adoption


def _age_ranges(value: dict[str, float]) -> dict[str, float]:
    """Shares of households by the ages they take, keyed ``low-high`` in whole years on age
    band bounds (``0-9``: the bands 0-4 and 5-9)."""
    for key in value:
        bands_taken(key)
    if any(v < 0 or not math.isfinite(v) for v in value.values()):
        raise ValueError("shares that are finite and not negative")
    if abs(sum(value.values()) - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"shares that sum to 1, got {sum(value.values()):.6g}")
    return value


@functools.cache
def bands_taken(key: str) -> tuple[str, ...]:
    """The age bands of an age range ``low-high`` (whole years, on band bounds)."""
    low, _, high = key.partition("-")
    bands = tuple(
        band
        for band, (a, b) in AGE_BAND_BOUNDS.items()
        if low.isdigit() and high.isdigit() and int(low) <= a and b - 1 <= int(high)
    )
    lows = {AGE_BAND_BOUNDS[b][0] for b in bands}
    highs = {AGE_BAND_BOUNDS[b][1] - 1 for b in bands}
    if not bands or int(low) not in lows or int(high) not in highs:
        raise ValueError(f"{key!r}: an age range 'low-high' on the age bands' bounds, e.g. '0-9'")
    return bands


class FosterCarers(Frozen):
    """In-house foster-carer households: their approved places, the ages they take, spells when
    they take no new child, and their turnover (leaving rising with the carers' age). Only
    mainstream households are modelled: family-and-friends (connected) carers are the kinship
    placements, which have their own supply."""

    households: Sourced[Households]
    mainstream_share: Sourced[Fraction]
    mainstream_recruit_share: Sourced[Fraction]
    places_per_household: Sourced[PlacesPerHousehold]
    usable_share: Sourced[Fraction]
    hold_months: Sourced[Months]
    age_ranges: Sourced[Annotated[dict[str, Share], AfterValidator(_age_ranges)]]
    recruitment_per_year: Sourced[PerYear]
    attrition_per_year: Sourced[Fraction]
    mean_age: Sourced[CarerAge]
    recruit_age: Sourced[CarerAge]
    age_sd: Sourced[Annotated[float, Number, Field(ge=0, le=30)]]
    attrition_ratio_per_decade: Sourced[Annotated[float, Number, Field(gt=0, le=10)]]


class Home(Frozen):
    """An in-house children's home: its beds, open from ``opens`` to ``closes``, for children
    of ``ages`` (any age in care when not given)."""

    name: str
    beds: Sourced[Beds]
    opens: Date
    closes: Date | None = None
    ages: Sourced[AgeRange] | None = None

    @model_validator(mode="after")
    def _dates(self) -> Home:
        if self.closes is not None and self.closes <= self.opens:
            raise ValueError("closes after opens")
        return self


class HomeCosts(Frozen):
    """How an in-house home's cost splits: a fixed running cost for each day it is open, and a
    variable cost per occupied bed-day, both from the reported weekly cost per child
    (``costs.weekly.home_inhouse``) at the occupancy it was measured at."""

    fixed_share: Sourced[Fraction]
    reported_occupancy: Sourced[Annotated[float, Number, Field(gt=0, le=1)]]


class CareLeavers(Frozen):
    """Young people who turned 18 in care, supported until 21: leaving-care support for each,
    and staying put with former foster carers for some."""

    at_start: Sourced[ReportedChildren]
    support_per_week: Sourced[WeeklyCost]
    staying_put_share: Sourced[Fraction]
    staying_put_months: Sourced[Annotated[float, Number, Field(ge=0, le=36)]]
    staying_put_per_week: Sourced[WeeklyCost]


class Grant(Frozen):
    """The Home Office grant for unaccompanied children seeking asylum (income): a rate per
    night in care, and a weekly rate for former unaccompanied children who left care at 18."""

    entry_stream: str
    share_at_start: Sourced[Fraction]
    per_night: Sourced[WeeklyCost]
    care_leaver_per_week: Sourced[WeeklyCost]


class Costs(Frozen):
    """Weekly unit cost per placement type and its spread between children, in-house homes'
    fixed and variable costs, care leavers, grant income, and annual inflation."""

    weekly: dict[str, Sourced[WeeklyCost]]
    spread: Sourced[PlacementSpread]
    homes: HomeCosts
    care_leavers: CareLeavers
    grant: Grant
    inflation_per_year: Sourced[Annotated[float, Number, Field(ge=-0.5, le=1)]]

    @field_validator("weekly")
    @classmethod
    def _every_type(cls, value: dict[str, Sourced]) -> dict[str, Sourced]:
        check_keys(PLACEMENT_NAMES, value, "placement types")
        return value


class History(Frozen):
    """The area's published figures before the run starts, which reports draw beside the
    projection (the engine does not read them)."""

    cla_at_31_march: dict[Date, Sourced[ReportedChildren]] = {}
    cla_rate_per_10000: dict[Date, Sourced[RatePer10000]] = {}


class FittedKnob(Frozen):
    """A quantity the calibration fitted, and the parameters it sets."""

    name: str
    estimate: Annotated[float, Number, Field(gt=0, le=100_000, allow_inf_nan=False)]
    paths: list[str]


class JointFit(Frozen):
    """The fit behind a parameter set: the effect preset it assumed, and its knobs' joint
    uncertainty (a covariance of their logs, drawn together once per replication)."""

    effect: Literal["service", "trial", "none"]
    source: str
    knobs: list[FittedKnob]
    log_covariance: list[list[float]]

    @model_validator(mode="after")
    def _square(self) -> JointFit:
        n = len(self.knobs)
        if len(self.log_covariance) != n or any(len(row) != n for row in self.log_covariance):
            raise ValueError(f"log_covariance {n} x {n}, one row and column per knob")
        return self


class ParameterSet(Frozen):
    """Everything the engine needs, validated, with provenance."""

    name: str
    description: str = ""
    start_date: Date
    population: Population
    child_population: Sourced[ChildPopulation] | None = None
    costs: Costs
    programmes: dict[Programme, ProgrammeParams]
    reunification: ReunificationParams
    entries: list[EntryStream]
    matching: Matching
    moves: Moves
    exits: Exits
    foster_carers: FosterCarers
    homes: list[Home]
    history: History | None = None
    fit: JointFit | None = None

    @field_validator("programmes")
    @classmethod
    def _every_programme(cls, value: dict) -> dict:
        check_keys([p.value for p in Programme], [p.value for p in value], "programmes")
        return value

    @model_validator(mode="after")
    def _population_before_start(self) -> ParameterSet:
        if self.population.date >= self.start_date:
            raise ValueError("population.date before start_date")
        return self

    @field_validator("entries")
    @classmethod
    def _steps_before_start(cls, value: list[EntryStream], info: ValidationInfo) -> list:
        start = info.data.get("start_date")
        for stream in value:
            if start is not None and stream.before is not None and stream.before.date > start:
                raise ValueError(
                    f"each stream's before.date on or before start_date {start}, got "
                    f"{stream.before.date} for {stream.name!r} (the rate before it is history; "
                    "a change after the start is a scenario's dated change)"
                )
        return value

    @model_validator(mode="after")
    def _adopted_if_placed_for_adoption(self) -> ParameterSet:
        placed = self.population.placement_shares.value[State.PLACED_FOR_ADOPTION.value]
        if placed > 0 and not any(self.exits.adoption.share_of_permanence_by_band.value.values()):
            raise ValueError(
                "exits.adoption.share_of_permanence_by_band above 0 in some age band while "
                "population.placement_shares has children placed for adoption"
            )
        return self


def raise_input_error(
    path: Path | str, err: ValidationError, model: type[BaseModel] | None = None
) -> None:
    """Turn a pydantic ValidationError (from validating ``model``) into the project's InputError."""
    errors = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")  # typos first
    field, expected = describe_error(errors[0], model)
    if len(errors) > 1:
        expected += f" (and {len(errors) - 1} more problem(s))"
    raise InputError(path, field, expected) from None


M = TypeVar("M", bound=BaseModel)


def validate_mapping(model: type[M], data: Any, path: Path | str, expected: str) -> M:
    """Validate a YAML mapping as ``model``, or raise the project's InputError."""
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", expected)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise_input_error(path, err, model)
        raise  # unreachable: keeps type checkers content


def build_parameters(data: Any, path: Path | str) -> ParameterSet:
    """Validate a mapping as a parameter set."""
    return validate_mapping(ParameterSet, data, path, "a mapping of parameter sections")


def revised(
    params: ParameterSet, revise: Callable[[dict], None], path: Path | str = "(parameters)"
) -> ParameterSet:
    """A copy of ``params`` with ``revise`` applied to its dumped data, validated again (an
    invalid result raises the project's InputError, naming ``path``)."""
    data = params.model_dump(mode="python")
    revise(data)
    return build_parameters(data, path)


def load_parameters(path: Path | str) -> ParameterSet:
    """Load and validate a parameter set from YAML."""
    return build_parameters(read_yaml(path), path)


def provenance(params: ParameterSet) -> list[dict[str, Any]]:
    """Every sourced value as rows: parameter path, value, source, assumption or not."""
    return [
        {
            "parameter": path,
            "value": node["value"],
            "source": node["source"],
            "assumption": node["source"].lower().startswith("assumption:"),
        }
        for path, node in sourced_items(params.model_dump(mode="python"))
    ]
