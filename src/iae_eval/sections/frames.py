"""Frames of indicators by scope for the sections: the département, the structures (keyed by ``structure_id``; :func:`with_labels` names them when a table or a chart is drawn), the years of a period, a structure's years; loading a dataset folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.data.load import load_dataset
from iae_eval.data.rules import DEFAULT_RULES
from iae_eval.indicators.compute import compute_indicators, compute_trends
from iae_eval.indicators.pathways import structure_labels, structure_name


def load(data_dir: str | Path, *, rules: str = DEFAULT_RULES) -> Dataset:
    """Load and validate the dataset folder ``data_dir`` (see :func:`iae_eval.data.load.load_dataset`:
    a relative path is also looked up in the parent folders); its indicators use the
    minimum-stay rules profile ``rules``."""
    return load_dataset(data_dir, rules=rules)


@per_dataset
def indicators(dataset: Dataset, year: int, *, by: str = "departement") -> pd.DataFrame:
    """The indicators of ``year``, one row per scope key (index, as text), one column per key
    of docs/indicators.md."""
    frame = compute_indicators(dataset, year, by=by)
    frame.index = [str(k) for k in frame.index]
    return frame


def departement_row(dataset: Dataset, year: int) -> pd.Series:
    """The département's indicators of ``year``."""
    return indicators(dataset, year).iloc[0]


def trends(dataset: Dataset, years: list[int], *, by: str = "departement") -> pd.DataFrame:
    """The indicators of each of ``years``: a long frame with the columns ``year``, ``key``
    (None for the département) and the keys of docs/indicators.md."""
    return compute_trends(dataset, years, by=by)


def has_rows(table: pd.DataFrame | None, year: int | None = None) -> bool:
    """Whether an optional table is present and (with ``year``) has rows for that year."""
    if table is None or table.empty:
        return False
    return year is None or bool((table["year"] == year).any())


#: Label of the département's row under a table of structures, territories or kinds.
TOTAL = "Département"


def with_total(frame: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    """``frame`` with the département's row (the column totals) appended as :data:`TOTAL`."""
    return pd.concat([frame, pd.DataFrame([total], index=[TOTAL])])


def by_structure(dataset: Dataset, year: int) -> pd.DataFrame:
    """The indicators of ``year`` per structure, indexed by ``structure_id``."""
    return indicators(dataset, year, by="structure")


def with_labels(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """``frame`` (indexed by ``structure_id``, maybe with a :data:`TOTAL` row) indexed by the
    structures' labels instead, as a table or a chart names them
    (:func:`iae_eval.indicators.pathways.structure_labels`: unique, even for two structures
    with one name)."""
    labels = structure_labels(dataset)
    return frame.set_axis([labels.get(str(k), k) for k in frame.index])


def period_years(first_year: int, last_year: int) -> list[int]:
    """Every year from ``first_year`` to ``last_year``; ``ValueError`` when they are reversed."""
    if first_year > last_year:
        raise ValueError(f"first_year ({first_year}) est après last_year ({last_year})")
    return list(range(first_year, last_year + 1))


def by_year(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """The département's indicators of each year of the period (index: year)."""
    frame = trends(dataset, period_years(first_year, last_year)).set_index("year").sort_index()
    return frame.drop(columns=["key", "scope"], errors="ignore")


def structure_years(dataset: Dataset, structure_id: str, years: list[int]) -> pd.DataFrame:
    """The structure's indicators over ``years`` (index: year)."""
    if not years:
        return pd.DataFrame()
    long = trends(dataset, years, by="structure")
    own = long[long["key"].astype(str) == structure_id].set_index("year").sort_index()
    return own.drop(columns=["key", "scope"], errors="ignore")


def structure_row(dataset: Dataset, year: int, structure_id: str) -> pd.Series:
    """The structure's indicators of ``year``; ``ValueError`` naming the known ids if unknown."""
    frame = indicators(dataset, year, by="structure")
    if structure_id not in frame.index:
        structure_name(dataset, structure_id)  # raises ValueError naming the known ids
    return frame.loc[structure_id]
