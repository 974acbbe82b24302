"""Views that stay readable at any number of structures.

Up to :data:`MANY_STRUCTURES` structures, a département view lists every structure in its
tables and charts. Above it, a view that would list them summarises instead:

- the distribution of the value over all the structures (a histogram, :func:`distribution`);
- the :data:`EXTREMES` structures with the highest values and those with the lowest
  (:func:`extremes`, :func:`extreme_tables`);
- a note saying so, with links to the year's ``indicators.xlsx`` and ``indicators.csv``,
  which hold every indicator of every structure (:func:`spreadsheet_note`).

Territories and kinds of structure are few: they are always shown in full. Ranks are taken
on the values a view may show (masked values, NaN, are left out), so a ranking never gives
a hidden value away.

Two views list structures with figures that are not indicators of the year's first sheet
(comparable publics, employment after exit): their full lists are sheets of the year's
``indicators.xlsx`` (:func:`iae_eval.sections.sheets.structure_sheets`), which the summaries name.

Hook for the funnel plots: a view that summarises rates puts a funnel plot of all
its structures first (:func:`summarised`'s ``funnel`` argument).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iae_eval import charts, display, fmt
from iae_eval.indicators.exports import FILE_NAMES as SPREADSHEETS
from iae_eval.sections import parts

#: Above this many structures, a département view summarises instead of listing each one.
MANY_STRUCTURES = 30
#: How many structures a summary shows at each end of a ranking.
EXTREMES = 10


def is_many(count: int) -> bool:
    """Whether a view of ``count`` structures summarises (more than :data:`MANY_STRUCTURES`)."""
    return count > MANY_STRUCTURES


def extremes(values: pd.Series, *, n: int = EXTREMES) -> tuple[list[int], list[int]]:
    """Positions in ``values`` of the ``n`` highest (highest first) and of the ``n`` lowest
    (lowest first); NaN is left out, ties keep the order of ``values``. With fewer than
    ``2 n`` values, the lowest are those not among the highest: no row is listed twice."""
    numbers = pd.to_numeric(pd.Series(values.to_numpy()), errors="coerce").dropna()
    descending = numbers.sort_values(ascending=False, kind="stable").index.tolist()
    highest = descending[:n]
    rest = numbers.drop(index=highest).sort_values(ascending=True, kind="stable").index.tolist()
    return highest, rest[:n]


def extreme_tables(
    table: pd.DataFrame,
    values: pd.Series,
    *,
    highest: str,
    lowest: str,
    total: pd.DataFrame | None = None,
    index: bool = True,
    n: int = EXTREMES,
) -> list[parts.Table]:
    """Two tables of rows of ``table`` (formatted, one row per structure, aligned with
    ``values``): the ``n`` highest ``values`` then the ``n`` lowest, captioned ``highest`` and
    ``lowest``; ``total`` (formatted rows, e.g. the département's) is added under each;
    ``index=False`` hides the row labels (when ``table`` names the structures in a column)."""
    top, bottom = extremes(values, n=n)
    tail = [] if total is None else [total]
    return [
        parts.table(pd.concat([table.iloc[rows], *tail]), caption=caption, index=index)
        for rows, caption in ((top, highest), (bottom, lowest))
        if rows
    ]


def distribution(
    values: pd.Series,
    *,
    what: str,
    xlabel: str,
    value_kind: str = "percent",
    target: float | None = None,
    target_label: str | None = None,
) -> parts.Chart | None:
    """A histogram of ``values`` (one per structure; NaN, masked, left out) as a chart part,
    with an alt text giving the count, median, range and, with ``target``, how many reach it;
    ``None`` when there is nothing to draw. ``what`` completes "répartition des structures selon …"."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.4))
    charts.distribution(
        numbers, ax=ax, value_kind=value_kind, xlabel=xlabel, target=target, target_label=target_label
    )
    shown = charts.value_formatter(value_kind)
    reach = (
        ""
        if target is None
        else (f" ; {fmt.integer(int((numbers >= target).sum()))} atteignent l'objectif de {shown(target)}")
    )
    alt = (
        f"Histogramme : répartition de {fmt.integer(len(numbers))} structures selon {what} ; médiane "
        f"{shown(float(np.median(numbers)))}, de {shown(numbers.min())} à {shown(numbers.max())}{reach}."
    )
    return parts.figure(fig, alt)


@dataclass(frozen=True)
class LinkedNote(parts.Paragraph):
    """A note followed by links ``(text, href)`` to files next to the report."""

    links: tuple[tuple[str, str], ...] = ()

    def _repr_html_(self) -> str:
        return display.note_with_links(self.text, self.links).html


def spreadsheet_note(count: int, *, year: int, folder: str = "") -> LinkedNote:
    """The note under a summary of ``count`` structures, linking to the spreadsheets of
    ``year``. The links are relative: the département report sits next to them
    (``<year>/departement.html``); from another folder, ``folder`` leads to them (``"2012/"``)."""
    return LinkedNote(
        f"Avec {fmt.integer(count)} structures (plus de {MANY_STRUCTURES}), le rapport en montre la répartition, "
        f"les {EXTREMES} valeurs les plus hautes et les {EXTREMES} plus basses ; les indicateurs de chaque "
        f"structure sont dans les tableaux de {year} :",
        role="note",
        links=tuple((name, f"{folder}{name}") for name in SPREADSHEETS),
    )


def summarised(*items: parts.Part | parts.Section | None, count: int, year: int) -> parts.Section:
    """A summary section: ``items`` (distribution charts, extremes tables, notes) in order,
    then the note linking to the spreadsheets. (The funnel plots, which compare every
    structure at any size, are a section of their own: :mod:`iae_eval.sections.funnel`.)"""
    return parts.join(*items, spreadsheet_note(count, year=year))
