"""Parameter sets for a historical start, the council's way of counting, trends, the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sufficiency.calendar import Calendar
from sufficiency.calibration import history
from sufficiency.calibration.fit import starting_data
from sufficiency.calibration.provenance import verify
from sufficiency.calibration.reproduce import savings
from sufficiency.calibration.simulate import CARE, HOME, ONGOING, History, Sample, Teams
from sufficiency.calibration.sources import load_sources, until
from sufficiency.calibration.trends import count_level, share_level
from sufficiency.cli import cli
from sufficiency.parameters import load_parameters
from sufficiency.pathway import PROGRAMMES, Programme

BASELINE = Path(__file__).resolve().parents[1] / "calibration" / "leicester.yaml"


@pytest.fixture(scope="module")
def df():
    return load_sources()


def test_a_start_in_2023_has_that_days_children_and_the_later_known_changes(df) -> None:
    data, fig = starting_data(df)
    params, timeline = history.at(
        data, fig, dt.date(2023, 4, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31)
    )
    assert params.population.date == dt.date(2023, 3, 31)
    assert params.population.total.value == 630
    shares = params.population.placement_shares.value
    assert shares["foster_inhouse"] + shares["foster_kinship"] + shares[
        "foster_ifa"
    ] == pytest.approx(0.69)
    assert params.foster_carers.households.value == 143  # 2022-23, nearest by the start
    assert params.programmes[Programme.MST].therapists.value == 6
    assert params.reunification.therapists.value == 0
    changes = {(c.day, c.path): c.value for c in timeline}
    assert changes[(366.0, "programmes.mst.therapists")] == 3  # 1 April 2024, half staffing
    assert (549.0, "reunification.therapists") in changes  # 1 October 2024
    uasc = params.entries[1].rate_per_month  # the year starting that day: the DfE's count
    assert "{dfe_started_uasc@2023-24}" in uasc.source
    assert uasc.value == pytest.approx(26 / 12, rel=1e-5)
    assert verify(params, df) == []


def test_the_unaccompanied_stream_follows_each_years_dfe_starts(df) -> None:
    data, fig = starting_data(df)
    params, timeline = history.at(
        data, fig, dt.date(2022, 4, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31)
    )
    assert params.entries[1].rate_per_month.value == pytest.approx(36 / 12, rel=1e-5)  # 2022-23
    changes = {c.path: c.value for c in timeline if c.path == history.UASC_PATH}
    assert changes == {history.UASC_PATH: pytest.approx(26 / 12, rel=1e-5)}  # from 1 April 2023
    later, _ = history.at(data, fig, dt.date(2025, 4, 1), dt.date(2025, 4, 1), dt.date(2025, 3, 31))
    # the latest rate is held
    assert later.entries[1].rate_per_month.value == pytest.approx(26 / 12, rel=1e-5)


def test_without_dfe_counts_the_unaccompanied_stream_is_the_councils_share(df) -> None:
    data, fig = starting_data(df[df["measure"] != history.UASC_STARTS])
    params, _ = history.at(
        data, fig, dt.date(2023, 4, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31)
    )
    uasc = params.entries[1].rate_per_month
    assert "{pct_cla_from_abroad_seeking_safety@2023-24}" in uasc.source
    assert uasc.value == pytest.approx(0.05 * 599 / 20)


def test_a_start_knows_only_the_homes_open_by_the_training_date(df) -> None:
    cut = until(df, dt.date(2022, 3, 31))
    data, fig = starting_data(cut)
    params, timeline = history.at(
        data, fig, dt.date(2022, 4, 1), dt.date(2025, 3, 31), dt.date(2022, 3, 31)
    )
    assert all(h.opens <= dt.date(2022, 3, 31) for h in params.homes)
    assert timeline == []
    assert params.child_population.source.startswith("assumption:")
    assert params.population.total.value == round(71 * 88_000 / 10_000)


def one_replication(episodes: list[tuple[int, float, float, int]]) -> History:
    """A History holding one replication with the given programme episodes."""
    params = load_parameters(BASELINE)
    cal = Calendar(dt.date(2025, 4, 1), 1)
    sample = Sample(
        np.zeros((20, len(cal.points)), dtype=np.int32),
        np.zeros(12),
        np.zeros((1, 1, 1), dtype=np.int32),
        np.array(episodes, dtype=float),
        np.zeros((0, 2)),
        np.zeros((1, 4), dtype=np.int32),
    )
    return History(cal, params, [sample])


def test_children_diverted_and_gross_savings_the_councils_way() -> None:
    mst, fdm = PROGRAMMES.index(Programme.MST), PROGRAMMES.index(Programme.FDM)
    h = one_replication(
        [
            (mst, 0.0, 100.0, HOME),  # diverted, a whole year left
            (mst, 182.0, 300.0, CARE),  # came into care: not diverted
            (mst, 300.0, np.inf, ONGOING),  # still working: success to date
            (fdm, 10.0, 70.0, HOME),  # FDM, counted only once it joins the teams
        ]
    )
    first, last = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    assert h.children_diverted(first, last, Teams()).tolist() == [2]
    assert h.children_diverted(first, last, Teams(fdm_from=0.0)).tolist() == [3]
    deflator = h.params.programmes[Programme.MST].targeting_deflator.value
    end = h.span(first, last)[1]
    in_year = 1000 * deflator * (end / 365.25 + (end - 300.0) / 365.25)
    assert savings(h, first, last, Teams(), 1000, True)[0] == pytest.approx(in_year)
    assert savings(h, first, last, Teams(), 1000, False)[0] == pytest.approx(2000 * deflator)
    assert h.closed_at_home(first, last, Teams()).tolist() == [0.5]


def test_trend_levels_are_the_pooled_means_with_quasi_likelihood_spread() -> None:
    level = count_level([56, 53, 44])
    assert level.mean == pytest.approx(51.0)
    assert level.sd == pytest.approx(np.sqrt(51.0 / 3))  # Poisson: under-dispersed data floor
    share = share_level([41, 41, 37], [229, 214, 202])
    assert share.mean == pytest.approx(119 / 645)
    spread = count_level([10, 50, 90])
    assert spread.sd > np.sqrt(50 / 3)  # over-dispersed: inflated


def test_calibrate_that_does_not_converge_writes_nothing(tmp_path) -> None:
    out = tmp_path / "params.yaml"
    result = CliRunner().invoke(
        cli,
        [
            "calibrate",
            "--out",
            str(out),
            "--replications",
            "2",
            "--max-evaluations",
            "1",
            "--window-years",
            "1",
        ],
    )
    assert result.exit_code == 1
    assert "did not converge" in result.output and "nothing written" in result.output
    assert list(tmp_path.iterdir()) == []
