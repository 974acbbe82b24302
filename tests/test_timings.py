"""Where a report's time goes: the kernel times its cells and their drawing, the worker
splits the report's seconds into computing, drawing, exporting and the rest."""

from __future__ import annotations

import time

import matplotlib.pyplot as plt
import pytest

from iae_eval import charts
from iae_eval.batch import kernel
from iae_eval.batch.manifest import MANIFEST_NAME, Manifest
from iae_eval.batch.worker import split_time
from iae_eval.report import unbind_run


class Events:
    def __init__(self) -> None:
        self.callbacks: dict[str, list] = {}

    def register(self, event: str, callback) -> None:
        self.callbacks.setdefault(event, []).append(callback)

    def trigger(self, event: str) -> None:
        for callback in self.callbacks.get(event, []):
            callback(None)


class Shell:
    def __init__(self) -> None:
        self.events = Events()

    def reset(self, new_session: bool = False) -> None:
        pass


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(kernel, "_prepared", {"count": 5})  # no freezing of this process's objects
    kernel.snapshot()
    shell = Shell()
    kernel.watch_cells(shell)
    yield shell
    unbind_run()
    import gc

    gc.unfreeze()


def test_the_kernel_times_the_cells_of_a_report_and_their_drawing(tmp_path, shell):
    kernel.prepare(str(tmp_path), diffusion="comite", min_cell=5, shell=shell)
    shell.events.trigger("pre_run_cell")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    charts.png(fig)
    time.sleep(0.05)
    shell.events.trigger("post_run_cell")
    kernel._cell_started()  # a silent request of the worker is not a cell: never ended, not counted
    first = kernel.timings()
    assert first["draw"] > 0
    assert first["cells"] >= first["draw"] + 0.05
    kernel.prepare(str(tmp_path), diffusion="comite", min_cell=5, shell=shell)  # the next report
    assert kernel.timings() == {"cells": 0.0, "draw": 0.0}


def test_a_reports_seconds_split_into_parts_that_add_up():
    parts = split_time(1.0, cells=0.7, draw=0.4, export=0.05)
    assert parts == {"compute": 0.3, "draw": 0.4, "export": 0.05, "other": 0.25}
    assert sum(parts.values()) == pytest.approx(1.0)
    # clocks of two processes never make a part negative
    assert split_time(0.5, cells=0.6, draw=0.1, export=0.0) == {
        "compute": 0.5,
        "draw": 0.1,
        "export": 0.0,
        "other": 0.0,
    }


def test_the_manifest_is_saved_after_a_report_unless_its_last_save_was_too_recent(tmp_path):
    """Saving after each report costs at most 1/SAVE_SPACING of the run: a manifest whose
    last save took long waits; a small one is saved after every report."""
    manifest = Manifest(tmp_path / MANIFEST_NAME)
    manifest.save()
    manifest.record("2012/structures/S01.html", {"kind": "structure", "status": "ok", "seconds": 0.8})
    manifest._last_save = (time.monotonic() - 0.5, 0.002)  # a save of 2 ms, a report ago
    manifest.save_if_due()
    assert "2012/structures/S01.html" in Manifest.load(tmp_path).entries
    manifest._last_save = (time.monotonic(), 10.0)  # as if a save of 10 s had just ended
    manifest.record("2012/structures/S02.html", {"kind": "structure", "status": "ok", "seconds": 0.9})
    manifest.save_if_due()
    assert "2012/structures/S02.html" not in Manifest.load(tmp_path).entries
    manifest.save()  # the end of the run
    times = Manifest.load(tmp_path).report_times("structure")
    assert times == {"seconds": [0.8, 0.9]}
