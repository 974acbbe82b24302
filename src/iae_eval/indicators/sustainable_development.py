"""The sustainable-development grid's figures (docs/data.md): scores per structure and
criterion, the structures' medians, the counts of each score, the mean score per group and
year. Scores go from 0 (none) to 3 (strong); a row without ``structure_id`` scores the action
as a whole. Scores are not person counts: they are never suppressed. Structures are named by
their labels (:func:`iae_eval.indicators.pathways.structure_labels`).
"""

from __future__ import annotations

import pandas as pd

from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.data.reference import SD_CRITERIA, SD_SCORES
from iae_eval.indicators.pathways import structure_labels

#: Label of the action-level column / series (rows without structure_id).
ACTION_LEVEL = "Action (ensemble)"
#: Groups of the grid in the sheet's order.
SD_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(group for group, _ in SD_CRITERIA.values()))
SCORE_COLUMNS = ["year", "structure_id", "structure", "criterion", "group", "label", "score"]


@per_dataset
def sd_scores(dataset: Dataset, year: int) -> pd.DataFrame:
    """Tidy scores of ``year``: one row per (structure or action, criterion).

    Columns ``year``, ``structure_id`` (NaN for the action as a whole), ``structure``
    (name, or :data:`ACTION_LEVEL`), ``criterion``, ``group``, ``label``, ``score``;
    rows in the grid's order, then by structure name. Empty when there is nothing to show.
    Computed once per dataset and year (:func:`~iae_eval.data.dataset.per_dataset`: a
    structure report of a batch kernel reuses it).
    """
    table = dataset.sd_assessment
    if table is None or table.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    return _sd_scores(dataset, table, int(year))


def _sd_scores(dataset: Dataset, table: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = table[(table["year"] == year) & table["criterion"].isin(list(SD_CRITERIA))].copy()
    names = structure_labels(dataset)
    ids = rows["structure_id"]
    rows["structure"] = ids.map(names).fillna(ids).where(ids.notna(), ACTION_LEVEL)
    rows["group"] = rows["criterion"].map({c: group for c, (group, _) in SD_CRITERIA.items()})
    rows["label"] = rows["criterion"].map({c: label for c, (_, label) in SD_CRITERIA.items()})
    rows["order"] = rows["criterion"].map({c: i for i, c in enumerate(SD_CRITERIA)})
    rows["is_action"] = ids.isna()
    rows = rows.sort_values(["order", "is_action", "structure"])
    rows["score"] = rows["score"].astype("int64")
    return rows[SCORE_COLUMNS].reset_index(drop=True)


def score_matrix(scores: pd.DataFrame) -> pd.DataFrame:
    """Criteria (labels, grid order) × structures (by name, the action level last)."""
    wide = scores.pivot_table(index="criterion", columns="structure", values="score", aggfunc="first")
    criteria = [c for c in SD_CRITERIA if c in wide.index]
    structures = sorted(c for c in wide.columns if c != ACTION_LEVEL)
    if ACTION_LEVEL in wide.columns:
        structures.append(ACTION_LEVEL)
    wide = wide.reindex(index=criteria, columns=structures)
    wide.index = [SD_CRITERIA[c][1] for c in criteria]
    return wide.astype(float)


@per_dataset
def structure_medians(dataset: Dataset, year: int) -> pd.Series:
    """The median over the structures (the action level left out) of each criterion's score in
    ``year`` (index: criterion code); computed once per dataset and year."""
    scores = sd_scores(dataset, int(year))
    return scores[scores["structure_id"].notna()].groupby("criterion")["score"].median()


def score_counts(scores: pd.DataFrame) -> pd.DataFrame:
    """Criteria (labels, grid order) × score 0-3: how many structures have that score (the
    action-level rows are left out)."""
    own = scores[scores["structure_id"].notna()]
    counts = pd.crosstab(own["criterion"], own["score"])
    criteria = [c for c in SD_CRITERIA if c in counts.index]
    counts = counts.reindex(index=criteria, columns=list(SD_SCORES), fill_value=0)
    counts.index = [SD_CRITERIA[c][1] for c in criteria]
    return counts


def sd_group_evolution(dataset: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """Mean score per group (columns, grid order) and year (index).

    A year with action-level scores uses them; otherwise the mean over the structures'
    scores. Column ``source`` says which (``action`` or ``structures``); NaN when unscored.
    """
    rows = []
    for year in range(first_year, last_year + 1):
        scores = sd_scores(dataset, year)
        action = scores[scores["structure_id"].isna()]
        used, source = (action, "action") if len(action) else (scores, "structures")
        means = used.groupby("group")["score"].mean()
        rows.append({"year": year, **means.to_dict(), "source": source if len(used) else pd.NA})
    frame = pd.DataFrame(rows).set_index("year")
    return frame.reindex(columns=[*SD_GROUPS, "source"]).astype({g: float for g in SD_GROUPS})
