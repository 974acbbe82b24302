"""Spreadsheet cells hold data, never formulas.

Any text that comes from the data (a structure's name, a contract's title, a partner, a
comment) could start with ``=`` and be run by Excel or LibreOffice as a formula when a CSV
or a workbook is opened (``=HYPERLINK(...)``, ``=cmd|...``). Every writer of a CSV or an
xlsx file goes through this module:

- :func:`csv_cell` prefixes with ``'`` a text that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return (the OWASP rule); numbers are left alone;
- :func:`store_as_text` marks every text cell of an openpyxl sheet as a string, so that
  no cell of a workbook is ever a formula (openpyxl would otherwise store ``=…`` as one).

Every CSV the kit writes for a reader (the run's ``indicators.csv``, ``iae-eval indicators
--format csv``, ``iae-eval validate --problems-csv``) follows one convention, as a French
Excel opens it with a double-click: UTF-8 with a byte-order mark, ``;`` between cells, ``,``
as the decimal mark, ``\r\n`` at the end of each line, and texts through :func:`csv_cell`
(:func:`csv_text`, :data:`CSV_ENCODING`). The kit's own data tables written by the fluxIAE
import are input files (docs/data.md): they follow the input format instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Prefix that makes a spreadsheet show the rest of the cell as plain text.
TEXT_PREFIX = "'"


def csv_cell(value: object) -> object:
    """``value`` ready for a CSV cell: a text that a spreadsheet would read as a formula
    gets a leading ``'``; anything else (numbers included) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return TEXT_PREFIX + value
    return value


#: The kit's CSV convention (see the module).
CSV_ENCODING, CSV_BOM, CSV_SEPARATOR, CSV_DECIMAL, CSV_LINE_END = "utf-8-sig", "\ufeff", ";", ",", "\r\n"


def csv_text(table: pd.DataFrame, *, formatted: Iterable[str] = ()) -> str:
    """``table`` (header row from its columns, no index) as CSV text in the kit's convention,
    without the byte-order mark (:data:`CSV_ENCODING` adds it when the text is written);
    every text cell goes through :func:`csv_cell`, but those of the ``formatted`` columns
    (numbers already written in French, whose texts from the data went through it)."""
    safe = table.copy()
    kept = set(formatted)
    for column in safe.columns:
        if column not in kept and not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(csv_cell)
    safe.columns = [csv_cell(str(c)) for c in table.columns]
    return safe.to_csv(index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL, lineterminator=CSV_LINE_END)


def store_as_text(worksheet) -> None:
    """Mark every text cell of an openpyxl ``worksheet`` as a string (never a formula)."""
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
