"""Load once (issue 11): a process reads and validates a dataset folder once, and again only
when a data file changes; a batch worker's kernel reuses it from one report to the next."""

from __future__ import annotations

import pytest

from iae_eval.data import load
from iae_eval.data.load import data_fingerprint, load_dataset
from test_batch import PARTICIPANTS_CSV, run, write_data, write_notebooks


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = load.inspect_dataset

    def inspect(folder):
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(load, "inspect_dataset", inspect)
    monkeypatch.setattr(load, "_validated", {})
    return calls


def test_a_folder_is_validated_once_until_a_file_changes(tmp_path, counted):
    data = write_data(tmp_path / "data")
    first = load_dataset(data)
    second = load_dataset(data)
    assert len(counted) == 1
    assert second.fingerprint == first.fingerprint == data_fingerprint(data)
    assert second.participants.equals(first.participants)
    (data / "participants.csv").write_text(
        PARTICIPANTS_CSV + "P900005,S1,ACI,2012-05-01,,,F,1975,non,non,non,\n", encoding="utf-8"
    )
    third = load_dataset(data)
    assert len(counted) == 2 and len(third.participants) == 5
    assert third.fingerprint != first.fingerprint


def test_changing_a_loaded_table_never_changes_the_next_load(tmp_path, counted):
    data = write_data(tmp_path / "data")
    ds = load_dataset(data)
    ds.participants.loc[0, "sex"] = "X"
    ds.structures["name"] = "changé"
    again = load_dataset(data)
    assert len(counted) == 1
    assert again.participants.loc[0, "sex"] == "F"
    assert list(again.structures["name"]) == ["Atelier Un", "Association Deux", "Chantier Trois"]


def test_an_invalid_folder_is_never_kept(tmp_path, counted):
    data = write_data(tmp_path / "data")
    (data / "participants.csv").write_text(PARTICIPANTS_CSV.replace(",S1,ACI,2012-02-01", ",S7,ACI,2012-02-01"))
    for _ in range(2):
        with pytest.raises(load.DataValidationError):
            load_dataset(data)
    assert len(counted) == 2 and load._validated == {}


LOG_BODY = """
import pathlib
import iae_eval.data.load as _load
_kept = bool(_load._validated)
_ds = _load.load_dataset(data_dir)
pathlib.Path({log!r}, structure_id).write_text("kept" if _kept else "read")
"""


@pytest.mark.slow
def test_a_worker_kernel_validates_the_data_once_for_all_its_reports(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(tmp_path / "notebooks", structure_body=LOG_BODY.format(log=str(log)))
    assert run(data, notebooks, tmp_path / "out", jobs=1) == 0  # one kernel: département, S1, S3
    assert {p.name: p.read_text() for p in log.iterdir()} == {"S1": "kept", "S3": "kept"}
