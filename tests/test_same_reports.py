"""scripts/same_reports.py: two report trees compared as published files."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "same_reports.py"


@pytest.fixture(scope="module")
def same_reports():
    spec = importlib.util.spec_from_file_location("same_reports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _workbook(path: Path, core: str, sheet: str) -> None:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("docProps/core.xml", core)
        book.writestr("xl/worksheets/sheet1.xml", sheet)


def _tree(root: Path, *, when: str, figure: str, created: str, sheet: str, notebook: str) -> Path:
    (root / "2012" / "notebooks").mkdir(parents=True)
    (root / "2012" / "departement.html").write_text(
        f"<p>Généré le {when}</p>\n<td>{figure}</td>\n", encoding="utf-8"
    )
    (root / "2012" / "indicators.csv").write_text("key,value\nexits,52\n", encoding="utf-8")
    (root / "2012" / "notebooks" / "departement.ipynb").write_text(notebook, encoding="utf-8")
    _workbook(root / "2012" / "indicators.xlsx", created, sheet)
    return root


def test_two_runs_of_the_same_code_are_the_same(tmp_path, same_reports):
    before = _tree(
        tmp_path / "a", when="07/12/2026 à 16:32", figure="52", created="t1", sheet="s", notebook="1"
    )
    after = _tree(
        tmp_path / "b", when="08/12/2026 à 09:05", figure="52", created="t2", sheet="s", notebook="2"
    )
    assert same_reports.published_files(before) == {
        "2012/departement.html",
        "2012/indicators.csv",
        "2012/indicators.xlsx",
    }
    assert same_reports.differences(before, after) == {}
    assert same_reports.main([str(before), str(after)]) == 0


def test_a_changed_figure_a_changed_sheet_and_a_missing_file_are_reported(tmp_path, same_reports):
    before = _tree(
        tmp_path / "a", when="07/12/2026 à 16:32", figure="52", created="t", sheet="s", notebook=""
    )
    after = _tree(tmp_path / "b", when="07/12/2026 à 16:32", figure="53", created="t", sheet="S", notebook="")
    (after / "2012" / "indicators.csv").unlink()
    found = same_reports.differences(before, after)
    assert set(found) == {"2012/departement.html", "2012/indicators.xlsx", "2012/indicators.csv"}
    assert found["2012/departement.html"].startswith("line 2:")
    assert "xl/worksheets/sheet1.xml" in found["2012/indicators.xlsx"]
    assert found["2012/indicators.csv"] == "only in the first tree"
    assert same_reports.main([str(before), str(after)]) == 1
