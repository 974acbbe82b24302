"""Funding of the insertion structures (docs/data.md, docs/indicators.md): amounts by year and
funder or nature, their shares, the share of Europe and the State, the costs per participant
and per dynamic exit. Amounts are not person counts; the costs divide by person counts, so
the sections mask a cost whose count the edition masks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import DYNAMIC_CATEGORIES, FUNDERS, FUNDING_NATURES
from iae_eval.indicators.compute import compute_indicators

#: Funders whose aid the sheet expects to mobilise (Europe and the State).
EUROPE_STATE: tuple[str, ...] = ("europe_fse", "etat")
CATEGORY_LABELS: dict[str, dict[str, str]] = {"funder": FUNDERS, "nature": FUNDING_NATURES}
COST_KEYS: tuple[str, ...] = ("cost_per_participant", "cost_per_dynamic_exit")


def _rows(dataset: Dataset, structure_id: str | None = None, nature: str | None = None) -> pd.DataFrame:
    funding = dataset.funding
    if funding is None:
        return pd.DataFrame(columns=["year", "structure_id", "funder", "nature", "amount_eur"])
    if structure_id is not None:
        funding = funding[funding["structure_id"] == structure_id]
    if nature is not None:
        funding = funding[funding["nature"] == nature]
    return funding


def funding_amounts(
    dataset: Dataset,
    *,
    first_year: int,
    last_year: int,
    by: str = "funder",
    structure_id: str | None = None,
    nature: str | None = None,
) -> pd.DataFrame:
    """Euros per year (index, every year of the period) and funder or nature (columns).

    ``by`` is ``"funder"`` or ``"nature"``; columns follow reference.FUNDERS /
    FUNDING_NATURES and only those with money in the period are kept.
    """
    rows = _rows(dataset, structure_id, nature)
    rows = rows[rows["year"].between(first_year, last_year)]
    wide = rows.pivot_table(index="year", columns=by, values="amount_eur", aggfunc="sum", fill_value=0.0)
    codes = [c for c in CATEGORY_LABELS[by] if c in wide.columns and wide[c].sum() > 0]
    return wide.reindex(index=range(first_year, last_year + 1), columns=codes).fillna(0.0).astype(float)


def shares(amounts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Amount and share of each column of ``amounts`` (from :func:`funding_amounts`) in ``year``."""
    row = amounts.loc[year]
    total = float(row.sum())
    return pd.DataFrame({"amount": row, "share": row / total if total else np.nan})


def europe_state_share(dataset: Dataset, year: int, *, structure_id: str | None = None) -> float:
    """Share of Europe (FSE) and the State in the funding of ``year``; NaN without funding."""
    amounts = funding_amounts(dataset, first_year=year, last_year=year, structure_id=structure_id)
    total = float(amounts.loc[year].sum())
    if not total:
        return float("nan")
    return float(amounts.loc[year].reindex(list(EUROPE_STATE)).fillna(0).sum()) / total


def structure_costs(dataset: Dataset, year: int, *, by: str = "structure") -> pd.DataFrame:
    """Per structure (index: id; ``by="departement"``: one row): ``participants``, dynamic
    exits (``exits_dynamic``), ``funding_total`` and the two costs of docs/indicators.md, raw."""
    ind = compute_indicators(dataset, year, by=by)
    dynamic = ind[[f"exits_{c}" for c in DYNAMIC_CATEGORIES]].sum(axis=1, min_count=1)
    return pd.DataFrame(
        {
            "participants": ind["participants"],
            "exits_dynamic": dynamic,
            "funding_total": ind["funding_total"],
            **{k: ind[k] for k in COST_KEYS},
        }
    )
