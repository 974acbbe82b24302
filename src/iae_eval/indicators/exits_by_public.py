"""Exits by category of all pathways and of the RSA recipients' ("dont RSA"), the view of the
national yearly report (docs/indicators.md).

Counted by the engine of :mod:`iae_eval.indicators.compute`, on the same per-pathway facts
and under the dataset's rules profile: the column ``all`` of :func:`exits_by_category` is
the indicators' own exit counts, the column ``rsa`` the same counts restricted to the
pathways of RSA recipients. Rows: every exit category, ``exits_examined`` (the categories
but retrait), ``exits`` (recorded exits, retrait included) and ``short_exits`` (exits
before the minimum stay, in no other count).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iae_eval.data import reference
from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.data.rules import profile_for
from iae_eval.indicators import compute
from iae_eval.indicators.catalogue import EXIT_KEYS
from iae_eval.indicators.facts import count_by_key, pathway_facts, scope_grouping

#: The rows of :func:`exits_by_category`, in the order the tables show them.
EXIT_ROWS: tuple[str, ...] = (*EXIT_KEYS, "exits_examined", "exits", "short_exits")
#: Its columns: every pathway, then the pathways of RSA recipients.
COLUMNS: tuple[str, ...] = ("all", "rsa")


@per_dataset
def rsa_exit_counts(dataset: Dataset, year: int, by: str = "departement") -> pd.DataFrame:
    """The exit counts of ``year`` (columns :data:`EXIT_ROWS`) of the RSA recipients' pathways,
    one row per key of scope ``by`` (as :func:`~iae_eval.indicators.compute.compute_indicators`)."""
    profile = profile_for(
        dataset.rules, has_yearly_hours=dataset.yearly_hours is not None, source=dataset.source
    )
    grouping = scope_grouping(dataset.structures, by)
    n = len(grouping.keys)
    facts = pathway_facts(dataset, int(year), profile)
    codes = grouping.codes(facts.rows)
    rsa = facts.rsa
    exits = facts.examinable_exit & rsa
    columns = {
        f"exits_{c}": count_by_key(codes, exits & (facts.category == i), n)
        for i, c in enumerate(reference.EXIT_CATEGORIES)
    }
    neutral = reference.EXIT_CATEGORIES.index(reference.NEUTRAL_CATEGORY)
    columns["exits_examined"] = count_by_key(codes, exits & (facts.category != neutral), n)
    columns["exits"] = count_by_key(codes, exits, n)
    columns["short_exits"] = count_by_key(codes, facts.exits_in_year & ~facts.examinable_exit & rsa, n)
    frame = pd.DataFrame({k: np.asarray(v, dtype=np.int64) for k, v in columns.items()}, index=grouping.keys)
    return frame[list(EXIT_ROWS)]


def exits_by_category(dataset: Dataset, year: int, *, structure_id: str | None = None) -> pd.DataFrame:
    """Exits of ``year`` (rows :data:`EXIT_ROWS`), of every pathway (column ``all``: the
    indicators' counts) and of the RSA recipients' (column ``rsa``), for the département or
    (with ``structure_id``) one structure."""
    by = "departement" if structure_id is None else "structure"
    every = compute.compute_indicators(dataset, year, by=by)
    rsa = rsa_exit_counts(dataset, year, by)
    position = 0 if structure_id is None else every.index.get_loc(structure_id)
    return pd.DataFrame(
        {
            "all": every[list(EXIT_ROWS)].iloc[position].astype("int64"),
            "rsa": rsa.iloc[position].astype("int64"),
        },
        index=list(EXIT_ROWS),
    )
