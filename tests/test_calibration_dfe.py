"""Leicester's DfE figures as sources rows and fit targets, and the council-against-DfE table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sufficiency.calibration import dfe_routes, dfe_sources
from sufficiency.calibration.figures import Figures
from sufficiency.calibration.fit import PRIORS, Fit, Settings
from sufficiency.calibration.report import LEVEL, level_frame, level_section, twin_frame
from sufficiency.calibration.sources import COLUMNS, load_sources, until
from sufficiency.calibration.targets import (
    DFE_SHARE,
    EXIT_ROUTES,
    WIDE_SHARE,
    dfe_targets,
    route_targets,
    targets,
    year_flow,
)
from sufficiency.errors import InputError
from sufficiency.parameters import read_yaml
from sufficiency.publicdata.tables import load

from .builders import started_history

FIRST, LAST = dt.date(2022, 4, 1), dt.date(2025, 3, 31)
HEADER = ",".join(COLUMNS)


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_sources()


def test_the_shipped_dfe_file_is_a_fresh_build_of_the_subset() -> None:
    shipped = dfe_sources.FILE.read_text(encoding="utf-8")
    assert shipped == dfe_sources.csv_text(dfe_sources.figures())


def test_routes_sum_to_the_published_ceased_and_shares_are_of_the_total(df) -> None:
    fig = Figures(df)
    data = load()
    for row in fig.rows("dfe_ceased"):
        routes = [fig.get(f"dfe_ceased_{r}", row.period) for r in EXIT_ROUTES]
        assert sum(r.value for r in routes if r is not None) == row.value
    cells = data.breakdown("cla_at_31_march", "Placement", dfe_sources.LA_CODE, 2024)
    foster = cells["Foster placements"].value
    total = cells["Total"].value
    assert foster is not None and total is not None
    assert fig.get("dfe_pct_cla_in_foster", "2024-03-31").value == round(foster / total, 4)
    assert fig.get("dfe_cla_at_31_march", "2024-03-31").value == total
    uasc = data.breakdown("cla_started", dfe_sources.UASC, dfe_sources.LA_CODE, 2024)
    assert fig.get("dfe_started_uasc", "2023-24").value == uasc[dfe_sources.UASC].value == 26
    assert fig.get("dfe_started_uasc", "2020-21") is None  # suppressed (c): no row, not zero


def test_every_dfe_row_cites_a_shipped_table_and_a_statistic(df) -> None:
    rows = df[df["measure"].str.startswith("dfe_")]
    assert len(rows) >= 40
    assert rows["source_file"].isin(["numbers.csv.gz", "breakdowns.csv.gz"]).all()
    assert rows["location"].str.startswith("statistic: DfE").all()
    assert rows["location"].str.contains("E06000016").all()


def test_a_dfe_row_without_a_statistic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dfe.csv"
    path.write_text(f"{HEADER}\ndfe_started,2023-24,196,count,numbers.csv.gz,table 1,\n")
    with pytest.raises(InputError) as caught:
        load_sources(tmp_path)
    assert caught.value.field == "row 2, column 'location'"
    assert "statistic: DfE" in caught.value.expected


def test_dfe_targets_in_the_window_and_which_source_is_followed(df) -> None:
    found = {t.key: t for t in targets(Figures(until(df, LAST)), FIRST, LAST)}
    for route in EXIT_ROUTES:
        assert f"{{dfe_ceased_{route}@2023-24}}" in found
    assert "{dfe_started@2021-22}" not in found  # began before the run
    assert found["{dfe_pct_cla_in_homes@2024-03-31}"].noise == DFE_SHARE
    # the council's count is followed, the DfE's gets a wide spread
    assert (
        found["{cla_at_31_march@2024-03-31}"].noise
        < found["{dfe_cla_at_31_march@2024-03-31}"].noise
    )
    # the DfE's census foster share is followed; the council's February 2025 figure is not
    assert found["{pct_cla_in_foster@2025-02-28}"].noise == WIDE_SHARE
    assert found["{pct_cla_in_foster@2023-24}"].noise < DFE_SHARE


def test_simulated_routes_add_up_to_the_simulated_ceased() -> None:
    h = started_history(dt.date(2022, 4, 1), 1, 2, seed=5)
    routes = sum(year_flow(h, "exits", r, "2022-23") for r in EXIT_ROUTES)
    assert np.array_equal(routes, year_flow(h, "exits", "all", "2022-23"))
    assert year_flow(h, "exits", "all", "2022-23").sum() > 0


class Exits:
    """A stand-in run: exits by route in one financial year, per replication."""

    def __init__(self, by_route: dict[str, list[float]]) -> None:
        self.by_route = {r: np.array(v)[:, None] for r, v in by_route.items()}
        self.by_route["all"] = sum(self.by_route.values())

    def flow(self, measure: str, route: str = "all") -> np.ndarray:
        assert measure == "exits"
        return self.by_route[route]

    def year(self, financial_year: str) -> int:
        return 0


def test_routes_are_compared_as_the_years_split_not_its_level(df) -> None:
    fig = Figures(until(df, LAST))
    found = {t.row.measure: t for t in route_targets(fig, FIRST, LAST) if t.row.period == "2023-24"}
    assert set(found) == {f"dfe_ceased_{r}" for r in EXIT_ROUTES}
    run = {"reunified": [40.0, 60.0], "permanence": [20.0, 30.0]}
    run |= {"turned_18": [30.0, 30.0], "other": [10.0, 0.0]}
    doubled = {r: [2 * v for v in values] for r, values in run.items()}
    total = fig.get("dfe_ceased", "2023-24").value  # 232
    for route in EXIT_ROUTES:
        simulated = found[f"dfe_ceased_{route}"].simulated
        assert np.allclose(simulated(Exits(run)), simulated(Exits(doubled)))  # level ignored
    reunified = found["dfe_ceased_reunified"].simulated(Exits(run))
    assert reunified == pytest.approx([0.4 * total, 0.5 * total])
    summed = sum(found[f"dfe_ceased_{r}"].simulated(Exits(run)) for r in EXIT_ROUTES)
    assert summed == pytest.approx([total, total])


def fit_at_observed(df: pd.DataFrame, run: object = None, scale: float = 1.0) -> Fit:
    """A fit whose every simulated figure is the observed one times ``scale``, spreads the
    observation spreads, over the stand-in ``run``."""
    fig = Figures(until(df, LAST))
    found = targets(fig, FIRST, LAST)
    observed = np.array([t.row.value for t in found]) * scale
    return Fit(
        [],
        np.zeros(0),
        np.zeros(0),
        np.zeros((0, 0)),
        found,
        run,  # type: ignore[arg-type]  # a stand-in
        np.column_stack([observed, observed]),
        np.array([max(t.noise, 1e-3) for t in found]),
        {},
        fig,
        FIRST,
        LAST,
        Settings(),
        0,
        0.0,
        "",
    )


def test_the_report_reads_each_level_figure_as_children_a_year(df) -> None:
    run = Exits({"reunified": [200.0, 240.0]})  # 220 exits a year on average
    fit = fit_at_observed(df, run, scale=1.1)  # simulated months 34.1 against 31
    level = level_frame(fit).set_index(["figure", "period"])
    months = level.loc[(LEVEL["avg_months_in_care"], "2024-25")]
    assert months["children_a_year"] == pytest.approx(220 * 1.1)  # 242: at 31 months
    assert months["simulated_a_year"] == pytest.approx(220)
    assert months["spread_a_year"] == pytest.approx(242 * 3.1 / 31)  # 10% of the months
    starts = level.loc[(LEVEL["dfe_started"], "2023-24")]
    assert (starts["children_a_year"], starts["spread_a_year"]) == (196, pytest.approx(19.6))
    text = "\n".join(level_section(fit))
    weights = 1 / level["spread_a_year"] ** 2
    mean = (level["children_a_year"] * weights).sum() / weights.sum()
    assert f"precision-weighted mean is {mean:.1f} children a year" in text
    assert 196 < mean < 242


def test_the_report_shows_both_sources_and_names_the_one_followed(df) -> None:
    fit = fit_at_observed(df)
    table = twin_frame(fit).set_index(["measure", "council_period"])
    cla = table.loc[("cla_at_31_march", "2024-03-31")]
    assert (cla["council"], cla["dfe"], cla["follows"]) == (599, 596, "council")
    foster = table.loc[("pct_cla_in_foster", "2025-02-28")]
    assert (foster["council"], foster["dfe_period"], foster["follows"]) == (
        0.61,
        "2024-03-31",
        "DfE",
    )
    assert table.loc[("pct_cla_in_foster", "2023-24"), "dfe_period"] == "2024-03-31"


def test_dfe_targets_need_dfe_rows() -> None:
    empty = pd.DataFrame([], columns=[*COLUMNS, "period_end"])
    assert dfe_targets(Figures(empty), FIRST, LAST) == []


def test_exit_routes_are_reweighted_to_leicesters_split(df) -> None:
    fig = Figures(until(df, LAST))
    data = read_yaml(PRIORS)
    before = {b: dict(v) for b, v in data["exits"]["route_shares_by_band"]["value"].items()}
    dfe_routes.apply(data, fig)
    entry = data["exits"]["route_shares_by_band"]
    years = [r.end.year for r in fig.rows("dfe_ceased_reunified")[-dfe_routes.YEARS :]]
    nation = dfe_routes.england(years)
    area = {r: sum(x.value for x in fig.rows(f"dfe_ceased_{r}")[-2:]) for r in nation}
    for band, shares in entry["value"].items():
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
        # the reunified:permanence odds move by Leicester's odds over England's
        moved = shares["reunified"] / shares["permanence"]
        was = before[band]["reunified"] / before[band]["permanence"]
        odds = (area["reunified"] / area["permanence"]) / (
            nation["reunified"] / nation["permanence"]
        )
        assert moved / was == pytest.approx(odds, rel=2e-3)
    assert entry["source"].startswith("statistic: DfE")
    assert "{dfe_ceased_other@2023-24}" in entry["source"]


def test_exit_routes_stay_without_dfe_rows() -> None:
    data = read_yaml(PRIORS)
    before = dict(data["exits"]["route_shares_by_band"])
    dfe_routes.apply(data, Figures(pd.DataFrame([], columns=[*COLUMNS, "period_end"])))
    assert data["exits"]["route_shares_by_band"] == before
