"""Bars and distributions: exits by category, grouped shares, histograms, people by support.

Each helper draws on the axes it is given (``ax=None``: the current one) and returns it.
Missing values (NaN, e.g. masked small counts) draw nothing: no bar, no segment.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from iae_eval import fmt
from iae_eval.charts.style import (
    ANNOTATION_PT,
    CATEGORY_COLOURS,
    INTEGER_TICKS,
    MASKED_STYLE,
    PALETTE,
    TARGET_COLOUR,
    axis,
    finish,
    legend_below,
    own_marks,
    tick_formatter,
    value_formatter,
)
from iae_eval.data.reference import EXIT_CATEGORIES, EXIT_CATEGORY_LABELS
from iae_eval.indicators.catalogue import LABELS


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
    ax = axis(ax)
    rows = [str(r) for r in counts.index]
    positions = np.arange(len(rows))
    if horizontal:
        positions = positions[::-1]  # first row on top
    bar = ax.barh if horizontal else ax.bar
    size, start = ("height", "left") if horizontal else ("width", "bottom")
    base = np.zeros(len(rows))
    for category in [c for c in EXIT_CATEGORIES if c in counts.columns]:
        values = pd.to_numeric(counts[category], errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(values) & (values > 0)
        if not drawn.any():
            continue
        bar(
            positions[drawn],
            values[drawn],
            color=CATEGORY_COLOURS[category],
            label=EXIT_CATEGORY_LABELS[category],
            **{size: 0.7, start: base[drawn]},
        )
        base = base + np.where(drawn, values, 0.0)
    if masked is not None:
        rest = pd.to_numeric(masked.reindex(counts.index), errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(rest) & (rest > 0)
        if drawn.any():
            bar(
                positions[drawn],
                rest[drawn],
                label=masked_label,
                **{size: 0.7, start: base[drawn]},
                **MASKED_STYLE,
            )
    values_axis = ax.xaxis if horizontal else ax.yaxis
    if horizontal:
        ax.set_yticks(positions, rows)
        ax.set_xlabel(xlabel)
    else:
        ax.set_xticks(positions, rows)
        ax.set_ylabel(xlabel)
    values_axis.set_major_formatter(INTEGER_TICKS)
    values_axis.set_major_locator(MaxNLocator(integer=True))
    return finish(ax, ncol=3)


def grouped_bars(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    value_kind: str = "integer",
    xlabel: str = "",
    annotate: bool = True,
    own: str | None = None,
) -> Axes:
    """Horizontal grouped bars: one group per row, one bar per column, value written at the end.

    ``value_kind`` (``"integer"``, ``"percent"``, ``"hours"``, ``"euros"``) sets the French format of the
    axis and of the written values. NaN values draw no bar. The column named ``own`` (a
    structure's, in its report) is drawn above everything else, its artists marked
    :data:`~iae_eval.charts.style.VARYING`: with percents (a fixed axis), the chart can then be
    drawn over a background shared by the year's structure reports (:func:`draw_own_bars`).
    """
    ax = axis(ax)
    labels = dict(labels or {})
    bars = {
        column: _bars(ax, frame, i, labels.get(column, str(column)), value_kind, annotate=annotate)
        for i, column in enumerate(frame.columns)
        if column != own
    }
    if own is not None:  # drawn last, above the others
        bars[own] = draw_own_bars(ax, frame, own, labels=labels, value_kind=value_kind, annotate=annotate)
    ax.set_yticks(np.arange(len(frame))[::-1].astype(float), [str(r) for r in frame.index])
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(tick_formatter(value_kind))
    if value_kind == "percent":
        ax.set_xlim(0, 1.1)
    else:
        ax.margins(x=0.15)
    n_cols = max(len(frame.columns), 1)
    finish(ax, legend=False)
    if n_cols > 1:  # in the columns' order, whatever the drawing order
        handles = [bars[c] for c in frame.columns if bars[c] is not None]
        legend_below(ax, ncol=min(n_cols, 3), handles=handles, labels=[h.get_label() for h in handles])
    return ax


def draw_own_bars(
    ax: Axes,
    frame: pd.DataFrame,
    own: str,
    *,
    labels: Mapping[str, str] | None = None,
    value_kind: str = "integer",
    annotate: bool = True,
) -> BarContainer | None:
    """Draw only the column ``own`` of ``frame`` on ``ax``, as :func:`grouped_bars` draws it
    among the others (same place, colour and label; above everything else); its bars, if any."""
    i = list(frame.columns).index(own)
    return _bars(ax, frame, i, dict(labels or {}).get(own, str(own)), value_kind, annotate=annotate, own=True)


def _bars(
    ax: Axes, frame: pd.DataFrame, i: int, label: str, value_kind: str, *, annotate: bool, own: bool = False
) -> BarContainer | None:
    """The bars of the ``i``-th column of ``frame`` (and their written values); None when it
    has no value to draw."""
    n_cols = max(len(frame.columns), 1)
    height = 0.8 / n_cols
    centres = np.arange(len(frame))[::-1].astype(float)
    values = pd.to_numeric(frame.iloc[:, i], errors="coerce").to_numpy(dtype=float)
    drawn = np.isfinite(values)
    if not drawn.any():
        return None
    offset = (n_cols - 1) / 2 * height - i * height
    mark = own_marks(own)
    bars = ax.barh(
        centres[drawn] + offset,
        values[drawn],
        height=height * 0.95,
        color=PALETTE[i % len(PALETTE)],
        label=label,
        **mark,
    )
    if annotate:
        write = value_formatter(value_kind)
        texts = ax.bar_label(
            bars, labels=[write(v) for v in values[drawn]], padding=3, fontsize=ANNOTATION_PT
        )
        for text in texts:
            # A share ends within the axis (fixed up to 110 %): the layout need not measure it.
            text.set(**mark, in_layout=value_kind != "percent")
    return bars


def distribution(
    values: pd.Series,
    *,
    ax: Axes | None = None,
    bins: int = 20,
    value_kind: str = "percent",
    xlabel: str = "Valeur",
    target: float | None = None,
    target_label: str | None = None,
    ylabel: str = "Nombre de structures",
) -> Axes:
    """A histogram of one value per unit (a rate, a cost…): how many units fall in each of
    ``bins`` equal intervals, with a dashed line at their median and, when given, a solid
    line at ``target``. NaN values are left out. Rates (``value_kind="percent"``) are binned
    over 0–100 %, so two histograms of rates compare at a glance.
    """
    ax = axis(ax)
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    span = (0.0, 1.0) if value_kind == "percent" else None
    write = value_formatter(value_kind)
    if len(numbers):
        ax.hist(numbers, bins=bins, range=span, color=PALETTE[0], edgecolor="white", linewidth=0.6)
        median = float(np.median(numbers))
        ax.axvline(
            median, color=PALETTE[1], linestyle="--", linewidth=1.5, label=f"Médiane : {write(median)}"
        )
    if target is not None:
        ax.axvline(
            target, color=TARGET_COLOUR, linewidth=1.5, label=target_label or f"Objectif : {write(target)}"
        )
    if span is not None:
        ax.set_xlim(*span)
    ax.xaxis.set_major_formatter(tick_formatter(value_kind))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(INTEGER_TICKS)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return finish(ax, grid="y")


def people_by_support(
    people: pd.Series,
    *,
    labels: Mapping[str, str],
    aimed: tuple[str, ...] | frozenset[str] = (),
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of people by support (index: support codes, ``labels`` their text;
    NaN, a masked count, draws no bar); the supports in ``aimed`` (those action A3 wants
    developed) in another colour. Returns ax."""
    ax = axis(ax)
    values = people.astype(float)
    positions = np.arange(len(values))[::-1]
    colours = np.array([PALETTE[2] if c in aimed else PALETTE[0] for c in values.index])
    drawn = np.isfinite(values.to_numpy())
    bars = ax.barh(positions[drawn], values.to_numpy()[drawn], color=colours[drawn], height=0.7)
    ax.bar_label(
        bars, labels=[fmt.integer(v) for v in values.to_numpy()[drawn]], padding=3, fontsize=ANNOTATION_PT
    )
    ax.set_yticks(positions, [labels.get(c, c) for c in values.index])
    ax.set_xlabel(LABELS["participants"])
    ax.xaxis.set_major_formatter(INTEGER_TICKS)
    ax.margins(x=0.15)
    legend_below(
        ax,
        handles=[
            Patch(color=PALETTE[2], label="Support visé par l'action A3"),
            Patch(color=PALETTE[0], label="Autre support"),
        ],
        labels=["Support visé par l'action A3", "Autre support"],
    )
    return finish(ax, legend=False)
