"""Funnel plots: each unit's rate against its number of examined exits, the target and its
control limits (:func:`iae_eval.indicators.uncertainty.funnel_limits`), one unit highlighted."""

from __future__ import annotations

from collections.abc import Hashable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from iae_eval import fmt
from iae_eval.charts.rates import level_text
from iae_eval.charts.style import INTEGER_TICKS, PALETTE, PERCENT_TICKS, TARGET_COLOUR, VARYING, axis, finish
from iae_eval.indicators import uncertainty
from iae_eval.indicators.catalogue import LABELS

#: Look of the funnel's control limits, by level.
FUNNEL_LIMIT_STYLES: dict[float, dict[str, object]] = {
    uncertainty.FUNNEL_LEVELS[0]: {"color": PALETTE[8], "linestyle": "--", "linewidth": 1.0},
    uncertainty.FUNNEL_LEVELS[1]: {"color": PALETTE[8], "linestyle": ":", "linewidth": 1.2},
}
#: Colour of the units of a funnel plot, and of the highlighted one.
UNIT_COLOUR = PALETTE[0]  # blue
HIGHLIGHT_COLOUR = PALETTE[3]  # reddish purple, apart from the vermillion target line
#: Size of a funnel plot's figure (inches).
FUNNEL_FIGSIZE: tuple[float, float] = (8.0, 4.6)
#: Size of the names written next to points outside the limits (at least the report's minimum
#: text size), and the vertical offsets (points) tried in turn so that they do not overlap.
LABEL_SIZE = 9
LABEL_OFFSETS: tuple[int, ...] = (3, -14, 16, -27, 29, -40, 42, -53, 55, -66)


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
    xlabel: str = LABELS["exits_examined"],
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
    ax = axis(ax)
    units = _funnel_units(rates, examined)
    n_max = max(int(np.ceil(units["examined"].max() * 1.1)) if len(units) else 0, 10)
    grid = np.arange(1, n_max + 1)
    for level in uncertainty.FUNNEL_LEVELS:
        low, high = uncertainty.funnel_limits(grid, target, level=level, method=method)
        style = FUNNEL_LIMIT_STYLES[level]
        ax.plot(grid, high, label=f"Limites de contrôle à {level_text(level)}", **style)
        ax.plot(grid, low, **style)
    ax.axhline(
        target,
        color=TARGET_COLOUR,
        linewidth=1.4,
        label=target_label or f"Objectif : {fmt.percent(target, 0)}",
    )
    ax.plot(  # every unit, the highlighted one too: its larger marker covers its dot
        units["examined"],
        units["rate"],
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
            gid=VARYING,
        )
    ax.set_xlim(0, n_max)
    ax.set_ylim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_formatter(INTEGER_TICKS)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(PERCENT_TICKS)
    return finish(ax, grid="y", ncol=2)  # two columns whatever the highlighted name


def funnel_figure(
    rates: pd.Series,
    examined: pd.Series,
    *,
    target: float,
    title: str,
    ylabel: str,
    highlight: Hashable | None = None,
    highlight_label: str | None = None,
    method: object = uncertainty.BINOMIAL,
    named: tuple[Hashable, ...] = (),
) -> Figure:
    """A report's funnel plot: a figure of its own, :func:`funnel_plot` titled ``title``, its
    limits by ``method`` and the units ``named`` labelled next to their points."""
    fig, ax = plt.subplots(figsize=FUNNEL_FIGSIZE, layout="constrained")
    funnel_plot(
        rates,
        examined,
        target=target,
        ax=ax,
        highlight=highlight,
        highlight_label=highlight_label,
        ylabel=ylabel,
        xlabel=LABELS["exits_examined"],
        method=method,
    )
    label_points(ax, rates, examined, named)
    ax.set_title(title, loc="left", fontsize=10)
    return fig


def outside_names(
    rates: pd.Series, examined: pd.Series, *, target: float, method: object, up_to: int
) -> list[str]:
    """The units outside the 95 % limits (``up_to`` units drawn or fewer; none above)."""
    units = _funnel_units(rates, examined)
    if len(units) > up_to:
        return []
    positions = uncertainty.classify(
        units["rate"], units["examined"], target, level=uncertainty.FUNNEL_LEVELS[0], method=method
    )
    return [str(n) for n, p in positions.items() if p in (uncertainty.ABOVE, uncertainty.BELOW)]


def label_points(ax: Axes, rates: pd.Series, examined: pd.Series, named: tuple[Hashable, ...]) -> Axes:
    """Write the names of the units ``named`` next to their points, moved up or down in turn
    so that no two names overlap (and leftwards near the right edge, to stay inside the axes)."""
    units = _funnel_units(rates, examined)
    right = ax.get_xlim()[1]
    to_points = 72 / ax.figure.dpi
    placed: list[tuple[float, float, float, float]] = []
    for name in sorted((n for n in named if n in units.index), key=lambda n: -units.loc[n, "rate"]):
        x, y = units.loc[name, "examined"], units.loc[name, "rate"]
        px, py = (v * to_points for v in ax.transData.transform((x, y)))
        width, height = 0.55 * LABEL_SIZE * len(str(name)), 1.3 * LABEL_SIZE
        dx = -5 - width if x > 0.6 * right else 5
        for dy in LABEL_OFFSETS:  # the first offset where the name overlaps no other name
            box = (px + dx, px + dx + width, py + dy, py + dy + height)
            if not any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
                break
        placed.append(box)
        ax.annotate(
            str(name),
            (x, y),
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=LABEL_SIZE,
            arrowprops={"arrowstyle": "-", "color": "#888888", "linewidth": 0.5} if abs(dy) > 14 else None,
        )
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
        parts.append(f"Par rapport aux limites à {level_text(level)} : {words}.")
    if highlight is not None and highlight in drawn.index:
        point = drawn.loc[highlight]
        where = []
        for level in reversed(uncertainty.FUNNEL_LEVELS):
            position = uncertainty.classify(
                point["rate"], point["examined"], target, level=level, method=method
            )
            where.append(f"{uncertainty.POSITION_LABELS[position]} des limites à {level_text(level)}")
        parts.append(
            f"{highlight_label or highlight} : {fmt.percent(point['rate'])} sur "
            f"{fmt.integer(point['examined'])} sorties examinées, {' et '.join(where)}."
        )
    left_out = len(rates) - len(drawn)
    if left_out:
        parts.append(f"{left_out} {units} sans sortie examinée ne figurent pas sur le graphique.")
    return " ".join(parts)
