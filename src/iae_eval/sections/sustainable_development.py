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
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap

from iae_eval import charts, fmt
from iae_eval.data.dataset import Dataset
from iae_eval.data.reference import (
    SD_CRITERIA,
    SD_PILLARS,
    SD_SCORES,
)
from iae_eval.display import PALETTE
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
from iae_eval.sections import shared as report
from iae_eval.sections.sd_evidence import evidence_note, sd_evidence

#: One single-hue step per score 0-3 (ColorBrewer "Blues": readable with colour-blindness).
SCORE_COLOURS: tuple[str, ...] = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")


def _score_colorbar(ax, mappable) -> None:
    bar = ax.figure.colorbar(mappable, ax=ax, ticks=list(SD_SCORES), fraction=0.04, pad=0.16)
    bar.ax.set_yticklabels([f"{k} — {v}" for k, v in SD_SCORES.items()])
    bar.set_label("Contribution")


def sd_heatmap(scores: pd.DataFrame, ax=None):
    """Heatmap of criteria (rows) × structures (columns, the action level last); returns ax."""
    ax = plt.gca() if ax is None else ax
    matrix = score_matrix(scores)
    sns.heatmap(
        matrix,
        ax=ax,
        cmap=ListedColormap(SCORE_COLOURS),
        vmin=-0.5,
        vmax=3.5,
        annot=True,
        fmt=".0f",
        linewidths=0.8,
        linecolor="white",
        cbar=False,
        square=False,
    )
    _score_colorbar(ax, ax.collections[0])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticklabels(ax.get_xticklabels(), rotation=40, ha="right")
    groups = [SD_CRITERIA[c][0] for c in SD_CRITERIA if SD_CRITERIA[c][1] in matrix.index]
    starts = [row for row in range(len(groups)) if row == 0 or groups[row] != groups[row - 1]]
    for row in starts[1:]:
        ax.axhline(row, color="black", linewidth=1.2)
    ends = [*starts[1:], len(groups)]
    side = ax.twinx()  # the group of each block of rows, on the right
    side.set_ylim(ax.get_ylim())
    side.set_yticks(
        [(a + b) / 2 for a, b in zip(starts, ends, strict=True)],
        [groups[a] for a in starts],
        fontweight="bold",
    )
    side.tick_params(length=0)
    side.spines[:].set_visible(False)
    if ACTION_LEVEL in matrix.columns and matrix.shape[1] > 1:
        ax.axvline(matrix.shape[1] - 1, color="black", linewidth=1.2)
    year = scores["year"].iloc[0] if len(scores) else ""
    ax.set_title(f"Grille de développement durable {year} : scores par critère (0 à 3)")
    return ax


def sd_distribution_chart(scores: pd.DataFrame, ax=None):
    """Stacked horizontal bars, one per criterion (grid order, top to bottom): the share of
    the structures scoring 0, 1, 2 and 3 (a heatmap readable at any number of structures);
    returns ax."""
    ax = plt.gca() if ax is None else ax
    counts = score_counts(scores)
    shares = counts.div(counts.sum(axis=1).where(lambda t: t > 0), axis=0).fillna(0.0)
    positions = np.arange(len(shares))[::-1]
    left = np.zeros(len(shares))
    for score, colour in zip(SD_SCORES, SCORE_COLOURS, strict=True):
        values = shares[score].to_numpy(float)
        ax.barh(
            positions, values, left=left, color=colour, height=0.75, label=f"{score} — {SD_SCORES[score]}"
        )
        left += values
    ax.set_yticks(positions, list(shares.index))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: fmt.percent(v, 0)))
    ax.set_xlabel("Part des structures")
    ax.legend(title="Score", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    year = scores["year"].iloc[0] if len(scores) else ""
    ax.set_title(f"Grille de développement durable {year} : répartition des scores des structures")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def sd_structure_chart(dataset: Dataset, year: int, structure_id: str, ax=None):
    """Dot chart of a structure's scores against the département median over structures."""
    ax = plt.gca() if ax is None else ax
    scores = sd_scores(dataset, year)
    median = structure_medians(dataset, year)
    own = scores[scores["structure_id"] == structure_id].set_index("criterion")["score"]
    criteria = [c for c in SD_CRITERIA if c in median.index]
    positions = np.arange(len(criteria))[::-1]
    name = structure_label(dataset, structure_id)
    ax.plot(
        median.reindex(criteria).to_numpy(float),
        positions,
        "D",
        color=PALETTE[1],
        markersize=9,
        label="Médiane départementale",
    )
    ax.plot(own.reindex(criteria).to_numpy(float), positions, "o", color=PALETTE[0], markersize=7, label=name)
    ax.set_yticks(positions, [SD_CRITERIA[c][1] for c in criteria])
    ax.set_xticks(list(SD_SCORES), [f"{k}\n{v}" for k, v in SD_SCORES.items()])
    ax.set_xlim(-0.3, 3.3)
    ax.set_ylim(-0.7, len(criteria) - 0.3)
    ax.set_xlabel("Score de contribution")
    ax.set_title(f"{name} : scores {year} et médiane départementale")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def sd_evolution(
    dataset: Dataset,
    first_year: int,
    last_year: int,
    ax=None,
    *,
    groups: tuple[str, ...] = SD_GROUPS,
    title: str | None = None,
):
    """Lines of the action-level (or mean) score of each of ``groups`` over the years; returns ax."""
    ax = plt.gca() if ax is None else ax
    frame = sd_group_evolution(dataset, first_year, last_year)[list(groups)].dropna(axis=1, how="all")
    charts.trend_lines(frame, ax=ax, ylabel="Score moyen (0 à 3)")
    ax.set_ylim(0, 3.2)
    ax.set_yticks(list(SD_SCORES), [f"{k} — {v}" for k, v in SD_SCORES.items()])
    ax.set_title(title or f"Grille de développement durable {first_year}-{last_year} : score par groupe")
    return ax


# --- Evidence beside each pillar ---------------------------------------------------------------


# --- Sections ------------------------------------------------------------------------------------


def _missing(dataset: Dataset, years: range) -> parts.Section | None:
    if dataset.sd_assessment is None:
        return report.no_data("Pas de grille de développement durable dans les données.")
    if not dataset.sd_assessment["year"].isin(list(years)).any():
        period = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        return report.no_data(f"Pas d'évaluation de développement durable pour {period}.")
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


@report.view
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


@report.view
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
        return report.no_data(f"Pas d'évaluation de développement durable de {name} pour {year}.")
    fig, ax = plt.subplots(figsize=(9, 0.4 * scores["criterion"].nunique() + 2))
    sd_structure_chart(dataset, year, structure_id, ax=ax)
    median = structure_medians(dataset, year)
    above = int((own.set_index("criterion")["score"] > median.reindex(own["criterion"])).sum())
    alt = (
        f"Points : scores de développement durable de {name} en {year} (0 à 3) pour {len(own)} critères, "
        f"face à la médiane des structures du département ; {above} critère(s) au-dessus de la médiane."
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
        parts.figure(fig, alt=alt),
        parts.table(table, index=False, caption=f"Scores de {name}, {year}"),
        parts.table(
            sd_evidence(dataset, year, structure_id=structure_id, min_cell=min_cell, diffusion=diffusion),
            index=False,
            caption=f"Éléments de preuve par pilier, {name}, {year}",
        ),
        evidence_note(min_cell, diffusion),
    )


@report.view
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
