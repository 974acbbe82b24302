"""The kernel a worker process keeps, and what the papermill engine and the worker share.

:func:`kernel` gives this process's :class:`KernelSlot` (started on first use, replaced after
:data:`REPORTS_PER_KERNEL` reports); :data:`current` holds the notebook being run and its
current cell (set by the engine, :mod:`iae_eval.batch.engine`; read by the worker,
:mod:`iae_eval.batch.worker`, when a report fails). Both modules import this one, and it
imports neither of them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from iae_eval import atomic

#: Time allowed to one report, all cells together (seconds).
EXECUTION_TIMEOUT = 600
#: Time allowed to a kernel to start (seconds).
STARTUP_TIMEOUT = 60
#: A kernel is replaced after this many reports (bounds any leak of memory or state). A kernel
#: grew by 8 MB over 140 structure reports of a national-size year (600 → 608 MB), and a new
#: one costs its first report ~13 s there (loading the data, the year's figures, the models).
REPORTS_PER_KERNEL = 1000
KERNEL_NAME = "python3"

#: Run in each new kernel: import the kit and record the state every report starts from
#: (:mod:`iae_eval.batch.kernel`, the kernel side of the batch).
KERNEL_SETUP = "import iae_eval.batch.kernel as _k; _k.warm_up(); _k.watch_cells(); _k.snapshot(); del _k"
#: What the kernel answers, after a report, on the time its cells took (:func:`iae_eval.batch.kernel.timings`).
TIMINGS_EXPRESSION = "__import__('iae_eval.batch.kernel', fromlist=['timings']).timings()"


class KernelSlot:
    """The kernel this process keeps, with its client."""

    def __init__(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        run_sync(self.km.start_kernel)(
            extra_arguments=["--HistoryManager.enabled=False"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pid: int | None = getattr(self.km.provisioner, "pid", None)
        if self.pid is not None and on_kernel_started is not None:
            on_kernel_started(self.pid)
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            _warm_worker()  # while the kernel boots
            run_sync(self.kc.wait_for_ready)(timeout=STARTUP_TIMEOUT)
            self.kc.allow_stdin = False
            self.run(KERNEL_SETUP)
        except BaseException:
            self.shutdown()
            raise
        self.reports = 0

    def run(
        self, code: str, timeout: float = STARTUP_TIMEOUT, expressions: dict[str, str] | None = None
    ) -> dict:
        """Run ``code`` silently (no output, no history); raise if it fails. Return the values of
        ``expressions`` (name → Python expression), evaluated after ``code``, as the kernel
        gives them (``{"status": "ok", "data": {"text/plain": repr}}`` for each)."""
        from jupyter_core.utils import run_sync

        msg_id = self.kc.execute(
            code, silent=True, store_history=False, allow_stdin=False, user_expressions=expressions or {}
        )
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the kernel did not answer")
            reply = run_sync(self.kc.get_shell_msg)(timeout=remaining)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        return content.get("user_expressions", {})

    def timings(self) -> dict[str, float]:
        """The kernel's :func:`iae_eval.batch.kernel.timings` for the report it just ran."""
        import ast

        answer = self.run("", expressions={"timings": TIMINGS_EXPRESSION})["timings"]
        if answer.get("status") != "ok":
            raise RuntimeError(f"{answer.get('ename')}: {answer.get('evalue')}")
        return ast.literal_eval(answer["data"]["text/plain"])

    def prepare(self, cwd: Path, settings: dict[str, object]) -> None:
        """Reset the kernel for the next report (:func:`iae_eval.batch.kernel.prepare`)."""
        self.run(
            f"__import__('iae_eval.batch.kernel', fromlist=['prepare']).prepare({str(cwd)!r}, **{settings!r})"
        )

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            self.kc.stop_channels()
        except Exception:  # noqa: BLE001 - best effort when tearing down
            pass
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001
            pass


def _warm_worker() -> None:
    """Import papermill and compile the HTML template (once per worker process)."""
    import papermill  # noqa: F401

    from iae_eval.batch.htmlexport import exporter

    exporter()


_slot: KernelSlot | None = None
#: The notebook being run and its current cell (set by the engine, read on failure).
current: dict[str, object] = {}
#: Called with the process id of each kernel this process starts (the pool tracks them).
on_kernel_started: Callable[[int], None] | None = None


def kill_process_group(pid: int) -> None:
    """Kill ``pid`` and its process group (a kernel runs in its own session) at once."""
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)


def stop_now() -> None:
    """Kill this process's kernel and remove its temporary files, at once (no waiting).

    Safe from a signal handler or a watchdog thread: it only sends signals and unlinks."""
    slot = _slot
    if slot is not None:
        if slot.pid is not None:
            kill_process_group(slot.pid)
        with contextlib.suppress(Exception):
            Path(slot.km.connection_file).unlink()
    atomic.remove_pending()


def kernel() -> KernelSlot:
    global _slot
    if _slot is not None and _slot.reports >= REPORTS_PER_KERNEL:
        discard_kernel()
    if _slot is None:
        _slot = KernelSlot()
    return _slot


def discard_kernel() -> None:
    global _slot
    if _slot is not None:
        _slot.shutdown()
        _slot = None
