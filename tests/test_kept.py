"""The run's validated dataset handed to its kernels (iae_eval.data.kept): taken only under the
hash of the data files, never left beside the reports, and the files read when anything is off."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iae_eval.data import kept, load
from iae_eval.data.load import load_dataset
from test_batch import PARTICIPANTS_CSV, run, write_data, write_notebooks


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(load, "_validated", {})
    monkeypatch.setitem(kept._folder, "path", None)


def test_a_kept_dataset_is_the_validated_one(tmp_path, fresh):
    data = write_data(tmp_path / "data")
    dataset = load_dataset(data)
    folder = kept.new_folder()
    try:
        assert folder.stat().st_mode & 0o077 == 0  # private to the user
        kept.keep(folder, dataset)
        kept.use_kept(folder)
        back = kept.kept(dataset.fingerprint, source="ailleurs")
        assert back is not None and back.source == "ailleurs" and back.fingerprint == dataset.fingerprint
        for field in dataclasses.fields(dataset):
            value = getattr(dataset, field.name)
            if hasattr(value, "equals"):
                assert value.equals(getattr(back, field.name)), field.name
        assert back.warnings == dataset.warnings
        assert kept.kept("another hash", source="x") is None
    finally:
        kept.remove(folder)
    assert not folder.exists()
    assert kept.kept(dataset.fingerprint, source="x") is None  # the folder is gone


def test_load_takes_the_kept_dataset_only_while_the_files_keep_their_hash(tmp_path, fresh, monkeypatch):
    data = write_data(tmp_path / "data")
    dataset = load_dataset(data)
    folder = kept.new_folder()
    try:
        kept.keep(folder, dataset)
        kept.use_kept(folder)
        load._validated.clear()
        reads = []
        real = load.inspect_dataset
        monkeypatch.setattr(load, "inspect_dataset", lambda f: reads.append(f) or real(f))
        assert load_dataset(data).participants.equals(dataset.participants)
        assert reads == []
        (data / "participants.csv").write_text(
            PARTICIPANTS_CSV + PARTICIPANTS_CSV.splitlines()[1].replace("P", "Q") + "\n"
        )
        changed = load_dataset(data)
        assert len(reads) == 1 and len(changed.participants) == len(dataset.participants) + 1
    finally:
        kept.remove(folder)


def test_a_damaged_or_foreign_file_is_ignored(tmp_path, fresh):
    data = write_data(tmp_path / "data")
    dataset = load_dataset(data)
    folder = kept.new_folder()
    try:
        kept.use_kept(folder)
        path = kept.keep(folder, dataset)
        path.write_bytes(path.read_bytes()[:100])  # cut short
        assert kept.kept(dataset.fingerprint, source="x") is None
        path.write_bytes(b"not a pickle")
        assert kept.kept(dataset.fingerprint, source="x") is None
        assert (
            kept.keep(folder, dataclasses.replace(dataset, fingerprint="")) is None
        )  # no hash, nothing kept
    finally:
        kept.remove(folder)


KERNEL_BODY = """
import pathlib
import iae_eval.data.load as _load
from iae_eval.data import kept as _kept
_real, _load.inspect_dataset = _load.inspect_dataset, None  # reading the files would fail
try:
    _load._validated.clear()
    _load.load_dataset(data_dir)
    _how = "kept"
except TypeError:
    _how = "read"
finally:
    _load.inspect_dataset = _real
pathlib.Path({log!r}, structure_id).write_text(f"{{_how}} {{_kept._folder['path']}}")
"""


@pytest.mark.slow
def test_the_kernels_take_the_runs_dataset_and_nothing_is_left(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(tmp_path / "notebooks", structure_body=KERNEL_BODY.format(log=str(log)))
    out = tmp_path / "out"
    assert run(data, notebooks, out, jobs=2) == 0
    lines = {p.name: p.read_text().split(" ", 1) for p in log.iterdir()}
    assert set(lines) == {"S1", "S3"} and {how for how, _ in lines.values()} == {"kept"}
    for _, folder in lines.values():
        assert not Path(folder).exists()  # removed when the run ended
    assert not list(out.rglob("*.pickle"))
