"""Evolutions over the years: lines, and rates by year with their confidence interval (the
years without any exit marked as such).

Each helper draws on the axes it is given (``ax=None``: the current one) and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from iae_eval import fmt
from iae_eval.charts.rates import MARKERS, floats, interval_bars, level_text
from iae_eval.charts.style import (
    ANNOTATION_PT,
    PALETTE,
    PERCENT_TICKS,
    TARGET_COLOUR,
    axis,
    finish,
    own_marks,
    tick_formatter,
    year_axis,
)
from iae_eval.indicators import uncertainty

#: Colours of the series of :func:`rate_with_interval`, in order (none close to the target's).
SERIES_COLOURS: tuple[str, ...] = (PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[5])
#: What marks a year in which a series has no exit at all (no rate can exist).
NO_EXIT_TEXT = "aucune sortie"


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
    ax = axis(ax)
    labels, targets, colours = dict(labels or {}), dict(targets or {}), dict(colours or {})
    years = np.asarray(frame.index, dtype=float)
    for i, column in enumerate(frame.columns):
        colour = colours.get(column, PALETTE[i % len(PALETTE)])
        label = labels.get(column, str(column))
        ax.plot(years, floats(frame[column]), marker=MARKERS[i % len(MARKERS)], color=colour, label=label)
        if column in targets:
            ax.axhline(
                targets[column],
                color=colour,
                linestyle="--",
                linewidth=1.2,
                label=f"Objectif {label.lower()} : {fmt.percent(targets[column], 0)}",
            )
    year_axis(ax, years)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(tick_formatter(value_kind))
    if value_kind == "percent":
        ax.set_ylim(0, 1)
    else:
        ax.set_ylim(bottom=0)
    return finish(ax, grid="y", ncol=legend_columns)


def rate_with_interval(
    series: Mapping[str, pd.DataFrame],
    *,
    ax: Axes | None = None,
    target: float | None = None,
    target_label: str | None = None,
    ylabel: str = "Taux",
    colours: Mapping[str, str] | None = None,
    own: str | None = None,
) -> Axes:
    """Rates by year with their confidence interval as error bars, one series per entry of
    ``series`` (e.g. ``{"Structure": ..., "Département": ...}``), side by side in each year.

    Each frame is indexed by year with the columns ``rate``, ``low``, ``high`` (and optionally
    ``examined`` and ``low_count``), as :func:`iae_eval.indicators.uncertainty.rate_intervals`
    returns. Every year of every frame gets its tick. A year without a rate draws nothing,
    and when its ``examined`` is 0 the series' place says "aucune sortie"; a rate on an
    "effectif faible" is drawn with a hollow marker. The series named ``own`` (a structure's,
    in its report) is drawn above everything else, its artists marked
    :data:`~iae_eval.charts.style.VARYING`: the chart can then be drawn over a background
    shared by the year's structure reports (:func:`draw_own_series`).
    """
    ax = axis(ax)
    years = sorted({int(y) for frame in series.values() for y in frame.index})
    hollow_shown = False
    for i, (name, frame) in enumerate(series.items()):
        hollow_shown |= _series(ax, frame, name, i, len(series), colours, own=name == own)
    if target is not None:
        ax.axhline(
            target,
            color=TARGET_COLOUR,
            linestyle="--",
            linewidth=1.2,
            label=target_label or f"Objectif : {fmt.percent(target, 0)}",
        )
    if hollow_shown:
        ax.plot(
            [],
            [],
            linestyle="none",
            marker="o",
            color=PALETTE[4],
            markerfacecolor="white",
            label=f"Marque creuse : {uncertainty.LOW_COUNT_TEXT} "
            f"(moins de {uncertainty.LOW_COUNT_THRESHOLD} sorties examinées)",
        )
    year_axis(ax, years)
    ax.set_ylim(0, 1)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(PERCENT_TICKS)
    return finish(ax, grid="y")


def draw_own_series(
    ax: Axes,
    series: Mapping[str, pd.DataFrame],
    own: str,
    *,
    colours: Mapping[str, str] | None = None,
) -> None:
    """Draw only the series ``own`` of ``series`` on ``ax``, as :func:`rate_with_interval`
    draws it among the others (same place, colour, marker and order)."""
    names = list(series)
    _series(ax, series[own], own, names.index(own), len(names), colours, own=True)


def _series(
    ax: Axes,
    frame: pd.DataFrame,
    name: str,
    i: int,
    count: int,
    colours: Mapping[str, str] | None,
    *,
    own: bool,
) -> bool:
    """Draw series ``name``, the ``i``-th of ``count``; whether it drew a hollow marker."""
    colour = dict(colours or {}).get(name, SERIES_COLOURS[i % len(SERIES_COLOURS)])
    width = 0.5 / max(count, 1)
    offset = (i - (count - 1) / 2) * width
    mark = own_marks(own)
    rate = floats(frame["rate"])
    x_all = np.asarray(frame.index, dtype=float) + offset
    if "examined" in frame:
        for x in x_all[~np.isfinite(rate) & (floats(frame["examined"]) == 0)]:
            ax.text(
                x,
                0.02,
                NO_EXIT_TEXT,
                rotation=90,
                ha="center",
                va="bottom",
                color=colour,
                fontsize=ANNOTATION_PT,
                **mark,
            )
    drawn = np.isfinite(rate)
    if not drawn.any():
        return False
    x, y = x_all[drawn], rate[drawn]
    faint = frame["low_count"].to_numpy(dtype=bool)[drawn] if "low_count" in frame else np.zeros(len(y), bool)
    low, high = floats(frame["low"])[drawn], floats(frame["high"])[drawn]
    interval_bars(ax, x, y, low, high, colour=colour, horizontal=False, width=1.4, capsize=4, own=own)
    marker = MARKERS[i % 4]
    ax.plot(
        x[~faint], y[~faint], linestyle="none", marker=marker, markersize=8, color=colour, label=name, **mark
    )
    if faint.any():
        ax.plot(
            x[faint],
            y[faint],
            linestyle="none",
            marker=marker,
            markersize=8,
            color=colour,
            markerfacecolor="white",
            label=None if (~faint).any() else name,
            **mark,
        )
        return True
    return False


def rate_interval_alt_text(series: Mapping[str, pd.DataFrame], *, rate_label: str) -> str:
    """The alt text of :func:`rate_with_interval`: every drawn rate with its interval, by
    series, and the years without any exit."""
    level = level_text(uncertainty.CONFIDENCE)
    parts = [f"{rate_label} par année, avec l'intervalle de confiance à {level}."]
    for name, frame in series.items():
        rates = pd.to_numeric(frame["rate"], errors="coerce")
        drawn = frame[rates.notna()]
        none = (
            [
                int(y)
                for y in frame.index[rates.isna() & (pd.to_numeric(frame["examined"], errors="coerce") == 0)]
            ]
            if "examined" in frame
            else []
        )
        without = f" ; {NO_EXIT_TEXT} en {', '.join(map(str, none))}" if none else ""
        if drawn.empty:
            parts.append(f"{name} : aucun taux{without}.")
            continue
        values = " ; ".join(
            f"{int(year)} : {uncertainty.rate_interval_text(row['rate'], row['low'], row['high'])}"
            + (f" ({uncertainty.LOW_COUNT_TEXT})" if bool(row.get("low_count", False)) else "")
            for year, row in drawn.iterrows()
        )
        parts.append(f"{name} : {values}{without}.")
    return " ".join(parts)
