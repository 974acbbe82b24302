"""Load once (issue 11): a process reads and validates a dataset folder once, and again only
when a data file changes; a batch worker's kernel reuses it from one report to the next."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from iae_eval.data import load
from iae_eval.data.load import data_fingerprint, load_dataset
from iae_eval.report import report
from test_batch import PARTICIPANTS_CSV, run, write_data, write_notebooks

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


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
    (data / "participants.csv").write_text(
        PARTICIPANTS_CSV.replace(",S1,ACI,2012-02-01", ",S7,ACI,2012-02-01")
    )
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


def test_indicator_frames_are_computed_once_per_dataset_and_shared_by_its_copies(monkeypatch):
    """A batch kernel builds many reports from one loaded dataset: each indicator frame is
    computed once, copies of the dataset share it, and a caller changing its frame changes
    nothing for the next one."""
    import dataclasses

    from iae_eval.data.load import load_dataset
    from iae_eval.data.rules import get_profile
    from iae_eval.indicators import compute

    calls = []
    real = compute._compute
    monkeypatch.setattr(compute, "_compute", lambda *a: calls.append(a[1:3]) or real(*a))
    first = load_dataset(SAMPLE)
    first.memo.clear()  # another test of this process may have filled it
    frame = compute.compute_indicators(first, 2012, by="structure")
    frame.loc[frame.index[0], "participants"] = -1
    second = load_dataset(SAMPLE)  # another report in the same kernel
    again = compute.compute_indicators(second, 2012, by="structure")
    assert calls == [(2012, "structure")]
    assert again["participants"].iloc[0] >= 0
    fresh = real(first, 2012, "structure", get_profile(first.rules))
    pd.testing.assert_frame_equal(again, fresh)

    # a dataset with other tables starts with an empty memo
    fewer = dataclasses.replace(second, participants=second.participants.iloc[:10])
    assert fewer.memo == {}
    small = compute.compute_indicators(fewer, 2012, by="structure")
    assert calls == [(2012, "structure"), (2012, "structure")]
    assert small["participants"].sum() < again["participants"].sum()

    # another rules profile is another key
    compute.compute_indicators(second, 2012, by="structure", rules=get_profile("fiche-h5"))
    assert len(calls) == 2


def test_the_data_is_hashed_once_until_a_file_is_written_even_at_the_same_size(tmp_path, monkeypatch):
    import hashlib
    import time

    hashed = []
    monkeypatch.setattr(load, "_fingerprints", {})
    real = hashlib.sha256
    monkeypatch.setattr(load.hashlib, "sha256", lambda: hashed.append(1) or real())
    data = write_data(tmp_path / "data")
    first = data_fingerprint(data)
    assert data_fingerprint(data) == first and len(hashed) == 1
    path = data / "participants.csv"
    text = path.read_text(encoding="utf-8")
    time.sleep(0.05)  # past the kernel's timestamp granularity
    path.write_text(text.replace("2012-02-01", "2012-02-02", 1), encoding="utf-8")  # same size
    assert path.stat().st_size == len(text.encode())
    second = data_fingerprint(data)
    assert len(hashed) == 2 and second != first
    monkeypatch.undo()
    assert second == load.read_tables(data)[2]  # the same hash as a full read


def test_what_every_structure_report_needs_is_computed_once_per_dataset(monkeypatch):
    """Structure names, observed years and the grid's scores and medians: once per dataset;
    a caller changing what it gets changes nothing for the next report."""
    import dataclasses

    from iae_eval.indicators import sustainable_development as sd
    from iae_eval.indicators.pathways import structure_names

    calls = []
    real = sd._sd_scores
    monkeypatch.setattr(sd, "_sd_scores", lambda *a: calls.append(a[2]) or real(*a))
    ds = dataclasses.replace(load_dataset(SAMPLE))  # a fresh memo
    first = sd.sd_scores(ds, 2012)
    first.loc[0, "score"] = 99
    medians = sd.structure_medians(ds, 2012)
    medians.iloc[0] = 99
    again = sd.sd_scores(ds.shallow_copy(), 2012)
    assert calls == [2012]
    assert again["score"].max() <= 3 and sd.structure_medians(ds, 2012).max() <= 3
    own = again[again["structure_id"].notna()]
    pd.testing.assert_series_equal(sd.structure_medians(ds, 2012), own.groupby("criterion")["score"].median())

    names = structure_names(ds)
    names["S01"] = "changed"
    assert structure_names(ds)["S01"] != "changed"


def test_a_structure_report_reuses_the_years_funnel_numbers(monkeypatch):
    """Every structure report of a year draws the same structures on its funnel plots: their
    drawable rates are computed once per dataset, edition and threshold."""
    from iae_eval.data.load import load_dataset
    from iae_eval.sections import funnel

    calls = []
    real = funnel._drawable
    monkeypatch.setattr(funnel, "_drawable", lambda frame, **kw: calls.append(kw) or real(frame, **kw))
    ds = load_dataset(SAMPLE)
    ds.memo.clear()  # another test of this process may have filled it
    first = funnel.structure(report(ds, year=2012, structure_id="S01", min_cell=5, diffusion="comite"))
    second = funnel.structure(
        report(load_dataset(SAMPLE), year=2012, structure_id="S03", min_cell=5, diffusion="comite")
    )
    assert [(c["min_cell"], c["diffusion"]) for c in calls] == [(5, "comite")]
    assert [p for p in calls[0]["places"].rows if p[0] != 2012] == []  # the rows are the year's
    assert first._repr_html_() != second._repr_html_()  # each highlights its own structure
    funnel.structure(report(ds, year=2012, structure_id="S03", min_cell=5, diffusion="public"))
    assert len(calls) == 2
