"""The structure's indicators beside its territory's and the département's."""

from __future__ import annotations

import pandas as pd

from iae_eval.indicators.catalogue import EXIT_KEYS, INDICATOR_KEYS
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.frames import TOTAL, departement_row, indicators, structure_row
from iae_eval.sections.notes import view
from iae_eval.sections.rate_texts import formatted

#: Rows of the "structure beside the département" table: every indicator but the exit
#: categories (shown by the exits section) and the département-wide contract totals.
COMPARED_KEYS: tuple[str, ...] = tuple(
    k for k in INDICATOR_KEYS if k not in (*EXIT_KEYS, "contracts_total", "clause_share")
)


@view
def structure(rep: Report) -> parts.Section:
    """The structure's indicators beside its territory's and the département's."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    own = structure_row(dataset, year, structure_id)
    territory_name = str(dataset.structures.set_index("structure_id").at[structure_id, "territory"])
    territory = indicators(dataset, year, by="territory").loc[territory_name]
    dep = departement_row(dataset, year)
    frame = pd.DataFrame([own, territory, dep], index=["Structure", f"Territoire ({territory_name})", TOTAL])
    places = at.of_rows(
        dataset, year, [at.structure_unit(structure_id), f"territory:{territory_name}", at.DEPARTEMENT]
    )
    keys = list(COMPARED_KEYS)
    table = formatted(frame, min_cell=min_cell, diffusion=diffusion, columns=keys, places=places).T
    table.index = [INDICATOR_LABELS[k] for k in keys]
    return parts.join(
        parts.table(table, caption=f"Indicateurs {year} : structure, territoire et département"),
        parts.note(
            "Les marchés, opérations et financements de la structure sont ceux qui portent son identifiant."
        ),
    )
