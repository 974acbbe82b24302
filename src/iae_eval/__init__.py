"""iae-eval: evaluation kit for the IAE policy of a French département.

The data flows load → validate → indicators → sections → HTML → batch; the public API is
re-exported here (imported on first use, so ``import iae_eval`` stays cheap)::

    import iae_eval
    ds = iae_eval.load_dataset("data/sample")          # reads and validates, or raises
    dataset, problems = iae_eval.inspect_dataset(path)  # every problem at once, no raise
    frame = iae_eval.compute_indicators(ds, 2012, by="structure")
    shown = iae_eval.suppress(frame, min_cell=5)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "Dataset": "iae_eval.data.dataset",
    "load_dataset": "iae_eval.data.load",
    "inspect_dataset": "iae_eval.data.load",
    "DataValidationError": "iae_eval.errors",
    "compute_indicators": "iae_eval.indicators.compute",
    "compute_trends": "iae_eval.indicators.compute",
    "INDICATORS": "iae_eval.indicators.catalogue",
    "suppress": "iae_eval.indicators.suppress",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'iae_eval' has no attribute {name!r}")
