"""Rates and evolutions: dot charts of rates with their intervals, lines over years, rates by
year with their confidence interval (and the years without any exit, marked as such).

Each helper draws on the axes it is given (``ax=None``: the current one) and returns it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from iae_eval import fmt
from iae_eval.charts.style import (
    ANNOTATION_PT,
    PALETTE,
    PERCENT_TICKS,
    TARGET_COLOUR,
    axis,
    finish,
    tick_formatter,
    year_axis,
)
from iae_eval.indicators import uncertainty

#: Colours of the series of :func:`rate_with_interval`, in order (none close to the target's).
SERIES_COLOURS: tuple[str, ...] = (PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[5])
#: Markers of successive series.
MARKERS: tuple[str, ...] = ("o", "D", "s", "^", "v")
#: What marks a year in which a series has no exit at all (no rate can exist).
NO_EXIT_TEXT = "aucune sortie"


def level_text(level: float) -> str:
    """A confidence level in French: ``95 %``, ``99,8 %``."""
    return fmt.percent(level, 1 if round(level * 100) != level * 100 else 0)


def _floats(values: object) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def rate_dots(
    rates: pd.DataFrame,
    *,
    ax: Axes | None = None,
    targets: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "Taux",
    intervals: Mapping[str, pd.DataFrame] | None = None,
) -> Axes:
    """A dot chart of rates (fractions): one row per index entry, one marker series per column.

    ``targets`` maps a column to its target value, drawn as a dashed vertical line of the
    same colour. ``labels`` gives the legend text of each column. NaN rates draw no marker.
    ``intervals`` maps a column to a frame with ``low`` and ``high`` (aligned on ``rates``'
    index, e.g. :func:`iae_eval.indicators.uncertainty.rate_intervals`): its rates get
    horizontal error bars, and the series are drawn a little apart on each row.
    """
    ax = axis(ax)
    labels, targets, intervals = dict(labels or {}), dict(targets or {}), dict(intervals or {})
    rows = [str(r) for r in rates.index]
    positions = np.arange(len(rows))[::-1]
    spread = 0.36 if intervals else 0.0
    for i, column in enumerate(rates.columns):
        values = _floats(rates[column])
        drawn = np.isfinite(values)
        colour = PALETTE[i % len(PALETTE)]
        offset = (i - (len(rates.columns) - 1) / 2) * spread / max(len(rates.columns) - 1, 1)
        if column in intervals:
            bounds = intervals[column].reindex(rates.index)
            low, high = _floats(bounds["low"])[drawn], _floats(bounds["high"])[drawn]
            ax.errorbar(
                values[drawn],
                positions[drawn] - offset,
                xerr=np.vstack([np.nan_to_num(values[drawn] - low), np.nan_to_num(high - values[drawn])]),
                fmt="none",
                ecolor=colour,
                elinewidth=1.2,
                capsize=3,
            )
        ax.plot(
            values[drawn],
            positions[drawn] - offset,
            linestyle="none",
            marker=MARKERS[i % 4],
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
    ax.xaxis.set_major_formatter(PERCENT_TICKS)
    return finish(ax, grid="x")


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
        ax.plot(years, _floats(frame[column]), marker=MARKERS[i % len(MARKERS)], color=colour, label=label)
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
) -> Axes:
    """Rates by year with their confidence interval as error bars, one series per entry of
    ``series`` (e.g. ``{"Structure": ..., "Département": ...}``), side by side in each year.

    Each frame is indexed by year with the columns ``rate``, ``low``, ``high`` (and optionally
    ``examined`` and ``low_count``), as :func:`iae_eval.indicators.uncertainty.rate_intervals`
    returns. Every year of every frame gets its tick. A year without a rate draws nothing,
    and when its ``examined`` is 0 the series' place says "aucune sortie"; a rate on an
    "effectif faible" is drawn with a hollow marker.
    """
    ax = axis(ax)
    colours = dict(colours or {})
    years = sorted({int(y) for frame in series.values() for y in frame.index})
    width = 0.5 / max(len(series), 1)
    hollow_shown = False
    for i, (name, frame) in enumerate(series.items()):
        colour = colours.get(name, SERIES_COLOURS[i % len(SERIES_COLOURS)])
        offset = (i - (len(series) - 1) / 2) * width
        rate = _floats(frame["rate"])
        x_all = np.asarray(frame.index, dtype=float) + offset
        if "examined" in frame:
            for x in x_all[~np.isfinite(rate) & (_floats(frame["examined"]) == 0)]:
                ax.text(
                    x,
                    0.02,
                    NO_EXIT_TEXT,
                    rotation=90,
                    ha="center",
                    va="bottom",
                    color=colour,
                    fontsize=ANNOTATION_PT,
                )
        drawn = np.isfinite(rate)
        if not drawn.any():
            continue
        x, y = x_all[drawn], rate[drawn]
        low, high = _floats(frame["low"])[drawn], _floats(frame["high"])[drawn]
        faint = (
            frame["low_count"].to_numpy(dtype=bool)[drawn] if "low_count" in frame else np.zeros(len(y), bool)
        )
        ax.errorbar(
            x,
            y,
            yerr=np.vstack([np.nan_to_num(y - low), np.nan_to_num(high - y)]),
            fmt="none",
            ecolor=colour,
            elinewidth=1.4,
            capsize=4,
        )
        marker = MARKERS[i % 4]
        ax.plot(x[~faint], y[~faint], linestyle="none", marker=marker, markersize=8, color=colour, label=name)
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
            )
            hollow_shown = True
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
