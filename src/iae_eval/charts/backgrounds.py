"""Charts drawn once per year: each structure report adds only what is its own.

Some charts of a year differ between the structures' reports only by the structure's own
marks and the legend row: the two funnel plots (the highlighted point), the
sustainable-development dot chart (the structure's dots), the exit rates beside the
département's, by year and in the year (the structure's points and intervals), the publics
beside the département's (the structure's bars and their values, on a fixed share axis). The first report of a year (in a
process) draws such a chart in full, keeps its pixels without the structure's artists (those
whose ``gid`` is :data:`~iae_eval.charts.style.VARYING`, drawn above everything else) and the
legend row (the *background*, ``canvas.copy_from_bbox``), and the next reports restore them
(``restore_region``) and draw only their own artists and their legend (``draw_artist``): the
same pixels as a full draw, since the layout depends on the legend's height only, which is
part of the background's key (a legend of another height has its own background).
:func:`over_background` moves the kept line to the structure's data (one line);
:func:`over_redrawn` lets the chart draw the structure's artists again on the kept axes.
Backgrounds are kept per process, the last :data:`KEPT` of them.

Whether drawn in full or over a background, these charts are encoded from the canvas,
cropped as :func:`iae_eval.charts.render.png` crops every chart.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from iae_eval.charts.funnel import _funnel_units, funnel_figure
from iae_eval.charts.render import cropped, drawing, encode, observed, prepare
from iae_eval.charts.style import COLUMNS, VARYING, row_legend

#: How many backgrounds a process keeps (four charts × a few years, legends and editions).
KEPT = 16


@dataclass
class _Background:
    fig: Figure
    region: object  # the canvas' pixels without the structure's own artists and the legend row


_backgrounds: OrderedDict[Hashable, _Background] = OrderedDict()
#: How many funnel plots this process drew in full and over a kept background.
drawn: dict[str, int] = {"full": 0, "over": 0}


def forget() -> None:
    """Close and drop every kept background (the next plots draw in full)."""
    while _backgrounds:
        plt.close(_backgrounds.popitem()[1].fig)


def _key(units: pd.DataFrame, **settings: object) -> Hashable:
    """What a funnel plot's background depends on: the units drawn and how the plot is set."""
    return (
        tuple(map(str, units.index)),
        units["rate"].to_numpy(float).tobytes(),
        units["examined"].to_numpy(float).tobytes(),
        tuple(sorted(settings.items())),
    )


def _encode(fig: Figure) -> bytes:
    """The canvas' pixels as drawn, cropped as every chart, as PNG bytes."""
    return encode(cropped(np.asarray(fig.canvas.buffer_rgba())))


def _highlight(ax: Axes) -> Line2D:
    """The line a report draws over the background."""
    return next(line for line in ax.get_lines() if line.get_gid() == VARYING)


def _own(fig: Figure) -> list[Artist]:
    """The artists a structure's report draws over the background (``gid`` VARYING), in the
    order a full draw draws them (they share the highest zorder)."""
    return fig.findobj(match=lambda artist: artist.get_gid() == VARYING, include_self=False)


@drawing()
def full_png(fig: Figure) -> bytes:
    """The PNG of ``fig`` drawn in full, as a chart of this module is when drawn over a kept
    background (prepared, the canvas as drawn). Closes ``fig``."""
    drawn["full"] += 1
    prepare(fig)
    fig.canvas.draw()
    observed(fig)
    try:
        return _encode(fig)
    finally:
        plt.close(fig)


def funnel_png(rates: pd.Series, examined: pd.Series, *, reuse: bool = True, **options) -> bytes:
    """The PNG of :func:`iae_eval.charts.funnel.funnel_figure` ``(rates, examined, **options)``;
    with a highlighted unit and ``reuse``, drawn over the background of an earlier plot of the
    same units and options when there is one (pixels equal to a full draw)."""
    fig = funnel_figure(rates, examined, **options)
    units = _funnel_units(rates, examined)
    highlight = options.get("highlight")
    if not reuse or highlight is None or highlight not in units.index:
        return full_png(fig)
    settings = {k: v for k, v in options.items() if k not in ("highlight", "highlight_label")}
    settings["named"] = tuple(settings.get("named", ()))
    return over_background(fig, _key(units, **settings))


def over_background(fig: Figure, key: Hashable) -> bytes:
    """The PNG of ``fig`` (one axes, one legend row, one line of ``gid``
    :data:`~iae_eval.charts.style.VARYING`): drawn over the background of an earlier figure
    of the same ``key`` (what the rest of the figure depends on) when there is one, its line
    moved to this figure's data; else in full, keeping its background. Closes ``fig``."""
    point = _highlight(fig.axes[0])

    def move(kept: Figure) -> None:
        line = _highlight(kept.axes[0])
        line.set_data(point.get_xdata(), point.get_ydata())
        line.set_label(point.get_label())

    return _drawn_over(fig, key, move)


def over_redrawn(fig: Figure, key: Hashable, redraw: Callable[[list[Axes]], None]) -> bytes:
    """The PNG of ``fig`` (one legend row; the structure's own artists, ``gid``
    :data:`~iae_eval.charts.style.VARYING`, drawn above everything else): drawn over the
    background of an earlier figure of the same ``key`` when there is one, ``redraw(axes)``
    drawing the structure's own artists again on that figure's axes; else in full, keeping
    its background. Closes ``fig``."""
    return _drawn_over(fig, key, functools.partial(_redrawn, redraw=redraw))


def over_fixed(
    key: Hashable,
    figsize: tuple[float, float],
    build: Callable[[], Figure],
    redraw: Callable[[list[Axes]], None],
) -> bytes:
    """The PNG of the figure ``build()`` makes, of size ``figsize``, whose legend row is the
    same for every structure: ``key`` names everything but the structure's own artists that
    the figure depends on, its legend row included. Drawn over the background of an earlier
    figure of the same ``key`` when there is one, legend row included, ``redraw(axes)``
    drawing the structure's own artists (``gid`` :data:`~iae_eval.charts.style.VARYING`,
    above everything else) again on that figure's axes: no figure is built. Else built and
    drawn in full, keeping its background."""
    key = ("legend included", key, tuple(figsize))
    background = _backgrounds.get(key)
    if background is not None:
        _backgrounds.move_to_end(key)
        return _over(background, None, functools.partial(_redrawn, redraw=redraw))
    fig = build()
    if tuple(fig.get_size_inches()) != tuple(figsize):
        plt.close(fig)
        raise ValueError(f"the figure is {tuple(fig.get_size_inches())} inches, not {tuple(figsize)}")
    prepare(fig)
    return _keep(key, fig, None)


def _redrawn(kept: Figure, *, redraw: Callable[[list[Axes]], None]) -> None:
    """Remove the structure's own artists of the ``kept`` figure and ``redraw`` this one's."""
    for ax in kept.axes:
        for container in list(ax.containers):
            if any(child.get_gid() == VARYING for child in container.get_children()):
                container.remove()
    for artist in _own(kept):
        artist.remove()
    redraw(kept.axes)


def _drawn_over(fig: Figure, key: Hashable, update: Callable[[Figure], None]) -> bytes:
    """``fig`` drawn over the background kept for ``key`` (and its size and legend height), once
    ``update(kept figure)`` has given the kept figure this figure's own artists; else in full."""
    prepare(fig)
    (legend,) = fig.legends
    height = legend.get_window_extent(fig.canvas.get_renderer()).height  # the layout depends on it
    key = (key, tuple(fig.get_size_inches()), height)
    background = _backgrounds.get(key)
    if background is None:
        return _keep(key, fig, legend)
    plt.close(fig)
    _backgrounds.move_to_end(key)
    return _over(background, legend, update)


@drawing()
def _over(background: _Background, legend: Legend | None, update: Callable[[Figure], None]) -> bytes:
    """The background with this plot's own artists (``update``) and, unless the background
    has it (``legend`` None), its legend row drawn over it."""
    drawn["over"] += 1
    fig = background.fig
    update(fig)
    row = None if legend is None else _legend_row(fig, legend)
    fig.canvas.restore_region(background.region)
    for artist in _own(fig):
        artist.axes.draw_artist(artist)
    if row is not None:
        fig.draw_artist(row)
    return _encode(fig)


def _legend_row(fig: Figure, legend: Legend) -> Legend:
    """Replace the legend row of the kept ``fig`` by one like ``legend`` (another figure's)."""
    for old in list(fig.legends):
        old.remove()
    labels = [t.get_text() for t in legend.get_texts()]
    return row_legend(fig, list(legend.legend_handles), labels, ncol=getattr(legend, COLUMNS))


@drawing()
def _keep(key: Hashable, fig: Figure, legend: Legend | None) -> bytes:
    """Draw ``fig`` in full, keep its background (without ``legend``, the legend row, unless
    None: then the background has it) for the next plots, return its PNG."""
    drawn["full"] += 1
    plt.close(fig)  # kept out of pyplot (which may close every figure): a canvas of its own
    FigureCanvasAgg(fig)
    fig.canvas.draw()  # the layout, made with this legend row
    observed(fig)
    png = _encode(fig)
    fig.set_layout_engine("none")  # the positions stay as laid out
    own = _own(fig)
    hidden = own if legend is None else [*own, legend]
    for artist in hidden:
        artist.set_visible(False)
    fig.canvas.draw()
    region = fig.canvas.copy_from_bbox(fig.bbox)
    for artist in own:
        artist.set_visible(True)
    if legend is not None:
        legend.remove()
    _backgrounds[key] = _Background(fig, region)
    while len(_backgrounds) > KEPT:
        _, old = _backgrounds.popitem(last=False)
        plt.close(old.fig)
    return png
