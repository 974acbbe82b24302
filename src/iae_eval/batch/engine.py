"""The papermill engine ``iae-persistent-kernel``: runs a notebook on the kernel the current
process keeps (:mod:`iae_eval.batch.slot`) instead of starting one per notebook.

Registered through papermill's ``papermill.engine`` entry point (pyproject.toml), so
``papermill --engine iae-persistent-kernel in.ipynb out.ipynb`` uses it too. This module is
imported when papermill is, so it imports nothing heavy at the top. Import
``papermill.engines`` before this module: the other way round, papermill's loading of its
entry points would meet this module half-initialised (a circular import).
"""

from __future__ import annotations

import logging
import time

from papermill.engines import Engine

ENGINE_NAME = "iae-persistent-kernel"


class PersistentKernelEngine(Engine):
    """Papermill engine running notebooks on this process's kept kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, deadline=None, **kwargs):
        from papermill.clientwrap import PapermillNotebookClient

        from iae_eval.batch import slot as kept

        slot = kept.kernel()
        deadline = deadline or time.monotonic() + kept.EXECUTION_TIMEOUT
        start = nb_man.cell_start

        def cell_start(cell, cell_index=None, **kw):
            kept.current["cell_index"] = cell_index
            return start(cell, cell_index, **kw)

        nb_man.cell_start = cell_start
        kept.current["nb"] = nb_man.nb
        client = PapermillNotebookClient(
            nb_man,
            km=slot.km,
            kernel_name=kernel_name,
            timeout=kept.EXECUTION_TIMEOUT,
            timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
            startup_timeout=kept.STARTUP_TIMEOUT,
            log=logging.getLogger("papermill"),
            log_output=False,
        )
        client.kc = slot.kc
        slot.reports += 1
        return client.execute()


def register() -> None:
    """Register the engine with papermill (the entry point does it where the kit is installed)."""
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, PersistentKernelEngine)
