"""The evaluative synthesis as files, for the committee's minutes (docs/evaluation.md).

- ``<year>/synthese.csv`` and ``synthese-<first>-<last>.csv``: one row per question in the
  framework's order, the columns of :data:`iae_eval.indicators.synthesis.COLUMNS` as headers;
  the kit's CSV convention (``;`` between cells, UTF-8 with a byte-order mark, decimal comma,
  rates as fractions, an empty cell when a figure does not apply);
- a « Synthèse » sheet in the year's ``indicators.xlsx`` and in the bilan's
  ``bilan-<first>-<last>.xlsx``.

The files follow the edition: in the public one a verdict built on a masked value reads
``non publiable`` and its figures are empty. Text is never a formula (:mod:`iae_eval.cells`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iae_eval import atomic
from iae_eval.cells import CSV_BOM, store_as_text
from iae_eval.cells import csv_text as cells_csv_text
from iae_eval.fmt import is_missing
from iae_eval.indicators.synthesis import COLUMNS, synthesis, synthesis_frame

#: File names: a year's CSV (in ``<year>/``), the bilan's CSV and spreadsheet (top level).
YEAR_CSV = "synthese.csv"
SHEET_TITLE = "Synthèse"
_NUMBERS = ("value", "low", "high", "target", "slope", "slope_low", "slope_high")


def bilan_csv_name(first_year: int, last_year: int) -> str:
    return f"synthese-{first_year}-{last_year}.csv"


def bilan_xlsx_name(first_year: int, last_year: int) -> str:
    return f"bilan-{first_year}-{last_year}.xlsx"


def synthesis_table(rep) -> pd.DataFrame:
    """The synthesis of ``rep`` (a year's or the bilan's), one row per question."""
    return synthesis_frame(synthesis(rep))


def csv_text(frame: pd.DataFrame) -> str:
    """The CSV text (with its byte-order mark), in the kit's one CSV convention
    (:func:`iae_eval.cells.csv_text`): numbers as numbers, an empty cell when missing."""
    table = pd.DataFrame(
        {
            c: pd.to_numeric(frame[c], errors="coerce") if c in _NUMBERS else frame[c].astype(object)
            for c in COLUMNS
        }
    )
    return CSV_BOM + cells_csv_text(table)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``synthese.csv`` atomically."""
    return atomic.write_bytes(path, csv_text(frame).encode("utf-8"))


def add_sheet(workbook, frame: pd.DataFrame, *, title: str = SHEET_TITLE) -> None:
    """A sheet of the synthesis in an openpyxl ``workbook`` (numbers as numbers, text as text)."""
    from openpyxl.styles import Alignment, Font

    ws = workbook.create_sheet(title)
    ws.append(list(COLUMNS))
    for _, row in frame.iterrows():
        ws.append(
            [
                None if is_missing(row[c]) else (float(row[c]) if c in _NUMBERS else str(row[c]))
                for c in COLUMNS
            ]
        )
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "B2"
    store_as_text(ws)


def write_bilan_xlsx(frame: pd.DataFrame, path: Path, *, banner: str, period: str) -> Path:
    """Write the bilan's spreadsheet atomically: the synthesis sheet and a notes sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    add_sheet(wb, frame, title=f"{SHEET_TITLE} {period}")
    notes = wb.create_sheet("Lisez-moi")
    for line in (
        banner,
        f"Synthèse évaluative {period} : une ligne par question évaluative, dans l'ordre du référentiel.",
        "value, low, high : valeur sur la période et intervalle de confiance à 95 % (taux en fraction) ; "
        "slope, slope_low, slope_high : pente annuelle et son intervalle à 95 % ; cellule vide : sans objet.",
        "proposed_verdict : verdict proposé par la règle ; evaluator_verdict : celui de l'évaluateur ; "
        "retained_verdict : celui retenu. « non publiable » : verdict fondé sur une valeur masquée.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    store_as_text(notes)
    with atomic.atomic_path(path) as tmp:
        wb.save(tmp)
    return path
