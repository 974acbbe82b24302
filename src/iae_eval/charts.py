"""Plot helpers of the reports: each draws on the axis it is given and returns it.

They never create a figure they are not asked to (``ax=None`` → ``plt.gca()``), never save
and never show: the section modules (:mod:`iae_eval.sections`) make the figure and embed it with an alt text.
Colours come from :data:`iae_eval.display.PALETTE` (Okabe-Ito, colour-blind safe); axis
labels and tick labels are French (``1 234``, ``12 %``). Missing values (NaN, e.g. masked
small counts) are not drawn: no bar, no point.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from iae_eval import fmt
from iae_eval.display import PALETTE
from iae_eval.data.reference import EXIT_CATEGORIES, EXIT_CATEGORY_LABELS

#: One colour per exit category, the same in every chart.
CATEGORY_COLOURS: dict[str, str] = {
    "emploi_durable": PALETTE[0],  # blue
    "emploi_transition": PALETTE[5],  # sky blue
    "sortie_positive": PALETTE[2],  # bluish green
    "autre_sortie": PALETTE[1],  # orange
    "retrait": PALETTE[4],  # grey
}
#: Colour of the target lines.
TARGET_COLOUR = PALETTE[6]  # vermillion

_PERCENT_TICKS = FuncFormatter(lambda v, _pos: fmt.percent(v, 0))
_INTEGER_TICKS = FuncFormatter(lambda v, _pos: fmt.integer(v))
_EURO_TICKS = FuncFormatter(lambda v, _pos: fmt.euros(v))
_YEAR_TICKS = FuncFormatter(lambda v, _pos: f"{v:.0f}")


#: Look of the segment standing for masked categories (hatched, no colour of its own).
MASKED_STYLE: dict[str, object] = {
    "facecolor": "white",
    "edgecolor": PALETTE[4],
    "hatch": "///",
    "linewidth": 0.0,
}


def _axis(ax: Axes | None) -> Axes:
    return plt.gca() if ax is None else ax


def legend_below(ax: Axes, *, ncol: int = 2) -> None:
    """A legend under the axis, clear of its tick labels and axis label whatever its height."""
    handles, _ = ax.get_legend_handles_labels()
    if not handles:
        return
    below = ax.transAxes + ScaledTranslation(0, -0.5, ax.figure.dpi_scale_trans)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncol=ncol, frameon=False)


def value_formatter(kind: str):
    """The French formatter of one kind of value: ``integer``, ``percent``, ``hours`` or ``euros``."""
    return {
        "integer": fmt.integer,
        "percent": lambda v: fmt.percent(v, 0),
        "hours": fmt.hours,
        "euros": fmt.euros,
    }[kind]


def _tick_formatter(kind: str) -> FuncFormatter:
    return {"percent": _PERCENT_TICKS, "euros": _EURO_TICKS}.get(kind, _INTEGER_TICKS)


def stacked_exits(
    counts: pd.DataFrame,
    *,
    ax: Axes | None = None,
    horizontal: bool = True,
    xlabel: str = "Nombre de sorties",
    masked: pd.Series | None = None,
    masked_label: str = "Catégories masquées",
) -> Axes:
    """Stacked bars of exits by category, one bar per row of ``counts``.

    ``counts`` has one column per exit category (keys of ``EXIT_CATEGORY_LABELS``, any subset)
    and one row per bar (the index gives the labels, first row on top when horizontal).
    A NaN cell (a masked count) draws no segment of its own; ``masked`` (aligned on the rows)
    gives the exits of the masked categories together, drawn last as one hatched segment.
    """
    ax = _axis(ax)
    rows = [str(r) for r in counts.index]
    positions = np.arange(len(rows))
    if horizontal:
        positions = positions[::-1]  # first row on top
    base = np.zeros(len(rows))
    for category in [c for c in EXIT_CATEGORIES if c in counts.columns]:
        values = pd.to_numeric(counts[category], errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(values) & (values > 0)
        if not drawn.any():
            continue
        label = EXIT_CATEGORY_LABELS[category]
        colour = CATEGORY_COLOURS[category]
        if horizontal:
            ax.barh(positions[drawn], values[drawn], left=base[drawn], color=colour, label=label, height=0.7)
        else:
            ax.bar(positions[drawn], values[drawn], bottom=base[drawn], color=colour, label=label, width=0.7)
        base = base + np.where(drawn, values, 0.0)
    if masked is not None:
        rest = pd.to_numeric(masked.reindex(counts.index), errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(rest) & (rest > 0)
        if drawn.any():
            if horizontal:
                ax.barh(
                    positions[drawn],
                    rest[drawn],
                    left=base[drawn],
                    height=0.7,
                    label=masked_label,
                    **MASKED_STYLE,
                )
            else:
                ax.bar(
                    positions[drawn],
                    rest[drawn],
                    bottom=base[drawn],
                    width=0.7,
                    label=masked_label,
                    **MASKED_STYLE,
                )
    if horizontal:
        ax.set_yticks(positions, rows)
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter(_INTEGER_TICKS)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.set_xticks(positions, rows)
        ax.set_ylabel(xlabel)
        ax.yaxis.set_major_formatter(_INTEGER_TICKS)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    legend_below(ax, ncol=3)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def rate_dots(
    rates: pd.DataFrame,
    *,
    ax: Axes | None = None,
    targets: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "Taux",
) -> Axes:
    """A dot chart of rates (fractions): one row per index entry, one marker series per column.

    ``targets`` maps a column to its target value, drawn as a dashed vertical line of the
    same colour. ``labels`` gives the legend text of each column. NaN rates draw no marker.
    """
    ax = _axis(ax)
    labels = dict(labels or {})
    targets = dict(targets or {})
    rows = [str(r) for r in rates.index]
    positions = np.arange(len(rows))[::-1]
    markers = ("o", "D", "s", "^")
    for i, column in enumerate(rates.columns):
        values = pd.to_numeric(rates[column], errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(values)
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(
            values[drawn],
            positions[drawn],
            linestyle="none",
            marker=markers[i % len(markers)],
            markersize=8,
            color=colour,
            label=labels.get(column, str(column)),
        )
        if column in targets:
            target = targets[column]
            ax.axvline(
                target,
                color=colour,
                linestyle="--",
                linewidth=1.2,
                label=f"Objectif : {fmt.percent(target, 0)}",
            )
    ax.set_yticks(positions, rows)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(0, 1.04)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(_PERCENT_TICKS)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_below(ax, ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def grouped_bars(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    value_kind: str = "integer",
    xlabel: str = "",
    annotate: bool = True,
) -> Axes:
    """Horizontal grouped bars: one group per row, one bar per column, value written at the end.

    ``value_kind`` (``"integer"``, ``"percent"``, ``"hours"``, ``"euros"``) sets the French format of the
    axis and of the written values. NaN values draw no bar.
    """
    ax = _axis(ax)
    labels = dict(labels or {})
    rows = [str(r) for r in frame.index]
    n_cols = max(len(frame.columns), 1)
    height = 0.8 / n_cols
    centres = np.arange(len(rows))[::-1].astype(float)
    write = value_formatter(value_kind)
    for i, column in enumerate(frame.columns):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(values)
        if not drawn.any():
            continue
        offset = (n_cols - 1) / 2 * height - i * height
        bars = ax.barh(
            centres[drawn] + offset,
            values[drawn],
            height=height * 0.95,
            color=PALETTE[i % len(PALETTE)],
            label=labels.get(column, str(column)),
        )
        if annotate:
            ax.bar_label(bars, labels=[write(v) for v in values[drawn]], padding=3, fontsize=8)
    ax.set_yticks(centres, rows)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(_tick_formatter(value_kind))
    if value_kind == "percent":
        ax.set_xlim(0, 1.1)
    else:
        ax.margins(x=0.15)
    if n_cols > 1:
        legend_below(ax, ncol=min(n_cols, 3))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def trend_lines(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    targets: Mapping[str, float] | None = None,
    value_kind: str = "integer",
    ylabel: str = "",
    legend_columns: int = 2,
    colours: Mapping[str, str] | None = None,
) -> Axes:
    """Lines over years: ``frame`` indexed by year, one line per column, NaN left as gaps.

    ``targets`` maps a column to a target drawn as a dashed horizontal line of its colour.
    ``colours`` fixes the colour of some columns (the same series in two panels); the
    others take the palette in order.
    """
    ax = _axis(ax)
    labels = dict(labels or {})
    targets = dict(targets or {})
    colours = dict(colours or {})
    years = np.asarray(frame.index, dtype=float)
    markers = ("o", "D", "s", "^", "v")
    for i, column in enumerate(frame.columns):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        colour = colours.get(column, PALETTE[i % len(PALETTE)])
        ax.plot(
            years,
            values,
            marker=markers[i % len(markers)],
            color=colour,
            label=labels.get(column, str(column)),
        )
        if column in targets:
            ax.axhline(
                targets[column],
                color=colour,
                linestyle="--",
                linewidth=1.2,
                label=f"Objectif {labels.get(column, str(column)).lower()} : {fmt.percent(targets[column], 0)}",
            )
    ax.set_xticks(years)
    ax.xaxis.set_major_formatter(_YEAR_TICKS)
    ax.set_xlabel("Année")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(_tick_formatter(value_kind))
    if value_kind == "percent":
        ax.set_ylim(0, 1)
    else:
        ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_below(ax, ncol=legend_columns)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
