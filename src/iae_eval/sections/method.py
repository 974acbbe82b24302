"""Method: the "Comment lire ce rapport" section (definitions, exit nomenclature, targets,
indicators 1-3, the uncertainty of rates, the edition: every figure in the committee's, the
small-count rule built from ``min_cell`` in the public one), the same in every report."""

from __future__ import annotations

import pandas as pd

from iae_eval import fmt
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import EXIT_CATEGORY_LABELS, KIND_LABELS
from iae_eval.data.rules import get_profile
from iae_eval.editions import edition
from iae_eval.indicators.catalogue import TARGETS
from iae_eval.indicators.suppress import small_count_rule
from iae_eval.indicators.uncertainty import LOW_COUNT_TEXT, LOW_COUNT_THRESHOLD
from iae_eval.report import Report
from iae_eval.sections import parts


def edition_paragraph(diffusion: str, min_cell: int) -> str:
    """What the edition shows: every figure (committee) or the small-count rule built from
    ``min_cell`` (public)."""
    chosen = edition(diffusion)
    if not chosen.suppresses:
        return (
            f"Édition : {chosen.banner}. Tous les effectifs et tous les taux sont affichés, même petits : ce "
            "document ne doit pas être diffusé hors du comité de pilotage. Aucun identifiant de personne ni "
            "aucune ligne de données individuelles ne figure dans les rapports. « — » signale une valeur non "
            "définie (dénominateur nul ou donnée absente)."
        )
    return (
        f"Édition : {chosen.banner}. Secret statistique : {small_count_rule(min_cell)} Un taux est publié, avec "
        f"son intervalle, quand il repose sur au moins {min_cell} personnes ou sorties de chaque côté (par exemple "
        f"au moins {min_cell} sorties en emploi durable et au moins {min_cell} autres sorties examinées) ; sinon "
        "il est remplacé par « non publié » et sa raison. « s » signale une case masquée pour qu'un petit effectif "
        "ne puisse pas être retrouvé par différence avec un total ; une case sur laquelle repose un taux publié "
        "n'est jamais masquée. "
        "Un sous-ensemble et son total (« dont RSA » et l'ensemble) ne sont pas publiés ensemble quand leur "
        f"différence est inférieure à {min_cell}. Les graphiques ne représentent pas les valeurs masquées et un "
        "intervalle n'est donné que pour un taux publié. « — » signale une valeur non définie (dénominateur nul "
        "ou donnée absente). Les montants, les heures et les nombres de marchés et d'opérations ne sont jamais "
        "masqués. Aucun identifiant de personne ne figure dans les rapports."
    )


def _how_to_read(dataset: Dataset, *, min_cell: int, diffusion: str) -> parts.Section:
    """Definitions used by every report: pathways, examinable exits, categories, rates,
    targets, indicators 1-3, the rules profile and the small-count rule."""
    profile = get_profile(dataset.rules)
    stays = pd.DataFrame(
        {
            "Type de structure": [f"{k} — {KIND_LABELS[k]}" for k in profile.minimum_stay],
            "Durée minimale avant qu'une sortie soit examinée": [
                r.describe() for r in profile.minimum_stay.values()
            ],
        }
    )
    reasons = dataset.exit_reasons.sort_values("code")
    nomenclature = pd.DataFrame(
        {
            "Code": [fmt.integer(c) for c in reasons["code"]],
            "Situation à la sortie": list(reasons["label"]),
            "Catégorie": [EXIT_CATEGORY_LABELS.get(c, c) for c in reasons["category"]],
        }
    )
    durable, dynamic = fmt.percent(TARGETS["durable_rate"], 0), fmt.percent(TARGETS["dynamic_rate"], 0)
    paragraphs = [
        "Un parcours est un contrat d'une personne dans une structure, sous un type de "
        "conventionnement (ACI, AI, EI, ETTI). Il est actif une année donnée s'il a commencé au "
        "plus tard le 31 décembre et n'était pas terminé au 1er janvier. Les personnes sont "
        "comptées une seule fois, même avec plusieurs parcours ; un total par type de structure "
        "peut donc dépasser le total départemental.",
        "Une sortie n'est examinée que si le parcours a duré le minimum prévu pour son type de "
        "structure (tableau ci-dessous). Les sorties plus courtes sont comptées à part (« sorties "
        "avant la durée minimale ») et dans aucun autre chiffre de sortie.",
        f"Règles de durée minimale appliquées : « {profile.name} », {profile.label}."
        + (
            f" Une personne n'est comptée en parcours une année que si elle y a travaillé au moins "
            f"{fmt.integer(profile.participant_min_hours)} heure."
            if profile.participant_min_hours is not None
            else ""
        ),
    ]
    after = [
        "Chaque sortie est classée dans une catégorie selon la situation à la sortie "
        "(nomenclature de l'ASP, tableau ci-dessus). Les sorties « Retrait des sorties "
        "constatées » sont neutralisées : elles ne comptent dans le dénominateur d'aucun taux.",
        "Sorties examinées = sorties constatées − retraits. Taux d'emploi durable = sorties en "
        "emploi durable ÷ sorties examinées. Taux de sorties dynamiques = (emploi durable + emploi "
        "de transition + sorties positives) ÷ sorties examinées.",
        f"Objectifs de la période, à atteindre dans les trois ans d'une convention : taux d'emploi "
        f"durable d'au moins {durable}, taux de sorties dynamiques d'au moins {dynamic}.",
        "Indicateurs de la fiche H5 : (1) allocataires du RSA ayant un parcours actif dans "
        "l'année ; (2) allocataires du RSA sortis dans l'année en emploi durable ou en formation "
        "qualifiante ; (3) marchés du Conseil général notifiés dans l'année avec une clause "
        "sociale (3a) et opérations menées avec les structures d'insertion (3b).",
        "Incertitude : chaque taux d'une structure, d'un territoire ou d'un type de structure est donné avec "
        "son intervalle de confiance à 95 % (intervalle de Wilson), entre crochets dans les tableaux "
        "(« 31,8 % [20,1 – 46,3] ») et en barres d'erreur sur les graphiques. Un taux calculé sur moins de "
        f"{LOW_COUNT_THRESHOLD} sorties examinées est marqué « {LOW_COUNT_TEXT} ». Un objectif est « atteint » "
        "quand tout l'intervalle est au-dessus, « n'atteint pas » quand tout l'intervalle est en dessous, et le "
        "taux est « compatible avec l'objectif » quand l'intervalle le contient. Les graphiques en entonnoir "
        "placent chaque structure selon son nombre de sorties examinées, avec les limites de contrôle à 95 % et "
        "à 99,8 % autour de l'objectif ; avec 20 structures ou plus, ces limites sont élargies quand les taux "
        "varient plus que le hasard ne l'explique (surdispersion), comme le dit la note sous chaque graphique.",
        edition_paragraph(diffusion, min_cell),
    ]
    return parts.join(
        *(parts.text(p) for p in paragraphs),
        parts.table(stays, index=False, caption="Durée minimale de parcours par type de structure"),
        *(parts.text(p) for p in after[:1]),
        parts.table(nomenclature, index=False, caption="Motifs de sortie et catégories"),
        *(parts.text(p) for p in after[1:]),
    )


def departement(rep: Report) -> parts.Section:
    """ "Comment lire ce rapport" of the departmental report."""
    dataset, min_cell, diffusion = rep.dataset, rep.min_cell, rep.diffusion
    return _how_to_read(dataset, min_cell=min_cell, diffusion=diffusion)


def structure(rep: Report) -> parts.Section:
    """ "Comment lire ce rapport" of a structure's report."""
    dataset, min_cell, diffusion = rep.dataset, rep.min_cell, rep.diffusion
    return _how_to_read(dataset, min_cell=min_cell, diffusion=diffusion)


def bilan(rep: Report) -> parts.Section:
    """ "Comment lire ce rapport" of the bilan."""
    dataset, min_cell, diffusion = rep.dataset, rep.min_cell, rep.diffusion
    return _how_to_read(dataset, min_cell=min_cell, diffusion=diffusion)


def notebooks(source: str) -> parts.Section:
    """Which notebooks built the report (the batch's ``notebooks_source`` parameter, see
    :func:`iae_eval.workspace.notebooks_source_text`); nothing when run by hand (empty)."""
    return parts.Section.of(parts.note(source) if source else None)
