"""The year's table of the public edition: shown as it says wherever a row has a place, fail
closed where it has none, written once by a run and read back by the reports' kernels."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from iae_eval.data.load import load_dataset
from iae_eval.indicators.exports import year_table
from iae_eval.protection import table as protection_table
from iae_eval.protection.table import YearCells, shown_places, use_store, write_table, year_cells

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

HAND = YearCells(
    year=2012,
    min_cell=5,
    known=frozenset(
        {"departement|participants", "departement|exits", "structure:A|participants", "structure:A|exits"}
        | {"structure:A|durable_rate", "departement|durable_rate"}
    ),
    marks={"structure:A|exits": "< 5", "structure:A|durable_rate": "non publié : moins de 5 sorties"},
    keys=frozenset({"participants", "exits", "durable_rate"}),
)


def test_each_row_is_shown_as_its_place_says_and_fails_closed_elsewhere():
    frame = pd.DataFrame(
        {
            "participants": [40, 12, 9, 7, 0],
            "exits": [20, 3, 6, 2, 0],
            "durable_rate": [0.25, 0.5, 0.2, 0.1, None],
            "funding_total": [1000.0, 10.0, 20.0, 30.0, 0.0],  # not a count of people: shown
        },
        index=["Département", "A", "B (no decision)", "no place", "zero"],
    )
    places = [
        (2012, "departement"),
        (2012, "structure:A"),
        (2012, "structure:B"),
        None,
        (2012, "structure:C"),
    ]
    shown = shown_places(frame, places, {2012: HAND})
    assert shown.loc["Département"].tolist() == [40, 20, 0.25, 1000.0]
    assert shown.loc["A"].tolist() == [12, "< 5", "non publié : moins de 5 sorties", 10.0]
    # a protected key at a place the decision does not hold is withheld, unless it is zero
    assert shown.loc["B (no decision)"].tolist() == ["s", "s", "s", 20.0]
    assert shown.loc["no place"].tolist() == ["s", "s", "s", 30.0]
    assert shown.at["zero", "participants"] == 0 and shown.at["zero", "exits"] == 0
    # a year without a table withholds every protected figure too
    assert (
        shown_places(frame.iloc[:1], [(2013, "departement")], {2012: HAND}).iloc[0].tolist()[:3] == ["s"] * 3
    )
    with pytest.raises(ValueError):
        shown_places(frame, places[:2], {2012: HAND})


def test_a_run_writes_each_year_once_and_the_kernels_read_it_back(tmp_path, monkeypatch):
    dataset = load_dataset(SAMPLE)
    dataset.memo.clear()
    path = write_table(tmp_path, dataset, 2012, 5)
    decided = year_cells(dataset, 2012, 5)
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["fingerprint"] == dataset.fingerprint and payload["year"] == 2012
    assert set(payload["marks"]) == set(decided.marks) and len(decided.marks) > 200

    # a kernel: a fresh memo, the run's folder; it reads the decision instead of deciding
    def no_deciding(*args, **kwargs):
        raise AssertionError("decided again")

    monkeypatch.setattr("iae_eval.protection.year.protect_year", no_deciding)
    dataset.memo.clear()
    use_store(tmp_path)
    try:
        read = year_cells(dataset, 2012, 5)
        assert read.marks == decided.marks and read.known == decided.known
        public = year_table(dataset, 2012, min_cell=5, diffusion="public")
        assert (public == "< 5").to_numpy().sum() > 50
        # another threshold, or other data, is never read from the folder: it is decided
        dataset.memo.clear()
        with pytest.raises(AssertionError, match="decided again"):
            year_cells(dataset, 2012, 6)
        payload["fingerprint"] = "other data"
        path.write_text(json.dumps(payload), encoding="utf-8")
        dataset.memo.clear()
        with pytest.raises(AssertionError, match="decided again"):
            year_cells(dataset, 2012, 5)
    finally:
        use_store(None)
        dataset.memo.clear()
    assert protection_table._store["folder"] is None
