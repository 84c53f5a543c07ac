"""Replications on a Dask cluster (loopback only) give the same CSVs as one local process,
including when a worker is killed in the middle of the run."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sufficiency.cli import cli
from sufficiency.cluster import Dask, chosen
from sufficiency.executor import using
from sufficiency.output import write_run
from sufficiency.runner import run
from sufficiency.scenario import load_scenario

from .conftest import BASELINE_SCENARIO

distributed = pytest.importorskip("distributed")

SHORT = ["--years", "2", "--replications", "12", "--seed", "5", "--quiet"]


CLUSTER = """
import sys, distributed
with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster:
    print(cluster.scheduler_address, flush=True)
    sys.stdin.read()
"""


@pytest.fixture(scope="module")
def client():
    """A client of a two-worker cluster on the loopback interface, run by another process (so
    that none of its processes are this one's children)."""
    cluster = subprocess.Popen(
        [sys.executable, "-c", CLUSTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert cluster.stdout is not None
    try:
        with distributed.Client(cluster.stdout.readline().strip()) as connected:
            yield connected
    finally:
        cluster.communicate(timeout=60)


def csvs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def cli_run(out: Path, *options: str) -> dict[str, bytes]:
    result = CliRunner().invoke(
        cli, ["run", str(BASELINE_SCENARIO), *SHORT, "--out", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    return csvs(out)


def test_a_dask_cluster_gives_the_csvs_of_one_process(tmp_path, client):
    alone = cli_run(tmp_path / "alone", "--jobs", "1")
    on_dask = cli_run(
        tmp_path / "dask", "--executor", "dask", "--scheduler", client.scheduler.address
    )
    assert len(alone) >= 7 and on_dask == alone


def test_a_worker_killed_mid_run_changes_nothing(tmp_path, client):
    scenario = load_scenario(BASELINE_SCENARIO)
    before = client.run(os.getpid)
    victim = next(iter(before.values()))
    killed: list[int] = []

    def kill_once(count: int) -> None:
        """After the first chunk is back (chunks are still running), kill a worker."""
        if not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(count)

    with using(Dask(client)):
        on_dask = run(scenario, years=2, replications=80, seed=7, progress=kill_once)
    alone = run(scenario, years=2, replications=80, seed=7, jobs=1)
    for name, result in (("dask", on_dask), ("alone", alone)):
        (tmp_path / name).mkdir()
        write_run(result, tmp_path / name)
    assert killed and victim not in client.run(os.getpid).values()
    assert csvs(tmp_path / "dask") == csvs(tmp_path / "alone")


def test_the_options_must_name_one_place_to_run():
    for options in (
        ["--executor", "dask"],
        ["--workers", "2"],
        ["--executor", "dask", "--workers", "2", "--scheduler", "tcp://x:1"],
    ):
        result = CliRunner().invoke(cli, ["run", str(BASELINE_SCENARIO), *SHORT, *options])
        assert result.exit_code == 2 and "Error:" in result.output, options
    with pytest.raises(ValueError), chosen("dask"):
        pass


def test_the_python_interface_runs_on_dask_too(client):
    from sufficiency import api

    address = client.scheduler.address
    on_dask = api.run(BASELINE_SCENARIO, 2, 6, 5, executor="dask", scheduler=address)
    assert on_dask.stocks.equals(api.run(BASELINE_SCENARIO, 2, 6, 5).stocks)


def test_the_area_forecast_on_dask_is_the_forecast_of_one_process(tmp_path, client):
    """Every authority's chunks go to the cluster in one stream; the CSV is unchanged."""
    forecast = ["areas", "forecast", "Leicester", "Rutland", "--years", "1"]
    forecast += ["--replications", "6", "--seed", "2"]
    outs = {}
    for name, options in (
        ("alone", ["--jobs", "1"]),
        ("dask", ["--executor", "dask", "--scheduler", client.scheduler.address]),
    ):
        result = CliRunner().invoke(cli, [*forecast, "--out", str(tmp_path / name), *options])
        assert result.exit_code == 0, result.output
        outs[name] = (tmp_path / name / "area_forecasts.csv").read_bytes()
    assert outs["dask"] == outs["alone"] and outs["alone"].count(b"\n") > 10


def test_a_local_cluster_says_nothing_when_dasks_usual_port_is_taken(tmp_path):
    """Another program on port 8787 (another cluster's pages): the command's own cluster takes
    a free port, and nothing is printed but the command's own output."""
    with socket.socket() as other:
        with contextlib.suppress(OSError):  # if 8787 is taken already, so much the better
            other.bind(("127.0.0.1", 8787))
            other.listen()
        command = Path(sys.executable).with_name("sufficiency")
        done = subprocess.run(
            [str(command), "run", str(BASELINE_SCENARIO), *SHORT, "--out", str(tmp_path / "o")]
            + ["--executor", "dask", "--workers", "1"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0 and done.stderr == ""
