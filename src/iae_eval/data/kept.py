"""A validated dataset handed to the kernels of a run (docs/architecture.md, "Caches").

A batch reads and checks the data once in its own process; each kernel of the run would read
and check every file again (6 to 7 s at national size). The run keeps the typed tables in a
private temporary folder (:func:`keep`, mode 0700, outside the output folder: person-level rows
never sit beside the reports) and removes it when it ends; a kernel's
:func:`iae_eval.data.load.load_dataset` takes them from there (:func:`kept`: 0.3 s) when the
data files still have the hash they were validated under, and reads the files otherwise.
"""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import tempfile
from pathlib import Path

from iae_eval import atomic
from iae_eval.data.dataset import Dataset

#: Changed when the kept payload changes shape.
_FORMAT = 1
#: The folder this process (a batch kernel) takes a validated dataset from (:func:`use_kept`).
_folder: dict[str, Path | None] = {"path": None}


def _path(folder: Path, fingerprint: str) -> Path:
    return Path(folder) / f"{fingerprint}.pickle"


def new_folder() -> Path:
    """A private folder for one run's kept dataset (the caller removes it: :func:`remove`)."""
    return Path(tempfile.mkdtemp(prefix="iae-eval-dataset-"))


def remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def keep(folder: Path, dataset: Dataset) -> Path | None:
    """Write ``dataset``'s tables to ``folder``, under the hash of its data files; None when the
    dataset has no hash (nothing could tell a kernel the data have not changed since)."""
    if not dataset.fingerprint:
        return None
    fields = {
        f.name: getattr(dataset, f.name) for f in dataclasses.fields(dataset) if f.init and f.name != "rules"
    }
    payload = {"format": _FORMAT, "fingerprint": dataset.fingerprint, "fields": fields}
    return atomic.write_bytes(_path(folder, dataset.fingerprint), pickle.dumps(payload, protocol=5))


def use_kept(folder: str | Path | None) -> None:
    """Take validated datasets from ``folder`` (a run's :func:`new_folder`; None: read the files)."""
    _folder["path"] = None if folder is None else Path(folder)


def kept(fingerprint: str, *, source: str) -> Dataset | None:
    """The dataset kept under ``fingerprint`` in the folder of :func:`use_kept` (its ``source``
    the folder as this process names it), or None: no folder, no such file, or one that does not
    hold a dataset of this format and hash (then the caller reads the files)."""
    folder = _folder["path"]
    if folder is None or not fingerprint:
        return None
    try:
        payload = pickle.loads(_path(folder, fingerprint).read_bytes())
        if payload["format"] != _FORMAT or payload["fingerprint"] != fingerprint:
            return None
        return Dataset(**{**payload["fields"], "source": source, "fingerprint": fingerprint})
    except Exception:  # noqa: BLE001 - a missing, partial or foreign file: read the data files
        return None
