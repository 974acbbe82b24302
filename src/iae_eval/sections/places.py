"""Where each row of a section's frame sits in the year's public decision: a year and a unit
(the département, a territory, a kind, a structure). Given to :func:`iae_eval.sections.formats.suppressed`
as ``places=``, it makes the public edition show each value as the year's one decision says
(:mod:`iae_eval.protection.table`) instead of deciding for the table alone: the same quantity
reads the same in every table, every report and the spreadsheets of the year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from iae_eval.data.dataset import Dataset
from iae_eval.indicators.pathways import structure_labels
from iae_eval.protection.model import DEPARTEMENT
from iae_eval.protection.table import Place
from iae_eval.sections.frames import TOTAL


@dataclass(frozen=True)
class Places:
    """The place of each row of a frame, and the dataset whose years decide them."""

    dataset: Dataset
    rows: tuple[Place | None, ...]


def structure_unit(structure_id: object) -> str:
    return f"structure:{structure_id}"


def of_structures(frame: pd.DataFrame, dataset: Dataset, year: int) -> Places:
    """Rows that are structures (by ``structure_id`` or by their label, :func:`with_labels`)
    and maybe the :data:`TOTAL` row (the département), all of ``year``."""
    by_label = {label: sid for sid, label in structure_labels(dataset).items()}
    ids = set(dataset.structures["structure_id"].astype(str))

    def place(row: object) -> Place | None:
        if row == TOTAL:
            return (int(year), DEPARTEMENT)
        sid = str(row) if str(row) in ids else by_label.get(row)
        return None if sid is None else (int(year), structure_unit(sid))

    return Places(dataset, tuple(place(row) for row in frame.index))


def of_scope(
    frame: pd.DataFrame, dataset: Dataset, year: int, scope: str, keys: Iterable | None = None
) -> Places:
    """Rows that are units of ``scope`` (``territory``, ``kind``: their keys, or ``keys`` when
    the rows carry labels, in the same order) and maybe the :data:`TOTAL` row, of ``year``."""
    rows = list(frame.index) if keys is None else list(keys)
    return Places(
        dataset,
        tuple(
            (int(year), DEPARTEMENT) if shown == TOTAL else (int(year), f"{scope}:{key}")
            for shown, key in zip(frame.index, rows, strict=True)
        ),
    )


def of_years(frame: pd.DataFrame, dataset: Dataset, unit: str = DEPARTEMENT) -> Places:
    """Rows that are years (the index) of one unit: the département unless ``unit`` is given
    (a structure's: :func:`structure_unit`)."""
    return Places(dataset, tuple((int(y), unit) for y in frame.index))


def of_rows(dataset: Dataset, year: int, units: Iterable[str]) -> Places:
    """Rows given unit by unit, all of ``year``."""
    return Places(dataset, tuple((int(year), unit) for unit in units))
