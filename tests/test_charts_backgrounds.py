"""Funnel plots drawn over a kept background have the pixels of a full draw."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from iae_eval.charts import backgrounds
from iae_eval.report import report
from iae_eval.sections import funnel, load


def _pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


NAMES = [
    "A",
    "Recyclerie du Champsaur",
    "Chantier des Lacs de Serre-Ponçon",
    "Service Emploi Solidaire du Buëch et des vallées voisines, association intermédiaire",
    "Table",
]


@pytest.fixture
def units(rng) -> tuple[pd.Series, pd.Series]:
    examined = pd.Series(rng.integers(1, 60, size=len(NAMES)).astype(float), index=NAMES)
    rates = pd.Series(rng.integers(0, 60, size=len(NAMES)) / 60, index=NAMES).clip(upper=1)
    rates.iloc[0] = np.nan  # a unit without a rate is not drawn
    return rates, examined


def test_each_highlighted_plot_equals_a_full_draw_and_reuses_the_background(units):
    rates, examined = units
    options = {"target": 0.25, "title": "Taux d'emploi durable en 2012", "ylabel": "Taux d'emploi durable"}
    before = dict(backgrounds.drawn)
    for name in NAMES[1:]:
        label = f"{name} (la structure)"
        quick = backgrounds.funnel_png(rates, examined, highlight=name, highlight_label=label, **options)
        full = backgrounds.funnel_png(
            rates, examined, highlight=name, highlight_label=label, reuse=False, **options
        )
        assert np.array_equal(_pixels(quick), _pixels(full)), name
    over = backgrounds.drawn["over"] - before["over"]
    assert over >= 2  # the short names share one background (the long one draws in full)
    other = rates.fillna(0.5)  # other units: another background, the same pixels as a full draw
    quick = backgrounds.funnel_png(other, examined, highlight="Table", highlight_label="T", **options)
    full = backgrounds.funnel_png(
        other, examined, highlight="Table", highlight_label="T", reuse=False, **options
    )
    assert np.array_equal(_pixels(quick), _pixels(full))


def test_a_unit_not_drawn_is_not_highlighted(units):
    rates, examined = units
    png = backgrounds.funnel_png(
        rates, examined, target=0.25, title="t", ylabel="y", highlight="A", highlight_label="A"
    )
    full = backgrounds.funnel_png(
        rates, examined, target=0.25, title="t", ylabel="y", highlight="A", highlight_label="A", reuse=False
    )
    assert np.array_equal(_pixels(png), _pixels(full))


def test_the_structure_reports_funnel_plots_equal_full_draws():
    """Every structure report of the sample's 2012: its funnel plots, drawn over the year's
    background, have the pixels of the same plots drawn in full."""
    ds = load(Path(__file__).resolve().parents[1] / "data" / "sample")
    backgrounds.forget()
    before = backgrounds.drawn["over"]
    for sid in ds.structures["structure_id"]:
        own = report(ds, year=2012, structure_id=sid, diffusion="comite", min_cell=5)
        quick = funnel.structure(own).charts
        backgrounds.forget()  # the next draw is a full one
        full = funnel.structure(own).charts
        assert len(quick.parts) == len(full.parts) == 2
        for a, b in zip(quick.parts, full.parts, strict=True):
            assert np.array_equal(_pixels(a.png), _pixels(b.png)), sid
    assert backgrounds.drawn["over"] - before >= len(ds.structures)  # the first plots reused a background
