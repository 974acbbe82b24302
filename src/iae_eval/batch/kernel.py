"""The kernel side of a batch run: imported by each Jupyter kernel a batch worker keeps
(:mod:`iae_eval.batch.worker`), never by the worker itself.

:func:`warm_up` imports the kit once per kernel, :func:`snapshot` records the state a report
starts from, and :func:`prepare` restores it before each report: the namespace reset
(``InteractiveShell.reset(new_session=True)``), every figure closed, matplotlib's rcParams,
``sys.path``, ``os.environ`` and the warning filters as they were after warm-up, the working
directory set to the notebook's folder, and the kernel bound to the report's run settings
(:func:`iae_eval.report.bind_run`: a notebook cannot build a less protected report).

:func:`watch_cells` times the cells a report runs; :func:`timings` tells the worker, after
the report, how long its cells took and how much of that was spent drawing pictures
(:func:`iae_eval.charts.render.drawing`).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
import warnings
from dataclasses import dataclass

#: Modules imported once per kernel, before the first report (every section module too).
WARM_UP_MODULES: tuple[str, ...] = (
    "iae_eval.data.load",
    "iae_eval.indicators.compute",
    "iae_eval.indicators.suppress",
    "iae_eval.charts",
    "iae_eval.display",
    "iae_eval.sections",
)


@dataclass(frozen=True)
class State:
    """What a report starts from (taken after warm-up)."""

    rc: dict
    path: tuple[str, ...]
    environ: dict[str, str]
    filters: tuple


_state: State | None = None
#: Reports prepared in this kernel (see :func:`prepare` on the garbage collector).
_prepared = {"count": 0}
#: Seconds spent running the current report's cells, and when the running cell started.
_cells: dict[str, float | None] = {"seconds": 0.0, "started": None}


def _cell_started(*_info) -> None:
    _cells["started"] = time.perf_counter()


def _cell_ended(*_result) -> None:
    if _cells["started"] is not None:
        _cells["seconds"] += time.perf_counter() - _cells["started"]
        _cells["started"] = None


def watch_cells(shell=None) -> None:
    """Time every cell ``shell`` (the running IPython shell by default) runs for a report; the
    kernel's own silent requests (:func:`prepare`, :func:`timings`) are not cells."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:
        shell.events.register("pre_run_cell", _cell_started)
        shell.events.register("post_run_cell", _cell_ended)


def timings() -> dict[str, float]:
    """How long the cells of the report since :func:`prepare` took (``cells``), and how much of
    it went into drawing pictures (``draw``), in seconds."""
    from iae_eval.charts.render import drawing_seconds

    return {"cells": float(_cells["seconds"] or 0.0), "draw": drawing_seconds()}


def warm_up(modules: tuple[str, ...] = WARM_UP_MODULES) -> list[str]:
    """Import matplotlib (Agg), pandas and ``modules`` with their submodules; return the modules
    that failed to import (a broken import fails the first report, with its traceback)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    failed = []
    for name in modules:
        try:
            module = importlib.import_module(name)
            for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
                importlib.import_module(f"{name}.{sub.name}")
        except Exception:  # noqa: BLE001 - see the docstring
            failed.append(name)
    return failed


def snapshot() -> State:
    """Record the state every report of this kernel starts from, and set aside what warm-up
    allocated from the garbage collector's scans (:func:`gc.freeze`): the reset before each
    report collects garbage, and a full scan of the imported libraries cost ~0.1 s a report."""
    global _state
    import gc

    import matplotlib

    _state = State(
        rc=dict(matplotlib.rcParams),
        path=tuple(sys.path),
        environ=dict(os.environ),
        filters=tuple(warnings.filters),
    )
    gc.collect()
    gc.freeze()
    return _state


def prepare(
    cwd: str,
    *,
    diffusion: str,
    min_cell: int,
    rules: str | None = None,
    protections: str | None = None,
    datasets: str | None = None,
    shell=None,
) -> None:
    """Make this kernel ready for the next report (see the module); ``protections`` is the
    folder of the run's year tables (:mod:`iae_eval.protection.table`: the public edition reads
    its decisions there); ``datasets`` the folder of the run's validated dataset
    (:mod:`iae_eval.data.kept`); ``shell`` is the IPython shell to reset (the running one by default)."""
    import gc

    import matplotlib
    import matplotlib.pyplot as plt

    from iae_eval.charts.render import reset_drawing_clock
    from iae_eval.data.kept import use_kept
    from iae_eval.protection.table import use_store
    from iae_eval.report import bind_run

    if _state is None:
        raise RuntimeError("snapshot() was not called after warm_up()")
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # with a full garbage collection
    plt.close("all")
    _prepared["count"] += 1
    if _prepared["count"] == 2:
        # What the first report left is mostly what every report reuses (the dataset, the
        # per-dataset caches, fonts): set aside from the collector's scans, as warm-up's is.
        gc.collect()
        gc.freeze()
    dict.update(matplotlib.rcParams, _state.rc)
    sys.path[:] = list(_state.path)
    os.environ.clear()
    os.environ.update(_state.environ)
    warnings.filters[:] = list(_state.filters)
    os.chdir(cwd)
    bind_run(diffusion=diffusion, min_cell=min_cell, rules=rules)
    use_store(protections)
    use_kept(datasets)
    _cells.update(seconds=0.0, started=None)
    reset_drawing_clock()
