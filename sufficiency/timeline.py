"""The timeline contract between scenarios and the engine: the parameters a scenario may change
during a run (grouped as the engine's actors read them), their values at the start, and the
dated ``Change`` record.

A path here is spelled as everywhere else (``sufficiency.paths``): ``programmes.mst.therapists``,
``entries.direct.rate_per_month``, ``costs.weekly.foster_ifa``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, make_dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .parameters import ParameterSet
from .pathway import PLACEMENT_NAMES

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


@dataclass(frozen=True)
class Change:
    """A dated change to a live parameter: ``path`` as in the parameter set, and its new
    ``value``, or (``add``) an amount added to the value in force, so that a change stays
    relative to a replication's own drawn parameters."""

    day: float
    path: str
    value: Any
    add: bool = False

    def after(self, current: Any) -> Any:
        """The value in force once this change applies to ``current``."""
        return current + self.value if self.add else self.value


@dataclass
class ProgrammeLive:
    """What an edge-of-care programme reads while it runs."""

    therapists: float
    caseload: float
    referrals_per_month: float
    targeting_deflator: float
    outcome_split: dict[str, float]
    reentry_within_18_months: float
    max_wait_days: float
    duration_days: float


@dataclass
class ReunificationLive:
    """What FFT reunification reads while it runs."""

    therapists: float
    caseload: float
    success_share: float
    targeting_deflator: float
    breakdown_within_18_months: float


@dataclass
class EntryLive:
    """What a direct entry stream reads while it runs."""

    rate_per_month: float
    offered_fdm_per_month: float


@dataclass
class MatchingLive:
    """What placement matching reads while it runs."""

    step_down_rate_per_month: float
    supported_at_16: float


@dataclass
class CarersLive:
    """What foster-carer turnover reads while it runs."""

    recruitment_per_year: float
    attrition_per_year: float
    places_per_household: float


WeeklyCosts = make_dataclass("WeeklyCosts", [(name, float) for name in PLACEMENT_NAMES])
"""Weekly unit costs by placement type (read by the measures, from the dated changes)."""


V = TypeVar("V", bound="DataclassInstance")


def sourced_values(cls: type[V], node: Any) -> V:
    """A view of class ``cls`` holding the values of ``node``'s sourced fields of its names."""
    return cls(**{f.name: getattr(node, f.name).value for f in fields(cls)})


def views(params: ParameterSet) -> dict[str, Any]:
    """Each group of live parameters at its start value, keyed by the groups' path prefix."""
    out: dict[str, Any] = {
        f"programmes.{prog.value}": sourced_values(ProgrammeLive, p)
        for prog, p in params.programmes.items()
    }
    out["reunification"] = sourced_values(ReunificationLive, params.reunification)
    for stream in params.entries:
        out[f"entries.{stream.name}"] = sourced_values(EntryLive, stream)
    out["matching"] = sourced_values(MatchingLive, params.matching)
    out["foster_carers"] = sourced_values(CarersLive, params.foster_carers)
    out["costs.weekly"] = WeeklyCosts(**{n: params.costs.weekly[n].value for n in PLACEMENT_NAMES})
    return out


def live_fields(groups: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(path, view, field name) of every live parameter in ``groups``."""
    for prefix, view in groups.items():
        for f in fields(view):
            yield f"{prefix}.{f.name}", view, f.name


def live_paths(params: ParameterSet) -> tuple[str, ...]:
    """The parameter paths a scenario may change during a run."""
    return tuple(path for path, _, _ in live_fields(views(params)))
