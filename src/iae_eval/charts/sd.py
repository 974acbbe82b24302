"""Sustainable-development grid charts: scores of the structures by criterion (heatmap, or
shares of each score when they are many), one structure against the median, groups over
the years. Scores go from 0 (none) to 3 (strong)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from iae_eval.charts import backgrounds
from iae_eval.charts.evolution import trend_lines
from iae_eval.charts.style import PALETTE, PERCENT_TICKS, VARYING, axis, finish, legend_below
from iae_eval.data.reference import SD_CRITERIA, SD_SCORES

#: One single-hue step per score 0-3 (ColorBrewer "Blues": readable with colour-blindness).
SCORE_COLOURS: tuple[str, ...] = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")
#: Label of each score: ``2 — Moyenne``.
SCORE_LABELS: tuple[str, ...] = tuple(f"{k} — {v}" for k, v in SD_SCORES.items())
#: One colour per group of criteria, the same in every panel (the yellow left out: too pale).
GROUP_COLOURS: dict[str, str] = dict(
    zip(
        dict.fromkeys(group for group, _ in SD_CRITERIA.values()),
        (c for c in PALETTE if c != PALETTE[7]),
        strict=False,
    )
)
#: Characters per line of a criterion's label beside the heatmap (long ones wrap, leaving
#: the grid the width of the report).
LABEL_WIDTH = 44


def _score_legend(ax: Axes) -> None:
    handles = [Patch(facecolor=c, edgecolor="#999999", linewidth=0.5) for c in SCORE_COLOURS]
    legend_below(ax, handles=handles, labels=list(SCORE_LABELS), title="Contribution")


def score_heatmap(
    matrix: pd.DataFrame, *, groups: Sequence[str], title: str, last_apart: bool, ax=None
) -> Axes:
    """Heatmap of criteria (rows, labelled) × structures (columns); ``groups`` gives each row's
    group, named on the right and separated by lines (long criterion labels wrap); ``last_apart`` sets the last column
    (the action as a whole) apart. The scores' legend goes under the figure. Returns ax."""
    ax = axis(ax)
    matrix = matrix.set_axis([textwrap.fill(str(c), LABEL_WIDTH) for c in matrix.index], axis=0)
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
    _score_legend(ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticklabels(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
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
    if last_apart and matrix.shape[1] > 1:
        ax.axvline(matrix.shape[1] - 1, color="black", linewidth=1.2)
    ax.set_title(title)
    return ax


def score_shares(counts: pd.DataFrame, *, title: str, ax=None) -> Axes:
    """Stacked horizontal bars, one per criterion (rows of ``counts``, top to bottom): the
    share of the structures scoring 0, 1, 2 and 3 (columns of ``counts``). Returns ax."""
    ax = axis(ax)
    shares = counts.div(counts.sum(axis=1).where(lambda t: t > 0), axis=0).fillna(0.0)
    positions = np.arange(len(shares))[::-1]
    left = np.zeros(len(shares))
    for score, colour, label in zip(SD_SCORES, SCORE_COLOURS, SCORE_LABELS, strict=True):
        values = shares[score].to_numpy(float)
        ax.barh(positions, values, left=left, color=colour, height=0.75, label=label)
        left += values
    ax.set_yticks(positions, list(shares.index))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PERCENT_TICKS)
    ax.set_xlabel("Part des structures")
    ax.set_title(title)
    finish(ax, legend=False)
    legend_below(ax, title="Score")
    return ax


def _positions(labels: Sequence[str]) -> np.ndarray:
    """Where :func:`structure_scores` draws its criteria (top to bottom)."""
    return np.arange(len(labels))[::-1]


def structure_scores(
    own: pd.Series, median: pd.Series, *, labels: Sequence[str], name: str, title: str, ax=None
) -> Axes:
    """Dot chart of a structure's scores (``own``) against the département median
    (``median``), both aligned on the criteria drawn top to bottom (``labels`` their text)."""
    ax = axis(ax)
    positions = _positions(labels)
    ax.plot(
        median.to_numpy(float), positions, "D", color=PALETTE[1], markersize=9, label="Médiane départementale"
    )
    ax.plot(own.to_numpy(float), positions, "o", color=PALETTE[0], markersize=7, label=name, gid=VARYING)
    ax.set_yticks(positions, list(labels))
    ax.set_xticks(list(SD_SCORES), [f"{k}\n{v}" for k, v in SD_SCORES.items()])
    ax.set_xlim(-0.3, 3.3)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.set_xlabel("Score de contribution")
    ax.set_title(title)
    return finish(ax, grid="x")


def structure_scores_png(
    own: pd.Series,
    median: pd.Series,
    *,
    labels: Sequence[str],
    name: str,
    title: str,
    figsize: tuple[float, float],
    reuse: bool = True,
) -> bytes:
    """The PNG of :func:`structure_scores` on a figure of ``figsize``: with ``reuse``, drawn over
    the background of an earlier chart of the same criteria, median and title (only the
    structure's dots and legend differ: :mod:`iae_eval.charts.backgrounds`)."""

    def build() -> Figure:
        fig, ax = plt.subplots(figsize=figsize)
        structure_scores(own, median, labels=labels, name=name, title=title, ax=ax)
        return fig

    if not reuse:
        return backgrounds.full_png(build())
    key = ("sd", tuple(labels), median.to_numpy(float).tobytes(), title)
    dots = backgrounds.moved(own.to_numpy(float), _positions(labels), name)
    return backgrounds.over_named(key, figsize, name, build, dots)


def group_evolution(frame: pd.DataFrame, *, title: str, ax=None) -> Axes:
    """Lines of the score of each group (columns of ``frame``, indexed by year), each group in
    its colour whatever the panel; returns ax."""
    ax = axis(ax)
    trend_lines(frame, ax=ax, ylabel="Score moyen (0 à 3)", colours=GROUP_COLOURS)
    ax.set_ylim(0, 3.2)
    ax.set_yticks(list(SD_SCORES), list(SCORE_LABELS))
    ax.set_title(title)
    return ax
