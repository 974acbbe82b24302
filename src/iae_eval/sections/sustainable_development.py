"""Sustainable-development grid (docs/data.md): charts, evidence and the sections (the figures
are computed by :mod:`iae_eval.indicators.sustainable_development`).

The grid has the sheet's four pillars (environment, social, economy, governance), the five
national orientations numbered as on the sheet (``fin.1`` … ``fin.5``) and the Conseil
général's three orientations (Rapprocher, Intégrer, Se comporter), three sub-items each.
Scores go from 0 (none) to 3 (strong); a row without ``structure_id`` scores the action as
a whole. Scores are not person counts: they are never suppressed.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from iae_eval import fmt
from iae_eval.charts import sd as sd_charts
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import (
    SD_CRITERIA,
    SD_PILLARS,
    SD_SCORES,
)
from iae_eval.indicators.pathways import (
    structure_label,
    structure_name,
)
from iae_eval.indicators.sustainable_development import (  # noqa: F401 - the grid's figures, used by the charts
    ACTION_LEVEL,
    SCORE_COLUMNS,
    SD_GROUPS,
    score_counts,
    score_matrix,
    sd_group_evolution,
    sd_scores,
    structure_medians,
)
from iae_eval.report import Report
from iae_eval.sections import parts, summary
from iae_eval.sections.notes import no_data, view
from iae_eval.sections.sd_evidence import evidence_note, sd_evidence


def sd_heatmap(scores: pd.DataFrame, ax=None):
    """Heatmap of criteria (rows) × structures (columns, the action level last)
    (:func:`iae_eval.charts.sd.score_heatmap`); returns ax."""
    matrix = score_matrix(scores)
    groups = [SD_CRITERIA[c][0] for c in SD_CRITERIA if SD_CRITERIA[c][1] in matrix.index]
    year = scores["year"].iloc[0] if len(scores) else ""
    return sd_charts.score_heatmap(
        matrix,
        groups=groups,
        title=f"Grille de développement durable {year} : scores par critère (0 à 3)",
        last_apart=ACTION_LEVEL in matrix.columns,
        ax=ax,
    )


def sd_distribution_chart(scores: pd.DataFrame, ax=None):
    """Stacked horizontal bars, one per criterion (grid order, top to bottom): the share of
    the structures scoring 0, 1, 2 and 3 (a heatmap readable at any number of structures;
    :func:`iae_eval.charts.sd.score_shares`); returns ax."""
    year = scores["year"].iloc[0] if len(scores) else ""
    title = f"Grille de développement durable {year} : répartition des scores des structures"
    return sd_charts.score_shares(score_counts(scores), title=title, ax=ax)


def _structure_scores(dataset: Dataset, year: int, structure_id: str) -> dict:
    """The arguments of :func:`iae_eval.charts.sd.structure_scores` for a structure: its scores
    and the département median on the criteria of the grid, its name in the legend (the title
    is the same for every structure, so the chart is drawn over a background shared by the
    year's reports)."""
    scores = sd_scores(dataset, year)
    median = structure_medians(dataset, year)
    own = scores[scores["structure_id"] == structure_id].set_index("criterion")["score"]
    criteria = [c for c in SD_CRITERIA if c in median.index]
    return {
        "own": own.reindex(criteria),
        "median": median.reindex(criteria),
        "labels": [SD_CRITERIA[c][1] for c in criteria],
        "name": structure_label(dataset, structure_id),
        "title": f"Scores {year} de la structure et médiane départementale",
    }


def sd_structure_chart(dataset: Dataset, year: int, structure_id: str, ax=None):
    """Dot chart of a structure's scores against the département median over structures
    (:func:`iae_eval.charts.sd.structure_scores`); returns ax."""
    return sd_charts.structure_scores(**_structure_scores(dataset, year, structure_id), ax=ax)


def sd_structure_png(dataset: Dataset, year: int, structure_id: str, *, reuse: bool = True) -> bytes:
    """The PNG of :func:`sd_structure_chart`, drawn over the year's background when ``reuse``
    (:func:`iae_eval.charts.sd.structure_scores_png`)."""
    arguments = _structure_scores(dataset, year, structure_id)
    figsize = (9, 0.4 * len(arguments["labels"]) + 2)
    return sd_charts.structure_scores_png(**arguments, figsize=figsize, reuse=reuse)


def sd_evolution(
    dataset: Dataset,
    first_year: int,
    last_year: int,
    ax=None,
    *,
    groups: tuple[str, ...] = SD_GROUPS,
    title: str | None = None,
):
    """Lines of the action-level (or mean) score of each of ``groups`` over the years
    (:func:`iae_eval.charts.sd.group_evolution`); returns ax."""
    frame = sd_group_evolution(dataset, first_year, last_year)[list(groups)].dropna(axis=1, how="all")
    title = title or f"Grille de développement durable {first_year}-{last_year} : score par groupe"
    return sd_charts.group_evolution(frame, title=title, ax=ax)


# --- Evidence beside each pillar ---------------------------------------------------------------


# --- Sections ------------------------------------------------------------------------------------


def _missing(dataset: Dataset, years: range) -> parts.Section | None:
    if dataset.sd_assessment is None:
        return no_data("Pas de grille de développement durable dans les données.")
    if not dataset.sd_assessment["year"].isin(list(years)).any():
        period = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        return no_data(f"Pas d'évaluation de développement durable pour {period}.")
    return None


def _group_table(scores: pd.DataFrame) -> pd.DataFrame:
    action = scores[scores["structure_id"].isna()].groupby("group")["score"].mean()
    median = scores[scores["structure_id"].notna()].groupby("group")["score"].median()
    groups = [g for g in SD_GROUPS if g in action.index or g in median.index]
    return pd.DataFrame(
        {
            "Groupe de critères": groups,
            "Score moyen de l'action": [fmt.number(action.get(g), 1) for g in groups],
            "Médiane des structures": [fmt.number(median.get(g), 1) for g in groups],
        }
    )


@view
def departement(rep: Report) -> parts.Section:
    """Heatmap of the grid for ``year``, scores by group, evidence beside each pillar."""
    dataset, year, min_cell, diffusion = rep.dataset, rep.year, rep.min_cell, rep.diffusion
    missing = _missing(dataset, range(year, year + 1))
    if missing is not None:
        return missing
    scores = sd_scores(dataset, year)
    n_structures = scores["structure_id"].dropna().nunique()
    action = scores[scores["structure_id"].isna()]
    action_text = (
        f"score moyen de l'action : {fmt.number(action['score'].mean(), 1)} sur 3"
        if len(action)
        else "pas de score pour l'action dans son ensemble"
    )
    if summary.is_many(n_structures):
        chart = _distribution_figure(scores, year=year, n_structures=n_structures, action_text=action_text)
    else:
        matrix = score_matrix(scores)
        fig, ax = plt.subplots(figsize=(max(7.0, 0.7 * matrix.shape[1] + 6), 0.38 * matrix.shape[0] + 2.5))
        sd_heatmap(scores, ax=ax)
        alt = (
            f"Carte de chaleur de la grille de développement durable {year} : scores de 0 (aucune) à 3 "
            f"(forte) pour {matrix.shape[0]} critères et {n_structures} structures, plus l'action dans son "
            f"ensemble ; {action_text}."
        )
        chart = parts.figure(fig, alt=alt)
    return parts.join(
        chart,
        parts.table(_group_table(scores), caption=f"Scores par groupe de critères, {year}", index=False),
        parts.table(
            sd_evidence(dataset, year, min_cell=min_cell, diffusion=diffusion),
            index=False,
            caption=f"Éléments de preuve par pilier, {year}",
        ),
        evidence_note(min_cell, diffusion),
    )


def _distribution_figure(
    scores: pd.DataFrame, *, year: int, n_structures: int, action_text: str
) -> parts.Chart:
    """The grid for many structures (:mod:`~iae_eval.sections.summary`): the share of the
    structures at each score, criterion by criterion, instead of one column per structure."""
    counts = score_counts(scores)
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(counts) + 2.0))
    sd_distribution_chart(scores, ax=ax)
    strong = counts[3].div(counts.sum(axis=1)).idxmax() if len(counts) else "—"
    alt = (
        f"Barres empilées de la grille de développement durable {year} : pour {len(counts)} critères, part "
        f"des {fmt.integer(n_structures)} structures notées 0 (aucune), 1, 2 et 3 (forte) ; critère à la plus "
        f"forte part de score 3 : {strong} ; {action_text}."
    )
    return parts.figure(fig, alt=alt)


@view
def structure(rep: Report) -> parts.Section:
    """The structure's scores against the département median, with comments and evidence."""
    dataset, year, structure_id, min_cell, diffusion = (
        rep.dataset,
        rep.year,
        rep.structure_id,
        rep.min_cell,
        rep.diffusion,
    )
    name = structure_name(dataset, structure_id)
    missing = _missing(dataset, range(year, year + 1))
    if missing is not None:
        return missing
    scores = sd_scores(dataset, year)
    own = scores[scores["structure_id"] == structure_id]
    if own.empty:
        return no_data(f"Pas d'évaluation de développement durable de {name} pour {year}.")
    png = sd_structure_png(dataset, year, structure_id)
    median = structure_medians(dataset, year)
    above = int((own.set_index("criterion")["score"] > median.reindex(own["criterion"])).sum())
    alt = (
        f"Points : scores de développement durable de {name} en {year} (0 à 3) pour {len(own)} critères, "
        f"face à la médiane des structures du département ; "
        f"{fmt.plural(above, 'critère', 'critères')} au-dessus de la médiane."
    )
    table = dataset.sd_assessment
    comments = table[(table["year"] == year) & (table["structure_id"] == structure_id)].set_index(
        "criterion"
    )["comment"]
    comments = comments.astype(object).where(comments.notna(), "")
    table = pd.DataFrame(
        {
            "Critère": own["label"].to_numpy(),
            "Score": [f"{s} — {SD_SCORES[s]}" for s in own["score"]],
            "Médiane départementale": [fmt.number(median.get(c), 1) for c in own["criterion"]],
            "Commentaire": [comments.get(c, "") for c in own["criterion"]],
        }
    )
    return parts.join(
        parts.Chart(png, alt),
        parts.table(table, index=False, caption=f"Scores de {name}, {year}"),
        parts.table(
            sd_evidence(dataset, year, structure_id=structure_id, min_cell=min_cell, diffusion=diffusion),
            index=False,
            caption=f"Éléments de preuve par pilier, {name}, {year}",
        ),
        evidence_note(min_cell, diffusion),
    )


@view
def bilan(rep: Report) -> parts.Section:
    """Score per group over the period, with the evidence of each year side by side."""
    dataset, first_year, last_year, min_cell, diffusion = (
        rep.dataset,
        rep.first_year,
        rep.last_year,
        rep.min_cell,
        rep.diffusion,
    )
    missing = _missing(dataset, range(first_year, last_year + 1))
    if missing is not None:
        return missing
    evolution = sd_group_evolution(dataset, first_year, last_year)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    pillars = tuple(SD_PILLARS.values())
    sd_evolution(dataset, first_year, last_year, axes[0], groups=pillars, title="Piliers de la fiche")
    sd_evolution(
        dataset,
        first_year,
        last_year,
        axes[1],
        groups=tuple(g for g in SD_GROUPS if g not in pillars),
        title="Finalités nationales et orientations du Conseil général",
    )
    axes[1].set_ylabel("")
    scored = evolution.drop(columns="source").dropna(how="all")
    first, last = scored.index[0], scored.index[-1]
    changes = "; ".join(
        f"{g} {fmt.number(scored.at[first, g], 1)} → {fmt.number(scored.at[last, g], 1)}"
        for g in SD_PILLARS.values()
        if g in scored.columns
    )
    alt = (
        f"Courbes : score moyen (0 à 3) de chaque groupe de critères de développement durable, "
        f"{first_year}-{last_year} ; piliers de {first} à {last} : {changes}."
    )
    table = pd.DataFrame(
        {str(y): [fmt.number(evolution.at[y, g], 1) for g in SD_GROUPS] for y in evolution.index},
        index=list(SD_GROUPS),
    )
    table.loc["Source"] = evolution["source"].fillna("—").tolist()
    evidence = None
    for y in range(first_year, last_year + 1):
        frame = sd_evidence(dataset, y, min_cell=min_cell, diffusion=diffusion).rename(
            columns={"Valeur": str(y)}
        )
        evidence = frame if evidence is None else evidence.merge(frame, on=["Pilier", "Élément de preuve"])
    return parts.join(
        parts.figure(fig, alt=alt),
        parts.note(
            "Score de l'action dans son ensemble quand il est renseigné, sinon moyenne des "
            "scores des structures (ligne « Source »)."
        ),
        parts.table(table, caption=f"Score moyen par groupe de critères, {first_year}-{last_year}"),
        parts.table(
            evidence, index=False, caption=f"Éléments de preuve par pilier, {first_year}-{last_year}"
        ),
        evidence_note(min_cell, diffusion),
    )
