"""Charts drawn once per year: each structure report adds only what is its own.

Some charts of a year differ between the structures' reports only by the structure's own
marks and, at most, its name in the legend row: the two funnel plots (the highlighted
point), the sustainable-development dot chart (the structure's dots), the exit rates beside
the département's, by year and in the year (the structure's points and intervals), the
publics beside the département's (the structure's bars and their values, on a fixed share
axis). The first report of a year (in a process) builds such a chart and draws it in full,
and keeps its pixels without the structure's artists (those whose ``gid`` is
:data:`~iae_eval.charts.style.VARYING`, drawn above everything else): the *background*,
``canvas.copy_from_bbox``. The next reports build no figure: they restore the background
(``restore_region``) and draw only their own artists (``draw_artist``), on the kept figure:
the same pixels as a full draw (tested for every structure of the sample).

- :func:`over_fixed`: a legend row that is the same for every structure (its key says what
  it shows) is part of the background;
- :func:`over_named`: a legend row naming the structure is not; each report lays out the kept
  row with its name, and draws it. The layout depends on the row's height: a name that
  makes the row taller (two lines) has a background of its own.

Backgrounds are kept per process, the last :data:`KEPT` of them. Whether drawn in full or
over a background, these charts are encoded from the canvas, cropped as
:func:`iae_eval.charts.render.png` crops every chart.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from iae_eval.charts.funnel import FUNNEL_FIGSIZE, _funnel_units, funnel_figure
from iae_eval.charts.render import cropped, drawing, encode, observed, prepare
from iae_eval.charts.style import ASKED_COLUMNS, VARYING, row_legend

#: How many backgrounds a process keeps (four charts × a few years, legends and editions).
KEPT = 16


@dataclass
class _Background:
    fig: Figure
    region: object  # the canvas' pixels without the structure's own artists and the legend row


@dataclass(frozen=True)
class _NamedRow:
    """The legend row of the figures of one key of :func:`over_named`, the structure's entry
    (at ``own``) aside, and a figure to lay such a row out on."""

    fig: Figure
    handles: list
    labels: list[str]
    own: int
    title: str | None
    asked: int | None

    def with_name(self, name: str, fig: Figure | None = None) -> Legend:
        labels = [*self.labels]
        labels[self.own] = name
        return row_legend(fig or self.fig, self.handles, labels, title=self.title, ncol=self.asked)


_backgrounds: OrderedDict[Hashable, _Background] = OrderedDict()
_named_rows: OrderedDict[Hashable, _NamedRow] = OrderedDict()
#: How many charts of this module this process drew in full and over a kept background.
drawn: dict[str, int] = {"full": 0, "over": 0}


def forget() -> None:
    """Close and drop every kept background (the next plots draw in full)."""
    while _backgrounds:
        plt.close(_backgrounds.popitem()[1].fig)
    _named_rows.clear()


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
    same units and options when there is one (pixels equal to a full draw; the figure is then
    not built)."""
    build = functools.partial(funnel_figure, rates, examined, **options)
    units = _funnel_units(rates, examined)
    highlight = options.get("highlight")
    if not reuse or highlight is None or highlight not in units.index:
        return full_png(build())
    settings = {k: v for k, v in options.items() if k not in ("highlight", "highlight_label")}
    settings["named"] = tuple(settings.get("named", ()))
    point = units.loc[highlight]
    label = options.get("highlight_label") or str(highlight)
    move = moved([point["examined"]], [point["rate"]], label)
    return over_named(_key(units, **settings), FUNNEL_FIGSIZE, label, build, move)


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
    drawing the structure's own artists again on its axes; else built, drawn in full and
    kept."""
    key = ("legend included", key, tuple(figsize), _style())
    background = _backgrounds.get(key)
    if background is not None:
        _backgrounds.move_to_end(key)
        return _over(background, redrawn(redraw), None)
    fig = _built(build, figsize)
    return _keep(key, fig, None)


def over_named(
    key: Hashable,
    figsize: tuple[float, float],
    name: str,
    build: Callable[[], Figure],
    update: Callable[[Figure], None],
) -> bytes:
    """The PNG of the figure ``build()`` makes, of size ``figsize``, whose legend row names the
    structure (one entry, labelled ``name``) and is otherwise the same for every structure:
    ``key`` names everything but the structure's own artists and name that the figure depends
    on. Drawn over the background of an earlier figure of the same ``key`` and legend height
    (the layout depends on it) when there is one, ``update(kept figure)`` giving it the
    structure's own artists (:func:`moved`, :func:`redrawn`), with the legend row naming
    ``name``; else built, drawn in full and kept. A ``name`` like another entry's (the row
    would show it once) is always built."""
    key = ("legend named", key, tuple(figsize), _style())
    row = _named_rows.get(key)
    if row is not None and name not in row.labels[: row.own] + row.labels[row.own + 1 :]:
        legend = row.with_name(name)
        height = legend.get_window_extent(row.fig.canvas.get_renderer()).height
        background = _backgrounds.get((key, height))
        if background is not None and background.fig is not row.fig:  # laid out on another figure
            legend.remove()
            legend = row.with_name(name, background.fig)
        if background is not None:
            _backgrounds.move_to_end((key, height))
            _named_rows.move_to_end(key)
            return _over(background, update, legend)
        legend.remove()
    fig = _built(build, figsize)
    (legend,) = fig.legends
    labels = [text.get_text() for text in legend.get_texts()]
    png = _keep((key, legend.get_window_extent(fig.canvas.get_renderer()).height), fig, legend)
    if labels.count(name) == 1:
        _named_rows[key] = _NamedRow(
            fig,
            list(legend.legend_handles),
            labels,
            labels.index(name),
            legend.get_title().get_text() or None,
            getattr(legend, ASKED_COLUMNS),
        )
        while len(_named_rows) > KEPT:
            _named_rows.popitem(last=False)
    return png


def _style() -> int:
    """What the figures' look depends on besides their data: matplotlib's settings, which a
    notebook may change (~0.1 ms)."""
    return hash(tuple((name, repr(value)) for name, value in dict.items(matplotlib.rcParams)))


def moved(x: object, y: object, label: str) -> Callable[[Figure], None]:
    """An ``update`` of :func:`over_named`: the kept figure's line of ``gid``
    :data:`~iae_eval.charts.style.VARYING` moved to ``x``, ``y`` and labelled ``label``."""

    def move(kept: Figure) -> None:
        line = _highlight(kept.axes[0])
        line.set_data(x, y)
        line.set_label(label)

    return move


def redrawn(redraw: Callable[[list[Axes]], None]) -> Callable[[Figure], None]:
    """An ``update`` of :func:`over_named`: the kept figure's own artists removed, and
    ``redraw(axes)`` drawing this structure's on its axes."""

    def replace(kept: Figure) -> None:
        for ax in kept.axes:
            for container in list(ax.containers):
                if any(child.get_gid() == VARYING for child in container.get_children()):
                    container.remove()
        for artist in _own(kept):
            artist.remove()
        redraw(kept.axes)

    return replace


def _built(build: Callable[[], Figure], figsize: tuple[float, float]) -> Figure:
    """The figure ``build()`` makes, prepared; it must be of size ``figsize`` (part of its key)."""
    fig = build()
    if tuple(fig.get_size_inches()) != tuple(figsize):
        plt.close(fig)
        raise ValueError(f"the figure is {tuple(fig.get_size_inches())} inches, not {tuple(figsize)}")
    return prepare(fig)


@drawing()
def _over(background: _Background, update: Callable[[Figure], None], legend: Legend | None) -> bytes:
    """The kept background with this plot's own artists (``update``) drawn over it, and its
    ``legend`` row (laid out on the background's figure) unless the background has it."""
    drawn["over"] += 1
    fig = background.fig
    update(fig)
    fig.canvas.restore_region(background.region)
    for artist in _own(fig):
        artist.axes.draw_artist(artist)
    if legend is not None:
        fig.draw_artist(legend)
        legend.remove()
    return _encode(fig)


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
