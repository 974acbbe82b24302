"""The share of each public (RSA, DELD, < 26, 50+, RQTH, women) among the people in pathway,
for the département and a structure, as the edition shows it (docs/editions.md): a small
count reads ``< {min_cell}`` and a share that would give it back ``s``.
"""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt
from iae_eval.data.dataset import Dataset
from iae_eval.indicators.catalogue import PUBLIC_KEYS
from iae_eval.sections import places as at
from iae_eval.sections.formats import PUBLIC_LABELS, share_shown, suppressed
from iae_eval.sections.frames import indicators


def public_shares(
    dataset: Dataset,
    year: int,
    *,
    structure_id: str | None = None,
    min_cell: int,
    diffusion: str,
) -> pd.DataFrame:
    """Count and share of each public (RSA, DELD, < 26, 50+, RQTH, women) among the people in
    pathway, for the département and (with ``structure_id``) the structure, ready to publish:
    columns ``{scope}_count``, ``{scope}_share``, ``{scope}_total`` (scope ``structure``,
    ``departement``); a small count is ``< {min_cell}`` and a share that would give it back is ``s``."""
    scopes = {"departement": (indicators(dataset, year).iloc[[0]], at.DEPARTEMENT)}
    if structure_id is not None:
        own = indicators(dataset, year, by="structure").loc[[structure_id]]
        scopes = {"structure": (own, at.structure_unit(structure_id)), **scopes}
    keys = list(PUBLIC_KEYS)
    columns = {}
    for scope, (row, unit) in scopes.items():
        frame = row[["participants", *keys]]
        places = at.of_rows(dataset, year, [unit])
        shown = suppressed(frame, min_cell=min_cell, diffusion=diffusion, places=places).iloc[0]
        columns[f"{scope}_count"] = [shown[k] for k in keys]
        # a share is shown when the year publishes its count and its total: it tells nothing more
        columns[f"{scope}_share"] = [
            share_shown(shown[k], shown["participants"], key=k, total_key="participants", min_cell=min_cell)
            for k in keys
        ]
        columns[f"{scope}_total"] = [shown["participants"]] * len(keys)
    return pd.DataFrame(columns, index=keys)


def shares_table(shares: pd.DataFrame, scopes: dict[str, str]) -> pd.DataFrame:
    table = pd.DataFrame(index=[PUBLIC_LABELS[k] for k in shares.index])
    for scope, name in scopes.items():
        table[f"{name} : personnes"] = [fmt.integer(v) for v in shares[f"{scope}_count"]]
        table[f"{name} : part"] = [fmt.percent(v) for v in shares[f"{scope}_share"]]
    total = {
        f"{name} : personnes": fmt.integer(shares[f"{scope}_total"].iloc[0]) for scope, name in scopes.items()
    }
    table.loc["Ensemble des personnes en parcours"] = {
        **total,
        **{f"{n} : part": fmt.percent(1.0) for n in scopes.values()},
    }
    return table
