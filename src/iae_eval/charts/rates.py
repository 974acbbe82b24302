"""Rates: dot charts of rates with their confidence intervals, one row per unit.

Each helper draws on the axes it is given (``ax=None``: the current one) and returns it;
evolutions over the years are in :mod:`iae_eval.charts.evolution`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from iae_eval import fmt
from iae_eval.charts.style import (
    PALETTE,
    PERCENT_TICKS,
    axis,
    finish,
    own_marks,
)

#: Markers of successive series.
MARKERS: tuple[str, ...] = ("o", "D", "s", "^", "v")


def level_text(level: float) -> str:
    """A confidence level in French: ``95 %``, ``99,8 %``."""
    return fmt.percent(level, 1 if round(level * 100) != level * 100 else 0)


def floats(values: object) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def rate_dots(
    rates: pd.DataFrame,
    *,
    ax: Axes | None = None,
    targets: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "Taux",
    intervals: Mapping[str, pd.DataFrame] | None = None,
    own: str | None = None,
) -> Axes:
    """A dot chart of rates (fractions): one row per index entry, one marker series per column.

    ``targets`` maps a column to its target value, drawn as a dashed vertical line of the
    same colour. ``labels`` gives the legend text of each column. NaN rates draw no marker.
    ``intervals`` maps a column to a frame with ``low`` and ``high`` (aligned on ``rates``'
    index, e.g. :func:`iae_eval.indicators.uncertainty.rate_intervals`): its rates get
    horizontal error bars, and the series are drawn a little apart on each row. The row named
    ``own`` (a structure's, in its report) is drawn above everything else, its artists marked
    :data:`~iae_eval.charts.style.VARYING`: the chart can then be drawn over a background
    shared by the year's structure reports (:func:`draw_own_row`).
    """
    ax = axis(ax)
    labels, targets, intervals = dict(labels or {}), dict(targets or {}), dict(intervals or {})
    rows = [str(r) for r in rates.index]
    others = [row != own for row in rates.index]
    for i, column in enumerate(rates.columns):
        _dots(ax, rates, column, i, intervals, keep=others, label=labels.get(column, str(column)))
        if column in targets:
            target = targets[column]
            ax.axvline(
                target,
                color=PALETTE[i % len(PALETTE)],
                linestyle="--",
                linewidth=1.2,
                label=f"Objectif : {fmt.percent(target, 0)}",
            )
    if own is not None:
        draw_own_row(ax, rates, own, intervals=intervals)
    ax.set_yticks(np.arange(len(rows))[::-1], rows)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(0, 1.04)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(PERCENT_TICKS)
    return finish(ax, grid="x")


def draw_own_row(
    ax: Axes, rates: pd.DataFrame, own: str, *, intervals: Mapping[str, pd.DataFrame] | None = None
) -> None:
    """Draw only the row ``own`` of ``rates`` on ``ax``, as :func:`rate_dots` draws it among
    the others (same place, colours, markers; above everything else)."""
    mine = [row == own for row in rates.index]
    for i, column in enumerate(rates.columns):
        _dots(ax, rates, column, i, dict(intervals or {}), keep=mine, label="_nolegend_", own=True)


def _dots(
    ax: Axes,
    rates: pd.DataFrame,
    column: str,
    i: int,
    intervals: Mapping[str, pd.DataFrame],
    *,
    keep: list[bool],
    label: str,
    own: bool = False,
) -> None:
    """The markers (and error bars) of ``column``, the ``i``-th series, on the rows ``keep``."""
    positions = np.arange(len(rates))[::-1]
    values = floats(rates[column])
    drawn = np.isfinite(values) & np.asarray(keep, dtype=bool)
    colour = PALETTE[i % len(PALETTE)]
    spread = 0.36 if intervals else 0.0
    offset = (i - (len(rates.columns) - 1) / 2) * spread / max(len(rates.columns) - 1, 1)
    if column in intervals:
        bounds = intervals[column].reindex(rates.index)
        interval_bars(
            ax,
            positions[drawn] - offset,
            values[drawn],
            floats(bounds["low"])[drawn],
            floats(bounds["high"])[drawn],
            colour=colour,
            horizontal=True,
            own=own,
        )
    ax.plot(
        values[drawn],
        positions[drawn] - offset,
        linestyle="none",
        marker=MARKERS[i % 4],
        markersize=8,
        color=colour,
        label=label,
        **own_marks(own),
    )


def interval_bars(
    ax: Axes,
    at: np.ndarray,
    rates: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    colour: str,
    horizontal: bool,
    width: float = 1.2,
    capsize: float = 3,
    own: bool = False,
) -> None:
    """Error bars from ``low`` to ``high`` around ``rates``, drawn at the positions ``at`` (on the
    vertical axis when ``horizontal``); a structure's ``own`` are marked as such
    (:func:`iae_eval.charts.style.own_marks`)."""
    error = np.vstack([np.nan_to_num(rates - low), np.nan_to_num(high - rates)])
    x, y = (rates, at) if horizontal else (at, rates)
    bars = ax.errorbar(
        x,
        y,
        **{"xerr" if horizontal else "yerr": error},
        fmt="none",
        ecolor=colour,
        elinewidth=width,
        capsize=capsize,
    )
    for artist in bars.get_children():
        artist.set(**own_marks(own))
