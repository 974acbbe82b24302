"""Charts drawn over a kept background (funnel plots, sustainable-development dot charts, the
structures' exit rates beside the département's, by year and in the year, their publics beside
the département's) have the pixels of a full draw."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from iae_eval import fmt
from iae_eval.charts import backgrounds
from iae_eval.indicators.exports import year_table
from iae_eval.indicators.pathways import structure_label
from iae_eval.report import report
from iae_eval.sections import exits, funnel, load, publics, sustainable_development, trend


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


def test_a_name_like_another_legend_entry_draws_in_full(units):
    """A highlighted unit named like another entry of the legend row (which then shows it
    once): its plot is built and drawn in full, not over a background."""
    rates, examined = units
    options = {"target": 0.25, "title": "t", "ylabel": "y"}
    backgrounds.funnel_png(rates, examined, highlight="Table", highlight_label="T", **options)
    before = dict(backgrounds.drawn)
    target = f"Objectif : {fmt.percent(0.25, 0)}"  # the target line's entry
    quick = backgrounds.funnel_png(rates, examined, highlight="Table", highlight_label=target, **options)
    full = backgrounds.funnel_png(
        rates, examined, highlight="Table", highlight_label=target, reuse=False, **options
    )
    assert backgrounds.drawn["over"] == before["over"]
    assert np.array_equal(_pixels(quick), _pixels(full))


def test_a_notebook_changing_matplotlib_settings_gets_its_own_background(units):
    """Charts drawn with other matplotlib settings (a notebook's edit) do not reuse a
    background drawn with the defaults."""
    rates, examined = units
    options = {"target": 0.25, "title": "t", "ylabel": "y"}
    backgrounds.funnel_png(rates, examined, highlight="Table", highlight_label="T", **options)
    before = dict(backgrounds.drawn)
    with matplotlib.rc_context({"axes.facecolor": "#eeeeee", "grid.color": "#aa0000"}):
        quick = backgrounds.funnel_png(rates, examined, highlight="Table", highlight_label="T", **options)
        full = backgrounds.funnel_png(
            rates, examined, highlight="Table", highlight_label="T", reuse=False, **options
        )
    assert backgrounds.drawn["over"] == before["over"]
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


def test_the_structure_reports_sd_charts_equal_full_draws():
    """Every structure of the sample with a sustainable-development grid in 2012: its dot chart,
    drawn over the year's background, has the pixels of the same chart drawn in full; its
    name is in the legend (the title, in the background, is the same for every structure)."""
    ds = load(Path(__file__).resolve().parents[1] / "data" / "sample")
    backgrounds.forget()
    before = dict(backgrounds.drawn)
    assessed = ds.sd_assessment.loc[ds.sd_assessment["year"] == 2012, "structure_id"].dropna().unique()
    assert len(assessed) >= 10
    for sid in assessed:
        quick = sustainable_development.sd_structure_png(ds, 2012, sid)
        full = sustainable_development.sd_structure_png(ds, 2012, sid, reuse=False)
        assert np.array_equal(_pixels(quick), _pixels(full)), sid
    assert backgrounds.drawn["over"] - before["over"] >= len(assessed) - 2
    ax = sustainable_development.sd_structure_chart(ds, 2012, assessed[0])
    assert structure_label(ds, assessed[0]) in ax.get_legend_handles_labels()[1]
    assert structure_label(ds, assessed[0]) not in ax.get_title()


@pytest.mark.parametrize("section", [trend, exits, publics], ids=["rates by year", "exit rates", "publics"])
@pytest.mark.parametrize("diffusion", ["comite", "public"])
def test_the_structure_reports_charts_beside_the_departement_equal_full_draws(section, diffusion):
    """Every structure of the sample in 2012: its exit rates by year (hollow marks and years
    without exits included) and in the year (dots and intervals) and its publics (bars), drawn
    beside the département's over the background the year's reports share, have the pixels
    of the same charts drawn in full."""
    ds = load(Path(__file__).resolve().parents[1] / "data" / "sample")
    reports = {
        sid: report(ds, year=2012, structure_id=sid, diffusion=diffusion, min_cell=5)
        for sid in ds.structures["structure_id"]
    }
    backgrounds.forget()
    before = backgrounds.drawn["over"]
    quick = {sid: section.structure(own).charts for sid, own in reports.items()}
    reused = backgrounds.drawn["over"] - before
    for sid, own in reports.items():
        backgrounds.forget()  # a full draw
        full = section.structure(own).charts
        assert len(quick[sid].parts) == len(full.parts) >= 1, sid
        for a, b in zip(quick[sid].parts, full.parts, strict=True):
            assert a.alt == b.alt
            assert np.array_equal(_pixels(a.png), _pixels(b.png)), sid
    # most reused a background; in the public edition, the exit rates of the structures whose
    # rates the year publishes only (the first draws it), and the rates by year of those whose
    # legend row is alike
    if diffusion == "public" and section is exits:
        table = year_table(ds, 2012, min_cell=5, diffusion="public")
        rows = table[table["Périmètre"] == "Structure"]
        rates = rows[["durable_rate", "dynamic_rate"]].to_numpy()
        drawn = sum(any(isinstance(v, float) and v == v for v in row) for row in rates)
        assert reused >= drawn - 1, (reused, drawn)
    else:
        assert reused >= len(reports) // 2, reused
