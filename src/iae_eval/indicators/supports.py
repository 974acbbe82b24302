"""Activity supports of the structures active in a year (action A3, docs/data.md).

A support is *present* in year Y when a structure active in Y (one pathway active in Y)
carries it. People by support are the distinct people active in Y in the structures that
carry it: a structure with two supports counts its people under both.
"""

from __future__ import annotations

import pandas as pd

from iae_eval.data.dataset import Dataset, per_dataset
from iae_eval.data.reference import ACTIVITY_SUPPORTS, POTENTIAL_SUPPORTS
from iae_eval.indicators.pathways import people_active, structures_active


@per_dataset
def carriers(dataset: Dataset, year: int) -> dict[str, list[str]]:
    """support code → ids of the structures active in ``year`` that carry it (sheet order)."""
    active = set(structures_active(dataset.participants, year))
    s = dataset.structures
    carriers: dict[str, list[str]] = {}
    for sid, supports in zip(s["structure_id"], s["activity_supports"], strict=True):
        if sid in active:
            for code in supports or ():
                carriers.setdefault(code, []).append(str(sid))
    order = list(ACTIVITY_SUPPORTS)
    return {
        c: sorted(carriers[c])
        for c in sorted(carriers, key=lambda c: (order.index(c) if c in order else 99, c))
    }


def supports_by_year(dataset: Dataset, *, first_year: int, last_year: int) -> pd.DataFrame:
    """Number of active structures carrying each support (rows, sheet order) per year (columns)."""
    counts = {
        y: {c: len(ids) for c, ids in carriers(dataset, y).items()} for y in range(first_year, last_year + 1)
    }
    frame = pd.DataFrame(counts).fillna(0).astype("int64")
    order = [c for c in ACTIVITY_SUPPORTS if c in frame.index]
    return frame.reindex(index=order + [c for c in frame.index if c not in order])


def people_by_support(dataset: Dataset, year: int) -> pd.DataFrame:
    """Supports present in ``year`` (index): ``structures`` carrying it and ``people`` active there."""
    rows = {
        code: {"structures": len(ids), "people": people_active(dataset.participants, year, structure_ids=ids)}
        for code, ids in carriers(dataset, year).items()
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["structures", "people"]).astype("int64")


def potential_supports(dataset: Dataset, year: int) -> pd.DataFrame:
    """The sheet's potential supports (index, A3 order): ``structures`` carrying it in ``year``
    and ``present`` (bool)."""
    found = carriers(dataset, year)
    structures = [len(found.get(code, [])) for code in POTENTIAL_SUPPORTS]
    return pd.DataFrame(
        {"structures": structures, "present": [n > 0 for n in structures]}, index=list(POTENTIAL_SUPPORTS)
    )
