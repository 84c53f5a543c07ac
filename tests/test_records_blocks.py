"""A replication's log reads the same however its rows were stored, and a replication is the
same event for event whatever the width of the clock's buckets."""

from __future__ import annotations

import numpy as np
import pytest

from sufficiency import records
from sufficiency.engine import model as model_module
from sufficiency.engine.model import simulate
from sufficiency.records import Log, Measure, Transition
from sufficiency.runner import replication_seed


def test_rows_moved_into_blocks_read_as_if_never_moved(monkeypatch):
    monkeypatch.setattr(records, "BLOCK", 3)
    log = Log()
    rows = [(i / 3, i, i % 5 - 1, i % 7) for i in range(20)]
    for i, row in enumerate(rows):
        log.transitions.extend(row)
        log.count(row[0], Measure.MOVES, f"route {i % 2}")
    assert log.transitions._blocks and log.counts._blocks  # some rows did move
    assert log.rows() == [Transition(*row) for row in rows]
    assert log.counted(Measure.MOVES) == [
        (row[0], f"route {i % 2}", 1) for i, row in enumerate(rows)
    ]
    assert len(log.transitions) == len(log.counts) == len(rows)
    assert log.transitions.array() is log.transitions.array()  # made once for each length


@pytest.mark.parametrize("width", [0.3, 40.0])
def test_the_clock_bucket_width_changes_no_event(baseline_params, monkeypatch, width):
    def logs() -> list[np.ndarray]:
        log = simulate(baseline_params, replication_seed(2, 0), 400.0).log
        return [log.transitions.array(), log.counts.array(), log.waiting.array()]

    before = logs()
    monkeypatch.setattr(model_module, "width_for", lambda children: width)
    for old, new in zip(before, logs(), strict=True):
        assert np.array_equal(old, new)
