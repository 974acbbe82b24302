"""Activity supports (action A3): presence per year, people by support, potential supports, sections."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from iae_eval.report import report
from iae_eval.sections import supports
from indicator_factory import make_dataset, pathway, structure

STRUCTURES = [
    structure("S1", ["ACI"], "Gapençais", name="Alpha", activity_supports=["espaces_naturels", "batiment"]),
    structure("S2", ["EI"], "Buëch", name="Beta", activity_supports=["recyclage", "services_personne"]),
    structure("S3", ["ACI"], "Gapençais", name="Gamma", activity_supports=["dechets"]),
    structure(
        "S4", ["ACI"], "Briançonnais", name="Delta", activity_supports=["tourisme_vert"]
    ),  # never active
]
PARTICIPANTS = (
    [pathway(f"P{i}", "S1", "ACI", "2011-06-01") for i in range(1, 7)]  # 6 people from 2011
    + [pathway("Q1", "S2", "EI", "2012-01-01"), pathway("Q2", "S2", "EI", "2012-01-01")]
    + [pathway("P1", "S2", "EI", "2012-03-01")]  # P1 also in S2: 3 people in S2's supports
    + [pathway(f"R{i}", "S3", "ACI", "2013-01-01") for i in range(5)]  # S3 from 2013
)


def _dataset(structures=STRUCTURES):
    return make_dataset(structures=structures, participants=PARTICIPANTS)


def test_supports_by_year_counts_active_structures():
    by_year = supports.supports_by_year(_dataset(), first_year=2011, last_year=2013)
    assert list(by_year.index) == [
        "espaces_naturels",
        "recyclage",
        "services_personne",
        "batiment",
        "dechets",
    ]
    assert list(by_year.columns) == [2011, 2012, 2013]
    assert by_year.loc["recyclage"].tolist() == [0, 1, 1]
    assert by_year.loc["dechets"].tolist() == [0, 0, 1]
    assert "tourisme_vert" not in by_year.index  # Delta has no active pathway


def test_people_by_support_counts_people_under_each_support():
    people = supports.people_by_support(_dataset(), 2012)
    assert list(people.index) == ["espaces_naturels", "recyclage", "services_personne", "batiment"]
    assert people["people"].tolist() == [6, 3, 3, 6]
    assert people["structures"].tolist() == [1, 1, 1, 1]


def test_potential_supports():
    potential = supports.potential_supports(_dataset(), 2012)
    assert list(potential.index) == [
        "batiment",
        "eco_construction",
        "hotellerie_restauration",
        "dechets",
        "gestion_sites",
        "services_personne",
        "tourisme_vert",
    ]
    assert potential.index[potential["present"]].tolist() == ["batiment", "services_personne"]
    assert supports.potential_supports(_dataset(), 2013).at["dechets", "present"]


def test_support_label_marks_a3():
    assert supports.support_label("batiment") == "Bâtiment (A3)"
    assert supports.support_label("recyclage") == "Récupération et recyclage"


def test_people_chart_bars_labels_and_legend():
    values = pd.Series({"espaces_naturels": 6.0, "recyclage": np.nan, "batiment": 7.0})
    fig, ax = plt.subplots()
    out = supports.people_chart(values, ax=ax)
    assert out is ax
    assert len(ax.patches) == 2  # the masked count draws no bar
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Entretien des espaces naturels",
        "Récupération et recyclage",
        "Bâtiment (A3)",
    ]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Support visé par l'action A3",
        "Autre support",
    ]
    assert ax.get_xlabel() == "Personnes en parcours"
    assert ax.xaxis.get_major_formatter()(1500, 0) == "1\u202f500"


def test_presence_chart_grid():
    by_year = supports.supports_by_year(_dataset(), first_year=2011, last_year=2013)
    fig, ax = plt.subplots()
    out = supports.presence_chart(by_year, ax=ax)
    assert out is ax
    assert ax.collections[0].get_array().shape == (5, 3)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2011", "2012", "2013"]
    assert len(ax.texts) == 11  # one annotation per present (support, year)


def test_section_suppresses_small_counts_and_lists_missing_supports():
    html = supports.departement(report(_dataset(), year=2012, min_cell=5, diffusion="public")).html
    assert html.count("<img") == 1
    assert (
        "En 2012, 2 des 7 supports visés par l&#x27;action A3 sont présents ; encore absents : "
        "éco-construction, hôtellerie-restauration, déchets, gestion de sites, tourisme vert." in html
    )
    assert "<td>&lt; 5</td>" in html  # 3 people in recyclage
    assert "<td>6</td>" in html
    assert "2 supports dont l&#x27;effectif est inférieur à 5" in html
    assert "compte ses personnes sous chacun" in html
    assert "absent" in html


def test_section_bilan():
    html = supports.bilan(
        report(_dataset(), first_year=2011, last_year=2013, min_cell=5, diffusion="public")
    ).html
    assert html.count("<img") == 2  # presence grid, people by support in 2013
    assert "2 supports présents en 2011, 5 en 2013" in html
    assert "nouveaux : Récupération et recyclage, Services à la personne (A3), Déchets (A3)" in html
    assert "Structures 2011" in html and "Structures 2013" in html


def test_empty_year_and_missing_supports_say_so():
    assert supports.departement(report(_dataset(), year=2010, min_cell=5, diffusion="public")).html == (
        '<p class="iae-note">Aucune structure active en 2010.</p>'
    )
    bare = [{**s, "activity_supports": ()} for s in STRUCTURES]
    assert supports.departement(report(_dataset(bare), year=2012, min_cell=5, diffusion="public")).html == (
        '<p class="iae-note">Pas de supports d&#x27;activité renseignés pour les structures actives en 2012.</p>'
    )
    assert (
        "en 2008-2010."
        in supports.bilan(
            report(_dataset(), first_year=2008, last_year=2010, min_cell=5, diffusion="public")
        ).html
    )
