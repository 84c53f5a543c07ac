"""The kinds of number and date the input files hold, each with its plausible range.

The upper limits are generous enough for a parameter set covering all of England (about 82,000
children looked after, 22,000 foster-carer households, 4,000 children's home beds, 12 million
children) and refuse only what cannot be meant (a billion therapists). ``table`` lists every
limit of a model's fields; docs/limits.md holds it and a test checks the two agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import numbers
import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_DATE, LAST_DATE = dt.date(1950, 1, 1), dt.date(2150, 12, 31)


def _number(value: Any) -> Any:
    """A finite number as such: not text, not true or false, not infinite or nan."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError("a number")
    if not math.isfinite(value):
        raise ValueError("a finite number")
    return value


def _date(value: Any) -> dt.date:
    """A date written YYYY-MM-DD (or already read as one), within the years the model spans."""
    day = None
    if isinstance(value, dt.datetime):
        day = value.date() if value.time() == dt.time() else None
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and DATE_FORM.fullmatch(value.strip()):
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(value.strip())
    if day is None:
        raise ValueError("a date as YYYY-MM-DD")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"a date from {FIRST_DATE} to {LAST_DATE}")
    return day


def _file_name(value: str) -> str:
    """A relative or absolute file path the operating system can open."""
    if "\0" in value or any(len(part.encode()) > 255 for part in re.split(r"[/\\]", value)):
        raise ValueError("a file path (no name in it longer than 255 bytes)")
    return value


Number = BeforeValidator(_number)
FileName = Annotated[str, Field(min_length=1, max_length=4096), AfterValidator(_file_name)]
Date = Annotated[dt.date, BeforeValidator(_date)]

Finite = Annotated[float, Number, Field(allow_inf_nan=False)]
NonNeg = Annotated[float, Number, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Number, Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, Number, Field(ge=0, le=1, allow_inf_nan=False)]
Count = Annotated[int, Number, Field(ge=0)]

Staff = Annotated[float, Number, Field(ge=0, lt=10_000, allow_inf_nan=False)]
"""Full-time-equivalent staff of one programme."""
Caseload = Annotated[float, Number, Field(gt=0, le=100, allow_inf_nan=False)]
"""Families (or children) one full-time worker holds at once."""
Children = Annotated[int, Number, Field(ge=0, le=500_000)]
"""Children looked after at a date."""
ReportedChildren = Annotated[float, Number, Field(ge=0, le=500_000, allow_inf_nan=False)]
"""Children looked after at a date, as a published figure."""
ChildPopulation = Annotated[int, Number, Field(ge=0, le=50_000_000)]
"""Children aged 0-17 living in the area."""
Households = Annotated[int, Number, Field(ge=0, le=500_000)]
"""Foster-carer households."""
Beds = Annotated[int, Number, Field(ge=0, le=100_000)]
"""Beds in one children's home (or in all of a council's homes modelled as one)."""
PerMonth = Annotated[float, Number, Field(ge=0, le=100_000, allow_inf_nan=False)]
"""Referrals or entries into care a month."""
PerYear = Annotated[float, Number, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
"""Foster-carer households recruited a year."""
Days = Annotated[float, Number, Field(ge=0, le=6_575, allow_inf_nan=False)]
"""A span of days, at most a childhood (18 years)."""
PositiveDays = Annotated[float, Number, Field(gt=0, le=6_575, allow_inf_nan=False)]
"""A duration in days, more than none and at most a childhood (18 years)."""
Months = Annotated[float, Number, Field(gt=0, le=600, allow_inf_nan=False)]
"""A mean time in care, in months."""
CarerAge = Annotated[float, Number, Field(ge=18, le=100, allow_inf_nan=False)]
"""A foster carer's age in years."""
PlacesPerHousehold = Annotated[float, Number, Field(gt=0, le=20, allow_inf_nan=False)]
"""Children one foster-carer household can take."""
WeeklyCost = Annotated[float, Number, Field(ge=0, lt=100_000, allow_inf_nan=False)]
"""Pounds a week for one child's placement."""
SalaryCost = Annotated[float, Number, Field(ge=0, lt=1_000_000, allow_inf_nan=False)]
"""Pounds a year for one full-time worker."""
Pounds = Annotated[float, Number, Field(ge=0, lt=1_000_000_000, allow_inf_nan=False)]
"""A sum of money in pounds: a programme's fixed yearly cost, or an investment."""
RatePer10000 = Annotated[float, Number, Field(ge=0, le=10_000, allow_inf_nan=False)]
"""Children looked after per 10,000 children."""

BOUNDS = {Ge: ">=", Gt: ">", Le: "<=", Lt: "<"}


def table(model: type[BaseModel]) -> str:
    """Every bounded number in a model's fields, as a Markdown table."""
    rows = ["| field | at least | at most |", "|---|---|---|"]
    for path, bounds in limits(model, ""):
        low = [f"{BOUNDS[type(b)]} {_number_text(b)}" for b in bounds if type(b) in (Ge, Gt)]
        high = [f"{BOUNDS[type(b)]} {_number_text(b)}" for b in bounds if type(b) in (Le, Lt)]
        rows.append(f"| `{path}` | {' '.join(low) or '-'} | {' '.join(high) or '-'} |")
    return "\n".join(rows) + "\n"


def _number_text(bound: Any) -> str:
    return f"{getattr(bound, type(bound).__name__.lower()):,}"


def limits(model: type[BaseModel], path: str) -> list[tuple[str, list[Any]]]:
    """(field path, bounds) for every bounded number under ``model``; a sourced value's path
    is that of the value (``population.total``, not ``population.total.value``)."""
    fields = model.model_fields
    if set(fields) == {"value", "source", "uncertainty"}:
        return _walk(fields["value"].annotation, fields["value"].metadata, path)
    out: list[tuple[str, list[Any]]] = []
    for name, info in fields.items():
        out += _walk(info.annotation, info.metadata, f"{path}.{name}" if path else name)
    return out


def _walk(kind: Any, metadata: list[Any], path: str) -> list[tuple[str, list[Any]]]:
    """Bounds found in one annotation, following models, mappings, lists and options."""
    if get_origin(kind) is Annotated:
        base, *extra = get_args(kind)
        extra += [m for e in extra if hasattr(e, "metadata") for m in e.metadata]
        return _walk(base, [*metadata, *extra], path)
    bounds = [m for m in metadata if type(m) in BOUNDS]
    if bounds and kind in (int, float):
        return [(path, bounds)]
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return limits(kind, path)
    origin, args = get_origin(kind), get_args(kind)
    if origin is dict:
        return _walk(args[1], [], f"{path}.*")
    if origin is list:
        return _walk(args[0], [], f"{path}[]")
    if origin in (Union, types.UnionType):
        return [row for arg in args for row in _walk(arg, metadata, path)]
    return []
