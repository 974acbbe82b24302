"""A sparkline: a tiny line chart of yearly values, drawn beside a judged trend.

Drawn with matplotlib's object API on an Agg canvas (no pyplot state, nothing to close), at a
fixed small size, in a few milliseconds: one per trend question of the synthesis.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from iae_eval.indicators.verdicts import Slope
from iae_eval.palette import PALETTE

#: Size of a sparkline in inches, and its resolution.
SIZE: tuple[float, float] = (1.6, 0.45)
DPI = 96


def sparkline_png(points: Sequence[tuple[int, float]], *, slope: Slope | None = None) -> bytes:
    """PNG bytes of the values ``points`` ((year, value) pairs) as a line with its dots, the
    last one marked, and the fitted slope as a dashed line when ``slope`` is given."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.03, 0.12, 0.94, 0.76))
    years = [p[0] for p in points]
    values = [p[1] for p in points]
    ax.plot(years, values, color=PALETTE[0], linewidth=1.4, marker="o", markersize=2.5)
    if values:
        ax.plot(years[-1:], values[-1:], color=PALETTE[6], marker="o", markersize=3.5, linestyle="none")
    if slope is not None and len(years) >= 2:
        mean_x = sum(years) / len(years)
        mean_y = sum(values) / len(values)
        fitted = [mean_y + slope.slope * (x - mean_x) for x in (years[0], years[-1])]
        ax.plot([years[0], years[-1]], fitted, color=PALETTE[4], linewidth=0.9, linestyle="--")
    ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, transparent=False, facecolor="white")
    return buffer.getvalue()
