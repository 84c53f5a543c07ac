"""The small parameter set the engine tests build: sourced, valid, and overridden as asked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sufficiency.parameters import provenance

from .builders import SOURCE, small_set


def test_every_value_of_the_small_set_is_a_test_assumption():
    rows = provenance(small_set())
    assert len(rows) > 80
    assert {row["source"] for row in rows} == {SOURCE}


def test_overrides_replace_named_fields_and_leave_the_rest():
    params = small_set(
        population={"total": 7},
        programmes={"mst": {"therapists": 2.5}},
        entries={"uasc": {"rate_per_month": 0.0}},
        homes={"home b": {"closes": "2026-01-01"}},
    )
    assert params.population.total.value == 7
    assert params.programmes["mst"].therapists.value == 2.5
    assert params.programmes["mst_bsf"].therapists.value == 1.0  # written as a copy of mst's
    assert [e.rate_per_month.value for e in params.entries] == [4.0, 0.0]
    assert [str(h.closes) for h in params.homes] == ["None", "2026-01-01"]
    assert small_set().programmes["mst"].therapists.value == 1.0  # nothing leaks


def test_active_leaves_only_the_named_programmes_working():
    params = small_set(active=("fdm", "reunification"))
    working = {p.value for p, q in params.programmes.items() if q.therapists.value > 0}
    assert working == {"fdm"} and params.reunification.therapists.value > 0
    assert all(
        q.referrals_per_month.value == 0 for p, q in params.programmes.items() if p.value != "fdm"
    )
    assert small_set(active=()).reunification.therapists.value == 0


def test_an_invalid_override_is_refused():
    with pytest.raises(ValidationError):
        small_set(population={"age_band_shares": {"5-9": 0.5}})
