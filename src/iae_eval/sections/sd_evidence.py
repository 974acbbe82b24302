"""The figures that back each pillar of the sustainable-development grid ("éléments de
preuve"), as the edition shows them (docs/editions.md): people in structures with an
environmental support, exit rates, the share of RSA recipients, the state of actions A1 and
A2, the operations carried out with the structures.
"""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import ACTION_STATUSES, ACTIONS, ACTIVITY_SUPPORTS, ENVIRONMENTAL_SUPPORTS
from iae_eval.editions import edition
from iae_eval.indicators.action_plan import plan_state
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.pathways import people_active, people_active_by_structure, structures_with_supports
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.formats import part_shown, share_shown, suppressed
from iae_eval.sections.frames import indicators


def sd_evidence(
    dataset: Dataset,
    year: int,
    *,
    structure_id: str | None = None,
    min_cell: int,
    diffusion: str,
) -> pd.DataFrame:
    """The figures that back each pillar's scores in ``year`` (suppressed, formatted in French).

    Environment: people active in structures with an environmental support
    (reference.ENVIRONMENTAL_SUPPORTS); social: dynamic-exit rate and share of RSA recipients;
    economy: durable-employment rate; governance: state of A1 and A2 and operations carried
    out with the structures. With ``structure_id`` the figures are the structure's (A1/A2
    stay département-wide). Columns ``Pilier``, ``Élément de preuve``, ``Valeur``.
    """
    by = "departement" if structure_id is None else "structure"
    ind = indicators(dataset, year, by=by)
    row = (ind.iloc[[0]] if structure_id is None else ind.loc[[structure_id]]).copy()
    env_ids = [
        s
        for s in structures_with_supports(dataset.structures, ENVIRONMENTAL_SUPPORTS)
        if structure_id is None or s == structure_id
    ]
    if structure_id is None:
        row["env_people"] = people_active(dataset.participants, year, structure_ids=env_ids)
    else:
        row["env_people"] = (
            int(people_active_by_structure(dataset, year).get(structure_id, 0)) if env_ids else 0
        )
    unit = at.DEPARTEMENT if structure_id is None else at.structure_unit(structure_id)
    own = row.drop(columns=["env_people"])
    shown = suppressed(
        own, min_cell=min_cell, diffusion=diffusion, places=at.of_rows(dataset, year, [unit])
    ).iloc[0]
    # the share of RSA recipients tells nothing more than its two published counts
    shown["rsa_share"] = share_shown(
        shown["rsa_participants"],
        shown["participants"],
        key="rsa_participants",
        total_key="participants",
        min_cell=min_cell,
    )
    shown["env_people"] = part_shown(
        row["env_people"].iloc[0],
        row["participants"].iloc[0],
        shown["participants"],
        min_cell=min_cell,
        diffusion=diffusion,
    )
    state = plan_state(dataset, year=year).set_index("action_id")
    supports = ", ".join(ACTIVITY_SUPPORTS[s].lower() for s in ENVIRONMENTAL_SUPPORTS)
    rows = [
        (
            "Environnement",
            f"Personnes en parcours dans une structure à support environnemental ({supports})",
            fmt.integer(shown["env_people"]),
        ),
        ("Social", INDICATOR_LABELS["dynamic_rate"], fmt.percent(shown["dynamic_rate"])),
        ("Social", INDICATOR_LABELS["rsa_share"], fmt.percent(shown["rsa_share"])),
        ("Économie", INDICATOR_LABELS["durable_rate"], fmt.percent(shown["durable_rate"])),
    ]
    for action in ("A1", "A2"):
        status = state.at[action, "status"] if dataset.action_plan is not None else pd.NA
        rows.append(
            (
                "Gouvernance",
                f"{action} — {ACTIONS[action]} : état en fin d'année",
                "Non renseigné" if pd.isna(status) else ACTION_STATUSES[status],
            )
        )
    rows.append(
        ("Gouvernance", "Opérations menées avec les structures d'insertion", fmt.integer(shown["operations"]))
    )
    return pd.DataFrame(rows, columns=["Pilier", "Élément de preuve", "Valeur"])


def evidence_note(min_cell: int, diffusion: str) -> parts.Paragraph:
    if not edition(diffusion).suppresses:
        return parts.note("Éléments de preuve : « — » : non défini.")
    return parts.note(
        f"Éléments de preuve : un effectif inférieur à {min_cell} est affiché « < {min_cell} », "
        f"un taux qui reposerait sur moins de {min_cell} personnes ou sorties d'un côté est « non publié », avec "
        "sa raison ; « — » : non défini."
    )
