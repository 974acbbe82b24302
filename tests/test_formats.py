"""The formats an evaluation officer receives all load into the same typed frames."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from iae_eval.data.dataset import TABLES
from iae_eval.data.load import load_dataset

GOOD = Path(__file__).parent / "data" / "good"
TABLE_NAMES = sorted(p.stem for p in GOOD.glob("*.csv"))


def rows(name: str) -> list[list[str]]:
    with open(GOOD / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def frenchify(name: str, table: list[list[str]]) -> list[list[str]]:
    """French spreadsheet habits: dd/mm/yyyy dates, decimal commas, o/n booleans, shouting headers."""
    spec = {c.name: c.type for c in TABLES[name].columns}
    header, *body = table
    out = [[f"  {h.upper()} " for h in header]]
    for row in body:
        cells = []
        for column, value in zip(header, row):
            kind = spec[column]
            if value and kind == "date":
                value = datetime.strptime(value, "%Y-%m-%d").strftime("%d/%m/%Y")
            elif value and kind == "float":
                value = value.replace(".", ",")
            elif value and kind == "bool":
                value = {"oui": "O", "non": "n"}[value]
            cells.append(value)
        out.append(cells)
    return out


def write_french_csv(folder: Path) -> Path:
    folder.mkdir()
    for name in TABLE_NAMES:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(frenchify(name, rows(name)))
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode("cp1252"))
    return folder


def write_utf8_bom_csv(folder: Path) -> Path:
    folder.mkdir()
    for name in TABLE_NAMES:
        data = (GOOD / f"{name}.csv").read_bytes().replace(b"oui", b"true").replace(b"non", b"False")
        (folder / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + data)
    return folder


def write_workbook(folder: Path) -> Path:
    """One sheet per table with real Excel types: dates, numbers, booleans."""
    folder.mkdir()
    book = Workbook()
    book.remove(book.active)
    for name in TABLE_NAMES:
        sheet = book.create_sheet(name.capitalize() if name == "structures" else name)
        spec = {c.name: c.type for c in TABLES[name].columns}
        header, *body = rows(name)
        sheet.append(header)
        for row in body:
            cells = []
            for column, value in zip(header, row):
                kind = spec[column]
                if value == "":
                    cells.append(None)
                elif kind == "date":
                    cells.append(date.fromisoformat(value))
                elif kind in ("int", "float") and column != "siret":
                    cells.append(float(value) if "." in value else int(value))
                elif kind == "bool":
                    cells.append(value == "oui")
                else:
                    cells.append(value)
            sheet.append(cells)
    book.save(folder / "donnees.xlsx")
    return folder


@pytest.fixture(scope="module")
def reference():
    return load_dataset(GOOD)


@pytest.mark.parametrize("writer", [write_french_csv, write_utf8_bom_csv, write_workbook])
def test_formats_give_identical_frames(writer, reference, tmp_path):
    dataset = load_dataset(writer(tmp_path / "data"))
    assert dataset.warnings == ()
    for name in TABLES:
        expected, got = getattr(reference, name), getattr(dataset, name)
        if expected is None:
            assert got is None, name
        else:
            pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=name)


def test_typed_columns(reference):
    p = reference.participants
    assert str(p["entry_date"].dtype).startswith("datetime64")
    assert p["rsa"].dtype == bool
    assert str(p["deld"].dtype) == "boolean" and p["deld"].isna().sum() == 1
    assert str(p["exit_reason"].dtype) == "Int64"
    assert p["hours_worked"].tolist()[1] == 320.5
    assert reference.structures["kinds"].tolist()[0] == ("ACI", "AI")
    assert reference.structures["activity_supports"].tolist()[2] == ()
    assert reference.contracts["amount_eur"].tolist() == [125000.5, 15000.0]
    assert list(reference.exit_reasons["code"]) == list(range(1, 23))


def test_relative_path_is_found_from_a_subfolder(monkeypatch):
    monkeypatch.chdir(GOOD.parent)  # tests/data: "data/good" is not here but in tests/
    dataset = load_dataset("data/good")
    assert len(dataset.structures) == 3


def test_exit_reasons_override(tmp_path):
    import shutil

    data = Path(shutil.copytree(GOOD, tmp_path / "data"))
    (data / "exit_reasons.csv").write_text(
        "code;label;category\n3;CDI;emploi_durable\n5;Formation;sortie_positive\n7;Chômage;autre_sortie\n"
        "10;CDD court;emploi_transition\n",
        encoding="utf-8",
    )
    dataset = load_dataset(data)
    assert dataset.exit_reasons["code"].tolist() == [3, 5, 7, 10]
