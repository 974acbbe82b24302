"""Action plan A1-A9: grid, timeline chart, state at a year, alerts and sections."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Rectangle

from iae_eval.report import report
from iae_eval.sections import action_plan as ap
from indicator_factory import make_dataset, pathway, structure, table

PLAN = [
    dict(action_id="A1", semester="2009S1", status="prevu"),
    dict(action_id="A1", semester="2009S2", status="en_cours"),
    dict(action_id="A1", semester="2010S1", status="realise", comment="Instance installée"),
    dict(action_id="A1", semester="2010S2", status="realise"),
    dict(action_id="A2", semester="2009S2", status="en_retard", comment="Report après les élections"),
    dict(action_id="A2", semester="2010S2", status="en_cours"),
    dict(action_id="A3", semester="2010S1", status="abandonne", comment="Faute de porteur"),
    dict(action_id="A9", semester="2011S1", status="prevu"),
]


def _dataset(plan=PLAN):
    base = make_dataset(
        structures=[structure("S1", ["ACI"], "Gapençais")],
        participants=[pathway("P1", "S1", "ACI", "2010-01-01")],
    )
    return dataclasses.replace(base, action_plan=None if plan is None else table("action_plan", plan))


def test_semesters():
    assert ap.semesters(2009, 2010) == ["2009S1", "2009S2", "2010S1", "2010S2"]


def test_grid_has_every_action_and_semester():
    grid = ap.plan_grid(_dataset(), first_year=2009, last_year=2010)
    assert list(grid.index) == [f"A{i}" for i in range(1, 10)]
    assert list(grid.columns) == ["2009S1", "2009S2", "2010S1", "2010S2"]
    assert grid.at["A1", "2010S1"] == "realise"
    assert grid.at["A2", "2009S2"] == "en_retard"
    assert pd.isna(grid.at["A4", "2009S1"])
    assert int(grid.notna().sum().sum()) == 7  # A9 2011S1 is outside the period


def test_timeline_draws_one_cell_per_known_status_and_french_legend():
    fig, ax = plt.subplots()
    out = ap.plan_timeline(_dataset(), first_year=2009, last_year=2010, ax=ax)
    assert out is ax
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 7
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Prévu",
        "En cours",
        "Réalisé",
        "En retard",
        "Abandonné",
    ]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 9
    assert labels[0] == "A1 — Instance collaborative"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2009 S1", "2009 S2", "2010 S1", "2010 S2"]


def test_timeline_without_ax_uses_a_new_figure():
    ax = ap.plan_timeline(_dataset(), first_year=2009, last_year=2009)
    assert len(ax.patches) == 3


def test_state_is_the_status_at_s2_or_the_last_known_one():
    state = ap.plan_state(_dataset(), year=2010).set_index("action_id")
    assert state.at["A1", "status"] == "realise"
    assert state.at["A1", "semester"] == "2010S2"
    assert state.at["A1", "since"] == "2010S1"
    assert state.at["A1", "comment"] == "Instance installée"  # given when the status began
    assert state.at["A3", "semester"] == "2010S1"  # last known before 2010S2
    assert state.at["A2", "status"] == "en_cours"  # at 2010S2
    assert pd.isna(state.at["A2", "comment"])  # the "late" comment belongs to an earlier status
    assert state.at["A3", "comment"] == "Faute de porteur"
    assert pd.isna(state.at["A9", "status"])  # only known from 2011
    early = ap.plan_state(_dataset(), year=2009).set_index("action_id")
    assert early.at["A2", "status"] == "en_retard"


def test_alerts_of_a_period():
    alerts = ap.plan_alerts(_dataset(), first_year=2009, last_year=2011)
    assert list(alerts["action_id"]) == ["A2", "A3"]
    assert list(alerts["comment"]) == ["Report après les élections", "Faute de porteur"]


def test_section_lists_state_and_late_actions():
    block = ap.departement(report(_dataset(), year=2010, diffusion="comite", min_cell=5))
    assert len(block.charts.parts) == 1
    assert block.chart().alt.startswith("Chronologie du plan d'actions A1 à A9")
    state = block.table().data.set_index("Action")
    assert state.at["A1", "Statut"] == "Réalisé"
    assert "Faute de porteur" in block.html  # A3 abandoned at the state of 2010
    assert "Report après les élections" not in block.html  # A2 no longer late in 2010
    assert "Non renseigné" in block.html
    assert block.html.index("<img") < block.html.index("<table")  # chart first


def test_bilan_lists_every_late_semester():
    block = ap.bilan(report(_dataset(), first_year=2009, last_year=2011, diffusion="comite", min_cell=5))
    assert "Report après les élections" in block.html
    assert "Faute de porteur" in block.html
    assert block.html.count("<img") == 1


def test_missing_table_and_empty_year_say_so():
    assert ap.departement(report(_dataset(None), year=2010, diffusion="comite", min_cell=5)).html == (
        '<p class="iae-note">Pas de données de suivi du plan d&#x27;actions.</p>'
    )
    assert "pour 2013." in ap.departement(report(_dataset(), year=2013, diffusion="comite", min_cell=5)).html
    assert "<img" not in ap.departement(report(_dataset(), year=2013, diffusion="comite", min_cell=5)).html
    assert (
        "pour 2012-2013."
        in ap.bilan(report(_dataset(), first_year=2012, last_year=2013, diffusion="comite", min_cell=5)).html
    )


def test_no_alert_sentence():
    plan = [dict(action_id="A1", semester="2012S2", status="realise")]
    block = ap.departement(report(_dataset(plan), year=2012, diffusion="comite", min_cell=5))
    assert "Aucune action en retard ni abandonnée fin 2012." in block.html


def test_summary_sentence_counts_the_state():
    html = ap.departement(report(_dataset(), year=2010, diffusion="comite", min_cell=5)).html
    assert html.startswith(
        "<p>État fin 2010 des actions A1 à A9 : 1 « en cours », 1 « réalisé », "
        "1 « abandonné », 6 « non renseigné ».</p>"
    )


def test_bilan_without_alert():
    plan = [
        dict(action_id="A1", semester="2012S1", status="en_cours"),
        dict(action_id="A1", semester="2013S2", status="realise"),
    ]
    html = ap.bilan(
        report(_dataset(plan), first_year=2012, last_year=2013, diffusion="comite", min_cell=5)
    ).html
    assert "Aucune action en retard ni abandonnée de 2012 à 2013." in html
