"""Grids of cells: the action plan's statuses by semester, the supports present by year."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from iae_eval.charts.style import PALETTE, axis, finish, legend_below
from iae_eval.data.reference import ACTION_STATUSES

#: One Okabe-Ito colour per status, and a hatch so that late and abandoned stand out
#: without relying on colour alone.
STATUS_COLOURS: dict[str, str] = {
    "prevu": PALETTE[4],
    "en_cours": PALETTE[5],
    "realise": PALETTE[2],
    "en_retard": PALETTE[1],
    "abandonne": PALETTE[6],
}
STATUS_HATCHES: dict[str, str] = {"en_retard": "//", "abandonne": "xx"}


def plan_timeline(grid: pd.DataFrame, *, labels: Mapping[str, str], ax: Axes | None = None) -> Axes:
    """Grid of coloured cells, one row per action (``grid``'s index, ``labels`` their short
    text) and one column per semester (``2009S1``…), a status code or NaN in each; returns ax."""
    ax = axis(ax)
    for row, action in enumerate(grid.index):
        for col, semester in enumerate(grid.columns):
            status = grid.at[action, semester]
            if pd.isna(status):
                continue
            ax.add_patch(
                Rectangle(
                    (col, row),
                    1,
                    1,
                    facecolor=STATUS_COLOURS[status],
                    hatch=STATUS_HATCHES.get(status),
                    edgecolor="white",
                    linewidth=1.5,
                )
            )
    ax.set_xlim(0, grid.shape[1])
    ax.set_ylim(grid.shape[0], 0)
    ax.set_xticks([c + 0.5 for c in range(grid.shape[1])])
    ax.set_xticklabels([s.replace("S", " S") for s in grid.columns], rotation=45, ha="right")
    ax.set_yticks([r + 0.5 for r in range(grid.shape[0])])
    ax.set_yticklabels([f"{a} — {labels[a]}" for a in grid.index])
    ax.set_xlabel("Semestre")
    ax.set_title("Avancement du plan d'actions par semestre")
    handles = [
        Patch(facecolor=STATUS_COLOURS[s], hatch=STATUS_HATCHES.get(s), label=label)
        for s, label in ACTION_STATUSES.items()
    ]
    legend_below(ax, handles=handles, labels=list(ACTION_STATUSES.values()), title="Statut")
    ax.tick_params(length=0)
    return finish(ax, legend=False, spines=tuple(ax.spines.keys()))


def presence_grid(by_year: pd.DataFrame, *, labels: Mapping[str, str], ax: Axes | None = None) -> Axes:
    """Supports (rows, ``labels`` their text) × years (columns) grid of the number of active
    structures carrying each support; an empty cell means the support is absent that year.
    Returns ax."""
    ax = axis(ax)
    matrix = by_year.astype(float).where(by_year > 0)
    matrix.index = [labels.get(c, c) for c in by_year.index]
    matrix.columns = [str(c) for c in by_year.columns]
    sns.heatmap(
        matrix,
        ax=ax,
        cmap="Blues",
        vmin=0,
        annot=True,
        fmt=".0f",
        cbar=False,
        linewidths=0.8,
        linecolor="#dddddd",
    )
    ax.set_xlabel("Année")
    ax.set_ylabel("")
    ax.set_title("Structures actives par support d'activité")
    return ax
