"""The sheets that sections add to the year's ``indicators.xlsx``.

A département report of many structures summarises two views (comparable publics, employment
after exit; :mod:`iae_eval.sections.summary`); their full lists, structure by structure, are
sheets of the year's spreadsheet, written by the batch (:mod:`iae_eval.batch.run`). This
module sits above those views' modules, which themselves use the summaries.
"""

from __future__ import annotations

import pandas as pd

from iae_eval.sections import adjusted, followup


def structure_sheets(rep) -> tuple[tuple[str, pd.DataFrame, tuple[str, ...]], ...]:
    """The sheets of the year's ``indicators.xlsx`` that hold, structure by structure, the
    tables a département report of many structures summarises and that are not indicators of
    its first sheet: ``(title, frame, fraction columns)`` for
    :func:`iae_eval.indicators.exports.write_xlsx` (a frame may be empty: no sheet)."""
    return (
        (adjusted.SHEET, adjusted.structure_sheet(rep), adjusted.SHEET_FRACTIONS),
        (followup.SHEET, followup.structure_sheet(rep), followup.SHEET_FRACTIONS),
    )
