"""Charts of the reports: plot helpers that draw on the axes they are given and return it.

They never save and never show: a section makes the figure, a helper draws on its axes, and
:func:`iae_eval.sections.parts.figure` turns the figure into the report's
:class:`~iae_eval.sections.parts.Chart` (PNG and alt text). One style for every chart (:mod:`~iae_eval.charts.style`: colours, French
ticks, grid, legends under the figure, sizes readable at the report's width); modules by
family: :mod:`~iae_eval.charts.bars` (exits, grouped shares, distributions),
:mod:`~iae_eval.charts.rates` (rates with intervals), :mod:`~iae_eval.charts.evolution` (over the years), :mod:`~iae_eval.charts.funnel`,
:mod:`~iae_eval.charts.funding`, :mod:`~iae_eval.charts.sd` (sustainable-development grid),
:mod:`~iae_eval.charts.grids` (action plan, supports by year); :mod:`~iae_eval.charts.render`
from figure to PNG, :mod:`~iae_eval.charts.backgrounds` (funnel plots drawn once per year). Missing values (NaN, e.g. masked small counts) are never drawn.
"""

from iae_eval.charts.backgrounds import funnel_png
from iae_eval.charts.bars import distribution, draw_own_bars, grouped_bars, people_by_support, stacked_exits
from iae_eval.charts.evolution import (
    SERIES_COLOURS,
    draw_own_series,
    rate_interval_alt_text,
    rate_with_interval,
    trend_lines,
)
from iae_eval.charts.funnel import (
    FUNNEL_LIMIT_STYLES,
    HIGHLIGHT_COLOUR,
    UNIT_COLOUR,
    funnel_alt_text,
    funnel_figure,
    funnel_plot,
    label_points,
    outside_names,
)
from iae_eval.charts.rates import draw_own_row, rate_dots
from iae_eval.charts.render import NOTHING_TO_DRAW, figure_if_any, has_values, observing, png
from iae_eval.charts.style import (
    CATEGORY_COLOURS,
    MASKED_STYLE,
    TARGET_COLOUR,
    legend_below,
    value_formatter,
)

__all__ = [
    "CATEGORY_COLOURS",
    "FUNNEL_LIMIT_STYLES",
    "HIGHLIGHT_COLOUR",
    "MASKED_STYLE",
    "NOTHING_TO_DRAW",
    "SERIES_COLOURS",
    "TARGET_COLOUR",
    "UNIT_COLOUR",
    "distribution",
    "draw_own_bars",
    "draw_own_row",
    "draw_own_series",
    "figure_if_any",
    "funnel_alt_text",
    "funnel_figure",
    "funnel_plot",
    "funnel_png",
    "grouped_bars",
    "label_points",
    "outside_names",
    "has_values",
    "legend_below",
    "observing",
    "people_by_support",
    "png",
    "rate_dots",
    "rate_interval_alt_text",
    "rate_with_interval",
    "stacked_exits",
    "trend_lines",
    "value_formatter",
]
