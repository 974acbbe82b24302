"""From a drawn figure to what a report shows: the one place a figure becomes a PNG.

:func:`png` turns a figure into PNG bytes and closes it (a section wraps them with their alt
text in a :class:`~iae_eval.sections.parts.Chart`: :func:`iae_eval.sections.parts.figure`).
Before encoding, :func:`prepare` applies what every chart shares: a
figure wider than the report narrowed to it (text keeps its size on screen), the
constrained layout, titles and x labels that wrap rather than overflow, the legends gathered into one
row under the figure (:func:`iae_eval.charts.style.legend_row`). :func:`observing` lets a caller (a test, a
benchmark) look at each figure once prepared, before it is encoded.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from iae_eval.charts.style import DISPLAY_WIDTH_IN, DPI, FIGSIZE, legend_row

_observers: list[Callable[[Figure], None]] = []
#: Seconds this process has spent turning figures into pictures (layout, rasterising,
#: encoding), since the start or the last :func:`reset_drawing_clock`.
_drawing = {"seconds": 0.0}
#: Background kept around a chart's drawing when its blank border is cropped (pixels: the
#: 0.1 inch that ``savefig(bbox_inches="tight")`` keeps by default).
MARGIN_PX = round(0.1 * DPI)


@contextmanager
def observing(callback: Callable[[Figure], None]) -> Iterator[None]:
    """Within the block, ``callback(fig)`` is called on every figure :func:`png` encodes, once
    prepared and before it is encoded (and closed)."""
    _observers.append(callback)
    try:
        yield
    finally:
        _observers.remove(callback)


@contextmanager
def drawing() -> Iterator[None]:
    """Count the block's time as drawing time (:func:`drawing_seconds`)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _drawing["seconds"] += time.perf_counter() - started


def drawing_seconds() -> float:
    """Seconds spent drawing pictures (blocks of :func:`drawing`) since the last reset."""
    return _drawing["seconds"]


def reset_drawing_clock() -> None:
    _drawing["seconds"] = 0.0


def prepare(fig: Figure) -> Figure:
    """Make ``fig`` ready to encode: at most the report's width, constrained layout, one
    legend row under the figure. Idempotent."""
    if fig.get_figwidth() > DISPLAY_WIDTH_IN:
        fig.set_figwidth(DISPLAY_WIDTH_IN)
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    wrap_titles(fig)
    legend_row(fig)
    return fig


#: A title or x label wider than this share of its figure may overflow it (the axes it is
#: centred on can be one of two panels, or pushed aside by long tick labels): it may wrap.
WRAP_FROM = 0.3


def wrap_titles(fig: Figure) -> None:
    """Let every long axes title and x-axis label of ``fig`` wrap at the figure's edges: one
    longer than the figure goes on two lines (the constrained layout makes room for them)
    instead of being cut. Short ones are left alone: matplotlib measures a wrapping text word by
    word at each layout pass and draw (~4 ms a chart)."""
    renderer = fig.canvas.get_renderer()
    limit = WRAP_FROM * fig.bbox.width
    for ax in fig.axes:
        titles = {ax.get_title(loc) for loc in ("left", "center", "right")} - {""}
        texts = [c for c in ax.get_children() if isinstance(c, Text) and c.get_text() in titles]
        for text in [*texts, ax.xaxis.label]:
            if text.get_text() and text.get_window_extent(renderer).width > limit:
                text.set_wrap(True)


def observed(fig: Figure) -> None:
    """Show ``fig``, ready to encode, to the callers of :func:`observing`."""
    for callback in list(_observers):
        callback(fig)


def png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes (prepared, observed, drawn once, its blank border cropped), then
    closed: no figure is leaked.

    One draw: ``savefig(bbox_inches="tight")`` draws a figure twice (once to measure it), and
    the constrained layout runs in each draw. The crop keeps :data:`MARGIN_PX` of the
    background around what is drawn, as ``bbox_inches="tight"`` kept ``pad_inches``.
    """
    try:
        with drawing():
            prepare(fig)
            observed(fig)
            fig.canvas.draw()
            return encode(cropped(np.asarray(fig.canvas.buffer_rgba())))
    finally:
        plt.close(fig)


def cropped(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` (rows × columns × RGBA) without their border of background colour (the
    colour of the top-left pixel), less :data:`MARGIN_PX` kept on each side."""
    colours = np.ascontiguousarray(pixels).view(np.uint32)[..., 0]  # one number per RGBA pixel
    drawn = colours != colours[0, 0]
    rows, columns = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    if rows.size == 0:
        return pixels
    height, width = drawn.shape
    top, bottom = max(rows[0] - MARGIN_PX, 0), min(rows[-1] + 1 + MARGIN_PX, height)
    left, right = max(columns[0] - MARGIN_PX, 0), min(columns[-1] + 1 + MARGIN_PX, width)
    return pixels[top:bottom, left:right]


def encode(pixels: np.ndarray) -> bytes:
    """RGBA ``pixels`` as PNG bytes (at the charts' resolution): RGB when every pixel is
    opaque (the charts' white background), compressed at zlib's fastest level, which is
    about twice as fast as matplotlib's ``savefig`` (RGBA, level 6) for pictures a few
    per cent larger."""
    opaque = bool((pixels[..., 3] == 255).all())
    image = Image.fromarray(np.ascontiguousarray(pixels[..., :3] if opaque else pixels))
    buffer = io.BytesIO()
    image.save(buffer, format="png", dpi=(DPI, DPI), compress_level=1)
    return buffer.getvalue()


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
    figsize: tuple[float, float] = FIGSIZE,
) -> tuple[Figure | None, str | None]:
    """``(figure, None)`` with ``draw(ax)`` done on a new figure when ``values`` hold a number
    to draw, else ``(None, sentence)``: a chart with nothing to draw is never drawn empty."""
    if not has_values(values):
        return None, sentence
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    draw(ax)
    return fig, None
