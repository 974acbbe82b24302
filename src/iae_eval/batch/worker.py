"""Runs reports in a worker process: papermill on a kernel kept alive between reports.

Starting a Jupyter kernel and importing pandas, matplotlib and the kit in it cost about
2-3 s, more than most reports take to run. So each worker process keeps one kernel and
runs its reports in it one after the other, through a papermill engine
(``iae-persistent-kernel``, :mod:`iae_eval.batch.engine`) that hands papermill's notebook
client that kernel instead of starting a new one. Papermill still parameterises the notebook, executes every cell,
and writes the executed notebook with its error banner when a cell fails.

Isolation between two reports of one kernel: before each report the kernel is reset by
:func:`iae_eval.batch.kernel.prepare` (namespace, figures, rcParams, ``sys.path``,
``os.environ``, warning filters, working directory, run settings). Imported modules stay imported (that
is the point); a module-level cache keyed on the data must therefore be keyed on the
data's content. A kernel that died, timed out or failed to reset is discarded and a new
one started; a kernel is also replaced after :data:`~iae_eval.batch.slot.REPORTS_PER_KERNEL`
reports (the kernel is kept in :mod:`iae_eval.batch.slot`).

Stopping: :func:`iae_eval.batch.slot.stop_now` kills this process's kernel (its whole process group) and
removes the temporary files being written; the worker pools call it when the batch is
interrupted or its parent process is gone (:mod:`iae_eval.batch.pool`). The kernels also
watch their worker (ipykernel's parent poller) and exit with it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from iae_eval import atomic
from iae_eval.batch.plan import KIND_LABELS, PlannedReport
from iae_eval.batch.slot import (
    EXECUTION_TIMEOUT,
    KERNEL_NAME,
    KernelSlot,
    current,
    discard_kernel,
    kernel,
)

if TYPE_CHECKING:
    import nbformat

#: Environment of the kernels: no GUI backend, no debugger warning on frozen modules.
KERNEL_ENV = {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
#: Loggers silenced in workers (kernel noise never reaches the terminal).
QUIET_LOGGERS = ("papermill", "traitlets", "nbclient", "nbconvert", "jupyter_client", "asyncio")


@dataclass(frozen=True)
class Job:
    """A report to run, with what the worker needs beyond the plan."""

    report: PlannedReport
    out_dir: Path
    fingerprint: str
    generated: datetime
    #: The run's validated dataset, for the kernels (:mod:`iae_eval.data.kept`); None: they read the data.
    datasets: Path | None = None


@dataclass(frozen=True)
class Failure:
    """Where and how a report failed."""

    cell_index: int | None
    execution_count: int | None
    source_line: str
    ename: str
    evalue: str

    def describe(self) -> str:
        if self.cell_index is None and self.execution_count is None and not self.source_line:
            return f"{self.ename}: {self.evalue}"
        where = "cellule ?" if self.cell_index is None else f"cellule {self.cell_index}"
        if self.execution_count is not None:
            where += f" (In [{self.execution_count}])"
        code = f" `{self.source_line}`" if self.source_line else ""
        return f"{where}{code}: {self.ename}: {self.evalue}".rstrip(": ")


@dataclass(frozen=True)
class Outcome:
    """What became of one report."""

    report: PlannedReport
    status: str  # ok | failed
    seconds: float
    title: str | None = None
    failure: Failure | None = None
    #: Where a built report's ``seconds`` went (:func:`split_time`).
    timings: dict[str, float] | None = None


def split_time(total: float, cells: float, draw: float, export: float) -> dict[str, float]:
    """A report's ``total`` seconds split into ``compute`` (its cells, less drawing), ``draw``
    (turning figures into pictures), ``export`` (the HTML page, written) and ``other`` (what
    remains: resetting the kernel, papermill's parameters, messages to and from the kernel,
    the executed notebook written), rounded to the millisecond."""
    parts = {"compute": max(cells - draw, 0.0), "draw": draw, "export": export}
    parts["other"] = max(total - sum(parts.values()), 0.0)
    return {k: round(v, 3) for k, v in parts.items()}


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def init_worker() -> None:
    """Initializer of a worker process: quiet loggers, kernel environment, engine."""
    # nbformat → jsonschema imports rfc3987_syntax when installed (jupyterlab brings it), which
    # compiles ~40 lark grammars at import: ~3 s per process, for IRI string formats that the
    # notebook schema never uses. jsonschema skips that checker when the import fails.
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    os.environ.update(KERNEL_ENV)
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL)
        logger.propagate = False
    import warnings

    warnings.filterwarnings("ignore")
    import papermill.engines  # noqa: F401 - first: it loads the engine module through its entry point

    from iae_eval.batch.engine import register

    register()
    from multiprocessing import util

    util.Finalize(None, discard_kernel, exitpriority=100)


# --- One report ---------------------------------------------------------------------------------


def _header(report: PlannedReport) -> list[tuple[str, str]]:
    meta = [("Période" if report.year is None else "Année", report.period)]
    if report.structure_id is not None:
        meta.append(("Structure", f"{report.structure_name} ({report.structure_id})"))
    return meta


def _write_html(job: Job, nb: nbformat.NotebookNode) -> str | None:
    from iae_eval.batch.htmlexport import notebook_title, report_html
    from iae_eval.data.reference import DEFAULT_MIN_CELL
    from iae_eval.editions import DEFAULT_DIFFUSION

    report = job.report
    page = report_html(
        nb,
        kicker=KIND_LABELS[report.kind],
        meta=_header(report),
        fingerprint=job.fingerprint,
        generated=job.generated,
        fallback_title=report.label,
        min_cell=int(dict(report.parameters).get("min_cell", DEFAULT_MIN_CELL)),
        diffusion=str(dict(report.parameters).get("diffusion", DEFAULT_DIFFUSION)),
        period=report.period,
    )
    atomic.write_text(job.out_dir / report.html, page)
    return notebook_title(nb)


def _run_settings(report: PlannedReport, job: Job) -> dict[str, object]:
    """What the report's run fixes (:func:`iae_eval.report.bind_run`): its edition, its minimum
    cell size and its rules profile, from the parameters the batch gives the notebook (the
    plan gives every report all three: no default, so a missing one fails rather than opens);
    where the run keeps its year tables (:mod:`iae_eval.protection.table`) and its validated
    dataset (:mod:`iae_eval.data.kept`)."""
    from iae_eval.protection.table import STORE_DIR

    params = dict(report.parameters)
    return {
        "diffusion": str(params["diffusion"]),
        "min_cell": int(params["min_cell"]),
        "rules": str(params["rules"]),
        "protections": str(job.out_dir / STORE_DIR),
        "datasets": None if job.datasets is None else str(job.datasets),
    }


def _failure_from_cell(nb: nbformat.NotebookNode | None, index: object, exc: BaseException) -> Failure:
    cell = None
    if nb is not None and isinstance(index, int) and 0 <= index < len(nb.cells):
        cell = nb.cells[index]
    evalue = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return Failure(
        cell_index=index if isinstance(index, int) else None,
        execution_count=cell.get("execution_count") if cell is not None else None,
        source_line=_first_line(cell.source) if cell is not None else "",
        ename=type(exc).__name__,
        evalue=evalue,
    )


def run_report(job: Job) -> Outcome:
    """Execute one report and write its executed notebook and HTML (atomically).

    Never raises for a failure of the notebook or of the output folder (disk full,
    permissions): the outcome says what failed, and nothing half-written is left.
    """
    started = time.monotonic()
    try:
        return _run_report(job, started)
    except OSError as exc:
        if not _is_write_error(exc):
            raise
        return _write_failure(job, exc, started)


def _write_failure(job: Job, exc: OSError, started: float) -> Outcome:
    where = f" ({exc.filename})" if exc.filename else ""
    failure = Failure(
        None, None, "", "OSError", f"impossible d'écrire le rapport : {exc.strerror or exc}{where}"
    )
    return Outcome(job.report, "failed", time.monotonic() - started, failure=failure)


def _run_report(job: Job, started: float) -> Outcome:
    import papermill
    import papermill.engines  # noqa: F401 - before the engine module (see iae_eval.batch.engine)
    from papermill.exceptions import PapermillExecutionError

    from iae_eval.batch.engine import ENGINE_NAME

    report = job.report
    executed = job.out_dir / report.executed
    tmp = atomic.temp_path(executed)
    current.clear()
    try:
        try:
            slot = kernel()
            slot.prepare(report.notebook.parent, _run_settings(report, job))
        except Exception:
            discard_kernel()  # one retry on a fresh kernel
            slot = kernel()
            slot.prepare(report.notebook.parent, _run_settings(report, job))
        nb = papermill.execute_notebook(
            str(report.notebook),
            str(tmp),
            parameters=report.params,
            engine_name=ENGINE_NAME,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            deadline=started + EXECUTION_TIMEOUT,
        )
        measured = _kernel_timings(slot)
        exporting = time.monotonic()
        atomic.publish(tmp, executed)
        title = _write_html(job, nb)
        ended = time.monotonic()
        timings = (
            split_time(ended - started, measured["cells"], measured["draw"], ended - exporting)
            if measured is not None
            else None
        )
        return Outcome(report, "ok", ended - started, title=title, timings=timings)
    except PapermillExecutionError as exc:
        atomic.publish(tmp, executed)  # papermill wrote it with its error banner
        failure = Failure(
            cell_index=exc.cell_index,
            execution_count=exc.exec_count,
            source_line=_first_line(exc.source),
            ename=exc.ename,
            evalue=(exc.evalue or "").strip().splitlines()[0] if (exc.evalue or "").strip() else "",
        )
        return Outcome(report, "failed", time.monotonic() - started, failure=failure)
    except Exception as exc:  # noqa: BLE001 - timeout, dead kernel, broken notebook, disk full…
        if _is_write_error(exc):  # the output folder: disk full, permissions…
            return _write_failure(job, exc, started)
        discard_kernel()
        nb = current.get("nb")
        failure = _failure_from_cell(nb, current.get("cell_index"), exc)
        if nb is not None:
            import nbformat

            banner = nbformat.v4.new_markdown_cell(
                f"**iae-eval : le rapport a échoué** à la cellule {failure.cell_index} : "
                f"`{failure.ename}: {failure.evalue}`"
            )
            banner.metadata["tags"] = ["papermill-error-cell-tag"]
            nb.cells.insert(0, banner)
            atomic.write_text(executed, nbformat.writes(nb))
        _drop(tmp)
        return Outcome(report, "failed", time.monotonic() - started, failure=failure)
    finally:
        atomic.discard(tmp)


def _kernel_timings(slot: KernelSlot) -> dict[str, float] | None:
    """The kernel's timings of the report it ran, or None if it cannot tell (the report stands:
    its time is then recorded without its parts)."""
    try:
        return slot.timings()
    except Exception:  # noqa: BLE001 - a measurement never fails a built report
        return None


def _is_write_error(exc: BaseException) -> bool:
    """An error of the file system (disk full, permission denied), not a timeout."""
    return isinstance(exc, OSError) and not isinstance(exc, TimeoutError) and exc.errno is not None


def _drop(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def shutdown() -> None:
    """Shut this process's kernel down (end of the batch)."""
    discard_kernel()
