"""Which pathways, people and structures are active in a year (docs/indicators.md).

A pathway is *active in Y* when ``entry_date <= 31 Dec Y`` and its ``exit_date`` is empty
or on or after 1 Jan Y. These helpers are the one place the evaluation sections (sd,
funding, supports, publics) apply that rule; they only read the frames they are given.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from iae_eval.data.dataset import Dataset, per_dataset


def active_mask(participants: pd.DataFrame, year: int) -> pd.Series:
    """Boolean mask of the pathways of ``participants`` active in ``year``."""
    start = pd.Timestamp(year=year, month=1, day=1)
    end = pd.Timestamp(year=year, month=12, day=31)
    entered = participants["entry_date"] <= end
    still_in = participants["exit_date"].isna() | (participants["exit_date"] >= start)
    return (entered & still_in).fillna(False).astype(bool)


def active_pathways(participants: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``participants`` active in ``year``."""
    return participants[active_mask(participants, year)]


def people_active(
    participants: pd.DataFrame, year: int, *, structure_ids: Iterable[str] | None = None
) -> int:
    """Distinct ``person_id`` with a pathway active in ``year``.

    With ``structure_ids``, only pathways in those structures count (a person active in
    two of them counts once).
    """
    active = active_pathways(participants, year)
    if structure_ids is not None:
        active = active[active["structure_id"].isin(list(structure_ids))]
    return int(active["person_id"].nunique())


@per_dataset
def people_active_by_structure(dataset: Dataset, year: int) -> pd.Series:
    """Distinct ``person_id`` with a pathway active in ``year``, per ``structure_id`` (computed
    once per dataset and year: a structure's count is then a look-up)."""
    active = active_pathways(dataset.participants, year)
    return active.groupby("structure_id")["person_id"].nunique()


def structures_active(participants: pd.DataFrame, year: int) -> list[str]:
    """Sorted ids of the structures with at least one pathway active in ``year``."""
    ids = active_pathways(participants, year)["structure_id"].dropna().unique()
    return sorted(str(i) for i in ids)


def structures_with_supports(structures: pd.DataFrame, supports: Iterable[str]) -> list[str]:
    """Ids of the structures whose ``activity_supports`` include one of ``supports``."""
    wanted = set(supports)
    if "activity_supports" not in structures.columns:
        return []
    mask = structures["activity_supports"].map(lambda s: bool(wanted & set(s or ())))
    return sorted(str(i) for i in structures.loc[mask.astype(bool), "structure_id"])


@per_dataset
def structure_names(dataset: Dataset) -> dict[str, str]:
    """``structure_id`` → name (built once per dataset; each call returns its own copy)."""
    s = dataset.structures
    return {str(k): str(v) for k, v in zip(s["structure_id"], s["name"], strict=True)}


@per_dataset
def structure_labels(dataset: Dataset) -> dict[str, str]:
    """``structure_id`` → the label that names it in a table or a chart: its name, followed by
    its id when another structure has the same name ("Régie de quartier (S07)"), so that no
    two structures share a label. Frames stay keyed by ``structure_id``; labels are added
    when a table or a chart is drawn."""
    names = structure_names(dataset)
    counts = pd.Series(list(names.values()), dtype=object).value_counts()
    return {sid: f"{name} ({sid})" if counts[name] > 1 else name for sid, name in names.items()}


def structure_label(dataset: Dataset, structure_id: str) -> str:
    """The label of ``structure_id`` (:func:`structure_labels`); ``ValueError`` naming the
    known ids if absent."""
    structure_name(dataset, structure_id)
    return structure_labels(dataset)[structure_id]


def structure_name(dataset: Dataset, structure_id: str) -> str:
    """The name of ``structure_id``; raises ``ValueError`` naming the known ids if absent."""
    names = structure_names(dataset)
    if structure_id not in names:
        known = ", ".join(sorted(names)) or "aucune"
        raise ValueError(f"structure {structure_id!r} absente des données (connues : {known})")
    return names[structure_id]
