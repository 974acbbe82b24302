"""Spreadsheet cells hold data, never formulas.

Any text that comes from the data (a structure's name, a contract's title, a partner, a
comment) could start with ``=`` and be run by Excel or LibreOffice as a formula when a CSV
or a workbook is opened (``=HYPERLINK(...)``, ``=cmd|...``). Every writer of a CSV or an
xlsx file goes through this module:

- :func:`csv_cell` prefixes with ``'`` a text that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return (the OWASP rule); numbers are left alone;
- :func:`store_as_text` marks every text cell of an openpyxl sheet as a string, so that
  no cell of a workbook is ever a formula (openpyxl would otherwise store ``=…`` as one).
"""

from __future__ import annotations

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


def store_as_text(worksheet) -> None:
    """Mark every text cell of an openpyxl ``worksheet`` as a string (never a formula)."""
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
