"""The structure's card: name, kinds, commune, territory, activity supports, SIRET."""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt
from iae_eval.data.reference import ACTIVITY_SUPPORTS, KIND_LABELS
from iae_eval.indicators.pathways import structure_name
from iae_eval.report import Report
from iae_eval.sections import parts


def siret_text(siret: object) -> str:
    """``12345678900012`` → ``123 456 789 00012`` (``—`` when missing)."""
    if siret is None or pd.isna(siret) or not str(siret).strip():
        return fmt.MISSING
    s = str(siret).strip()
    return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if len(s) == 14 else s


def structure(rep: Report) -> parts.Section:
    """The structure's card; an unknown ``structure_id`` raises ``ValueError`` naming the known ones."""
    dataset, structure_id = rep.dataset, rep.structure_id
    name = structure_name(dataset, structure_id)
    row = dataset.structures.set_index("structure_id").loc[structure_id]
    supports = [ACTIVITY_SUPPORTS.get(code, code) for code in (row.get("activity_supports") or ())]
    facts = pd.DataFrame(
        {
            "Rubrique": ["Nom", "Conventionnements", "Commune", "Territoire", "Supports d'activité", "SIRET"],
            "Information": [
                name,
                " ; ".join(f"{k} — {KIND_LABELS.get(k, k)}" for k in row["kinds"]),
                row["commune"],
                row["territory"],
                ", ".join(supports) or fmt.MISSING,
                siret_text(row.get("siret")),
            ],
        }
    )
    return parts.join(parts.table(facts, index=False, caption="Fiche de la structure"))
