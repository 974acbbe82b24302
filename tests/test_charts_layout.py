"""Every chart of every report of the sample keeps its plotting area and its text readable.

The figures are checked as the report encodes them (:func:`iae_eval.charts.observing`): each
axes keeps a share of its figure, no two legends and no two tick labels of one axis overlap,
no legend covers a plotting area, and every text is at least 9 points at the width the
report shows the picture.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from iae_eval import charts
from iae_eval.charts.style import DISPLAY_WIDTH_PX, DPI, MIN_TEXT_PT
from iae_eval.report import report
from iae_eval.sections import (
    action_plan,
    clauses,
    compare,
    exits,
    funding,
    funnel,
    load,
    publics,
    rates,
    supports,
    sustainable_development,
    territories,
    trend,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
#: Smallest share of its figure's width and height an axes keeps, for a single panel; a grid
#: of r × c panels divides it by r (height) and c (width).
MIN_AXES_SHARE = 0.35
#: Overlap tolerated between two boxes (pixels): text boxes include their line spacing.
TOLERANCE_PX = 1.0
YEARS = range(2009, 2014)
STRUCTURE_YEAR = 2012


def every_chart_call(ds, *, diffusion: str, min_cell: int = 5) -> Iterator[tuple[str, Callable[[], object]]]:
    """``(name, call)`` for every section that may draw a chart, in every report of the
    sample: the département for each year, every structure for :data:`STRUCTURE_YEAR`
    (and its evolution), the bilan of the period. The one place that knows the sections'
    signatures (adapt it when they change)."""
    year_themes = (
        publics,
        exits,
        rates,
        funnel,
        territories,
        clauses,
        supports,
        funding,
        sustainable_development,
    )
    structure_themes = (compare, publics, exits, funnel, clauses, funding, sustainable_development)
    bilan_themes = (
        publics,
        rates,
        funnel,
        exits,
        territories,
        clauses,
        supports,
        funding,
        sustainable_development,
    )
    options = {"min_cell": min_cell, "diffusion": diffusion}
    for year in YEARS:
        yearly = report(ds, year=year, **options)
        for theme in year_themes:
            yield f"{theme.__name__}.departement({year})", lambda t=theme, r=yearly: t.departement(r)
        yield f"action_plan.departement({year})", lambda r=yearly: action_plan.departement(r)
    for sid in ds.structures["structure_id"]:
        own = report(ds, year=STRUCTURE_YEAR, structure_id=sid, **options)
        for theme in structure_themes:
            yield f"{theme.__name__}.structure({sid})", lambda t=theme, r=own: t.structure(r)
        yield f"trend.structure({sid})", lambda r=own: trend.structure(r)
    period = report(ds, first_year=YEARS[0], last_year=YEARS[-1], **options)
    for theme in bilan_themes:
        yield f"{theme.__name__}.bilan", lambda t=theme: t.bilan(period)
    yield "action_plan.bilan", lambda: action_plan.bilan(period)


# --- Geometry -----------------------------------------------------------------------------------


def _corners(text: Text, renderer) -> np.ndarray:
    """The four corners (pixels) of ``text``'s box, rotated as it is drawn."""
    box = text.get_window_extent(renderer)
    angle = np.deg2rad(text.get_rotation())
    rotation = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(rotation)
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [flat.width / 2, flat.height / 2]
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    return half @ turn.T + centre


def _polygons_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two convex polygons overlap by more than the tolerance (separating axes)."""
    for polygon in (a, b):
        for i in range(len(polygon)):
            edge = polygon[(i + 1) % len(polygon)] - polygon[i]
            normal = np.array([-edge[1], edge[0]]) / (np.hypot(*edge) or 1.0)
            pa, pb = a @ normal, b @ normal
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= TOLERANCE_PX:
                return False
    return True


def _boxes_overlap(a, b) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX
    )


def _shown_tick_labels(ax, axis) -> list[Text]:
    """The tick labels of ``axis`` drawn within the axes' span."""
    low, high = sorted(axis.get_view_interval())
    labels = []
    for tick in axis.get_major_ticks():
        label = tick.label1
        if (
            tick.get_visible()
            and label.get_visible()
            and label.get_text()
            and low - 1e-9 <= tick.get_loc() <= high + 1e-9
        ):
            labels.append(label)
    return labels


def _unshown_tick_labels(fig: Figure) -> set[int]:
    """Ids of the tick labels matplotlib does not draw (their tick is outside the axes' span)."""
    ids = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            shown = {id(t) for t in _shown_tick_labels(ax, axis)}
            ticks = [*axis.get_major_ticks(), *axis.get_minor_ticks()]
            ids |= {id(t) for tick in ticks for t in (tick.label1, tick.label2) if id(t) not in shown}
    return ids


def _panels(ax) -> tuple[int, int]:
    spec = ax.get_subplotspec()
    if spec is None:
        return 1, 1
    rows, cols = spec.get_gridspec().get_geometry()
    return rows, cols


def layout_problems(fig: Figure) -> list[str]:
    """What is wrong with the layout of ``fig`` (empty when nothing), once drawn."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    problems = []
    width_px = fig.get_tightbbox(renderer).width * DPI
    scale = min(1.0, DISPLAY_WIDTH_PX / width_px)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_label() != "<colorbar>"]
    for ax in axes:
        rows, cols = _panels(ax)
        position = ax.get_position()
        if position.width < MIN_AXES_SHARE / cols or position.height < MIN_AXES_SHARE / rows:
            problems.append(
                f"axes {ax.get_title(loc='left') or ax.get_title()!r} keeps {position.width:.0%} × "
                f"{position.height:.0%} of its figure"
            )
        for axis in (ax.xaxis, ax.yaxis):
            labels = _shown_tick_labels(ax, axis)
            corners = [_corners(t, renderer) for t in labels]
            for (a, ca), (b, cb) in itertools.combinations(zip(labels, corners, strict=True), 2):
                if _polygons_overlap(ca, cb):
                    problems.append(f"tick labels {a.get_text()!r} and {b.get_text()!r} overlap")
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
    boxes = [legend.get_window_extent(renderer) for legend in legends]
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        if _boxes_overlap(a, b):
            problems.append(f"legends {i} and {j} overlap")
    for box in boxes:
        for ax in axes:
            if _boxes_overlap(box, ax.get_window_extent(renderer)):
                problems.append(f"a legend covers the axes {ax.get_title(loc='left') or ax.get_title()!r}")
    unshown = _unshown_tick_labels(fig)
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()) or id(text) in unshown:
            continue
        if text.get_fontsize() * scale < MIN_TEXT_PT - 1e-6:
            problems.append(f"text {text.get_text()[:40]!r} shown at {text.get_fontsize() * scale:.1f} pt")
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > fig.bbox.x1 + 1 or box.y1 > fig.bbox.y1 + 1:
            problems.append(f"text {text.get_text()[:40]!r} outside the figure (the picture cuts it)")
    return problems


@pytest.fixture(scope="module")
def sample():
    return load(SAMPLE)


def _check(calls) -> tuple[int, list[str]]:
    found: list[str] = []
    seen = 0
    current = [""]

    def observe(fig: Figure) -> None:
        nonlocal seen
        seen += 1
        found.extend(f"{current[0]}: {p}" for p in layout_problems(fig))

    with charts.observing(observe):
        for name, call in calls:
            current[0] = name
            charts.backgrounds.forget()  # drawn in full, and looked at (a blitted chart has the same pixels)
            call()
    return seen, found


def test_the_structure_evolution_with_a_low_count_year_keeps_its_panels(sample):
    """S01's evolution chart has hollow markers (low counts): the legend once squeezed both
    panels, crowded the years and made the two legends collide."""
    calls = [(n, c) for n, c in every_chart_call(sample, diffusion="comite") if n == "trend.structure(S01)"]
    seen, problems = _check(calls)
    assert seen == 2
    assert problems == []


@pytest.mark.slow
@pytest.mark.parametrize("diffusion", ["comite", "public"])
def test_every_chart_of_every_report_keeps_its_layout(sample, diffusion):
    seen, problems = _check(every_chart_call(sample, diffusion=diffusion))
    assert seen > 150  # every chart of the sample's reports was looked at
    assert problems == []


def test_the_checks_find_a_squeezed_panel_crowded_ticks_colliding_legends_and_small_text():
    """Each fault the old charts had is reported; a chart drawn by the kit's style is clean."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, anchor in zip(axes, (0.9, 0.1), strict=True):
        ax.plot(range(2000, 2030), range(30), label="Une série au libellé long")
        ax.set_xticks(range(2000, 2030))
        ax.legend(loc="upper center", bbox_to_anchor=(anchor, -0.1))
    axes[0].text(0.5, 0.5, "petit", fontsize=6, transform=axes[0].transAxes)
    problems = layout_problems(fig)
    assert any("tick labels '2000' and '2001' overlap" in p for p in problems)
    assert any(p.startswith("legends") for p in problems)
    assert any("text 'petit' shown at" in p for p in problems)
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    ax.plot([0, 1], label="Une légende à droite, longue au point de serrer l’axe de la figure")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    assert any("keeps" in p for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    ax.plot([0, 1], label="Série")
    ax.legend(loc="center")
    assert any(p.startswith("a legend covers") for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    ax.plot([0, 1])
    ax.annotate("hors du cadre", (1, 1), xytext=(1.2, 1.1), textcoords="figure fraction")
    assert any("'hors du cadre' outside the figure" in p for p in layout_problems(fig))
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.plot([0, 1], label="Série")
    charts.legend_below(ax)
    charts.render.prepare(fig)
    assert layout_problems(fig) == []
