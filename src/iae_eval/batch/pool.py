"""The local worker pool of ``iae-eval run``: worker processes that stop when told to.

Each worker process keeps one kernel and runs one report at a time
(:mod:`iae_eval.batch.worker`); the pool hands out the reports one by one, so it always
knows which report each worker is building. What the pool guarantees:

- **a worker that dies** (killed, out of memory) fails only the report it was building,
  with the reason; its kernel is killed, a new worker takes over the remaining reports;
- **interruption** (:meth:`LocalPool.stop`, called on Ctrl-C): every worker is told to stop
  (SIGTERM: it kills its kernel, removes its temporary files and exits at once), and any
  worker or kernel still alive after :data:`STOP_GRACE` seconds is killed;
- **a parent killed outright** (``kill -9``): each worker checks its parent every
  :data:`WATCH_INTERVAL` seconds; when it is gone, the worker kills its kernel, removes its
  temporary files and exits. Kernels also exit with their worker (ipykernel's parent poller).

Workers ignore SIGINT: a Ctrl-C sent to the terminal's process group is handled by the
parent alone, which then stops the workers itself.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for

from iae_eval.batch.worker import Job, Outcome

#: How often a worker checks that its parent is alive (seconds).
WATCH_INTERVAL = 1.0
#: Time given to workers to stop on their own before they are killed (seconds).
STOP_GRACE = 2.0
#: Time given to workers to shut their kernels down at the end of a batch (seconds).
CLOSE_GRACE = 15.0
#: Signals blocked while a worker process starts.
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass(frozen=True)
class Done:
    """A report the pool is done with: its outcome, or why there is none."""

    job: Job
    outcome: Outcome | None
    detail: str = ""


# --- In the worker process --------------------------------------------------------------------


def _stop_worker(exit_code: int) -> None:
    from iae_eval.batch import slot

    slot.stop_now()
    os._exit(exit_code)


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(WATCH_INTERVAL)
        if os.getppid() != parent_pid:
            _stop_worker(1)


def _worker_main(conn, parent_pid: int) -> None:
    """Body of a worker process: run the jobs received on ``conn`` until ``None``."""
    from iae_eval.batch import lock, slot, worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: _stop_worker(128 + signal.SIGTERM))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    lock.forget_inherited()
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="iae-watch-parent").start()
    worker.init_worker()
    slot.on_kernel_started = lambda pid: conn.send(("kernel", pid))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        outcome = worker.run_report(job)
        conn.send(("done", outcome))
    worker.shutdown()


# --- In the parent process ----------------------------------------------------------------------


class _Worker:
    def __init__(self, context) -> None:
        parent_conn, child_conn = context.Pipe()
        self.conn = parent_conn
        self.process = context.Process(
            target=_worker_main, args=(child_conn, os.getpid()), name="iae-eval-worker", daemon=False
        )
        # The worker must never run the parent's Ctrl-C handler, even before it sets its own:
        # the signals are blocked while it starts (it unblocks them once its handlers are set);
        # a Ctrl-C meanwhile reaches the parent as soon as they are unblocked here.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        child_conn.close()
        self.job: Job | None = None
        self.kernels: list[int] = []

    def kill_kernels(self) -> None:
        from iae_eval.batch.slot import kill_process_group

        for pid in self.kernels:
            kill_process_group(pid)


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"tué par {name}"
    return f"code de sortie {exitcode}"


class LocalPool:
    """``jobs`` worker processes on this machine, each keeping one kernel."""

    def __init__(self, jobs: int) -> None:
        self.size = max(1, jobs)
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self._context = multiprocessing.get_context(method)
        self._workers: list[_Worker] = []
        self._queue: collections.deque[Job] = collections.deque()

    def submit(self, jobs: list[Job]) -> None:
        """Queue ``jobs`` and start the workers (they begin at once)."""
        self._queue.extend(jobs)
        self._dispatch()

    def _dispatch(self) -> None:
        for w in [w for w in self._workers if w.job is None and not w.process.is_alive()]:
            self._retire(w)  # died between two reports
        while len(self._workers) < min(self.size, len(self._queue) + self._busy()):
            self._workers.append(_Worker(self._context))
        for w in self._workers:
            if w.job is None and self._queue:
                job = self._queue.popleft()
                try:
                    w.conn.send(job)
                except OSError:  # it just died: the job goes to another worker
                    self._queue.appendleft(job)
                    continue
                w.job = job

    def _retire(self, w: _Worker) -> None:
        w.process.join(1.0)
        w.kill_kernels()
        w.conn.close()
        self._workers.remove(w)

    def _busy(self) -> int:
        return sum(1 for w in self._workers if w.job is not None)

    def results(self) -> Iterator[Done]:
        """Yield each report as it is done (in the order they finish)."""
        while self._busy() or self._queue:
            busy = [w for w in self._workers if w.job is not None]
            ready = set(wait_for([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0))
            for w in busy:
                if w.conn in ready or w.process.sentinel in ready:
                    yield from self._collect(w)
            self._dispatch()

    def _collect(self, w: _Worker) -> Iterator[Done]:
        try:
            while w.conn.poll():
                kind, value = w.conn.recv()
                if kind == "kernel":
                    w.kernels.append(value)
                elif kind == "done":
                    job, w.job = w.job, None
                    yield Done(job, value)
        except (EOFError, OSError):
            pass
        if w.job is not None and not w.process.is_alive():
            job, w.job = w.job, None
            self._retire(w)
            yield Done(
                job,
                None,
                f"le processus de calcul s'est arrêté ({_exit_reason(w.process.exitcode)}) pendant ce rapport",
            )

    def close(self) -> None:
        """End of the batch: let the workers shut their kernels down, then make sure."""
        for w in self._workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + CLOSE_GRACE
        for w in self._workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
        self.stop()

    def stop(self) -> None:
        """Stop at once: SIGTERM every worker, kill whatever is left after a grace period."""
        self._queue.clear()
        alive = [w for w in self._workers if w.process.is_alive()]
        for w in alive:
            try:
                w.process.terminate()
            except OSError:
                pass
        deadline = time.monotonic() + STOP_GRACE
        for w in alive:
            w.process.join(max(0.0, deadline - time.monotonic()))
        for w in self._workers:
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1.0)
            w.kill_kernels()
            w.conn.close()
        self._workers.clear()
