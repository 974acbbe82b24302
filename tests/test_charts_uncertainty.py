"""Funnel plots, rates with their interval, and charts with nothing to draw (charts.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from iae_eval import charts
from iae_eval.indicators import uncertainty
from iae_eval.palette import PALETTE

NBSP = "\u00a0"


@pytest.fixture
def units() -> tuple[pd.Series, pd.Series]:
    """Five structures around a 25 % target. With n = 10 the 95 % limits are [0, 0.4910] and
    the 99.8 % ones [0, 0.6811] (see test_uncertainty); S1 at 0.5 is above the 95 % limits only,
    S2 at 0.8 above both. S5 has no examined exit: not drawn."""
    index = ["S1", "S2", "S3", "S4", "S5"]
    rates = pd.Series([0.5, 0.8, 0.2, 0.1, np.nan], index=index)
    examined = pd.Series([10, 10, 10, 10, 0], index=index)
    return rates, examined


def _labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_funnel_plot_draws_units_target_and_both_limits(units):
    rates, examined = units
    fig, ax = plt.subplots()
    out = charts.funnel_plot(rates, examined, target=0.25, ax=ax, ylabel="Taux d'emploi durable")
    assert out is ax
    points = [line for line in ax.lines if line.get_linestyle() == "None"]
    assert len(points) == 1 and len(points[0].get_xdata()) == 4  # S5 is not drawn
    limit_lines = [line for line in ax.lines if line.get_linestyle() in ("--", ":")]
    assert len(limit_lines) == 4  # upper and lower, at 95 % and 99.8 %
    upper95 = next(line for line in limit_lines if line.get_linestyle() == "--")
    x, y = np.asarray(upper95.get_xdata()), np.asarray(upper95.get_ydata())
    assert y[x == 10][0] == pytest.approx(0.490972, abs=1e-5)
    assert any(line.get_ydata()[0] == 0.25 for line in ax.lines)  # the target line
    assert _labels(ax) == [
        f"Limites de contrôle à 95{NBSP}%",
        f"Limites de contrôle à 99,8{NBSP}%",
        f"Objectif : 25{NBSP}%",
    ]
    assert ax.yaxis.get_major_formatter()(0.25, 0) == f"25{NBSP}%"
    assert ax.get_xlabel() == "Sorties examinées" and ax.get_ylim() == (0, 1)


def test_funnel_plot_highlights_one_unit(units):
    rates, examined = units
    fig, ax = plt.subplots()
    charts.funnel_plot(rates, examined, target=0.25, ax=ax, highlight="S3", highlight_label="Tremplin")
    points = [line for line in ax.lines if line.get_linestyle() == "None"]
    assert [len(p.get_xdata()) for p in points] == [4, 1]  # every unit; the highlighted one over its dot
    assert points[1].get_color() == charts.HIGHLIGHT_COLOUR != charts.TARGET_COLOUR
    assert list(points[1].get_ydata()) == [0.2]
    assert _labels(ax)[-2:] == ["Structures", "Tremplin"]


def test_funnel_alt_text_counts_units_against_the_limits(units):
    """99.8 %: S2 (0.8 > 0.6811) above, S1, S3, S4 within. 95 %: S1 (0.5 > 0.4910) and S2 above."""
    rates, examined = units
    alt = charts.funnel_alt_text(
        rates,
        examined,
        target=0.25,
        rate_label="taux d'emploi durable",
        highlight="S1",
        highlight_label="Tremplin",
    )
    assert alt.startswith("Graphique en entonnoir : taux d'emploi durable de 4 structures")
    assert f"Par rapport aux limites à 99,8{NBSP}% : 1 au-dessus, 3 à l'intérieur, 0 en dessous." in alt
    assert f"Par rapport aux limites à 95{NBSP}% : 2 au-dessus, 2 à l'intérieur, 0 en dessous." in alt
    assert (
        f"Tremplin : 50,0{NBSP}% sur 10 sorties examinées, à l'intérieur des limites à 99,8{NBSP}% "
        f"et au-dessus des limites à 95{NBSP}%." in alt
    )
    assert "1 structures sans sortie examinée" in alt


def _series() -> dict[str, pd.DataFrame]:
    structure = uncertainty.rate_intervals(
        pd.Series([3, 4, 0], index=[2011, 2012, 2013]), pd.Series([8, 34, 0], index=[2011, 2012, 2013])
    )
    departement = uncertainty.rate_intervals(
        pd.Series([60, 58, 55], index=[2011, 2012, 2013]),
        pd.Series([206, 201, 204], index=[2011, 2012, 2013]),
    )
    return {"Structure": structure, "Département": departement}


def test_rate_with_interval_error_bars_side_by_side():
    fig, ax = plt.subplots(figsize=(8, 4))
    series = _series()
    out = charts.rate_with_interval(series, ax=ax, target=0.25, ylabel="Taux d'emploi durable")
    assert out is ax
    bars = [c for c in ax.containers]
    assert len(bars) == 2  # one error-bar set per series
    segments = bars[0].lines[2][0].get_segments()
    assert len(segments) == 2  # 2013 has no rate: no bar
    (x0, low), (_, high) = segments[0]
    assert x0 < 2011  # the structure's bar sits left of the year, the département's right
    assert (low, high) == pytest.approx(tuple(series["Structure"].loc[2011, ["low", "high"]]))
    x_dep = bars[1].lines[2][0].get_segments()[0][0][0]
    assert x_dep > 2011
    hollow = [line for line in ax.lines if line.get_markerfacecolor() == "white" and len(line.get_xdata())]
    assert len(hollow) == 1 and list(hollow[0].get_ydata()) == [0.375]  # 3/8: effectif faible
    labels = _labels(ax)
    assert labels[:2] == ["Structure", "Département"]
    assert f"Objectif : 25{NBSP}%" in labels
    assert any("effectif faible" in text for text in labels)
    assert charts.TARGET_COLOUR not in charts.SERIES_COLOURS and charts.SERIES_COLOURS[0] == PALETTE[0]


def test_year_labels_do_not_crowd_even_with_nothing_drawn():
    """All-NaN series once left 0 in view (x from −0.05 to 2013), crowding the year labels."""
    fig, ax = plt.subplots()
    frame = pd.DataFrame({"durable_rate": [np.nan] * 5}, index=range(2009, 2014))
    charts.trend_lines(frame, ax=ax, targets={"durable_rate": 0.25}, value_kind="percent")
    assert ax.get_xlim() == (2008.5, 2013.5)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2009", "2010", "2011", "2012", "2013"]
    fig, ax = plt.subplots()
    charts.rate_with_interval(_series(), ax=ax)
    assert ax.get_xlim() == (2010.5, 2013.5)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012", "2013"]


def test_rate_interval_alt_text():
    alt = charts.rate_interval_alt_text(_series(), rate_label="Taux d'emploi durable")
    assert alt.startswith(f"Taux d'emploi durable par année, avec l'intervalle de confiance à 95{NBSP}%.")
    assert f"Structure : 2011 : 37,5{NBSP}% [13,7{NBSP}–{NBSP}69,4] (effectif faible) ; 2012 :" in alt
    structure = alt.split("Département")[0]
    assert "2013 :" not in structure  # no rate in 2013…
    assert structure.endswith("aucune sortie en 2013. ")  # …because no exit at all, said so


def test_a_year_without_exit_keeps_its_tick_and_says_so():
    """A year with no exit is not dropped: its tick stays and the series' place says so;
    a masked rate (unknown examined exits) draws nothing and says nothing."""
    series = _series()
    fig, ax = plt.subplots()
    charts.rate_with_interval(series, ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012", "2013"]
    marks = [t for t in ax.texts if t.get_text() == "aucune sortie"]
    assert len(marks) == 1 and 2012.5 < marks[0].get_position()[0] < 2013  # the structure's side of 2013
    masked = {name: frame.assign(examined=np.nan) for name, frame in series.items()}
    fig, ax = plt.subplots()
    charts.rate_with_interval(masked, ax=ax)
    assert not ax.texts


def test_a_chart_with_nothing_to_draw_is_not_drawn():
    calls = []
    fig, sentence = charts.figure_if_any(
        pd.DataFrame({"a": [np.nan, None]}), calls.append, sentence="Aucune sortie examinée : pas de taux."
    )
    assert fig is None and sentence == "Aucune sortie examinée : pas de taux." and calls == []
    assert not plt.get_fignums()
    fig, sentence = charts.figure_if_any(pd.Series([np.nan, 0.3]), calls.append)
    assert sentence is None and len(calls) == 1 and calls[0].figure is fig
    assert charts.has_values(np.array([]), [np.nan]) is False
    assert charts.has_values(["s", 0]) is True  # a masked text is no number, 0 is one


def test_the_evolution_keeps_a_year_without_exit_and_masks_the_others():
    """A year with no examined exit reaches the chart with its 0 (drawn as "aucune sortie");
    a masked rate stays entirely NaN."""
    from iae_eval.sections.rates import year_intervals

    frame = pd.DataFrame(
        {"exits_examined": [10.0, 0.0, 3.0], "exits_emploi_durable": [4.0, 0.0, 1.0]},
        index=[2011, 2012, 2013],
    )
    numbers = pd.DataFrame({"durable_rate": [0.4, np.nan, np.nan]}, index=frame.index)  # 2013 masked
    drawn = year_intervals(frame, numbers, "durable_rate")
    assert drawn.at[2011, "rate"] == pytest.approx(0.4)
    assert drawn.at[2012, "examined"] == 0 and np.isnan(drawn.at[2012, "rate"])
    assert drawn.loc[2013].isna().all()
    fig, ax = plt.subplots()
    charts.rate_with_interval({"Structure": drawn}, ax=ax)
    assert [t.get_text() for t in ax.texts] == ["aucune sortie"]
