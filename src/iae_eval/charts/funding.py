"""Funding charts: amounts by year stacked by funder or nature, costs per structure."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from iae_eval import fmt
from iae_eval.charts.style import EURO_TICKS, PALETTE, axis, finish, legend_below
from iae_eval.indicators.funding import CATEGORY_LABELS


#: Labels of the funders and of the natures: the order gives each code its colour.
def category_colour(code: str, *, by: str) -> str:
    """The colour of a funder or nature code, the same in every chart (black if unknown)."""
    labels = list(CATEGORY_LABELS[by])
    return PALETTE[labels.index(code) % len(PALETTE)] if code in labels else "#000000"


def funding_chart(amounts: pd.DataFrame, *, by: str = "funder", title: str | None = None, ax=None):
    """Stacked bars: one bar per year, one segment per funder or nature (each code keeps
    the same colour in every chart); returns ax."""
    ax = axis(ax)
    labels = CATEGORY_LABELS[by]
    years = [int(y) for y in amounts.index]
    base = np.zeros(len(years))
    for code in amounts.columns:
        values = amounts[code].to_numpy(float)
        ax.bar(
            years,
            values,
            bottom=base,
            color=category_colour(code, by=by),
            label=labels.get(code, code),
            width=0.7,
        )
        base += values
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel("Année")
    ax.set_ylabel("Montant")
    ax.yaxis.set_major_formatter(EURO_TICKS)
    ax.set_title(title or ("Financements par financeur" if by == "funder" else "Financements par nature"))
    handles, texts = ax.get_legend_handles_labels()  # top segment first, as stacked
    legend_below(
        ax, handles=handles[::-1], labels=texts[::-1], title="Financeur" if by == "funder" else "Nature"
    )
    return finish(ax, grid="y", legend=False)


def cost_chart(
    costs: pd.Series,
    *,
    highlight: str | None = None,
    names: Mapping[str, str] | None = None,
    xlabel: str = "Coût",
    ax=None,
):
    """Dots of one cost per structure (NaN, masked or undefined, not drawn) and a dashed line
    at their median; ``highlight`` draws that structure in another colour; ``names`` label
    the structures (index: identifiers). Returns ax."""
    ax = axis(ax)
    names = names or {}
    values = costs.astype(float).dropna().sort_values()
    positions = np.arange(len(values))
    colours = [PALETTE[6] if s == highlight else PALETTE[0] for s in values.index]
    ax.scatter(values.to_numpy(), positions, color=colours, s=50, zorder=3)
    if len(values):
        median = float(values.median())
        ax.axvline(
            median, color=PALETTE[1], linestyle="--", label=f"Médiane des structures : {fmt.euros(median)}"
        )
    ax.set_yticks(positions, [names.get(s, s) for s in values.index])
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(EURO_TICKS)
    ax.set_xlim(left=0, right=max(1.0, float(values.max()) * 1.1) if len(values) else 1.0)
    return finish(ax, grid="x")
