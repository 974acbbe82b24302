"""The kernel side of a batch run (iae_eval.batch.kernel), called in this process: what
``prepare`` restores between two reports of one kernel, and the run it binds."""

from __future__ import annotations

import gc
import os
import sys
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from iae_eval.batch import kernel
from iae_eval.report import bound_run, unbind_run


class FakeShell:
    def __init__(self) -> None:
        self.resets: list[bool] = []

    def reset(self, new_session: bool = False) -> None:
        self.resets.append(new_session)


@pytest.fixture
def restore():
    """Leave this process as the test found it."""
    rc, path, environ, filters, cwd = (
        dict(matplotlib.rcParams),
        list(sys.path),
        dict(os.environ),
        list(warnings.filters),
        os.getcwd(),
    )
    yield
    dict.update(matplotlib.rcParams, rc)
    sys.path[:] = path
    os.environ.clear()
    os.environ.update(environ)
    warnings.filters[:] = filters
    os.chdir(cwd)
    unbind_run()
    gc.unfreeze()


def test_warm_up_imports_the_kit():
    assert kernel.warm_up() == []
    assert "iae_eval.sections" in sys.modules
    assert kernel.warm_up(("iae_eval.no_such_module",)) == ["iae_eval.no_such_module"]


def test_prepare_restores_the_state_and_binds_the_run(tmp_path, restore):
    kernel.snapshot()
    dpi = matplotlib.rcParams["figure.dpi"]
    matplotlib.rcParams["figure.dpi"] = dpi + 17
    sys.path.append("/nowhere")
    os.environ["IAE_TEST_LEAK"] = "1"
    warnings.simplefilter("error")
    plt.figure()
    shell = FakeShell()
    kernel.prepare(str(tmp_path), diffusion="public", min_cell=7, rules="asp", shell=shell)
    assert shell.resets == [True]
    assert matplotlib.rcParams["figure.dpi"] == dpi
    assert "/nowhere" not in sys.path and "IAE_TEST_LEAK" not in os.environ
    assert ("error", None, Warning, None, 0) not in warnings.filters
    assert plt.get_fignums() == []
    assert os.getcwd() == str(tmp_path)
    run = bound_run()
    assert (run.diffusion, run.min_cell, run.rules) == ("public", 7, "asp")


def test_the_snapshot_sets_what_warm_up_allocated_aside_from_the_collector(restore):
    """The reset before each report collects garbage: it scans only what came after warm-up."""
    gc.unfreeze()
    kernel.snapshot()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # this process's modules, pandas, matplotlib…
    garbage = [[]]
    garbage[0].append(garbage)  # a cycle made after the snapshot
    del garbage
    assert gc.collect() >= 2  # still found and collected
    assert gc.get_freeze_count() == frozen


def test_prepare_needs_a_snapshot(tmp_path, restore, monkeypatch):
    monkeypatch.setattr(kernel, "_state", None)
    with pytest.raises(RuntimeError, match="snapshot"):
        kernel.prepare(str(tmp_path), diffusion="comite", min_cell=5, shell=FakeShell())


@pytest.mark.parametrize(
    "code",
    [
        # papermill finds the engine through its entry point (where the kit is installed)
        "import papermill.engines as e; print(e.papermill_engines.get_engine('iae-persistent-kernel').__name__)",
        # a fresh worker process (local pool or Dask) registers it without a circular import
        "from iae_eval.batch import worker; worker.init_worker(); "
        "import papermill.engines as e; print(e.papermill_engines.get_engine('iae-persistent-kernel').__name__)",
    ],
    ids=["entry-point", "worker"],
)
def test_the_engine_loads_in_a_fresh_process(code):
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "PersistentKernelEngine"
