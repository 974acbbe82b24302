"""From a drawn figure to what a report shows: the one place a figure becomes a PNG.

:func:`chart` turns a figure into a :class:`~iae_eval.sections.parts.Chart` (PNG and alt
text) and closes it. Before encoding, :func:`prepare` applies what every chart shares: a
figure wider than the report narrowed to it (text keeps its size on screen), the
constrained layout, the legends gathered into one row under the figure
(:func:`iae_eval.charts.style.legend_row`). :func:`observing` lets a caller (a test, a
benchmark) look at each figure once prepared, before it is encoded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from iae_eval.charts.style import DISPLAY_WIDTH_IN, DPI, FIGSIZE, legend_row

if TYPE_CHECKING:
    from iae_eval.sections.parts import Chart

_observers: list[Callable[[Figure], None]] = []


@contextmanager
def observing(callback: Callable[[Figure], None]) -> Iterator[None]:
    """Within the block, ``callback(fig)`` is called on every figure :func:`png` encodes, once
    prepared and before it is encoded (and closed)."""
    _observers.append(callback)
    try:
        yield
    finally:
        _observers.remove(callback)


def prepare(fig: Figure) -> Figure:
    """Make ``fig`` ready to encode: at most the report's width, constrained layout, one
    legend row under the figure. Idempotent."""
    if fig.get_figwidth() > DISPLAY_WIDTH_IN:
        fig.set_figwidth(DISPLAY_WIDTH_IN)
    if fig.get_layout_engine() is None:
        fig.set_layout_engine("constrained")
    legend_row(fig)
    return fig


def observed(fig: Figure) -> None:
    """Show ``fig``, ready to encode, to the callers of :func:`observing`."""
    for callback in list(_observers):
        callback(fig)


def png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes (prepared, observed), then closed: no figure is leaked."""
    try:
        prepare(fig)
        observed(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def chart(fig: Figure, alt: str, *, caption: str | None = None) -> Chart:
    """The :class:`~iae_eval.sections.parts.Chart` of ``fig``: its PNG, ``alt`` text and
    optional ``caption``; the figure is closed. A chart without an alt text is refused."""
    from iae_eval.sections.parts import Chart  # parts shows charts; charts does not need it at import

    if not alt or not alt.strip():
        plt.close(fig)
        raise ValueError("every chart needs a meaningful alt text")
    return Chart(png(fig), alt, caption)


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
