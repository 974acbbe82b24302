"""Plot helpers of the reports: each draws on the axis it is given and returns it.

They never create a figure they are not asked to (``ax=None`` → ``plt.gca()``), never save
and never show: the section modules (:mod:`iae_eval.sections`) make the figure and embed it with an alt text.
Colours come from :data:`iae_eval.display.PALETTE` (Okabe-Ito, colour-blind safe); axis
labels and tick labels are French (``1 234``, ``12 %``). Missing values (NaN, e.g. masked
small counts) are not drawn: no bar, no point.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from iae_eval import fmt
from iae_eval.data.reference import EXIT_CATEGORIES, EXIT_CATEGORY_LABELS
from iae_eval.display import PALETTE
from iae_eval.indicators import uncertainty

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


def _year_axis(ax: Axes, years: np.ndarray) -> None:
    """One tick per year, the view fixed on the years: with nothing drawn (every value NaN)
    matplotlib would otherwise keep 0 in view and crowd the year labels together."""
    years = np.asarray(years, dtype=float)
    ax.set_xticks(years)
    ax.xaxis.set_major_formatter(_YEAR_TICKS)
    if len(years):
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
    ax.set_xlabel("Année")


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
    intervals: Mapping[str, pd.DataFrame] | None = None,
) -> Axes:
    """A dot chart of rates (fractions): one row per index entry, one marker series per column.

    ``targets`` maps a column to its target value, drawn as a dashed vertical line of the
    same colour. ``labels`` gives the legend text of each column. NaN rates draw no marker.
    ``intervals`` maps a column to a frame with ``low`` and ``high`` (aligned on ``rates``'
    index, e.g. :func:`iae_eval.indicators.uncertainty.rate_intervals`): its rates get
    horizontal error bars, and the series are drawn a little apart on each row.
    """
    ax = _axis(ax)
    labels = dict(labels or {})
    targets = dict(targets or {})
    intervals = dict(intervals or {})
    rows = [str(r) for r in rates.index]
    positions = np.arange(len(rows))[::-1]
    markers = ("o", "D", "s", "^")
    spread = 0.36 if intervals else 0.0
    for i, column in enumerate(rates.columns):
        values = pd.to_numeric(rates[column], errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(values)
        colour = PALETTE[i % len(PALETTE)]
        offset = (i - (len(rates.columns) - 1) / 2) * spread / max(len(rates.columns) - 1, 1)
        if column in intervals:
            bounds = intervals[column].reindex(rates.index)
            low = pd.to_numeric(bounds["low"], errors="coerce").to_numpy(dtype=float)[drawn]
            high = pd.to_numeric(bounds["high"], errors="coerce").to_numpy(dtype=float)[drawn]
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
    ax = _axis(ax)
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    span = (0.0, 1.0) if value_kind == "percent" else None
    if len(numbers):
        ax.hist(numbers, bins=bins, range=span, color=PALETTE[0], edgecolor="white", linewidth=0.6)
        median = float(np.median(numbers))
        ax.axvline(
            median,
            color=PALETTE[1],
            linestyle="--",
            linewidth=1.5,
            label=f"Médiane : {value_formatter(value_kind)(median)}",
        )
    if target is not None:
        ax.axvline(
            target,
            color=TARGET_COLOUR,
            linewidth=1.5,
            label=target_label or f"Objectif : {value_formatter(value_kind)(target)}",
        )
    if span is not None:
        ax.set_xlim(*span)
    ax.xaxis.set_major_formatter(_tick_formatter(value_kind))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_INTEGER_TICKS)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", frameon=False)
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
    _year_axis(ax, years)
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


# ----------------------------------------------------------------------------------------
# Charts with nothing to draw
# ----------------------------------------------------------------------------------------
#: What replaces a chart that would be empty, unless the caller says more precisely.
NOTHING_TO_DRAW = "Aucune valeur à représenter : le graphique n'est pas tracé."


def has_values(*values: object) -> bool:
    """Whether at least one finite number is among ``values`` (Series, frames, arrays)."""
    for value in values:
        numbers = pd.to_numeric(pd.Series(np.ravel(np.asarray(value, dtype=object))), errors="coerce")
        if np.isfinite(numbers.to_numpy(dtype=float)).any():
            return True
    return False


def figure_if_any(
    values: object,
    draw: Callable[[Axes], Axes],
    *,
    sentence: str = NOTHING_TO_DRAW,
    figsize: tuple[float, float] = (8, 4.2),
) -> tuple[Figure | None, str | None]:
    """``(figure, None)`` with ``draw(ax)`` done on a new figure when ``values`` hold a number
    to draw, else ``(None, sentence)``: a chart with nothing to draw is never drawn empty."""
    if not has_values(values):
        return None, sentence
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    draw(ax)
    return fig, None


# ----------------------------------------------------------------------------------------
# Funnel plots and rates with their interval
# ----------------------------------------------------------------------------------------
#: Look of the funnel's control limits, by level.
FUNNEL_LIMIT_STYLES: dict[float, dict[str, object]] = {
    uncertainty.FUNNEL_LEVELS[0]: {"color": PALETTE[8], "linestyle": "--", "linewidth": 1.0},
    uncertainty.FUNNEL_LEVELS[1]: {"color": PALETTE[8], "linestyle": ":", "linewidth": 1.2},
}
#: Colour of the units of a funnel plot, and of the highlighted one.
UNIT_COLOUR = PALETTE[0]  # blue
HIGHLIGHT_COLOUR = PALETTE[3]  # reddish purple, apart from the vermillion target line
#: Colours of the series of :func:`rate_with_interval`, in order (none close to the target's).
SERIES_COLOURS: tuple[str, ...] = (PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[5])


def _level_text(level: float) -> str:
    return fmt.percent(level, 1 if round(level * 100) != level * 100 else 0)


def _funnel_units(rates: pd.Series, examined: pd.Series) -> pd.DataFrame:
    """The units a funnel plot draws: a defined rate over at least one examined exit."""
    frame = pd.DataFrame(
        {"rate": pd.to_numeric(rates, errors="coerce"), "examined": pd.to_numeric(examined, errors="coerce")}
    )
    return frame[np.isfinite(frame["rate"]) & (frame["examined"] > 0)]


def funnel_plot(
    rates: pd.Series,
    examined: pd.Series,
    *,
    target: float,
    ax: Axes | None = None,
    highlight: Hashable | None = None,
    highlight_label: str | None = None,
    ylabel: str = "Taux",
    xlabel: str = "Sorties examinées",
    target_label: str | None = None,
    units_label: str = "Structures",
    method: str = uncertainty.BINOMIAL,
) -> Axes:
    """A funnel plot: each unit's rate (``rates``, fractions) against its number of examined
    exits (``examined``, aligned on the same index), the target as a horizontal line and its
    95 % and 99.8 % control limits (:func:`iae_eval.indicators.uncertainty.funnel_limits`).

    Units without a rate or without examined exits are not drawn. ``highlight`` is the index
    of a unit drawn larger, in another colour, with ``highlight_label`` (default: its index)
    in the legend.
    """
    ax = _axis(ax)
    units = _funnel_units(rates, examined)
    n_max = max(int(np.ceil(units["examined"].max() * 1.1)) if len(units) else 0, 10)
    grid = np.arange(1, n_max + 1)
    for level in uncertainty.FUNNEL_LEVELS:
        low, high = uncertainty.funnel_limits(grid, target, level=level, method=method)
        style = FUNNEL_LIMIT_STYLES[level]
        ax.plot(grid, high, label=f"Limites de contrôle à {_level_text(level)}", **style)
        ax.plot(grid, low, **style)
    ax.axhline(
        target,
        color=TARGET_COLOUR,
        linewidth=1.4,
        label=target_label or f"Objectif : {fmt.percent(target, 0)}",
    )
    others = units.drop(index=[highlight], errors="ignore") if highlight is not None else units
    ax.plot(
        others["examined"],
        others["rate"],
        linestyle="none",
        marker="o",
        markersize=7,
        color=UNIT_COLOUR,
        alpha=0.85,
        label=units_label if highlight is not None else None,
    )
    if highlight is not None and highlight in units.index:
        point = units.loc[highlight]
        ax.plot(
            [point["examined"]],
            [point["rate"]],
            linestyle="none",
            marker="D",
            markersize=10,
            color=HIGHLIGHT_COLOUR,
            markeredgecolor=PALETTE[8],
            label=highlight_label or str(highlight),
            zorder=5,
        )
    ax.set_xlim(0, n_max)
    ax.set_ylim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_formatter(_INTEGER_TICKS)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_PERCENT_TICKS)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_below(ax, ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def funnel_alt_text(
    rates: pd.Series,
    examined: pd.Series,
    *,
    target: float,
    rate_label: str,
    units: str = "structures",
    highlight: Hashable | None = None,
    highlight_label: str | None = None,
    method: str = uncertainty.BINOMIAL,
) -> str:
    """The alt text of :func:`funnel_plot`: what is drawn and how many units lie above, within
    and below the 99.8 % and 95 % limits (and where the highlighted unit lies)."""
    drawn = _funnel_units(rates, examined)
    parts = [
        f"Graphique en entonnoir : {rate_label} de {len(drawn)} {units} selon leur nombre de sorties "
        f"examinées, autour de l'objectif de {fmt.percent(target, 0)}."
    ]
    for level in reversed(uncertainty.FUNNEL_LEVELS):
        positions = uncertainty.classify(drawn["rate"], drawn["examined"], target, level=level, method=method)
        counts = uncertainty.position_counts(positions)
        words = ", ".join(f"{counts[p]} {uncertainty.POSITION_LABELS[p]}" for p in counts)
        parts.append(f"Par rapport aux limites à {_level_text(level)} : {words}.")
    if highlight is not None and highlight in drawn.index:
        point = drawn.loc[highlight]
        where = []
        for level in reversed(uncertainty.FUNNEL_LEVELS):
            position = uncertainty.classify(
                point["rate"], point["examined"], target, level=level, method=method
            )
            where.append(f"{uncertainty.POSITION_LABELS[position]} des limites à {_level_text(level)}")
        parts.append(
            f"{highlight_label or highlight} : {fmt.percent(point['rate'])} sur "
            f"{fmt.integer(point['examined'])} sorties examinées, {' et '.join(where)}."
        )
    left_out = len(rates) - len(drawn)
    if left_out:
        parts.append(f"{left_out} {units} sans sortie examinée ne figurent pas sur le graphique.")
    return " ".join(parts)


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
    ``low_count``), as :func:`iae_eval.indicators.uncertainty.rate_intervals` returns. A year
    without a rate draws nothing; a rate on an "effectif faible" is drawn with a hollow marker.
    """
    ax = _axis(ax)
    colours = dict(colours or {})
    years = sorted({int(y) for frame in series.values() for y in frame.index})
    width = 0.5 / max(len(series), 1)
    markers = ("o", "D", "s", "^")
    hollow_shown = False
    for i, (name, frame) in enumerate(series.items()):
        colour = colours.get(name, SERIES_COLOURS[i % len(SERIES_COLOURS)])
        offset = (i - (len(series) - 1) / 2) * width
        rate = pd.to_numeric(frame["rate"], errors="coerce").to_numpy(dtype=float)
        drawn = np.isfinite(rate)
        if not drawn.any():
            continue
        x = np.asarray(frame.index, dtype=float)[drawn] + offset
        low = pd.to_numeric(frame["low"], errors="coerce").to_numpy(dtype=float)[drawn]
        high = pd.to_numeric(frame["high"], errors="coerce").to_numpy(dtype=float)[drawn]
        y = rate[drawn]
        errors = np.vstack([np.nan_to_num(y - low), np.nan_to_num(high - y)])
        faint = (
            frame["low_count"].to_numpy(dtype=bool)[drawn] if "low_count" in frame else np.zeros(len(y), bool)
        )
        ax.errorbar(x, y, yerr=errors, fmt="none", ecolor=colour, elinewidth=1.4, capsize=4)
        marker = markers[i % len(markers)]
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
    _year_axis(ax, np.asarray(years, dtype=float))
    ax.set_ylim(0, 1)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(_PERCENT_TICKS)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_below(ax, ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def rate_interval_alt_text(series: Mapping[str, pd.DataFrame], *, rate_label: str) -> str:
    """The alt text of :func:`rate_with_interval`: every drawn rate with its interval, by series."""
    level = _level_text(uncertainty.CONFIDENCE)
    parts = [f"{rate_label} par année, avec l'intervalle de confiance à {level}."]
    for name, frame in series.items():
        drawn = frame[pd.to_numeric(frame["rate"], errors="coerce").notna()]
        if drawn.empty:
            parts.append(f"{name} : aucun taux.")
            continue
        values = " ; ".join(
            f"{int(year)} : {uncertainty.rate_interval_text(row['rate'], row['low'], row['high'])}"
            + (f" ({uncertainty.LOW_COUNT_TEXT})" if bool(row.get("low_count", False)) else "")
            for year, row in drawn.iterrows()
        )
        parts.append(f"{name} : {values}.")
    return " ".join(parts)
