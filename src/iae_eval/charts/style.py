"""The look every chart of the kit shares: colours, French ticks, grid, spines, legends, sizes.

A plot helper draws its data, then calls :func:`finish` (grid, spines, legend row) instead of
repeating those lines; colours come from :data:`PALETTE` (Okabe-Ito, colour-blind safe) and
tick labels are French (``1 234``, ``12 %``, ``1 234 €``). Legends asked for with
:func:`legend_below` become one legend row under the figure when it is rendered
(:func:`iae_eval.charts.render.png`): they never take room from the plotting area.

Sizes: the HTML report shows an image at its own width up to :data:`DISPLAY_WIDTH_PX`
(``max-width: 62rem`` less the page's padding in the report's style sheet), and shrinks a
wider one. A figure at most :data:`DISPLAY_WIDTH_IN` wide, saved at :data:`DPI`, is shown
unscaled, so text of :data:`MIN_TEXT_PT` points stays that size on screen.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter

from iae_eval import fmt
from iae_eval.palette import PALETTE

__all__ = ["PALETTE"]

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
#: Colour of the grid lines.
GRID_COLOUR = "#dddddd"
#: Look of the segment standing for masked categories (hatched, no colour of its own).
MASKED_STYLE: dict[str, object] = {
    "facecolor": "white",
    "edgecolor": PALETTE[4],
    "hatch": "///",
    "linewidth": 0.0,
}

#: Resolution of the PNG pictures (CSS pixels per inch: 1 figure inch = 96 screen pixels).
DPI = 96
#: Widest image the report shows unscaled: 62rem of page less 2 × 1.25rem of padding, at 16 px.
DISPLAY_WIDTH_PX = 62 * 16 - 2 * 20
#: The same in figure inches: a wider figure is narrowed to it when rendered.
DISPLAY_WIDTH_IN = DISPLAY_WIDTH_PX / DPI
#: Smallest text of a chart, in points, as the report shows it.
MIN_TEXT_PT = 9.0
#: Size of values written in the plotting area (bar labels, notes): the smallest allowed.
ANNOTATION_PT = MIN_TEXT_PT
#: Default figure size (width, height) in inches, and the default height of one bar row.
FIGSIZE: tuple[float, float] = (8.0, 4.2)
ROW_HEIGHT = 0.42

PERCENT_TICKS = FuncFormatter(lambda v, _pos: fmt.percent(v, 0))
INTEGER_TICKS = FuncFormatter(lambda v, _pos: fmt.integer(v))
EURO_TICKS = FuncFormatter(lambda v, _pos: fmt.euros(v))
YEAR_TICKS = FuncFormatter(lambda v, _pos: f"{v:.0f}")


def value_formatter(kind: str):
    """The French formatter of one kind of value: ``integer``, ``percent``, ``hours`` or ``euros``."""
    return {
        "integer": fmt.integer,
        "percent": lambda v: fmt.percent(v, 0),
        "hours": fmt.hours,
        "euros": fmt.euros,
    }[kind]


def tick_formatter(kind: str) -> FuncFormatter:
    """The tick formatter of one kind of value (integers unless percent or euros)."""
    return {"percent": PERCENT_TICKS, "euros": EURO_TICKS}.get(kind, INTEGER_TICKS)


def axis(ax: Axes | None) -> Axes:
    """``ax``, or the current axes when none is given."""
    return plt.gca() if ax is None else ax


def year_axis(ax: Axes, years: Iterable[float]) -> None:
    """One tick per year, the view fixed on the years: with nothing drawn (every value NaN)
    matplotlib would otherwise keep 0 in view and crowd the year labels together."""
    years = np.asarray(list(years), dtype=float)
    ax.set_xticks(years)
    ax.xaxis.set_major_formatter(YEAR_TICKS)
    if len(years):
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
    ax.set_xlabel("Année")


#: ``gid`` of the artists a structure's report draws over a chart's background (the
#: structure's own marks: :mod:`iae_eval.charts.backgrounds`).
VARYING = "iae-structure"
#: Drawing order of a structure's own artists: above the other series, the target lines and
#: the texts, so that a report can draw them last over a kept background.
OWN_ZORDER = 4


def own_marks(own: bool) -> dict[str, object]:
    """The properties of a structure's own artists (``own``: :data:`VARYING`, :data:`OWN_ZORDER`),
    none for the others."""
    return {"gid": VARYING, "zorder": OWN_ZORDER} if own else {}


#: Attribute marking an axes legend that the renderer moves into the figure's legend row.
_BELOW = "iae_legend_row"
#: Attribute of a legend row: the number of columns it was asked for (it may have fewer).
ASKED_COLUMNS = "iae_asked_columns"


def legend_below(
    ax: Axes, *, ncol: int | None = None, handles=None, labels=None, title: str | None = None
) -> None:
    """A legend under the figure for what ``ax`` draws (or ``handles``/``labels``): the axes
    keeps a legend object (a section may still remove it), which :func:`legend_row` turns,
    with the other panels', into one row of legend under the figure: in ``ncol`` columns
    when given (and they fit), else in as many as fit."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    legend = ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=ncol or 2, title=title
    )
    legend.set_frame_on(False)
    setattr(legend, _BELOW, ncol)


def finish(
    ax: Axes,
    *,
    grid: str | None = None,
    legend: bool = True,
    ncol: int | None = None,
    spines: tuple[str, ...] = ("top", "right"),
) -> Axes:
    """The common end of every plot helper: light grid lines along ``grid`` (``"x"``, ``"y"``)
    behind the data, the legend row (:func:`legend_below`) and no ``spines``."""
    if grid is not None:
        ax.grid(axis=grid, color=GRID_COLOUR, linewidth=0.6)
        ax.set_axisbelow(True)
    if legend:
        legend_below(ax, ncol=ncol)
    if spines:
        ax.spines[list(spines)].set_visible(False)
    return ax


def _estimated_width_pt(label: str, fontsize: float) -> float:
    """Width of one legend entry: its handle, the gap and the text (average glyph ≈ 0.55 em)."""
    return fontsize * (2.0 + 0.8 + 0.55 * max((len(line) for line in label.split("\n")), default=0) + 2.0)


def _column_widths(labels: list[str], ncol: int, fontsize: float) -> list[float]:
    """Estimated widths of the columns of a legend of ``labels`` in ``ncol`` columns, filled
    column by column as matplotlib does (the first columns take one entry more)."""
    rows, large = divmod(len(labels), ncol)
    sizes = [rows + 1] * large + [rows] * (ncol - large)
    widths, start = [], 0
    for size in sizes:
        widths.append(
            max((_estimated_width_pt(t, fontsize) for t in labels[start : start + size]), default=0.0)
        )
        start += size
    return widths


def legend_row(fig) -> Legend | None:
    """Gather the legends marked by :func:`legend_below` on the axes of ``fig`` into one
    legend row under the figure (``loc="outside lower center"``, which the constrained layout
    keeps clear of every axes), an entry per label; as many columns as fit the figure's width."""
    handles, labels, title, columns = [], [], None, set()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not hasattr(legend, _BELOW):
            continue
        title = title or (legend.get_title().get_text() or None)
        columns.add(getattr(legend, _BELOW))
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            if text.get_text() not in labels:
                handles.append(handle)
                labels.append(text.get_text())
        legend.remove()
    ncol = columns.pop() if len(columns) == 1 else None
    return row_legend(fig, handles, labels, title=title, ncol=ncol) if handles else None


def row_legend(
    fig, handles: list, labels: list[str], *, title: str | None = None, ncol: int | None = None
) -> Legend:
    """A legend row of ``handles``/``labels`` under ``fig``: in ``ncol`` columns, or as many
    as fit the figure's width (fewer when ``ncol`` do not fit)."""
    fontsize = plt.rcParams["legend.fontsize"]
    fontsize = fontsize if isinstance(fontsize, float | int) else plt.rcParams["font.size"]
    width = fig.get_figwidth() * 72 * 0.96
    asked, ncol = ncol, min(ncol or len(labels), len(labels))
    while ncol > 1 and sum(_column_widths(labels, ncol, fontsize)) > width:
        ncol -= 1
    legend = fig.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False, title=title)
    setattr(legend, ASKED_COLUMNS, asked)
    return legend
