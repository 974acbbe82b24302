"""``iae-eval run --scheduler ADDRESS``: the reports run on the workers of a Dask cluster.

The same interface as :class:`iae_eval.batch.pool.LocalPool` (``submit``, ``results``,
``close``, ``stop``), so the batch keeps its guarantees: the data is validated and every
parameter checked before anything is sent, unchanged reports are skipped, each report is
written atomically by the worker that built it, a failure fails only its report, and the
progress bar, summary and exit code are the same.

Each Dask worker process keeps one kernel, like a local worker, started on its first
report and shut down when the worker closes (:class:`KernelPlugin`). The workers need the
kit installed and the data and output folders at the same paths (a shared filesystem).
``--scheduler local`` starts a :class:`distributed.LocalCluster` of ``--jobs`` worker
processes on this machine, to try it out.

Dask is an optional extra: ``pip install '.[dask]'`` from a clone, or ``pip install dask distributed``
(docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from iae_eval.batch.pool import Done
from iae_eval.batch.worker import Job, Outcome
from iae_eval.errors import SchedulerError

#: Time allowed to reach the scheduler (seconds).
CONNECT_TIMEOUT = 15
PLUGIN_NAME = "iae-eval-kernel"

_initialised = False


def run_on_worker(job: Job) -> Outcome:
    """The task sent to a Dask worker: one report, on the kernel this worker process keeps."""
    global _initialised
    from iae_eval.batch import worker

    if not _initialised:
        worker.init_worker()
        _initialised = True
    return worker.run_report(job)


def _kernel_plugin():
    from distributed import WorkerPlugin

    class KernelPlugin(WorkerPlugin):
        """Shuts the worker's kernel down when the Dask worker closes."""

        def teardown(self, worker) -> None:  # noqa: ARG002 - Dask's signature
            from iae_eval.batch import worker as report_worker

            report_worker.shutdown()

    return KernelPlugin()


class DaskPool:
    """The workers of the Dask cluster at ``address`` (``local``: a LocalCluster of ``jobs``)."""

    def __init__(self, address: str, jobs: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise SchedulerError(
                "--scheduler demande Dask distributed : pip install dask distributed"
            ) from None
        self._cluster = None
        try:
            if address == "local":
                self._cluster = LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            self._close_cluster()
            raise SchedulerError(
                f"--scheduler {address} : impossible de joindre l'ordonnanceur Dask ({exc})"
            ) from None
        self._client.register_plugin(_kernel_plugin(), name=PLUGIN_NAME)
        self._futures: dict = {}

    def submit(self, jobs: list[Job]) -> None:
        for job in jobs:
            future = self._client.submit(
                run_on_worker, job, key=f"iae-eval-{job.report.html}-{id(job)}", pure=False, retries=0
            )
            self._futures[future] = job

    def results(self) -> Iterator[Done]:
        from distributed import as_completed

        for future in as_completed(list(self._futures)):
            job = self._futures.pop(future)
            if future.status == "finished":
                yield Done(job, future.result())
            else:
                exc = future.exception()
                yield Done(job, None, f"le processus Dask a échoué : {type(exc).__name__}: {exc}")

    def close(self) -> None:
        self._client.close()
        self._close_cluster()

    def stop(self) -> None:
        """Cancel what is not finished and disconnect (a LocalCluster is shut down)."""
        try:
            self._client.cancel(list(self._futures), force=True)
        except Exception:  # noqa: BLE001 - best effort while stopping
            pass
        self._futures.clear()
        self.close()

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
