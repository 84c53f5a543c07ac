"""A small, complete parameter set built in the tests, so engine tests do not depend on the
calibrated Leicester file.

``SMALL`` holds plain values in the layout of a parameter file; ``small_set`` gives every value
the source ``assumption: test`` (where the model wants a sourced value) and validates it.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

import pandas as pd
import yaml
from pydantic import BaseModel

from sufficiency.parameters import ParameterSet, Sourced, read_yaml
from sufficiency.pathway import AGE_BANDS, MATCHED_NAMES, MONTH, NEEDS, PROGRAMMES
from sufficiency.scenario import Scenario
from sufficiency.timeline import Change

if TYPE_CHECKING:
    from sufficiency.calibration.simulate import History

__all__ = ["MONTH", "SMALL", "SOURCE", "Change", "scenario_of", "small_set", "teenagers_wanting"]

SOURCE = "assumption: test"

SMALL = """
name: small
start_date: 2025-04-01
population:
  date: 2025-03-31
  total: 120
  placement_shares: {foster_inhouse: 0.3, foster_kinship: 0.1, foster_ifa: 0.25,
                     home_inhouse: 0.05, home_external: 0.1, residential_specialist: 0.05,
                     supported_accommodation: 0.05, placed_with_parents: 0.05,
                     other_placement: 0.05}
  age_band_shares: {0-4: 0.2, 5-9: 0.2, 10-15: 0.4, 16-17: 0.2}
  need_shares: {standard: 0.7, complex: 0.2, highly_complex: 0.1}
child_population: 20000
costs:
  weekly: {foster_inhouse: 300, foster_kinship: 250, foster_ifa: 900, home_inhouse: 4000,
           home_external: 5000, residential_specialist: 7000, supported_accommodation: 700,
           placed_with_parents: 50, other_placement: 600, placed_for_adoption: 0}
  spread: {foster_inhouse: 0.3, foster_kinship: 0.3, foster_ifa: 0.4, home_inhouse: 0.0,
           home_external: 0.5, residential_specialist: 0.5, supported_accommodation: 0.6,
           placed_with_parents: 0.5, other_placement: 0.8, placed_for_adoption: 0.0}
  homes: {fixed_share: 0.89, reported_occupancy: 0.85}
  care_leavers: {at_start: 60, support_per_week: 75.0, staying_put_share: 0.5,
                 staying_put_months: 18.0, staying_put_per_week: 250.0}
  grant: {entry_stream: uasc, share_at_start: 0.05, per_night: 114.0,
          care_leaver_per_week: 270.0}
  inflation_per_year: 0.03
programmes:
  mst: &programme
    therapists: 1.0
    caseload: 4.0
    referrals_per_month: 1.0
    children_per_family: 1.5
    age_range: {low: 10, high: 17}
    duration_days: 120.0
    duration_cv: 0.3
    max_wait_days: 30.0
    outcome_split: {closed: 0.4, stepped_down: 0.2, same_plan: 0.2, stepped_up: 0.05,
                    came_into_care: 0.15}
    targeting_deflator: 0.6
    reentry_within_18_months: 0.05
    need_shares: {standard: 0.4, complex: 0.4, highly_complex: 0.2}
    cost_per_therapist_per_year: 60000.0
    fixed_cost_per_year: 100000.0
  mst_bsf: {<<: *programme}
  fft_cw: {<<: *programme, age_range: {low: 0, high: 17}, children_per_family: 2.0}
  fdm: {<<: *programme, age_range: {low: 0, high: 17}, duration_days: 60.0}
reunification:
  therapists: 1.0
  caseload: 3.0
  age_range: {low: 9, high: 15}
  min_days_in_care: 180.0
  eligible_placements: [home_inhouse, home_external, residential_specialist]
  days_to_return: 90.0
  support_days: 180.0
  success_share: 0.8
  targeting_deflator: 0.2
  breakdown_within_18_months: 0.2
  cost_per_therapist_per_year: 65000.0
  fixed_cost_per_year: 0.0
entries:
- name: direct
  rate_per_month: {value: 4.0, uncertainty: {distribution: gamma, sd: 0.5}}
  age_band_shares: {0-4: 0.35, 5-9: 0.2, 10-15: 0.3, 16-17: 0.15}
  need_shares:
    0-4: &needs {standard: 0.7, complex: 0.2, highly_complex: 0.1}
    5-9: *needs
    10-15: &older {standard: 0.5, complex: 0.3, highly_complex: 0.2}
    16-17: *older
  offered_fdm_per_month: 0.0
- name: uasc
  rate_per_month: 0.5
  age_band_shares: {10-15: 0.2, 16-17: 0.8}
  need_shares: {0-4: &standard {standard: 1.0}, 5-9: *standard, 10-15: *standard,
                16-17: *standard}
  offered_fdm_per_month: 0.0
matching:
  preferences:
    0-4: &young
      standard: {foster_inhouse: 0.5, foster_kinship: 0.2, foster_ifa: 0.2,
                 placed_with_parents: 0.1}
      complex: {foster_inhouse: 0.3, foster_ifa: 0.6, other_placement: 0.1}
      highly_complex: {foster_ifa: 0.6, residential_specialist: 0.2, other_placement: 0.2}
    5-9: *young
    10-15:
      standard: {foster_inhouse: 0.4, foster_ifa: 0.3, home_inhouse: 0.2,
                 placed_with_parents: 0.1}
      complex: {foster_ifa: 0.3, home_inhouse: 0.4, home_external: 0.2,
                residential_specialist: 0.1}
      highly_complex: {home_inhouse: 0.4, residential_specialist: 0.5, other_placement: 0.1}
    16-17:
      standard: {foster_inhouse: 0.2, foster_ifa: 0.2, supported_accommodation: 0.6}
      complex: {home_inhouse: 0.4, home_external: 0.2, supported_accommodation: 0.4}
      highly_complex: {home_inhouse: 0.4, residential_specialist: 0.6}
  step_down_rate_per_month: 0.1
  supported_at_16: 0.3
exits:
  mean_months_by_band: {0-4: 30.0, 5-9: 36.0, 10-15: 24.0, 16-17: 12.0}
  shape: 0.8
  route_shares_by_band:
    0-4: {reunified: 0.3, permanence: 0.6, other: 0.1}
    5-9: {reunified: 0.5, permanence: 0.3, other: 0.2}
    10-15: {reunified: 0.6, permanence: 0.1, other: 0.3}
    16-17: {reunified: 0.5, other: 0.5}
  adoption:
    share_of_permanence_by_band: {0-4: 0.5, 5-9: 0.5, 10-15: 0.0, 16-17: 0.0}
    months_placed: 9.0
moves:
  breakdown_per_year: {0-4: 0.2, 5-9: 0.2, 10-15: 0.15, 16-17: 0.15}
  step_up_per_year: {0-4: 0.0, 5-9: 0.0, 10-15: 0.05, 16-17: 0.03}
  bridging_share: 0.3
  bridging_months: 2.0
foster_carers:
  households: 20
  mainstream_share: 1.0
  mainstream_recruit_share: 1.0
  places_per_household: 1.5
  usable_share: 0.8
  hold_months: 3.0
  age_ranges: {0-9: 0.4, 0-17: 0.4, 10-17: 0.2}
  recruitment_per_year: 4.0
  attrition_per_year: {value: 0.15, uncertainty: {distribution: beta, sd: 0.02}}
  mean_age: 53.0
  recruit_age: 45.0
  age_sd: 9.0
  attrition_ratio_per_decade: 1.5
homes:
- {name: home a, beds: 3, opens: 2015-01-01}
- {name: home b, beds: 4, opens: 2015-01-01}
"""
"""Plain values in a parameter file's layout. A sourced value may be written as a mapping
with ``value`` (and an ``uncertainty``); every other value stands for itself."""

NAMED = ("programmes", "entries", "homes")
"""Sections whose items an override names: ``programmes={"mst": {"therapists": 2.0}}``."""


def small_set(active: Iterable[str] | None = None, **sections: Any) -> ParameterSet:
    """The small parameter set with overrides, validated.

    Each keyword names a section: a mapping replaces the fields it names (in ``programmes``,
    ``entries`` and ``homes``, the fields of the items it names), anything else (a list, a date)
    replaces the section. ``active`` lists the programmes (and ``reunification``) left
    working; the others get no referrals and no staff.
    """
    data = yaml.safe_load(SMALL)
    for section, fields in sections.items():
        if section in NAMED and isinstance(fields, dict):
            items = by_name(data[section])
            for name, item in fields.items():
                items[name].update(item)
        elif isinstance(fields, dict):
            data[section].update(fields)
        else:
            data[section] = fields
    if active is not None:
        silence(data, set(active))
    return ParameterSet.model_validate(sourced(ParameterSet, data))


def by_name(section: dict[str, Any] | list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A section's items by name (a list of named items, or a mapping)."""
    if isinstance(section, dict):
        return section
    return {item["name"]: item for item in section}


def silence(data: dict[str, Any], active: set[str]) -> None:
    """No referrals and no staff for every programme not in ``active``."""
    for prog in PROGRAMMES:
        if prog.value not in active:
            data["programmes"][prog.value].update(referrals_per_month=0.0, therapists=0.0)
    if "reunification" not in active:
        data["reunification"]["therapists"] = 0.0


def sourced(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every value the model holds as ``Sourced`` given the test source."""
    fields = model.model_fields
    return {key: wrap(fields[key].annotation, value) for key, value in data.items()}


def wrap(annotation: Any, value: Any) -> Any:
    """``value`` as the ``annotation`` wants it: sourced where it is ``Sourced``."""
    if value is None:
        return None
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, Sourced):
        node = value if isinstance(value, dict) and "value" in value else {"value": value}
        return {**node, "source": SOURCE}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sourced(annotation, value)
    if get_origin(annotation) is dict:
        inner = get_args(annotation)[1]
        return {key: wrap(inner, item) for key, item in value.items()}
    if get_origin(annotation) is list:
        inner = get_args(annotation)[0]
        return [wrap(inner, item) for item in value]
    return value


def scenario_of(params: ParameterSet, timeline: Iterable[Change] = ()) -> Scenario:
    """A scenario of ``params`` with dated changes, as ``load_scenario`` would make it."""
    return Scenario(params.name, "test", Path(f"{params.name}.yaml"), params, tuple(timeline))


def teenagers_wanting(
    placement: str, per_month: float, matching: dict[str, Any] | None = None, **sections: Any
) -> ParameterSet:
    """No programmes, nobody in care today; only 10-15 year olds coming into care,
    ``per_month``, all of whom want ``placement`` first (and ``sections`` as ``small_set``)."""
    only = dict.fromkeys(MATCHED_NAMES, 0.0) | {placement: 1.0}
    by_need = {need.value: only for need in NEEDS}
    return small_set(
        active=(),
        population={"total": 0},
        entries={
            "direct": {"rate_per_month": per_month, "age_band_shares": {"10-15": 1.0}},
            "uasc": {"rate_per_month": 0.0},
        },
        matching={"preferences": dict.fromkeys(AGE_BANDS, by_need), **(matching or {})},
        **sections,
    )


def started_history(start: dt.date, years: int, replications: int, seed: int) -> History:
    """A fitted-style run of the priors from 80 children in care on the day before ``start``
    (70% fostered, 60% of them with in-house carers), with no dated changes."""
    from sufficiency.calibration import history, simulate
    from sufficiency.calibration.figures import Figures
    from sufficiency.calibration.fit import PRIORS
    from sufficiency.calibration.sources import COLUMNS

    day = start - dt.timedelta(days=1)
    starting = {"cla_at_31_march": 80.0, "pct_cla_in_foster": 0.7}
    starting["pct_cla_with_inhouse_carers"] = 0.6
    frame = pd.DataFrame(
        [
            {
                "measure": measure,
                "period": day.isoformat(),
                "value": value,
                "unit": "count",
                "source_file": "999_0000000000000000.txt",
                "location": "synthetic",
                "note": "",
                "period_end": pd.Timestamp(day),
            }
            for measure, value in starting.items()
        ],
        columns=[*COLUMNS, "period_end"],
    )
    params, _ = history.at(read_yaml(PRIORS), Figures(frame), start, start, start)
    return simulate.run(params, [], years, replications, seed)
